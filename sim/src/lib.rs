//! lsmcheck harness library.
