#![no_main]
//! Fuzz target `capture_folder`: the oracle of the same name in trace-oracles (what it checks is
//! documented there).
libfuzzer_sys::fuzz_target!(|data: &[u8]| trace_oracles::run("capture_folder", data));
