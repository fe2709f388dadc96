//! Typed command-line values that several commands share, so that one word means one thing
//! everywhere and a wrong value is refused while the arguments are parsed.
//!
//! Owns: the value sets and their words. Does not own what a command does with them.

use clap::ValueEnum;

/// A Trust Record's envelope form: `embedded` (JSON with its signature inside), `jws` or
/// `cose`. The same three words in `run --format`, `verify --format` and `sign --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// JSON with the signature embedded (accepted as `json` too).
    #[value(alias = "json")]
    Embedded,
    /// A JWS compact serialization.
    Jws,
    /// A COSE_Sign1 message.
    Cose,
}

impl Format {
    /// The word the vectors use (`Context.format`).
    pub fn word(self) -> &'static str {
        match self {
            Format::Embedded => "embedded",
            Format::Jws => "jws",
            Format::Cose => "cose",
        }
    }
}

/// The platforms vectors name (`runtime.platform`).
pub const PLATFORMS: [&str; trace_record::Platform::ALL.len()] = trace_record::platform::NAMES;

/// A trust level, 0 to 2.
pub fn level() -> clap::builder::RangedI64ValueParser<u8> {
    clap::value_parser!(u8).range(0..=2)
}

/// Requests in flight to one adapter process: 1 to the runner's most
/// (`trace_runner::adapter::MAX_PIPELINE`).
pub fn pipeline_depth(text: &str) -> Result<usize, String> {
    let most = trace_runner::adapter::MAX_PIPELINE;
    match text.parse::<usize>() {
        Ok(n) if (1..=most).contains(&n) => Ok(n),
        _ => Err(format!("{text} is not a number of requests from 1 to {most}")),
    }
}

/// A count of one or more.
pub fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("{text} is not a count of 1 or more")),
    }
}
