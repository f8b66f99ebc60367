//! The write-ahead log and the record format it shares with the MANIFEST.
//!
//! A log is a sequence of records `crc32c(len ++ payload): u32 | len: u32 | payload`, all
//! little-endian. Recovery reads records in order; a record cut off by the end of the file is an
//! unfinished, unsynced write and ends the log, and so does a tail of zeros (a torn write); a
//! checksum mismatch followed by non-zero bytes is corruption: the caller decides whether it
//! stops recovery with an error naming the file and offset, or drops the rest and reports it.
//!
//! Known limit: the length field is checked only by the record's checksum, which cannot be
//! read when the length itself is damaged so that the record seems to run past the end of the
//! file; such a record is taken for a torn tail (dropped and reported in the recovery report,
//! not refused). LevelDB's 32 KiB blocks bound that case; our format has no blocks.

mod batch;
mod log;

pub use batch::WriteBatch;
pub(crate) use log::{read_log, LogContents, LogWriter, Tail};
