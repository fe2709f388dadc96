//! Pipelining through fauxplementations that claim `pipeline`: answers matched by id in any
//! order, the deadline counted from the previous answer, and trouble charged as documented
//! (RUNNER.md, section 8).

use crate::outcome::Outcome::{self, *};
use crate::run::tests::{faux_options, named};
use crate::run::{RunResult, Work, run};
use std::time::Duration;
use trace_vector_format::format::Outcome::{Invalid, Valid};

fn outcomes(r: &RunResult) -> Vec<(&str, Outcome)> {
    r.cases.iter().map(|c| (c.id.as_str(), c.outcome)).collect()
}

/// The largest batch `reorder` mode says it answered (in any case's stderr).
fn largest_batch(r: &RunResult) -> usize {
    r.cases
        .iter()
        .flat_map(|c| c.stderr.lines())
        .filter_map(|l| l.strip_prefix("faux: answering a batch of "))
        .filter_map(|n| n.trim().parse().ok())
        .max()
        .unwrap_or(0)
}

#[test]
fn answers_that_come_out_of_order_are_matched_to_their_requests_by_id() {
    // reorder answers every request that is waiting, last first, and rejects the cases whose
    // id says invalid: a runner that matched answers by position would score them crosswise.
    let work: Vec<Work> = (0..12)
        .map(|i| match i % 3 {
            0 => named(&format!("valid-{i}"), Valid, |_| {}),
            _ => named(&format!("invalid-{i}"), Invalid, |_| {}),
        })
        .collect();
    let r = run(work, &faux_options("reorder@3", "", 1, 0));
    assert!(r.cases.iter().all(|c| c.outcome == Pass), "{:?}", outcomes(&r));
    let batch = largest_batch(&r);
    assert!(
        (2..=3).contains(&batch),
        "requests were not kept in flight up to the claim: {batch}"
    );
    // The same adapter without pipelining gets one request at a time.
    let mut one = faux_options("reorder@3", "", 1, 0);
    one.pipeline = 1;
    let work: Vec<Work> = (0..4).map(|i| named(&format!("valid-{i}"), Valid, |_| {})).collect();
    let r = run(work, &one);
    assert_eq!(largest_batch(&r), 1, "{:?}", outcomes(&r));
}

#[test]
fn a_slow_adapter_is_timed_from_its_previous_answer_not_from_when_its_request_was_sent() {
    // Each verify takes 0.4 s and the budget is 0.2 s plus the 0.5 s grace: the fourth
    // request waits 1.2 s behind the others, and is still on time.
    let mut opts = faux_options("slow@4", "", 1, 0);
    opts.deadline = Duration::from_millis(200);
    let work: Vec<Work> = (0..6).map(|i| named(&format!("v{i}"), Valid, |_| {})).collect();
    let r = run(work, &opts);
    assert!(r.cases.iter().all(|c| c.outcome == Pass), "{:?}", outcomes(&r));
    assert!(
        r.cases.iter().all(|c| (300..700).contains(&c.duration_ms)),
        "durations count the adapter's time on each request: {:?}",
        r.cases.iter().map(|c| c.duration_ms).collect::<Vec<_>>()
    );
}

#[test]
fn a_crash_is_charged_to_every_request_in_flight() {
    // crash-nth 2: the second request after each start ends the adapter. Four are in flight
    // then (the answer to the first freed a place for a fifth), so all four are charged; the
    // sixth goes alone to the restarted adapter, its first request.
    let work: Vec<Work> = (0..6).map(|i| named(&format!("v{i}"), Valid, |_| {})).collect();
    let r = run(work, &faux_options("crash-nth@4", "", 1, 1));
    assert_eq!(
        r.cases.iter().map(|c| c.outcome).collect::<Vec<_>>(),
        [Pass, Crash, Crash, Crash, Crash, Pass]
    );
    for c in &r.cases[1..5] {
        // (With "writing the request failed" beside the status when a later write found
        // the pipe closed.)
        assert!(
            c.detail.starts_with("adapter exited with status 3")
                && c.detail.contains("; 3 other request(s) were in flight"),
            "{}",
            c.detail
        );
    }
    assert_eq!((r.restarts, r.complete), (1, true));
}

#[test]
fn a_timeout_is_charged_to_the_oldest_request_and_the_others_are_sent_again() {
    // hang-marked never answers a case whose id says hang; the two requests queued behind
    // it go to the restarted adapter and pass there.
    let mut opts = faux_options("hang-marked@4", "", 1, 1);
    opts.deadline = Duration::from_millis(100);
    let ids = ["a", "b-hang", "c", "d"];
    let work: Vec<Work> = ids.iter().map(|id| named(id, Valid, |_| {})).collect();
    let r = run(work, &opts);
    assert_eq!(
        outcomes(&r),
        [("a", Pass), ("b-hang", Timeout), ("c", Pass), ("d", Pass)]
    );
    assert_eq!(r.restarts, 1);
    // Their requests were sent twice: the record holds the second, to the new process.
    let first_id = |i: usize| {
        let request: serde_json::Value = serde_json::from_str(r.cases[i].request.as_deref().unwrap()).unwrap();
        request["id"]
            .as_str()
            .unwrap()
            .trim_start_matches("r-")
            .parse::<u64>()
            .unwrap()
    };
    assert!(first_id(2) > first_id(1) + 2, "c was sent again after b timed out");
}

#[test]
fn answers_written_before_the_adapter_stopped_reading_still_count() {
    // close-after-two answers two requests after closing its stdin, so the runner's write
    // of the next request fails before the second answer is read: that answer still counts,
    // and only the requests it never answered are charged.
    // Which of v3 to v5 were handed over before the runner saw the crash depends on timing:
    // those in flight or refused by the closed pipe are charged with it, the rest go to the
    // restarted adapter and pass. None is lost or charged twice.
    let work: Vec<Work> = (0..6).map(|i| named(&format!("v{i}"), Valid, |_| {})).collect();
    let r = run(work, &faux_options("close-after-two@4", "", 1, 1));
    let got = outcomes(&r);
    assert_eq!(
        got[..4],
        [("v0", Pass), ("v1", Pass), ("v2", Crash), ("v3", Crash)],
        "{got:?}"
    );
    assert!(got[4..].iter().all(|(_, o)| matches!(o, Crash | Pass)), "{got:?}");
    assert!(
        r.cases[2].detail.contains("exited with status 3"),
        "{}",
        r.cases[2].detail
    );
}
