//! The dashboard's throughput table: one `trace-conform bench` run's figures for every
//! implementation it measured, beside the bare-signature ceiling of the same run.
//!
//! Owns: reading a bench document (`trace-conform bench --output json`, schema
//! `trace-conform/bench.v1`, or the `benchmarks.json` of `tools/bench-report.sh`, whose
//! `bench_corpus` member is one) and rendering the table. Does not measure anything
//! (`trace-conform bench` does) nor read files (`trace-conform dashboard` does). A bench
//! document may come from elsewhere: every number is checked, every text escaped.

use serde_json::Value;
use std::fmt::Write as _;
use trace_untrusted::escape::html as esc;

/// The `schema` member of a `trace-conform bench --output json` document.
pub const BENCH_SCHEMA: &str = "trace-conform/bench.v1";

/// The most implementations shown: a document from elsewhere could list millions.
pub const MAX_ROWS: usize = 64;

/// One bench run, as far as the table shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchRun {
    /// `corpus` or `vectors`.
    pub workload: String,
    pub timed: u64,
    pub threads: u64,
    /// Records per second if every timed input cost only its bare signature check, on
    /// every core: the figure each implementation is set against.
    pub ceiling_per_second: f64,
    /// When the measurement was taken, where the document says so.
    pub date: Option<String>,
    pub rows: Vec<Speed>,
}

/// One implementation's figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Speed {
    /// Its name and version as its `hello` gave them (what `Run::title` shows).
    pub implementation: String,
    pub role: String,
    pub correct: u64,
    pub incorrect: u64,
    /// None when it answered no input as expected, so was not timed.
    pub timed: Option<Timed>,
    pub cold_start_p50_us: f64,
    pub peak_memory_kb: Option<u64>,
}

/// The throughput of an implementation that was timed.
#[derive(Clone, Debug, PartialEq)]
pub struct Timed {
    pub per_second: f64,
    /// Records per second with requests in flight, and how many, when the adapter claims
    /// `pipeline`.
    pub pipelined: Option<(f64, u64)>,
    pub latency_p50_us: f64,
    pub latency_p99_us: f64,
}

impl Speed {
    /// The faster of its two throughputs (0 when not timed).
    fn best(&self) -> f64 {
        self.timed
            .as_ref()
            .map_or(0.0, |t| t.pipelined.map_or(t.per_second, |(p, _)| p.max(t.per_second)))
    }
}

/// A bench document, or a document whose `bench_corpus` member is one.
pub fn parse(doc: &Value) -> Result<BenchRun, crate::Error> {
    let (bench, date) = if doc["schema"] == BENCH_SCHEMA {
        (doc, None)
    } else if doc["bench_corpus"]["schema"] == BENCH_SCHEMA {
        (&doc["bench_corpus"], doc["date"].as_str().map(str::to_string))
    } else {
        return Err(crate::Error::Invalid(format!(
            "neither a {BENCH_SCHEMA} document nor one whose bench_corpus is"
        )));
    };
    read(bench, date).map_err(crate::Error::Invalid)
}

/// A finite, non-negative number at `v`.
fn number(v: &Value, what: &str) -> Result<f64, String> {
    v.as_f64()
        .filter(|x| x.is_finite() && *x >= 0.0)
        .ok_or(format!("{what} is not a non-negative number"))
}

fn count(v: &Value, what: &str) -> Result<u64, String> {
    v.as_u64().ok_or(format!("{what} is not a count"))
}

fn timed(t: &Value, piped: &Value) -> Result<Timed, String> {
    Ok(Timed {
        per_second: number(&t["per_second"], "throughput.per_second")?,
        pipelined: match piped.is_null() {
            true => None,
            false => Some((
                number(&piped["per_second"], "throughput_pipelined.per_second")?,
                count(&piped["in_flight"], "throughput_pipelined.in_flight")?,
            )),
        },
        latency_p50_us: number(&t["latency"]["p50_us"], "latency p50")?,
        latency_p99_us: number(&t["latency"]["p99_us"], "latency p99")?,
    })
}

fn read(bench: &Value, date: Option<String>) -> Result<BenchRun, String> {
    let mut rows = Vec::new();
    for m in bench["implementations"]
        .as_array()
        .ok_or("implementations is missing")?
        .iter()
        .take(MAX_ROWS)
    {
        rows.push(Speed {
            implementation: m["implementation"]
                .as_str()
                .ok_or("an implementation's name is missing")?
                .to_string(),
            role: m["role"].as_str().unwrap_or_default().to_string(),
            correct: count(&m["correct"], "correct")?,
            incorrect: count(&m["incorrect"], "incorrect")?,
            timed: match m["throughput"].is_null() {
                true => None,
                false => Some(timed(&m["throughput"], &m["throughput_pipelined"])?),
            },
            cold_start_p50_us: number(&m["cold_start"]["p50_us"], "cold start p50")?,
            peak_memory_kb: m["peak_memory_kb"].as_u64(),
        });
    }
    Ok(BenchRun {
        workload: bench["workload"]["kind"]
            .as_str()
            .ok_or("workload.kind is missing")?
            .to_string(),
        timed: count(&bench["workload"]["timed"], "workload.timed")?,
        threads: count(&bench["machine"]["threads"], "machine.threads")?,
        ceiling_per_second: number(&bench["ceiling"]["per_second"], "ceiling.per_second")?,
        date,
        rows,
    })
}

/// A throughput and how many times the ceiling's cost per record it is ("x3.0").
fn rate(ceiling: f64, per_second: f64) -> String {
    if per_second > 0.0 {
        format!(
            "{per_second:.0}/s <small>x{:.1} of the ceiling</small>",
            ceiling / per_second
        )
    } else {
        "0/s <small>nothing answered in time</small>".into()
    }
}

/// The table, fastest first, then a row for each published implementation (by `titles`)
/// the bench run did not measure.
pub fn table(bench: &BenchRun, titles: &[String]) -> String {
    let mut h = format!(
        "<h2>Throughput</h2><p>One <code>trace-conform bench</code> run over {} timed {} inputs \
         (those every implementation timed answered as expected), every implementation measured side by side \
         through the adapter protocol on {} threads{}. The ceiling, {:.0} records/s, is the bare signature \
         check of the same inputs on every core; \"x3.0 of the ceiling\" means a record costs three times it.</p>\n\
         <div class=\"scroll\"><table id=\"throughput\"><tr><th>implementation</th><th>answered as expected</th>\
         <th>one request at a time</th><th>requests in flight</th><th>latency p50 / p99</th><th>cold start p50</th>\
         <th>peak memory</th></tr>\n",
        bench.timed,
        esc(&bench.workload),
        bench.threads,
        bench
            .date
            .as_deref()
            .map(|d| format!(", {}", esc(d)))
            .unwrap_or_default(),
        bench.ceiling_per_second
    );
    let mut rows: Vec<&Speed> = bench.rows.iter().collect();
    rows.sort_by(|a, b| b.best().total_cmp(&a.best()));
    for s in rows {
        let _ = write!(
            h,
            "<tr><th>{}{}</th><td>{} of {}</td>",
            esc(&s.implementation),
            if s.role == "reference" {
                " <small>reference</small>"
            } else {
                ""
            },
            s.correct,
            s.correct.saturating_add(s.incorrect),
        );
        let c = bench.ceiling_per_second;
        match &s.timed {
            Some(t) => {
                let _ = write!(
                    h,
                    "<td>{}</td><td>{}</td><td>{:.0} / {:.0} µs</td>",
                    rate(c, t.per_second),
                    match t.pipelined {
                        Some((p, n)) => format!("{} <small>{n} in flight</small>", rate(c, p)),
                        None => "not claimed".into(),
                    },
                    t.latency_p50_us,
                    t.latency_p99_us
                );
            }
            None => h.push_str("<td colspan=\"3\">not timed: it answered none of the inputs as expected</td>"),
        }
        let _ = writeln!(
            h,
            "<td>{:.1} ms</td><td>{}</td></tr>",
            s.cold_start_p50_us / 1e3,
            s.peak_memory_kb
                .map(|kb| format!("{:.1} MB", kb as f64 / 1e3))
                .unwrap_or_else(|| "not measured".into()),
        );
    }
    for t in titles {
        if !bench.rows.iter().any(|s| &s.implementation == t) {
            let _ = writeln!(
                h,
                "<tr><th>{}</th><td colspan=\"6\">not measured in this bench run</td></tr>",
                esc(t)
            );
        }
    }
    h.push_str("</table></div>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn measured(name: &str, per_second: f64, pipelined: Option<f64>) -> Value {
        if per_second.is_nan() {
            return json!({"role": "adapter", "implementation": name, "correct": 0, "incorrect": 10,
                "cold_start": {"p50_us": 9000.0}, "throughput": null, "throughput_pipelined": null,
                "peak_memory_kb": null});
        }
        json!({
            "role": if name.starts_with("trace-record") { "reference" } else { "adapter" },
            "implementation": name, "correct": 9, "incorrect": 1,
            "cold_start": {"p50_us": 2500.0},
            "throughput": {"per_second": per_second, "in_flight": 1, "latency": {"p50_us": 150.0, "p99_us": 275.0}},
            "throughput_pipelined": pipelined.map(|p| json!({"per_second": p, "in_flight": 16})),
            "peak_memory_kb": 11980,
        })
    }

    fn bench(implementations: Vec<Value>) -> Value {
        json!({
            "schema": BENCH_SCHEMA, "workload": {"kind": "corpus", "inputs": 10, "timed": 9},
            "machine": {"threads": 2}, "ceiling": {"per_second": 36000.0},
            "implementations": implementations,
        })
    }

    #[test]
    fn every_implementation_is_set_against_the_ceiling_fastest_first() {
        let doc = bench(vec![
            measured("agentrust-trace 0.11.0", 1200.0, Some(1600.0)),
            measured("trace-record 0.1.0", 6000.0, Some(12000.0)),
            measured("slow 1.0", 900.0, None),
            measured("other-format 1.0", f64::NAN, None),
        ]);
        let run = parse(&doc).unwrap();
        let titles = ["trace-record 0.1.0", "agentrust-trace 0.11.0", "unmeasured 2.0"].map(String::from);
        let h = table(&run, &titles);
        let at = |s: &str| h.find(s).unwrap_or_else(|| panic!("{s} in {h}"));
        assert!(
            at("<th>trace-record 0.1.0") < at("<th>agentrust-trace 0.11.0")
                && at("<th>agentrust-trace") < at("<th>slow 1.0")
        );
        // 36,000 / 12,000 = x3.0; 36,000 / 900 = x40.0.
        assert!(
            h.contains("12000/s <small>x3.0 of the ceiling</small> <small>16 in flight</small>"),
            "{h}"
        );
        assert!(
            h.contains("900/s <small>x40.0 of the ceiling</small></td><td>not claimed</td>"),
            "{h}"
        );
        assert!(h.contains("<td>9 of 10</td>") && h.contains("<td>150 / 275 µs</td><td>2.5 ms</td><td>12.0 MB</td>"));
        assert!(
            at("<th>slow 1.0") < at("<th>other-format 1.0")
                && h.contains("<td>0 of 10</td><td colspan=\"3\">not timed: it answered none of the inputs as expected</td><td>9.0 ms</td><td>not measured</td>"),
            "{h}"
        );
        assert!(h.contains("<tr><th>unmeasured 2.0</th><td colspan=\"6\">not measured in this bench run</td></tr>"));
        assert_eq!(
            h.matches("not measured in this bench run").count(),
            1,
            "measured ones have rows"
        );
    }

    #[test]
    fn the_bench_report_file_is_read_through_its_corpus_member() {
        let doc = json!({"date": "2026-12-07 19:52 UTC", "bench_corpus": bench(vec![measured("a 1", 10.0, None)])});
        let run = parse(&doc).unwrap();
        assert_eq!(run.date.as_deref(), Some("2026-12-07 19:52 UTC"));
        assert!(table(&run, &[]).contains("on 2 threads, 2026-12-07 19:52 UTC."));
    }

    #[test]
    fn a_document_from_elsewhere_is_checked_and_escaped() {
        let invalid = |doc: &Value, says: &str| matches!(parse(doc), Err(crate::Error::Invalid(m)) if m.contains(says));
        assert!(invalid(&json!({"schema": "other"}), "neither a trace-conform/bench.v1"));
        let mut doc = bench(vec![measured("a 1", 10.0, None)]);
        doc["implementations"][0]["throughput"]["per_second"] = json!(-1.0);
        assert!(invalid(&doc, "throughput.per_second is not a non-negative number"));
        doc["implementations"][0]["throughput"]["per_second"] = json!("fast");
        assert!(invalid(&doc, "throughput.per_second"));
        doc["implementations"][0] = measured("a 1", 0.0, None);
        let zero = parse(&doc).unwrap();
        assert!(table(&zero, &[]).contains("<td>0/s <small>nothing answered in time</small>"));
        let many: Vec<Value> = (0..1000)
            .map(|i| measured(&format!("<script>{i}</script>"), 1.0, None))
            .collect();
        let run = parse(&bench(many)).unwrap();
        assert_eq!(run.rows.len(), MAX_ROWS);
        let h = table(&run, &["<img src=x>".to_string()]);
        assert!(!h.contains("<script>") && !h.contains("<img") && h.contains("&lt;script&gt;0&lt;/script&gt;"));
    }
}
