//! Helpers for tests that run chapter binaries.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// A fresh, empty directory `out` inside a folder of its own under the system temp dir, unique
/// to this test. A chapter given it as `--out` writes its gallery page beside it, in that
/// folder of its own, and not in the shared temp dir.
pub fn temp_dir(label: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("autoencoders-test-{}-{label}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let dir = root.join("out");
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Runs a chapter binary with `args`, its pictures going to a temp dir.
pub fn run(exe: &str, label: &str, args: &[&str]) -> Output {
    let out = temp_dir(label);
    Command::new(exe).args(args).arg("--out").arg(&out).output().expect("run chapter binary")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("chapter output is UTF-8")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The value of a Results key, or a panic naming the key and showing the output.
pub fn result(output: &str, key: &str) -> String {
    autoencoders::workbook::cli::result_value(output, key)
        .unwrap_or_else(|| panic!("no `{key}` in the Results block of:\n{output}"))
        .to_string()
}

pub fn result_f64(output: &str, key: &str) -> f64 {
    let v = result(output, key);
    v.parse().unwrap_or_else(|_| panic!("`{key}: {v}` is not a number"))
}

/// Asserts a run succeeded, showing its stderr if not.
pub fn assert_ok(o: &Output) {
    assert!(o.status.success(), "exit {:?}\nstderr:\n{}\nstdout:\n{}", o.status.code(), stderr(o), stdout(o));
}

/// Each argument list must be a usage error: exit 2 and one `error:` line first.
pub fn assert_usage_errors(exe: &str, cases: &[&[&str]]) {
    for args in cases {
        let o = Command::new(exe).args(*args).output().expect("run chapter binary");
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).starts_with("error: "), "{args:?}");
    }
}

/// `--help` exits 0 and its text contains every one of `needles`.
pub fn assert_help_lists(exe: &str, needles: &[&str]) {
    let o = Command::new(exe).arg("--help").output().expect("run chapter binary");
    assert_ok(&o);
    let s = stdout(&o);
    for n in needles {
        assert!(s.contains(n), "help misses {n}:\n{s}");
    }
}
