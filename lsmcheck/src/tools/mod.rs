//! Command-line tools over a database directory.

pub mod db;
pub mod manifest;
