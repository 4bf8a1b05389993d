//! Checks that hold for every chapter in the catalog, found through `catalog::CHAPTERS`, so a
//! new chapter is covered the moment it is listed:
//!
//! - `--quick` twice with the same seed prints the same bytes (lines that report a time or a
//!   rate, which contain "second", "/s" or "wall time", excepted) and writes byte-identical
//!   files;
//! - no Results value is NaN or infinite;
//! - every chapter that trains printed its gradient check's two keys, under the tolerance, and
//!   ch3_unpooling its adjoint check's key;
//! - it saves its Results and puts its section into the gallery page (`gallery: <path>`);
//! - `--help` exits 0 and lists exercises; an unknown flag exits 2 with a usage line;
//! - an `--out` that cannot be written is a one-line error with exit 1, not a panic;
//! - its source file is at most 250 lines.

mod common;
use common::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use autoencoders::workbook::catalog::CHAPTERS;

/// target/<profile>/<name>, beside this test's own binary in target/<profile>/deps/.
fn exe(name: &str) -> PathBuf {
    let me = std::env::current_exe().unwrap();
    me.parent().unwrap().parent().unwrap().join(name)
}

/// Lines that report a measured time or rate ("seconds per epoch", "samples/s") are the only
/// ones allowed to differ between two runs.
fn without_timing(s: &str) -> String {
    s.lines()
        .filter(|l| !(l.contains("second") || l.contains("/s") || l.contains("wall time")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn files_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.path().is_file() {
                m.insert(e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap());
            }
        }
    }
    m
}

#[test]
fn every_chapter_is_deterministic_and_finite() {
    for c in CHAPTERS {
        // Both runs write to the same folder (paths are printed), emptied in between.
        let dir = temp_dir(&format!("det-{}", c.name));
        let run_once = || {
            let _ = std::fs::remove_dir_all(&dir);
            let o = Command::new(exe(c.name)).args(["--quick", "--seed", "3", "--out"]).arg(&dir).output().unwrap();
            assert_ok(&o);
            (stdout(&o), files_in(&dir))
        };
        let ((sa, fa), (sb, fb)) = (run_once(), run_once());
        assert_eq!(without_timing(&sa), without_timing(&sb), "{}: output differs between two runs", c.name);
        assert_eq!(fa, fb, "{}: written files differ between two runs", c.name);
        let block = &sa[sa.rfind("\nResults\n").unwrap_or_else(|| panic!("{}: no Results block", c.name))..];
        // The run saved its Results and put a section into the gallery page above its folder.
        let page = dir.parent().unwrap().join("index.html");
        assert_eq!(result(&sa, "gallery"), page.display().to_string(), "{}", c.name);
        let html = std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {page:?}: {e}", c.name));
        assert!(html.contains(&format!("<section id=\"run-out\"><h2>{} ({})</h2>", c.name, c.section)), "{}", c.name);
        assert!(fa.contains_key("results.txt"), "{}: no results.txt", c.name);
        for line in block.lines().skip(2) {
            let v = line.split_once(": ").map_or("", |(_, v)| v).to_ascii_lowercase();
            assert!(!v.contains("nan") && !v.contains("inf"), "{}: {line}", c.name);
        }
        assert_checked(c.name, &sa);
    }
}

/// A training chapter's largest relative error is under the tolerance over a positive number
/// of entries; ch3_unpooling, which trains nothing, reports its adjoint check instead.
fn assert_checked(name: &str, out: &str) {
    use autoencoders::nn::gradcheck::{ADJOINT_TOLERANCE, TOLERANCE};
    match name {
        "contents" => {}
        "ch3_unpooling" => {
            let e = result_f64(out, "adjoint_check_max_abs_error");
            assert!(e <= ADJOINT_TOLERANCE, "{name}: adjoint error {e}");
        }
        _ => {
            let e = result_f64(out, "gradient_check_max_rel_error");
            assert!(e <= TOLERANCE, "{name}: gradient check {e}");
            let n = result_f64(out, "gradient_check_entries");
            assert!(n >= 1.0, "{name}: {n} entries checked");
        }
    }
}

#[test]
fn every_chapter_has_help_and_rejects_bad_flags() {
    for c in CHAPTERS {
        let o = Command::new(exe(c.name)).arg("--help").output().unwrap();
        assert_ok(&o);
        let help = stdout(&o);
        assert!(help.contains("exercises:"), "{}: --help lists no exercises", c.name);
        // Two or three things to try, each one with the command that tries it.
        let exercises: Vec<&str> = help.split("\nexercises:\n").nth(1).unwrap_or("").lines().collect();
        if c.name != "contents" {
            assert!((2..=3).contains(&exercises.len()), "{}: {} exercises", c.name, exercises.len());
        }
        let command = format!("cargo run --bin {}", c.name);
        assert!(exercises.iter().all(|e| e.contains(&command)), "{}: an exercise without its command", c.name);
        let o = Command::new(exe(c.name)).arg("--no-such-flag").output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", c.name);
        assert!(stderr(&o).contains("usage: "), "{}", c.name);
    }
}

/// Every option that takes a value (paths and the seed aside), given the largest whole number
/// there is, is refused or survived: exit 0, 1 or 2 and no panic. (Widths and epoch counts this
/// large once panicked with "capacity overflow" or aborted on a failed allocation.)
#[test]
fn every_option_survives_the_largest_number() {
    let huge = u64::MAX.to_string();
    for c in CHAPTERS {
        let help = stdout(&Command::new(exe(c.name)).arg("--help").output().unwrap());
        let options: Vec<&str> = help
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("--")?.split_once(' '))
            .filter(|(_, rest)| rest.starts_with(|ch: char| ch.is_ascii_uppercase()))
            .map(|(name, _)| name)
            .filter(|name| !["out", "data", "save", "load", "my-ratings", "seed"].contains(name))
            .collect();
        assert!(options.contains(&"epochs"), "{}: the option list was not read from --help", c.name);
        for name in options {
            let dir = temp_dir(&format!("huge-{}", c.name));
            let o = Command::new(exe(c.name))
                .args(["--quick", &format!("--{name}"), &huge, "--out"])
                .arg(&dir)
                .output()
                .unwrap();
            let err = stderr(&o);
            assert!(matches!(o.status.code(), Some(0..=2)), "{} --{name} {huge}: exit {:?}\n{err}", c.name, o.status);
            assert!(!err.contains("panicked"), "{} --{name} {huge}: {err}", c.name);
        }
    }
}

#[test]
fn an_unwritable_out_is_a_clear_error() {
    // A regular file where the output folder should be: nothing can be created under it.
    let blocker = temp_dir("unwritable").join("file");
    std::fs::write(&blocker, b"x").unwrap();
    for c in CHAPTERS {
        let o = Command::new(exe(c.name)).args(["--quick", "--out"]).arg(blocker.join("sub")).output().unwrap();
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{}: {err}", c.name);
        if !o.status.success() {
            assert_eq!(o.status.code(), Some(1), "{}: {err}", c.name);
            assert!(err.starts_with("error: ") && err.lines().count() == 1, "{}: {err}", c.name);
        }
    }
}

/// The layout's rule: a chapter is a thin binary (library calls and labelled steps), at most
/// 250 lines; its spec lives in `src/workbook/specs/` and its logic in the library.
#[test]
fn every_chapter_file_is_at_most_250_lines() {
    for c in CHAPTERS {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("chapters").join(format!("{}.rs", c.name));
        let lines = std::fs::read_to_string(&path).unwrap().lines().count();
        assert!(lines <= 250, "{} has {lines} lines", path.display());
    }
}
