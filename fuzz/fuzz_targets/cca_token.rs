#![no_main]
//! Fuzz target `cca_token`: the oracle of the same name in trace-oracles (what it checks is
//! documented there).
libfuzzer_sys::fuzz_target!(|data: &[u8]| trace_oracles::run("cca_token", data));
