#![no_main]
//! Fuzz target `report_rendering`: the oracle of the same name in trace-oracles (what it checks is
//! documented there).
libfuzzer_sys::fuzz_target!(|data: &[u8]| trace_oracles::run("report_rendering", data));
