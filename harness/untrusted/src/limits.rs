//! The documented bounds (SECURITY.md repeats them). Each is large enough for every real
//! input the suite has seen by orders of magnitude, and small enough that a hostile input
//! cannot exhaust memory or time.

/// The largest single file read from a capture folder (a quote, a certificate chain, a
/// token). Real captures are under 100 KiB.
pub const CAPTURE_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// The most bytes read from one capture folder in total.
pub const CAPTURE_TOTAL_BYTES: u64 = 64 * 1024 * 1024;
/// The largest vector file or regression candidate. The largest committed file is under
/// 2 MiB.
pub const VECTOR_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// The most bytes of vector files one run reads.
pub const VECTOR_SET_BYTES: u64 = 512 * 1024 * 1024;
/// The largest manifest or profile (TOML) read.
pub const MANIFEST_BYTES: u64 = 1024 * 1024;
/// How deep a directory walk goes below its root.
pub const WALK_DEPTH: usize = 32;
/// How many directory entries one walk looks at.
pub const WALK_ENTRIES: usize = 1_000_000;
/// The longest relative name accepted (bytes), and the longest component.
pub const NAME_BYTES: usize = 1024;
pub const COMPONENT_BYTES: usize = 255;
