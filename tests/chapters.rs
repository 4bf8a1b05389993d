//! Every chapter binary, run as a reader would with `--quick`, its Results block checked.
//! Also: bad flags exit 2 with a usage line, and the same seed prints the same bytes.

mod common;
use common::*;

const CONTENTS: &str = env!("CARGO_BIN_EXE_contents");
const CH1_IDENTITY: &str = env!("CARGO_BIN_EXE_ch1_identity");
const CH3_TRAINING_STEPS: &str = env!("CARGO_BIN_EXE_ch3_training_steps");
const CH3_UNPOOLING: &str = env!("CARGO_BIN_EXE_ch3_unpooling");

#[test]
fn contents_lists_every_chapter() {
    let o = run(CONTENTS, "contents", &[]);
    assert_ok(&o);
    let s = stdout(&o);
    for c in autoencoders::workbook::catalog::CHAPTERS {
        assert!(s.contains(&format!("cargo run --bin {}", c.name)), "contents misses {}", c.name);
    }
    assert_eq!(result(&s, "chapters"), autoencoders::workbook::catalog::CHAPTERS.len().to_string());
}

#[test]
fn catalog_matches_the_binaries_in_cargo_toml() {
    let toml = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    let bins: Vec<&str> = toml
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|n| *n != "autoencoders" && *n != "contents")
        .collect();
    let mut listed: Vec<&str> = autoencoders::workbook::catalog::CHAPTERS.iter().map(|c| c.name).collect();
    let mut bins_sorted = bins.clone();
    bins_sorted.retain(|b| b.starts_with("ch"));
    bins_sorted.sort();
    listed.sort();
    assert_eq!(listed, bins_sorted, "catalog.rs and Cargo.toml disagree");
}

#[test]
fn ch1_identity_reconstructs_all_four() {
    let o = run(CH1_IDENTITY, "ch1", &["--quick"]);
    assert_ok(&o);
    let s = stdout(&o);
    assert_eq!(result(&s, "reconstructed"), "4/4");
    assert!(result_f64(&s, "max_error") <= autoencoders::identity::TARGET_MAX_ERROR);
    assert_eq!(result(&s, "stuck"), "false");
    assert!(s.contains("2 bits"), "the chapter explains what two numbers carry");
}

#[test]
fn ch1_identity_says_plainly_when_it_does_not_converge() {
    // A 1-number code cannot hold 2 bits well enough to bring every entry within 0.1.
    let o = run(CH1_IDENTITY, "ch1-narrow", &["--code", "1", "--epochs", "2000"]);
    assert_ok(&o);
    let s = stdout(&o);
    assert_eq!(result(&s, "stuck"), "true");
    assert!(s.contains("did NOT reconstruct every input"), "{s}");
}

#[test]
fn ch3_training_steps_gradients_agree_and_loss_falls() {
    let o = run(CH3_TRAINING_STEPS, "ch3", &["--quick"]);
    assert_ok(&o);
    let s = stdout(&o);
    let rel = result_f64(&s, "gradient_max_relative_error");
    assert!(rel <= 1e-6, "backprop and numeric gradients differ by {rel}");
    let first = result_f64(&s, "first_epoch_loss");
    let last = result_f64(&s, "final_loss");
    assert!(last < 0.75 * first, "loss {first} → {last} did not fall");
    for step in ["Step 1", "Step 2", "Step 3", "Step 4", "Step 5", "Steps 6–7"] {
        assert!(s.contains(step), "missing {step}");
    }
}

#[test]
fn ch3_training_steps_full_run_converges() {
    let o = run(CH3_TRAINING_STEPS, "ch3-full", &[]);
    assert_ok(&o);
    let s = stdout(&o);
    assert!(result_f64(&s, "final_loss") < 0.02, "{s}");
}

#[test]
fn bad_flags_are_usage_errors() {
    for exe in [CONTENTS, CH1_IDENTITY, CH3_TRAINING_STEPS, CH3_UNPOOLING] {
        for args in
            [&["--no-such-flag"][..], &["--seed", "abc"], &["--seed"], &["--epochs", "0"], &["stray"], &["--quick=1"]]
        {
            let o = std::process::Command::new(exe).args(args).output().unwrap();
            assert_eq!(o.status.code(), Some(2), "{exe} {args:?}");
            let err = stderr(&o);
            assert!(err.starts_with("error: "), "{exe} {args:?}: {err}");
            assert!(err.contains("usage: "), "{exe} {args:?}: {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
    }
    let o = std::process::Command::new(CH1_IDENTITY).args(["--lr", "-1"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_exits_zero_and_lists_the_options() {
    for exe in [CONTENTS, CH1_IDENTITY, CH3_TRAINING_STEPS, CH3_UNPOOLING] {
        let o = std::process::Command::new(exe).arg("--help").output().unwrap();
        assert_ok(&o);
        let s = stdout(&o);
        assert!(s.contains("--seed N") && s.contains("--quick") && s.contains("exercises:"), "{s}");
    }
}

#[test]
fn same_seed_same_output() {
    for (exe, label) in [(CH1_IDENTITY, "det-ch1"), (CH3_TRAINING_STEPS, "det-ch3")] {
        let a = run(exe, label, &["--quick", "--seed", "5"]);
        let b = run(exe, label, &["--quick", "--seed", "5"]);
        assert_ok(&a);
        assert_eq!(a.stdout, b.stdout, "{exe} printed different bytes for the same seed");
    }
}

#[test]
fn a_diverging_run_is_an_error_not_a_silent_nan() {
    let o = std::process::Command::new(CH1_IDENTITY).args(["--lr", "1e308"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("ch1_identity: training diverged at epoch") && err.contains("smaller learning rate"), "{err}");
}
