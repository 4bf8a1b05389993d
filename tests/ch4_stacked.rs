//! The `ch4_stacked` binary run as a reader would: `--quick`, its Results block, its
//! determinism and its usage errors.

mod common;
use common::*;

const CH4_STACKED: &str = env!("CARGO_BIN_EXE_ch4_stacked");

#[test]
fn ch4_stacked_quick_run() {
    let o = run(CH4_STACKED, "ch4-stacked", &["--quick"]);
    assert_ok(&o);
    let s = stdout(&o);
    for key in [
        "accuracy_pixels",
        "accuracy_one_ae",
        "accuracy_stacked",
        "accuracy_stacked_denoising",
        "accuracy_finetuned",
        "accuracy_stacked_svm",
    ] {
        let a = result_f64(&s, key);
        // Ten classes: chance is 0.1; even the quick run's codes carry far more than that.
        assert!(a > 0.3 && a <= 1.0, "{key}: {a}\n{s}");
    }
    assert!(s.contains("stacked denoising autoencoder"), "{s}");
    let again = run(CH4_STACKED, "ch4-stacked", &["--quick"]);
    assert_eq!(again.stdout, o.stdout, "same seed, same bytes");
}

#[test]
fn ch4_stacked_usage_errors_and_help() {
    for args in [&["--noise", "1"][..], &["--noise", "0"], &["--hidden", "a"], &["--hidden", "0"], &["--x"]] {
        let o = std::process::Command::new(CH4_STACKED).args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    let o = std::process::Command::new(CH4_STACKED).arg("--help").output().unwrap();
    assert_ok(&o);
    assert!(stdout(&o).contains("exercises:"));
}
