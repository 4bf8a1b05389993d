//! Issue 20, the workbook used as a hostile user would: every reproducer of the issue, each
//! with the clean `error:` line (or the behaviour) it now gets, and sweeps of the properties
//! behind them: no write replaces what the run did not create, no input grows memory beyond a
//! bound set by its size.

mod common;
use common::*;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use autoencoders::core::files::{self, Kind};
use autoencoders::data::movielens::{self, Fold, Format, Split};
use autoencoders::data::synthetic_ratings::{self, SyntheticConfig};
use autoencoders::data::{idx, images};
use autoencoders::recommender::model_file::{self, TrainedOn};
use autoencoders::recommender::sizing;
use autoencoders::workbook::gallery::{self, PageUpdate};
use proptest::prelude::*;

const CH5: &str = env!("CARGO_BIN_EXE_ch5_recommender");
const CH1: &str = env!("CARGO_BIN_EXE_ch1_identity");
const UNPOOL: &str = env!("CARGO_BIN_EXE_ch3_unpooling");

// ---------------------------------------------------------------------------------------------
// The allocation meter: this thread's bytes in use and their peak.

struct Meter;

thread_local! {
    static IN_USE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Meter {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = IN_USE.try_with(|u| {
            u.set(u.get() + layout.size());
            let _ = PEAK.try_with(|p| p.set(p.get().max(u.get())));
        });
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = IN_USE.try_with(|u| u.set(u.get().saturating_sub(layout.size())));
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static METER: Meter = Meter;

/// The most bytes this thread held at once while `f` ran, above what it held before.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = IN_USE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let out = f();
    (out, PEAK.with(Cell::get) - base)
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// A small MovieLens-shaped folder (`u1.base`, `u1.test`) of synthetic ratings, and the path
/// of its `u1.base`. `extra` is appended to `u1.base`.
fn movielens_dir(label: &str, extra: &str) -> (PathBuf, PathBuf) {
    let dir = temp_dir(label).join("ml");
    std::fs::create_dir_all(&dir).unwrap();
    let config = SyntheticConfig { n_users: 60, n_movies: 50, n_ratings: 1500, ..SyntheticConfig::default() };
    let data = synthetic_ratings::generate(&config, 7).unwrap();
    let (train, test) = movielens::mku_split(&data.ratings, Fold::default());
    let text = |rs: &[movielens::Rating]| -> String {
        rs.iter().map(|r| format!("{}\t{}\t{}\t0\n", r.user, r.movie, r.rating)).collect()
    };
    let base = dir.join("u1.base");
    std::fs::write(&base, text(&train) + extra).unwrap();
    std::fs::write(dir.join("u1.test"), text(&test)).unwrap();
    (dir, base)
}

/// Runs a chapter with a fresh `--out` in its own temp folder, killing it (and failing) if it
/// has not finished after `limit`.
fn run_within(exe: &str, label: &str, args: &[&str], limit: Duration) -> std::process::Output {
    let out = temp_dir(label);
    let mut child = Command::new(exe)
        .args(args)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn fails_with(o: &std::process::Output, code: i32, needles: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err.lines().filter(|l| l.starts_with("error: ")).count(), 1, "{err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} not in {err}");
    }
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().is_ok_and(|s| s.success());
    assert!(ok, "mkfifo {}", path.display());
}

/// A process id that no running process has: that of a child that has exited.
fn dead_pid() -> u32 {
    let mut c = Command::new("true").spawn().unwrap();
    let pid = c.id();
    c.wait().unwrap();
    pid
}

// ---------------------------------------------------------------------------------------------
// 1. --save destroys whatever it is pointed at

#[test]
fn save_onto_the_training_file_is_refused_before_training() {
    let (dir, base) = movielens_dir("save-onto-base", "");
    let before = std::fs::read(&base).unwrap();
    let o = run_within(
        CH5,
        "save-onto-base-run",
        &["--quick", "--data", dir.to_str().unwrap(), "--save", base.to_str().unwrap()],
        Duration::from_secs(60),
    );
    fails_with(&o, 1, &["u1.base", "this run reads"]);
    assert!(!stdout(&o).contains("Part 1."), "refused before training");
    assert_eq!(std::fs::read(&base).unwrap(), before, "the training file is untouched");
}

#[test]
fn save_onto_my_ratings_onto_a_device_or_onto_a_foreign_file_is_refused() {
    let dir = temp_dir("save-targets");
    let mine = dir.join("mine.txt");
    std::fs::write(&mine, "1,5\n2,4\n").unwrap();
    let m = mine.to_str().unwrap();
    let o = run_within(CH5, "save-mine", &["--quick", "--my-ratings", m, "--save", m], Duration::from_secs(60));
    fails_with(&o, 1, &["mine.txt", "this run reads"]);
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "1,5\n2,4\n");

    let notes = dir.join("notes.txt");
    std::fs::write(&notes, "keep me").unwrap();
    let o = run_within(CH5, "save-notes", &["--quick", "--save", notes.to_str().unwrap()], Duration::from_secs(60));
    fails_with(&o, 1, &["notes.txt", "not a model file"]);
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "keep me");

    if Path::new("/dev/null").exists() {
        let o = run_within(CH5, "save-null", &["--quick", "--save", "/dev/null"], Duration::from_secs(60));
        fails_with(&o, 1, &["/dev/null", "character device"]);
        assert!(!std::fs::metadata("/dev/null").unwrap().is_file(), "/dev/null is still a device");
    }
}

// ---------------------------------------------------------------------------------------------
// 2. One valid-looking line can exhaust memory or run for hours

#[test]
fn a_huge_user_or_movie_id_is_an_error_naming_file_line_and_id() {
    for (label, line, what) in [
        ("huge-user", "1000000\t1\t5\t0\n", "user id 1000000"),
        ("huge-movie", "1\t1000000\t5\t0\n", "movie id 1000000"),
    ] {
        let (dir, base) = movielens_dir(label, line);
        let n_lines = std::fs::read_to_string(&base).unwrap().lines().count();
        let run = format!("{label}-run");
        let o = run_within(CH5, &run, &["--quick", "--data", dir.to_str().unwrap()], Duration::from_secs(30));
        let at = format!("u1.base:{n_lines}: {what}");
        fails_with(&o, 1, &[&at, "cells"]);
    }
}

#[test]
fn sizing_bounds_every_shape_it_lets_through() {
    // ml-100k's and ml-1m's shapes pass, a gap of ids does not.
    assert!(1_586_126 <= sizing::cell_limit(100_000));
    assert!(6040 * 3952 <= sizing::cell_limit(1_000_209));
    assert!(sizing::estimate_bytes(6040, 3952, 250) < sizing::MAX_BYTES);
    assert!(1_000_000 * 1682 > sizing::cell_limit(100_001));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever ids a small file holds, the split it makes either passes the check with a
    /// shape whose work and memory are bounded, or is refused.
    #[test]
    fn no_shape_past_the_check_is_unbounded(
        ids in proptest::collection::vec((1u32..=movielens::MAX_ID, 1u32..=movielens::MAX_ID, 1u8..=5), 20..200),
        dense in any::<bool>(),
    ) {
        let ratings: Vec<movielens::Rating> = ids
            .iter()
            .enumerate()
            .map(|(i, &(u, m, r))| {
                let (u, m) = if dense { (u % 40 + 1, i as u32 + 1) } else { (u, m) };
                movielens::Rating { user: u, movie: m, rating: r, timestamp: 0 }
            })
            .collect();
        let mut seen = std::collections::HashSet::new();
        let ratings: Vec<_> = ratings.into_iter().filter(|r| seen.insert((r.user, r.movie))).collect();
        let (train, test) = movielens::mku_split(&ratings, Fold::default());
        let (split, peak) = peak_of(|| Split::from_ratings(&train, &test, movielens::Titles::new(), "p".into()));
        // The table itself is bounded by MAX_ID: at most 80 bytes a user id and a movie id.
        prop_assert!(peak <= 80 * movielens::MAX_ID as usize + 64 * ratings.len() + 4096, "{peak}");
        let split = split.unwrap();
        if sizing::check(&split, 250).is_ok() {
            let cells = split.n_users() as u64 * split.n_movies() as u64;
            prop_assert!(cells <= sizing::cell_limit(ratings.len()));
            prop_assert!(sizing::estimate_bytes(split.n_users(), split.n_movies(), 250) <= sizing::MAX_BYTES);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Readers trust sizes and file types

#[cfg(unix)]
#[test]
fn pipes_devices_folders_and_links_to_them_are_refused_by_every_reader() {
    let dir = temp_dir("read-input");
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
    let link = dir.join("zero-link");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    for (path, what) in [(&fifo, "named pipe"), (&link, "character device"), (&dir, "folder")] {
        for kind in [Kind::IDX_IMAGES, Kind::RATINGS, Kind::MY_RATINGS, Kind::MODEL, Kind::TITLES] {
            let start = Instant::now();
            let e = files::read_input(path, kind).unwrap_err().to_string();
            assert!(e.starts_with(&path.display().to_string()) && e.contains(what), "{e}");
            assert!(start.elapsed() < Duration::from_secs(2), "{} waited", path.display());
        }
    }
    // The readers themselves, one of each.
    assert!(idx::read_images(&fifo).unwrap_err().to_string().contains("named pipe"));
    assert!(movielens::read_ratings(&link, Format::Ml100k).unwrap_err().to_string().contains("character device"));
    assert!(model_file::load(&fifo).unwrap_err().to_string().contains("named pipe"));
}

#[test]
fn a_file_over_its_kinds_limit_is_an_error_naming_the_limit() {
    let dir = temp_dir("read-limit");
    let f = dir.join("eleven.txt");
    std::fs::write(&f, "01234567890").unwrap();
    let small = Kind { what: "a test file", limit: 10 };
    let e = files::read_input(&f, small).unwrap_err().to_string();
    assert!(e.contains("larger than 10 bytes, the most the workbook reads of a test file"), "{e}");
    assert_eq!(files::read_input(&f, Kind { limit: 11, ..small }).unwrap(), b"01234567890");
    // A file whose size says 0 but which holds more (as /proc's files do, or one that grows
    // while it is read) is stopped by the bounded reader, not by its size.
    let proc_file = Path::new("/proc/self/status");
    if proc_file.exists() {
        let e = files::read_input(proc_file, Kind { limit: 16, ..small }).unwrap_err().to_string();
        assert!(e.contains("larger than 16 bytes"), "{e}");
    } else {
        println!("skipped the growing-file case: no /proc/self/status");
    }
}

#[cfg(unix)]
#[test]
fn the_chapter_refuses_a_pipe_or_an_endless_device_as_input() {
    let dir = temp_dir("ch5-pipes");
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
    let f = fifo.to_str().unwrap();
    let quick = Duration::from_secs(30);
    fails_with(&run_within(CH5, "pipe-mine", &["--quick", "--my-ratings", f], quick), 1, &["named pipe"]);
    fails_with(&run_within(CH5, "pipe-load", &["--quick", "--load", f], quick), 1, &["named pipe"]);
    fails_with(&run_within(CH5, "zero-load", &["--quick", "--load", "/dev/zero"], quick), 1, &["character device"]);
}

#[cfg(unix)]
#[test]
fn a_pipe_or_device_named_like_the_gallery_page_is_left_alone() {
    let root = temp_dir("gallery-fifo").parent().unwrap().to_path_buf();
    mkfifo(&root.join(gallery::PAGE));
    let start = Instant::now();
    let out = root.join("out");
    assert!(matches!(gallery::update_page(&out).unwrap(), PageUpdate::NotOurs(_)));
    assert!(start.elapsed() < Duration::from_secs(2));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    /// No reader holds more than a fixed multiple of its input's size.
    #[test]
    fn no_reader_allocates_more_than_a_multiple_of_its_input(
        seed_bytes in proptest::collection::vec(any::<u8>(), 0..2000),
        choice in 0usize..4,
    ) {
        let ratings_text: Vec<u8> = seed_bytes
            .chunks(3)
            .map(|c| format!("{}\t{}\t{}\t0\n", c[0] as u32 * 1000 + 1, c.get(1).copied().unwrap_or(1) as u32 + 1, c.get(2).map_or(1, |r| r % 5 + 1)))
            .collect::<String>()
            .into_bytes();
        let idx_bytes = idx::encode_images(&images::Images { count: seed_bytes.len(), rows: 1, cols: 1, pixels: seed_bytes.clone() });
        let input: &[u8] = match choice { 0 => &ratings_text, 1 | 2 => &idx_bytes, _ => &seed_bytes };
        let m = input.len();
        let ((), peak) = peak_of(|| match choice {
            0 => { let _ = movielens::parse_ratings(input, Format::Ml100k, Path::new("r")); }
            1 => { let _ = idx::parse_images(Path::new("i"), input); }
            2 => { let _ = model_file::decode(Path::new("m"), input); }
            _ => { let _ = idx::parse_labels(Path::new("l"), input); }
        });
        // Ratings: 24 bytes a Rating and 8 a line number for a line of at least 8 bytes, plus
        // the repeat check's index; everything else copies its input at most twice.
        prop_assert!(peak <= 16 * m + 4096, "{peak} bytes for {m} input bytes (reader {choice})");
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Requested output silently lost

#[test]
fn a_closed_stdout_still_writes_every_file_and_exits_0() {
    let dir = temp_dir("closed-pipe");
    let (model, out) = (dir.join("m.bin"), dir.join("ch5"));
    let mut child = Command::new(CH5)
        .args(["--quick", "--save"])
        .arg(&model)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // `| head -1`: read one line, then close the pipe.
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with("§5"), "{first}");
    let o = child.wait_with_output().unwrap();
    assert_ok(&o);
    assert!(model_file::load(&model).is_ok(), "the model was saved");
    for f in ["results.txt", "loss_curves.svg", "architecture.svg", "predicted_vs_actual.svg"] {
        assert!(out.join(f).is_file(), "{f} was written");
    }
}

#[test]
fn a_full_stdout_is_an_error_line_and_exit_1() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        println!("skipped: no /dev/full on this system");
        return;
    };
    let out = temp_dir("dev-full");
    let o = Command::new(CH1).args(["--quick", "--out"]).arg(&out).stdout(full).output().unwrap();
    fails_with(&o, 1, &["stdout", "No space left on device"]);
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

/// `> log 2>&1`: stdout goes through the workbook's copier and stderr does not, yet a warning
/// must come after the lines printed before it. Here the reader of stdout is slow (its pipe is
/// full until a second has passed), which is when a warning written at once would overtake the
/// Results block still waiting in the copier: the warning must not come before that second.
#[test]
fn a_warning_waits_for_the_stdout_printed_before_it() {
    let root = temp_dir("slow-stdout").parent().unwrap().to_path_buf();
    std::fs::write(root.join("notes.txt"), "the reader's").unwrap();
    let (mut reader, mut writer) = std::io::pipe().unwrap();
    let to_child = writer.try_clone().unwrap();
    // Fills the pipe, then blocks until the drain below starts.
    let filler = std::thread::spawn(move || writer.write_all(&[b'.'; 1 << 20]).unwrap());
    std::thread::sleep(Duration::from_millis(200));
    let start = Instant::now();
    let mut child = Command::new(UNPOOL)
        .arg("--out")
        .arg(root.join("run"))
        .stdout(to_child)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = child.stderr.take().unwrap();
    let warned = std::thread::spawn(move || {
        let (mut text, mut at) = (String::new(), None);
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = std::io::Read::read(&mut err, &mut buf) {
            text.push_str(&String::from_utf8_lossy(&buf[..n]));
            if at.is_none() && text.contains("warning: ") {
                at = Some(start.elapsed());
            }
        }
        (at, text)
    });
    std::thread::sleep(Duration::from_secs(1));
    // Until now the pipe was full, so the copier could not have written the Results block.
    let drained_from = start.elapsed();
    let mut seen = Vec::new();
    std::io::Read::read_to_end(&mut reader, &mut seen).unwrap();
    filler.join().unwrap();
    assert!(String::from_utf8_lossy(&seen).contains("\nResults\n"));
    let status = child.wait().unwrap();
    let (warned, err) = warned.join().unwrap();
    assert!(status.success(), "{status:?}: {err}");
    let warned = warned.expect("the gallery warned of the foreign folder");
    assert!(warned > drained_from, "the warning came {warned:?} after the start, before stdout could be written");
}

#[test]
fn flags_a_mode_cannot_honour_are_usage_errors_saying_why() {
    for (args, why) in [
        (&["--split", "all", "--save", "m.bin"][..], "--save cannot be used with --split all"),
        (&["--split", "all", "--user", "3"], "--user cannot be used with --split all"),
        (&["--split", "all", "--my-ratings", "x"], "--my-ratings cannot be used with --split all"),
        (&["--load", "m.bin", "--zero-grad"], "--zero-grad cannot be used with --load"),
        (&["--load", "m.bin", "--epochs", "5"], "--epochs cannot be used with --load"),
        (&["--load", "m.bin", "--weight-decay", "0"], "--weight-decay cannot be used with --load"),
    ] {
        let o = Command::new(CH5).args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(err.starts_with(&format!("error: {why}: ")), "{args:?}: {err}");
    }
}

#[test]
fn a_flag_is_never_taken_as_a_folder_name() {
    let cwd = temp_dir("flag-as-folder");
    for args in [&["--out", "--quick"][..], &["--quick", "--seed", "--out"], &["--out=--quick"]] {
        let o = Command::new(CH1).args(args).current_dir(&cwd).output().unwrap();
        fails_with(&o, 2, &["not the flag"]);
    }
    let o = Command::new(CH5).args(["--save", ""]).current_dir(&cwd).output().unwrap();
    fails_with(&o, 2, &["--save needs a non-empty value"]);
    assert_eq!(std::fs::read_dir(&cwd).unwrap().count(), 0, "no folder was created");
}

// ---------------------------------------------------------------------------------------------
// 5. Misleading or broken round trips

#[test]
fn the_personal_model_loads_with_its_ratings_and_only_with_them() {
    let dir = temp_dir("personal-model");
    let (mine, model) = (dir.join("mine.txt"), dir.join("me.bin"));
    std::fs::write(&mine, "1,5\n7,4\n9,1\n").unwrap();
    let (m, f) = (mine.to_str().unwrap(), model.to_str().unwrap());
    let a = run_within(CH5, "personal-a", &["--quick", "--my-ratings", m, "--save", f], Duration::from_secs(120));
    assert_ok(&a);
    let b = run_within(CH5, "personal-b", &["--quick", "--my-ratings", m, "--load", f], Duration::from_secs(60));
    assert_ok(&b);
    assert!(stdout(&b).contains("Top 10 for you"));
    // The blend is not saved (the loaded run says so): its AutoRec member is the saved model.
    for key in ["test_rmse", "ablation_i_autorec_rmse"] {
        assert_eq!(result(&stdout(&a), key), result(&stdout(&b), key), "{key}");
    }
    let c = run_within(CH5, "personal-c", &["--quick", "--load", f], Duration::from_secs(60));
    fails_with(&c, 1, &["me.bin", "--my-ratings"]);
}

#[test]
fn a_model_scored_on_another_split_is_refused() {
    let dir = temp_dir("other-split");
    let model = dir.join("u1.bin");
    let f = model.to_str().unwrap();
    assert_ok(&run_within(CH5, "other-split-a", &["--quick", "--save", f], Duration::from_secs(120)));
    let o = run_within(CH5, "other-split-b", &["--quick", "--load", f, "--split", "u2"], Duration::from_secs(60));
    fails_with(&o, 1, &["trained on split u1", "split u2"]);
}

#[test]
fn the_record_names_each_mismatch_and_an_old_file_is_refused() {
    let config = SyntheticConfig { n_users: 30, n_movies: 40, n_ratings: 600, min_per_user: 5, ..Default::default() };
    let u1 = synthetic_ratings::split(&config, Fold::default(), 3).unwrap();
    let u2 = synthetic_ratings::split(&config, Fold::new(2).unwrap(), 3).unwrap();
    let file = Path::new("m.bin");
    let a = TrainedOn::of(&u1, Fold::default(), 0);
    assert!(a.check(file, &a).is_ok());
    let e = a.check(file, &TrainedOn::of(&u2, Fold::new(2).unwrap(), 0)).unwrap_err().to_string();
    assert!(e.contains("split u1") && e.contains("split u2"), "{e}");
    let e = TrainedOn { extra_user: 4, ..a }.check(file, &a).unwrap_err().to_string();
    assert!(e.contains("4 ratings from --my-ratings"), "{e}");
    let other_seed = synthetic_ratings::split(&config, Fold::default(), 4).unwrap();
    let e = a.check(file, &TrainedOn::of(&other_seed, Fold::default(), 0)).unwrap_err().to_string();
    assert!(e.contains("other ratings"), "{e}");
    // The record survives the file.
    assert_eq!(TrainedOn::from_tensors(file, &a.to_tensors()).unwrap(), a);
    let e = TrainedOn::from_tensors(file, &[]).unwrap_err().to_string();
    assert!(e.contains("does not record the data"), "{e}");
}

#[test]
fn too_few_ratings_is_an_error_with_the_counts() {
    let dir = temp_dir("few-ratings").join("ml");
    std::fs::create_dir_all(&dir).unwrap();
    for n in 1..=4 {
        let text: String = (1..=n).map(|i| format!("{i}\t{i}\t4\t0\n")).collect();
        std::fs::write(dir.join("u.data"), text).unwrap();
        let o = run_within(CH5, "few", &["--quick", "--data", dir.to_str().unwrap()], Duration::from_secs(30));
        fails_with(&o, 1, &["training and 0 test ratings", "at least 10"]);
        assert!(!stdout(&o).contains("learns"));
    }
}

// ---------------------------------------------------------------------------------------------
// 6. A full disk is a panic: see a_full_stdout_is_an_error_line_and_exit_1.
// 7. Writes outside --out

#[test]
fn out_must_be_new_empty_or_this_chapters() {
    assert!(gallery::check_out("ch1_identity", Path::new("/")).is_err());
    assert!(gallery::check_out("ch1_identity", Path::new("..")).is_err());
    let root = temp_dir("out-rules");
    assert!(gallery::check_out("ch1_identity", &root.join("new")).is_ok());
    assert!(gallery::check_out("ch1_identity", &root).is_ok(), "empty");

    let foreign = root.join("foreign");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("thesis.tex"), "mine").unwrap();
    let o = Command::new(UNPOOL).args(["--out"]).arg(&foreign).output().unwrap();
    fails_with(&o, 1, &["foreign", "did not write"]);
    assert_eq!(std::fs::read_dir(&foreign).unwrap().count(), 1, "nothing written beside the reader's file");

    // A folder of the reader's own pictures is not a chapter's: it has no caption manifest.
    let photos = root.join("photos");
    std::fs::create_dir_all(&photos).unwrap();
    std::fs::write(photos.join("network.svg"), "<svg/>").unwrap();
    let o = Command::new(CH1).args(["--quick", "--out"]).arg(&photos).output().unwrap();
    fails_with(&o, 1, &["photos", "did not write"]);
    assert_eq!(std::fs::read_to_string(photos.join("network.svg")).unwrap(), "<svg/>");

    let o = Command::new(UNPOOL).args(["--out"]).arg(root.join("mine")).output().unwrap();
    assert_ok(&o);
    assert_ok(&Command::new(UNPOOL).args(["--out"]).arg(root.join("mine")).output().unwrap());
    let o = Command::new(CH1).args(["--quick", "--out"]).arg(root.join("mine")).output().unwrap();
    fails_with(&o, 1, &["holds the results of ch3_unpooling"]);
}

/// `..` after a folder that does not exist yet: `create_dir_all` makes that folder and steps
/// back out of it, so `--out nothere/../..` names the folder above the working one.
#[test]
fn out_with_dot_dot_is_checked_as_the_folder_it_really_names() {
    let home = temp_dir("out-dotdot").parent().unwrap().join("home");
    let work = home.join("work");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(home.join("notes.txt"), "the reader's").unwrap();
    std::fs::write(work.join("main.rs"), "fn main() {}").unwrap();
    for out in ["nothere/../..", "x/..", "a/b/../../.", "./x/../../work/y/.."] {
        assert!(gallery::check_out("ch1_identity", &work.join(out)).is_err(), "{out}");
        let o = Command::new(UNPOOL).args(["--out", out]).current_dir(&work).output().unwrap();
        fails_with(&o, 1, &["did not write"]);
    }
    let mut left: Vec<String> =
        std::fs::read_dir(&home).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(left, ["notes.txt", "work"], "nothing written beside the reader's files");
    assert_eq!(std::fs::read_dir(&work).unwrap().count(), 1, "nor in the working folder");
    // `..` that lands in a new folder is fine.
    assert!(gallery::check_out("ch1_identity", &work.join("x/../new")).is_ok());
    assert!(gallery::check_out("ch1_identity", &work.join("new/sub/..")).is_ok());
}

#[test]
fn the_page_goes_only_into_a_folder_of_chapter_runs() {
    let root = temp_dir("page-rules").parent().unwrap().to_path_buf();
    std::fs::write(root.join("notes.txt"), "the reader's").unwrap();
    let o = Command::new(UNPOOL).args(["--out"]).arg(root.join("run")).output().unwrap();
    assert_ok(&o);
    assert!(stderr(&o).contains("no gallery page written"), "{}", stderr(&o));
    assert!(!root.join(gallery::PAGE).exists());
    // Results names no page that is not there, on screen or in results.txt.
    let said = result(&stdout(&o), "gallery");
    assert!(said.starts_with("not written") && !said.ends_with(gallery::PAGE), "{said}");
    let saved = std::fs::read_to_string(root.join("run").join(gallery::RESULTS_FILE)).unwrap();
    assert!(saved.contains(&format!("gallery: {said}\n")), "{saved}");
    // A second chapter run there shows the reader chose this folder for the book.
    assert_ok(&Command::new(CH1).args(["--quick", "--out"]).arg(root.join("run2")).output().unwrap());
    assert!(root.join(gallery::PAGE).is_file(), "a folder holding chapter runs gets its page");
    let page = std::fs::read_to_string(root.join(gallery::PAGE)).unwrap();
    assert!(page.contains("ch3_unpooling") && page.contains("ch1_identity"));
    assert_eq!(std::fs::read_to_string(root.join("notes.txt")).unwrap(), "the reader's");
}

// ---------------------------------------------------------------------------------------------
// Writes never destroy what the run did not create

#[cfg(unix)]
#[test]
fn write_atomic_refuses_non_regular_targets_and_inputs() {
    let dir = temp_dir("write-targets");
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
    let link = dir.join("link");
    std::os::unix::fs::symlink(dir.join("elsewhere"), &link).unwrap();
    let sub = dir.join("sub");
    std::fs::create_dir(&sub).unwrap();
    for (p, what) in [(&fifo, "named pipe"), (&link, "symbolic link"), (&sub, "folder")] {
        let e = files::write_atomic(p, b"x").unwrap_err().to_string();
        assert!(e.contains(what), "{e}");
    }
    assert!(!dir.join("elsewhere").exists() && sub.is_dir());
    let input = dir.join("input.txt");
    std::fs::write(&input, "data").unwrap();
    files::read_input(&input, Kind::TITLES).unwrap();
    let e = files::write_atomic(&input, b"x").unwrap_err().to_string();
    assert!(e.contains("this run reads"), "{e}");
    assert_eq!(std::fs::read_to_string(&input).unwrap(), "data");
}

#[test]
fn stale_temporary_files_of_dead_runs_are_removed() {
    let dir = temp_dir("stale-temps");
    let target = dir.join("results.txt");
    let dead = dir.join(format!("results.txt.tmp-{}-0", dead_pid()));
    let live = dir.join(format!("results.txt.tmp-{}-0", std::process::id()));
    let other = dir.join(format!("notes.txt.tmp-{}-0", dead_pid()));
    for f in [&dead, &live, &other] {
        std::fs::write(f, "half").unwrap();
    }
    files::write_atomic(&target, b"whole").unwrap();
    assert!(!dead.exists(), "a dead run's temporary file is removed");
    assert!(live.exists() && other.exists(), "a live run's, and another target's, are kept");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 3);
    assert_eq!(files::temp_owner("results.txt.tmp-42-7", "results.txt"), Some(42));
    assert_eq!(files::temp_owner("results.txt.tmp-42-", "results.txt"), None);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// `--save` over whatever a path holds: a file that is not a model file, or that the run
    /// read, is never modified; only an existing model file (or nothing) is replaced.
    #[test]
    fn no_save_modifies_a_file_it_did_not_create(
        content in proptest::collection::vec(any::<u8>(), 0..64),
        model_like in any::<bool>(),
        read_first in any::<bool>(),
    ) {
        // Every case its own file, none deleted: a deleted file's inode may be reused, and the
        // run remembers the inodes it read.
        static CASE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!("autoencoders-test-{}-prop-save", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("target-{}", CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
        let mut bytes = content.clone();
        if model_like {
            bytes.splice(0..0, model_file::MAGIC.iter().copied());
        }
        std::fs::write(&path, &bytes).unwrap();
        if read_first {
            files::read_input(&path, Kind::MODEL).unwrap();
        }
        let tensors = vec![model_file::Tensor::new("x", &[1], vec![1.0])];
        let result = model_file::check_save_target(&path, &[]).and_then(|()| model_file::save(&path, &tensors));
        let may_replace = model_like && !read_first;
        prop_assert_eq!(result.is_ok(), may_replace, "{:?}", result.err().map(|e| e.to_string()));
        if !may_replace {
            prop_assert_eq!(std::fs::read(&path).unwrap(), bytes);
        }
    }
}
