//! Class 3: what adapters and vector files say reaches reports and terminals as text.

use super::*;
use std::time::Duration;

#[test]
fn adapter_and_vector_text_comes_out_as_text_in_every_report() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let hostile = "<script>alert(1)</script>\n| pass | 999 |\u{1b}[2J\u{202e}";
    // The vector file carries markup too: in a rule name, the description and the comment.
    let vectors = vector_dir(root, 3, |f| {
        let t = &mut f["groups"][0]["tests"][0];
        t["description"] = hostile.into();
        t["comment"] = hostile.into();
        t["expected"]["controls"] = serde_json::json!([hostile]);
    });
    let out = root.join("out");
    // A profile written for another implementation, named with control sequences too: the
    // run says whose profile it is, on the terminal and in the reports, as text.
    let profile = root.join("profile.toml");
    std::fs::write(
        &profile,
        "[implementation]\nname = \"other\\u001b[2J\\u202e\"\nversion = \"9\\u0007\"\n",
    )
    .unwrap();
    let (o, _) = conform_within(
        &[
            "run",
            "--adapter",
            &faux("hostile-text", 1),
            "--vectors",
            vectors.to_str().unwrap(),
            "--profile",
            profile.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        root,
        Duration::from_secs(120),
    );
    let console = text(&o.stdout) + &text(&o.stderr);
    assert!(
        !console.contains('\u{1b}') && !console.contains('\u{7}') && !console.contains('\u{202e}'),
        "a control sequence reached the terminal: {console:?}"
    );
    assert!(console.contains("faux-hostile-text"), "{console}");
    assert!(console.contains("the profile was written for other"), "{console}");

    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    // The page's own script is its only one: the adapter's `<script>` is text.
    assert_eq!(
        html.to_lowercase().matches("<script").count(),
        1,
        "live markup in index.html"
    );
    assert!(html.contains("<script>(function(){"), "the template's script");
    assert!(html.contains("&lt;script&gt;"), "the hostile text is shown, escaped");

    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    let title = md.lines().next().unwrap();
    assert!(title.starts_with("# trace-conform: faux-hostile-text"), "{title}");
    assert!(!md.contains("| pass | 999 |"), "the adapter forged a table row:\n{md}");
    assert!(!md.contains("<script>"), "raw HTML in summary.md:\n{md}");
    assert!(!md.contains('\u{1b}'));

    let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    assert!(!junit.contains("<script>") && !junit.contains('\u{1b}'));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).expect("summary.json parses");
    assert!(
        summary["implementation"]["name"].as_str().unwrap().contains("<script>"),
        "JSON keeps the text as data"
    );

    // Every replay line is shell words that give back the adapter command and the id.
    let mut cases = 0;
    for (path, _) in files_under(&out.join("cases")) {
        let case: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let replay = case["replay"].as_str().unwrap();
        let words = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "printf '%s\\n' {}",
                replay.trim_start_matches("trace-conform ")
            ))
            .output()
            .unwrap();
        let words = text(&words.stdout);
        let words: Vec<&str> = words.lines().collect();
        assert_eq!(words[0], "run");
        assert_eq!(words[words.len() - 1], case["id"].as_str().unwrap(), "{replay}");
        cases += 1;
    }
    assert!(cases >= 3, "every vector failed, so each has a case file");
}
