//! The `ch1_mnist` chapter binary: its Results block, its pictures, its determinism (timing
//! lines aside) and its errors.

mod common;
use common::*;

const CH1_MNIST: &str = env!("CARGO_BIN_EXE_ch1_mnist");

/// The output without the lines that report speed, which change from run to run.
fn without_timing(s: &str) -> String {
    s.lines()
        .filter(|l| !l.contains("samples/s") && !l.starts_with("samples_per_second:") && !l.contains("wall time"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn quick_run_reports_errors_speed_and_pictures() {
    let out = temp_dir("ch1_mnist");
    let o = std::process::Command::new(CH1_MNIST).args(["--quick", "--out"]).arg(&out).output().unwrap();
    assert_ok(&o);
    let s = stdout(&o);
    let (train, test) = (result_f64(&s, "train_mse"), result_f64(&s, "test_mse"));
    // Three quick epochs already beat drawing the mean image (about 0.07 per pixel).
    assert!(train > 0.0 && train < 0.07 && test > 0.0 && test < 0.07, "{s}");
    assert!(result_f64(&s, "samples_per_second") > 0.0);
    for name in ["reconstructions.png", "loss.svg", "interpolation.png"] {
        let path = out.join(name);
        assert!(path.exists(), "{name} missing");
        assert!(s.contains(&path.display().to_string()), "the chapter prints the path of {name}");
    }
    let png = std::fs::read(out.join("reconstructions.png")).unwrap();
    let decoded = autoencoders::render::png::decode(&out.join("reconstructions.png"), &png).unwrap();
    // Two rows of ten 28×28 tiles, each pixel 3×3, with 2-pixel gaps.
    assert_eq!((decoded.width, decoded.height), (2 + 10 * (84 + 2), 2 + 2 * (84 + 2)));
    // The interpolation strip: one row of ten tiles, the same tile size.
    let path = out.join("interpolation.png");
    assert_eq!(result(&s, "interpolation_png"), path.display().to_string());
    let strip = autoencoders::render::png::decode(&path, &std::fs::read(&path).unwrap()).unwrap();
    assert_eq!((strip.width, strip.height), (2 + 10 * (84 + 2), 2 + (84 + 2)));
    let svg = std::fs::read_to_string(out.join("loss.svg")).unwrap();
    assert!(svg.contains("held out") && svg.contains("<polyline"));
}

#[test]
fn same_seed_same_output_apart_from_timing() {
    let a = run(CH1_MNIST, "ch1_mnist-det", &["--quick", "--seed", "3"]);
    let b = run(CH1_MNIST, "ch1_mnist-det", &["--quick", "--seed", "3"]);
    assert_ok(&a);
    assert_eq!(without_timing(&stdout(&a)), without_timing(&stdout(&b)));
    let c = run(CH1_MNIST, "ch1_mnist-det2", &["--quick", "--seed", "4"]);
    assert_ne!(without_timing(&stdout(&a)), without_timing(&stdout(&c)));
}

#[test]
fn bad_flags_and_missing_data_are_one_line_errors() {
    assert_usage_errors(
        CH1_MNIST,
        &[&["--no-such-flag"][..], &["--lr", "-1"], &["--code", "0"], &["--epochs", "0"], &["--lr-final", "x"]],
    );
    assert_usage_errors(
        CH1_MNIST,
        &[
            &["--hidden", "0"][..],
            &["--hidden", "2.5"],
            &["--hidden", "5", "--code", "5"],
            &["--lr", "0"],
            &["--lr", "inf"],
        ],
    );
    let empty = temp_dir("ch1_mnist-empty");
    let o = std::process::Command::new(CH1_MNIST).arg("--data").arg(&empty).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.starts_with("error: ") && err.contains("no MNIST files") && !err.contains("panicked"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// The shared MNIST digits, when they sit beside the checkout: a short run must already
/// learn something (the full claim, 0.030 in under 30 s, is measured by hand; see the report
/// in `image_ae`'s module doc).
#[test]
fn reads_real_mnist_when_present() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/mnist"));
    if !dir.exists() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let o = run(CH1_MNIST, "ch1_mnist-real", &["--data", dir.to_str().unwrap(), "--epochs", "1"]);
    assert_ok(&o);
    let s = stdout(&o);
    assert!(s.contains("6000 train, 2000 test"), "{s}");
    assert!(result_f64(&s, "test_mse") < 0.08, "{s}");
}

#[test]
fn hidden_and_lr_are_knobs_the_help_lists() {
    assert_help_lists(CH1_MNIST, &["--hidden N", "--lr RATE", "cargo run --bin ch1_mnist -- --hidden 5"]);
    let o = run(CH1_MNIST, "ch1_mnist-hidden", &["--quick", "--epochs", "1", "--hidden", "7", "--lr", "0.02"]);
    assert_ok(&o);
    let s = stdout(&o);
    assert!(s.contains("784 → 7 → 784") && s.contains("learning rate 0.02"), "{s}");
}
