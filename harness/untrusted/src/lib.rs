//! Everything the suite does with input it did not write goes through this crate: vector
//! folders from elsewhere, regression candidates, vendors' capture folders, records named on
//! the command line, and the text adapters print.
//!
//! Owns: the limits (`limits`), names that cannot leave their folder (`name`), reads that
//! stay inside a root and refuse non-regular or oversized files (`read`), directory walks
//! that remember what they visited (`walk`), a glob matcher without exponential cases
//! (`glob`), writes that do not follow planted links (`write`), and one escaping function
//! per output language (`escape`). Does not own what the bytes mean: parsers and renderers
//! call in here and decide the rest. SECURITY.md at the repository root states the promises
//! these functions keep.
#![forbid(unsafe_code)]

pub mod escape;
pub mod glob;
pub mod limits;
pub mod name;
pub mod read;
pub mod walk;
pub mod write;

pub use read::{Folder, Refusal};
