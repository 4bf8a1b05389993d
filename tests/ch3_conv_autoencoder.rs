//! The `ch3_conv_autoencoder` chapter binary: Results, picture, determinism, errors.

mod common;
use common::*;

const EXE: &str = env!("CARGO_BIN_EXE_ch3_conv_autoencoder");

#[test]
fn quick_run_reports_both_errors_and_draws_three_rows() {
    let out = temp_dir("ch3_conv_ae");
    let o = std::process::Command::new(EXE).args(["--quick", "--out"]).arg(&out).output().unwrap();
    assert_ok(&o);
    let s = stdout(&o);
    let (conv, dense) = (result_f64(&s, "test_mse"), result_f64(&s, "dense_test_mse"));
    // One quick epoch: both below the 0.25 of an output stuck at ½ on black pixels.
    assert!(conv > 0.0 && conv < 0.25 && dense > 0.0 && dense < 0.25, "{s}");
    assert_eq!(result(&s, "code_size"), "98");
    assert!(s.contains("side information"), "the chapter names the switches as extra information");
    let path = out.join("conv_autoencoder.png");
    let png = autoencoders::render::png::decode(&path, &std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(png.height, 2 + 3 * (84 + 2));
    let again = std::process::Command::new(EXE).args(["--quick", "--out"]).arg(&out).output().unwrap();
    assert_eq!(o.stdout, again.stdout, "same seed, same bytes");
}

#[test]
fn bad_flags_and_missing_data_are_errors() {
    let o = std::process::Command::new(EXE).args(["--epochs", "0"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let empty = temp_dir("ch3_conv_ae-empty");
    let o = std::process::Command::new(EXE).arg("--data").arg(&empty).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.starts_with("error: ") && err.contains("no MNIST files") && !err.contains("panicked"), "{err}");
}
