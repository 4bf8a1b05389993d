//! The gallery under concurrency (`src/workbook/gallery.rs`): chapters that finish into one
//! output root at the same moment all keep their sections, a reader never finds half a page,
//! and a lock left behind by a killed run does not stop the page from being rebuilt.

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use autoencoders::workbook::catalog::CHAPTERS;
use autoencoders::workbook::gallery::{self, LOCK, PAGE, PageUpdate, RESULTS_FILE};

/// Rounds of "every chapter at once"; each starts from an empty root, so a section lost in
/// one round cannot be filled in from an earlier one.
const ROUNDS: usize = 3;

/// target/<profile>/<name>, beside this test's own binary in target/<profile>/deps/.
fn exe(name: &str) -> PathBuf {
    let me = std::env::current_exe().unwrap();
    me.parent().unwrap().parent().unwrap().join(name)
}

/// A whole page: what the gallery writes, from its doctype to its closing tag.
fn is_whole_page(text: &str) -> bool {
    text.starts_with("<!DOCTYPE html>") && text.trim_end().ends_with("</html>")
}

fn now_ms() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis()
}

/// Files left in the root that are neither chapter folders nor the page: temporary pages,
/// locks, broken locks set aside.
fn leftovers(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != PAGE)
        .collect()
}

#[test]
fn every_chapter_started_at_once_leaves_every_section_every_round() {
    let root = temp_dir("gallery-all-at-once").parent().unwrap().to_path_buf();
    let page = root.join(PAGE);
    for round in 1..=ROUNDS {
        std::fs::remove_dir_all(&root).unwrap();
        std::fs::create_dir_all(&root).unwrap();

        // A reader polls the page the whole time; every read it gets must be a whole page.
        let done = Arc::new(AtomicBool::new(false));
        let reads = Arc::new(AtomicUsize::new(0));
        let reader = {
            let (done, reads, page) = (done.clone(), reads.clone(), page.clone());
            std::thread::spawn(move || {
                let mut partial = Vec::new();
                while !done.load(Ordering::Relaxed) {
                    if let Ok(text) = std::fs::read_to_string(&page) {
                        reads.fetch_add(1, Ordering::Relaxed);
                        if !is_whole_page(&text) {
                            partial.push(text.len());
                        }
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                partial
            })
        };

        let children: Vec<_> = CHAPTERS
            .iter()
            .map(|c| {
                let child = Command::new(exe(c.name))
                    .arg("--quick")
                    .arg("--out")
                    .arg(root.join(c.name))
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap_or_else(|e| panic!("{}: {e}", c.name));
                (c, child)
            })
            .collect();
        for (c, child) in children {
            let o = child.wait_with_output().unwrap();
            assert_ok(&o);
            assert!(stderr(&o).is_empty(), "round {round}, {}: {}", c.name, stderr(&o));
        }
        done.store(true, Ordering::Relaxed);
        let partial = reader.join().unwrap();
        assert!(partial.is_empty(), "round {round}: the reader saw partial pages of {partial:?} bytes");

        let html = std::fs::read_to_string(&page).unwrap();
        assert!(is_whole_page(&html), "round {round}");
        let missing: Vec<&str> = CHAPTERS
            .iter()
            .filter(|c| !html.contains(&format!("<section id=\"run-{}\">", c.name)))
            .map(|c| c.name)
            .collect();
        assert!(missing.is_empty(), "round {round}: sections missing from the page: {missing:?}");
        assert_eq!(html.matches("<section id=\"run-").count(), CHAPTERS.len(), "round {round}");
        assert_eq!(leftovers(&root), Vec::<String>::new(), "round {round}: files left in the root");
        eprintln!(
            "round {round}: {} sections, the reader read the page {} times",
            CHAPTERS.len(),
            reads.load(Ordering::Relaxed)
        );
    }
}

/// The same race without the chapters' training in between, so that it is close every time:
/// one thread per chapter saves its Results and, released together, all rebuild the page.
#[test]
fn simultaneous_updates_keep_every_section() {
    const STRESS_ROUNDS: usize = 20;
    let root = temp_dir("gallery-simultaneous").parent().unwrap().to_path_buf();
    for round in 1..=STRESS_ROUNDS {
        std::fs::remove_dir_all(&root).unwrap();
        let start = Arc::new(std::sync::Barrier::new(CHAPTERS.len()));
        let threads: Vec<_> = CHAPTERS
            .iter()
            .map(|c| {
                let (out, start) = (root.join(c.name), start.clone());
                std::thread::spawn(move || {
                    std::fs::create_dir_all(&out).unwrap();
                    start.wait();
                    gallery::save_results(c.name, &out, &[("round".to_string(), round.to_string())]).unwrap();
                    gallery::update_page(&out).unwrap()
                })
            })
            .collect();
        for t in threads {
            assert!(matches!(t.join().unwrap(), PageUpdate::Written(_)));
        }
        let html = std::fs::read_to_string(root.join(PAGE)).unwrap();
        let missing: Vec<&str> =
            CHAPTERS.iter().map(|c| c.name).filter(|n| !html.contains(&format!("<section id=\"run-{n}\">"))).collect();
        assert!(missing.is_empty(), "round {round}: sections missing from the page: {missing:?}");
        assert_eq!(leftovers(&root), Vec::<String>::new(), "round {round}: files left in the root");
    }
}

/// A root with one chapter run saved in it, and the folder `--out` would name.
fn root_with_a_run(label: &str) -> (PathBuf, PathBuf) {
    let out = temp_dir(label);
    std::fs::write(out.join(RESULTS_FILE), "chapter: ch3_unpooling\nResults\nexact_reconstruction: true\n").unwrap();
    (out.parent().unwrap().to_path_buf(), out)
}

/// The page was rebuilt with the saved run in it, and the lock is gone.
fn assert_rebuilt(root: &Path, update: PageUpdate) {
    assert_eq!(update, PageUpdate::Written(root.join(PAGE)));
    let html = std::fs::read_to_string(root.join(PAGE)).unwrap();
    assert!(html.contains("<section id=\"run-out\">"));
    assert_eq!(leftovers(root), Vec::<String>::new());
}

#[cfg(target_os = "linux")]
#[test]
fn a_fresh_lock_whose_process_has_ended_is_broken() {
    let (root, out) = root_with_a_run("gallery-lock-dead-pid");
    // A process that has run and ended: its id names no process now.
    let mut child = Command::new(exe("contents")).arg("--help").stdout(Stdio::null()).spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    std::fs::write(root.join(LOCK), format!("{pid} {} 0\n", now_ms())).unwrap();
    assert_rebuilt(&root, gallery::update_page(&out).unwrap());
}

#[test]
fn a_lock_older_than_the_limit_is_broken_even_if_its_process_lives() {
    let (root, out) = root_with_a_run("gallery-lock-old");
    // This test's own process is alive; the lock says it was taken an hour ago.
    let old = now_ms() - 3_600_000;
    std::fs::write(root.join(LOCK), format!("{} {old} 0\n", std::process::id())).unwrap();
    assert_rebuilt(&root, gallery::update_page(&out).unwrap());
}

#[test]
fn an_unreadable_lock_is_judged_by_the_age_of_the_file() {
    let (root, out) = root_with_a_run("gallery-lock-garbage");
    let lock = root.join(LOCK);
    std::fs::write(&lock, "not a lock").unwrap();
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options().write(true).open(&lock).unwrap().set_modified(an_hour_ago).unwrap();
    assert_rebuilt(&root, gallery::update_page(&out).unwrap());
}

#[test]
fn a_live_lock_is_waited_for_not_broken() {
    let (root, out) = root_with_a_run("gallery-lock-live");
    let lock = root.join(LOCK);
    let text = format!("{} {} 0\n", std::process::id(), now_ms());
    std::fs::write(&lock, &text).unwrap();
    // The "other holder" lets go a little later, and checks that its lock was still its own.
    let holder = {
        let (lock, text) = (lock.clone(), text.clone());
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            let intact = std::fs::read_to_string(&lock).is_ok_and(|t| t == text);
            let _ = std::fs::remove_file(&lock);
            intact
        })
    };
    let update = gallery::update_page(&out).unwrap();
    assert!(holder.join().unwrap(), "update_page broke a live lock instead of waiting for it");
    assert_rebuilt(&root, update);
}
