//! Every outcome the docs promise, run: each chapter's expectations (its exercises in
//! `--help` and what the README says it prints, kept in the chapter's spec in
//! `src/workbook/specs/` and printed by `--expectations`) are run command by command, and
//! every Results value is checked against its expectation. Minutes of work, so it is ignored by a plain `cargo test`; CI runs it:
//!
//! ```text
//! cargo test --test exercises -- --ignored --nocapture
//! ```
//!
//! Two chapters run at a time (one per core). Commands that read `DATA/…` (`../shared/data` here) are skipped
//! with a message when that folder is absent. `--nocapture` shows each command's time.

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

use autoencoders::workbook::catalog::CHAPTERS;
use autoencoders::workbook::cli::Expectation;

/// target/<profile>/<name>, beside this test's own binary in target/<profile>/deps/.
fn exe(name: &str) -> PathBuf {
    let me = std::env::current_exe().unwrap();
    me.parent().unwrap().parent().unwrap().join(name)
}

/// A chapter's expectations, read from its `--expectations`.
fn expectations(chapter: &str) -> Vec<Expectation> {
    let o = Command::new(exe(chapter)).arg("--expectations").output().unwrap();
    assert_ok(&o);
    stdout(&o)
        .lines()
        .map(|l| Expectation::parse(l).unwrap_or_else(|| panic!("{chapter}: cannot read expectation {l:?}")))
        .collect()
}

/// Where this checkout keeps the real data sets (see the brief's "Data you have"). The specs
/// in `src/` never name it: their commands say `DATA/mnist`, `DATA/ml-100k`, as `--help` does.
const DATA: &str = "../shared/data";

/// A spec's command as it runs here: `DATA/…` becomes a path under [`DATA`].
fn resolved(args: &[String]) -> Vec<String> {
    args.iter().map(|a| a.strip_prefix("DATA/").map_or_else(|| a.clone(), |rest| format!("{DATA}/{rest}"))).collect()
}

/// The data folder a command reads, if any (the value after `--data`).
fn data_dir(args: &[String]) -> Option<&str> {
    args.iter().position(|a| a == "--data").and_then(|i| args.get(i + 1)).map(String::as_str)
}

/// Runs every command of `chapter`'s expectations once and checks each of its expectations;
/// returns the failures, one line each.
fn check_chapter(chapter: &str) -> Vec<String> {
    let all = expectations(chapter);
    let mut commands: Vec<&Vec<String>> = Vec::new();
    for e in &all {
        if !commands.contains(&&e.args) {
            commands.push(&e.args);
        }
    }
    let mut failures = Vec::new();
    for (i, args) in commands.into_iter().enumerate() {
        let args = &resolved(args);
        let shown = format!("{chapter} {}", args.join(" "));
        if let Some(dir) = data_dir(args)
            && !Path::new(dir).exists()
        {
            println!("skipped: {shown} ({dir} not found)");
            continue;
        }
        let out = temp_dir(&format!("exercise-{chapter}-{i}"));
        let start = Instant::now();
        let o = Command::new(exe(chapter)).args(args).arg("--out").arg(&out).output().unwrap();
        println!("{:>6.1} s  {shown}", start.elapsed().as_secs_f64());
        if !o.status.success() {
            failures.push(format!("{shown}: exit {:?}: {}", o.status.code(), stderr(&o).trim()));
            continue;
        }
        let text = stdout(&o);
        for e in all.iter().filter(|e| &resolved(&e.args) == args) {
            if let Err(why) = e.check(&text) {
                failures.push(format!("{shown}: {why}"));
            }
        }
    }
    failures
}

#[test]
#[ignore = "minutes: every exercise and README outcome; run by .ci/run"]
fn every_promised_outcome_holds() {
    let queue = Mutex::new(CHAPTERS.iter().map(|c| c.name).collect::<Vec<_>>());
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    // Taken in a statement of its own, so the lock is let go before the runs.
                    let next = queue.lock().unwrap().pop();
                    let Some(chapter) = next else { break };
                    let f = check_chapter(chapter);
                    failures.lock().unwrap().extend(f);
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} outcomes differ from what the docs promise:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_chapter_promises_something() {
    for c in CHAPTERS.iter().filter(|c| c.name != "contents") {
        let e = expectations(c.name);
        assert!(!e.is_empty(), "{}: no expectations", c.name);
        // Every claim of its ledger is shown by the default run at seed 1.
        let all_shown = e.iter().any(|e| e.args.is_empty() && e.key == "claims_not_shown" && e.value == "0");
        assert!(all_shown, "{}: the default run does not promise claims_not_shown: 0", c.name);
    }
}
