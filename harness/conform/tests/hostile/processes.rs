//! Class 5: oversized answers stay out of memory and reports; processes adapters start end
//! with the run.

use super::*;
use std::time::Duration;

/// Processes whose command line is `sleep <marker>`.
fn sleepers(marker: u64) -> Vec<u32> {
    let want = format!("sleep\0{marker}\0");
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c == want.as_bytes()))
        .collect()
}

#[test]
fn oversized_answers_are_protocol_violations_with_their_size_and_reports_stay_small() {
    let tmp = tempfile::tempdir().unwrap();
    let vectors = vector_dir(tmp.path(), 4, |_| {});
    let out = tmp.path().join("out");
    // 16 MiB per answer.
    let (o, _) = conform_within(
        &[
            "run",
            "--adapter",
            &faux("huge-answer", 16),
            "--vectors",
            vectors.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
        Duration::from_secs(180),
    );
    let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap())
        .unwrap_or_else(|_| panic!("no report: {}", text(&o.stderr)));
    assert_eq!(summary["counts"]["protocol_violation"], 4, "{summary:#}");
    let detail = summary["results"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("an answer of 16777") && detail.contains("over the limit of 1048576"),
        "{detail}"
    );
    let total: u64 = files_under(&out).iter().map(|(_, n)| n).sum();
    assert!(
        total < 1024 * 1024,
        "reports of {total} bytes for four oversized answers"
    );
}

#[test]
fn children_that_leave_the_process_group_end_with_the_adapter() {
    let tmp = tempfile::tempdir().unwrap();
    let vectors = vector_dir(tmp.path(), 2, |_| {});
    for (mode, marker) in [("orphan", 987_651u64), ("exit-holding-stdout", 987_652)] {
        let out = tmp.path().join(mode);
        let (o, elapsed) = conform_within(
            &[
                "run",
                "--adapter",
                &faux(mode, marker),
                "--vectors",
                vectors.to_str().unwrap(),
                "--deadline-ms",
                "20000",
                "--out",
                out.to_str().unwrap(),
            ],
            tmp.path(),
            Duration::from_secs(120),
        );
        let summary: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap())
            .unwrap_or_else(|_| panic!("no report: {}", text(&o.stderr)));
        // Seen as a crash when the adapter exits, not a timeout at the deadline.
        assert_eq!(summary["counts"]["crash"], 2, "{mode}: {summary:#}");
        assert!(elapsed < Duration::from_secs(20), "{mode}: {elapsed:?}");
        assert_eq!(sleepers(marker), Vec::<u32>::new(), "{mode}: a child outlived the run");
    }
}
