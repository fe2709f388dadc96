//! The rule engine's rules: the catalog, the lexical predicates and the content checks.

pub mod catalog;
pub mod fields;
pub mod lexical;
