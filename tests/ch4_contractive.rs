//! The `ch4_contractive` chapter, run as a reader would with `--quick`: its Results exist and
//! are finite, the CAE's Jacobian is the smallest, accuracies are sensible; the verdict lines
//! are printed; bad flags are usage errors.

mod common;
use common::*;

const EXE: &str = env!("CARGO_BIN_EXE_ch4_contractive");
const MODELS: [&str; 4] = ["plain", "weight_decay", "denoising", "contractive"];

#[test]
fn quick_run_contracts_and_reports_its_verdicts() {
    let o = run(EXE, "ch4-contractive", &["--quick"]);
    assert_ok(&o);
    let s = stdout(&o);
    for m in MODELS {
        let j = result_f64(&s, &format!("jacobian_norm_{m}"));
        assert!(j.is_finite() && j > 0.0, "{m}: ‖J‖ {j}");
        let a = result_f64(&s, &format!("accuracy_{m}"));
        // Ten classes: chance is 0.1; the quick models reach 0.85–0.92 (seed 1).
        assert!(a > 0.6 && a <= 1.0, "{m}: accuracy {a}");
        let mse = result_f64(&s, &format!("test_mse_{m}"));
        assert!(mse.is_finite() && mse > 0.0 && mse < 0.1, "{m}: mse {mse}");
    }
    let cae = result_f64(&s, "jacobian_norm_contractive");
    for m in ["plain", "weight_decay", "denoising"] {
        assert!(cae < result_f64(&s, &format!("jacobian_norm_{m}")), "CAE ‖J‖ {cae} not below {m}'s");
    }
    // Seed 1 quick: 0.660 against 2.05 for the plain model.
    assert!(cae < 0.5 * result_f64(&s, "jacobian_norm_plain"));
    assert!(result_f64(&s, "noise_sensitivity_contractive") < result_f64(&s, "noise_sensitivity_plain"));
    assert!(s.contains("Step 4: what §4.3 claims"), "{s}");
    assert!(s.contains("better features than weight decay: ") && s.contains("better features than denoising: "));
    let again = run(EXE, "ch4-contractive", &["--quick"]);
    assert_eq!(again.stdout, o.stdout, "same seed, different output");
}

#[test]
fn knobs_are_checked() {
    assert_usage_errors(
        EXE,
        &[&["--lambda", "0"][..], &["--lambda", "-1"], &["--noise", "1"], &["--code", "0"], &["--no-such-flag"]],
    );
    assert_help_lists(EXE, &["--lambda L", "--data DIR", "exercises:", "cargo run --bin ch4_contractive -- "]);
}
