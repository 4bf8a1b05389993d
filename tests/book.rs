//! The whole book in one command, `contents --all`: every chapter in order as its own process,
//! the page that shows them, and a clear stop when a chapter fails.

mod common;
use common::*;

use std::path::Path;
use std::process::Command;

use autoencoders::workbook::catalog::CHAPTERS;

/// `contents` started as a test starts it, minus `CARGO`: with it, `--all` would first run
/// `cargo build`, which waits for the build lock that `cargo test` holds.
fn contents(exe: &Path) -> Command {
    let mut c = Command::new(exe);
    c.env_remove("CARGO");
    c
}

#[test]
fn all_runs_every_chapter_and_prints_the_page() {
    let root = temp_dir("book-all").parent().unwrap().to_path_buf();
    let o = contents(Path::new(env!("CARGO_BIN_EXE_contents")))
        .args(["--all", "--quick", "--out"])
        .arg(root.join("contents"))
        .output()
        .unwrap();
    assert_ok(&o);
    let s = stdout(&o);
    assert_eq!(result(&s, "chapters_run"), CHAPTERS.len().to_string());
    let page = root.join("index.html");
    assert_eq!(result(&s, "gallery"), page.display().to_string());
    let html = std::fs::read_to_string(&page).unwrap();
    for c in CHAPTERS {
        assert!(root.join(c.name).join("results.txt").is_file(), "{} left no results", c.name);
        assert!(html.contains(&format!("<section id=\"run-{}\">", c.name)), "{} has no section", c.name);
        let log = std::fs::read_to_string(root.join("logs").join(format!("{}.txt", c.name))).unwrap();
        assert!(log.contains("\nResults\n"), "{}'s log holds its output", c.name);
    }
    // The page's promises: a dozen formulas and more, a caption under every picture.
    assert!(html.matches("<math").count() >= 12);
    assert_eq!(html.matches("<figure>").count(), html.matches("<figcaption>").count());
    assert!(!html.contains("class=\"uncaptioned\""), "a picture without a caption");
}

#[cfg(unix)]
#[test]
fn all_stops_with_one_clear_line_when_a_chapter_fails_or_is_missing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("book-fails");
    let exe = dir.join("contents");
    std::fs::copy(env!("CARGO_BIN_EXE_contents"), &exe).unwrap();
    let root = dir.parent().unwrap().join("pages");

    // No chapter binaries beside it: the first one is named as missing.
    let o = contents(&exe).args(["--all", "--out"]).arg(root.join("contents")).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let first = stderr(&o).lines().next().unwrap_or("").to_string();
    assert!(first.starts_with("error: ch1_identity not found at "), "{first}");

    // A first chapter that fails: its error line and its log are named, nothing else runs.
    let fake = dir.join(CHAPTERS[0].name);
    std::fs::write(&fake, "#!/bin/sh\necho 'some steps'\necho 'error: the data is broken' >&2\nexit 1\n").unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let o = contents(&exe).args(["--all", "--out"]).arg(root.join("contents")).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let log = root.join("logs").join("ch1_identity.txt");
    assert_eq!(
        stderr(&o).lines().next().unwrap(),
        format!(
            "error: ch1_identity failed (exit status: 1): the data is broken; its whole output is in {}",
            log.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "some steps\nerror: the data is broken\n");
    assert!(!root.join(CHAPTERS[1].name).exists(), "a chapter ran after the failure");
}
