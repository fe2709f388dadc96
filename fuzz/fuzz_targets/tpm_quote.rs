#![no_main]
//! Fuzz target `tpm_quote`: the oracle of the same name in trace-oracles (what it checks is
//! documented there).
libfuzzer_sys::fuzz_target!(|data: &[u8]| trace_oracles::run("tpm_quote", data));
