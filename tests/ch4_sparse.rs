//! The `ch4_sparse` chapter, run as a reader would with `--quick`: its Results exist, are
//! finite and say what §4.1 predicts; a bad flag is a usage error; the same seed prints the
//! same bytes.

mod common;
use common::*;

const EXE: &str = env!("CARGO_BIN_EXE_ch4_sparse");

const KEYS: [&str; 7] = [
    "mean_activation_kl",
    "target_rho",
    "near_zero_fraction_kl",
    "near_zero_fraction_plain",
    "test_mse_plain",
    "test_mse_kl",
    "test_mse_topk",
];

#[test]
fn quick_run_is_sparse_where_it_should_be() {
    let dir = temp_dir("ch4-sparse");
    let o = std::process::Command::new(EXE).args(["--quick", "--out"]).arg(&dir).output().unwrap();
    assert_ok(&o);
    let s = stdout(&o);
    for k in KEYS {
        let v = result_f64(&s, k);
        assert!(v.is_finite() && v >= 0.0, "{k}: {v}");
    }
    let rho = result_f64(&s, "target_rho");
    assert_eq!(rho, 0.05);
    let mean = result_f64(&s, "mean_activation_kl");
    // Four short epochs bring the KL units' average to within a factor of 2 of ρ (0.065 when
    // written); the plain code's average is near ½.
    assert!(mean > 0.5 * rho && mean < 2.0 * rho, "KL mean activation {mean} vs ρ {rho}");
    assert!(result_f64(&s, "near_zero_fraction_kl") > result_f64(&s, "near_zero_fraction_plain") + 0.3, "{s}");
    // Top-k with k = 10 of 128 zeroes at least 118/128 of every code.
    assert!(result_f64(&s, "near_zero_fraction_topk") >= 118.0 / 128.0 - 1e-4);
    // Sparsity costs reconstruction: the plain overcomplete network copies best.
    assert!(result_f64(&s, "test_mse_plain") < result_f64(&s, "test_mse_kl"));
    for f in ["features_plain.png", "features_kl.png", "features_l1.png", "features_topk.png", "reconstructions.png"] {
        let bytes = std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(bytes.starts_with(b"\x89PNG"), "{f}");
    }
    let again = std::process::Command::new(EXE).args(["--quick", "--out"]).arg(&dir).output().unwrap();
    assert_eq!(again.stdout, o.stdout, "same seed, different output");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn knobs_are_checked() {
    assert_usage_errors(
        EXE,
        &[&["--k", "0"][..], &["--k", "500"], &["--rho", "1.5"], &["--beta", "-1"], &["--no-such-flag"], &["--rho"]],
    );
    assert_help_lists(
        EXE,
        &["--k K", "--rho R", "--beta B", "--data DIR", "exercises:", "cargo run --bin ch4_sparse -- "],
    );
}
