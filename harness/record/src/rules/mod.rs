//! The rule engine's rules: the catalog, the error-class contract, the lexical predicates
//! and the content checks.

pub mod catalog;
pub mod classes;
pub mod fields;
pub mod lexical;
