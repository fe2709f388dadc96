//! Why the runner could not do what it was asked, by kind: a caller acts on the kind (the
//! CLI turns it into its exit status) and shows the message.
//!
//! Owns: the error type of the runner's public fallible functions. Does not own what an
//! adapter did wrong on one vector: that is the vector's outcome (`outcome.rs`), never an
//! error of the run.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The implementation under test could not be started or driven: an empty or
    /// unstartable command, a refused or garbled handshake, a timed exchange that broke.
    Adapter(String),
    /// Something the caller gave is not what it must be: a known-failure profile, a shard,
    /// a run summary, a vector no request can be built from.
    Invalid(String),
    /// A file or folder could not be read or written.
    Io(String),
}

impl Error {
    /// The message, without the kind.
    pub fn message(&self) -> &str {
        match self {
            Error::Adapter(m) | Error::Invalid(m) | Error::Io(m) => m,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}

/// For callers that only pass the message on.
impl From<Error> for String {
    fn from(e: Error) -> String {
        match e {
            Error::Adapter(m) | Error::Invalid(m) | Error::Io(m) => m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_is_shown_without_its_kind() {
        for e in [
            Error::Adapter("a".into()),
            Error::Invalid("a".into()),
            Error::Io("a".into()),
        ] {
            assert_eq!(e.to_string(), "a");
            assert_eq!(String::from(e), "a");
        }
    }
}
