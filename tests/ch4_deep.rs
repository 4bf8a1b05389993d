//! The `ch4_deep` binary run as a reader would: `--quick`, its Results block, its pictures,
//! its determinism and its usage errors.

mod common;
use common::*;

const CH4_DEEP: &str = env!("CARGO_BIN_EXE_ch4_deep");

#[test]
fn ch4_deep_quick_run() {
    let dir = temp_dir("ch4-deep");
    let run = || std::process::Command::new(CH4_DEEP).args(["--quick", "--out"]).arg(&dir).output().unwrap();
    let o = run();
    assert_ok(&o);
    let s = stdout(&o);
    assert_eq!(result(&s, "code_size"), "30");
    let errs: Vec<f64> = ["pretrained", "random_init", "pca", "unrolled"]
        .iter()
        .map(|m| result_f64(&s, &format!("sq_error_per_image_{m}")))
        .collect();
    // Squared error per 784-pixel image lies between 0 and 784; these quick runs land at 10–60.
    assert!(errs.iter().all(|&e| e > 1.0 && e < 100.0), "{errs:?}\n{s}");
    for name in ["pretrained", "random_init", "pca"] {
        let bytes = std::fs::read(dir.join(format!("reconstructions_{name}.png"))).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{name}");
    }
    assert!(s.contains("Step 1") && s.contains("Step 5"), "{s}");
    // Same seed, same bytes.
    assert_eq!(run().stdout, o.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ch4_deep_usage_errors_and_help() {
    for args in [&["--code", "0"][..], &["--hidden", "12,x"], &["--rbm-epochs", "0"], &["--bogus"], &["--code", "900"]]
    {
        let o = std::process::Command::new(CH4_DEEP).args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).starts_with("error: "));
    }
    let o = std::process::Command::new(CH4_DEEP).arg("--help").output().unwrap();
    assert_ok(&o);
    assert!(stdout(&o).contains("exercises:"));
}

#[test]
fn ch4_deep_quick_on_shared_mnist() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/mnist");
    if !dir.is_dir() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let o = run(CH4_DEEP, "ch4-deep-mnist", &["--quick", "--data", dir.to_str().unwrap()]);
    assert_ok(&o);
    let s = stdout(&o);
    assert!(s.contains("MNIST from"), "{s}");
    // PCA-30 on the 2000 held-out shared digits, fitted on the first 1000: about 14–16 per image.
    let pca = result_f64(&s, "sq_error_per_image_pca");
    assert!(pca > 10.0 && pca < 20.0, "{pca}");
}
