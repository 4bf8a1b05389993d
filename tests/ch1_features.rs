//! The `ch1_features` chapter binary: its Results block, determinism and errors, and the
//! feature-scoring helper on a case worked by construction.

mod common;
use common::*;

use autoencoders::compare::classify::SoftmaxConfig;
use autoencoders::compare::features::softmax_accuracy;
use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;

const CH1_FEATURES: &str = env!("CARGO_BIN_EXE_ch1_features");

#[test]
fn quick_run_reports_three_accuracies() {
    let o = run(CH1_FEATURES, "ch1_features", &["--quick"]);
    assert_ok(&o);
    let s = stdout(&o);
    for key in ["accuracy_codes", "accuracy_pixels", "accuracy_pca"] {
        let a = result_f64(&s, key);
        assert!((0.0..=1.0).contains(&a), "{key} = {a}");
    }
    // Pixels and PCA components separate the built-in digits well even in a quick run.
    assert!(result_f64(&s, "accuracy_pixels") > 0.8, "{s}");
    assert!(result_f64(&s, "accuracy_pca") > 0.8, "{s}");
    // Ten digits: chance is 10 %.
    assert!(result_f64(&s, "accuracy_codes") > 0.1, "{s}");
    let again = run(CH1_FEATURES, "ch1_features", &["--quick"]);
    assert_eq!(o.stdout, again.stdout, "same seed, same bytes");
}

#[test]
fn bad_flags_and_missing_data_are_errors() {
    let o = std::process::Command::new(CH1_FEATURES).arg("--nope").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let empty = temp_dir("ch1_features-empty");
    let o = std::process::Command::new(CH1_FEATURES).arg("--data").arg(&empty).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: ") && !stderr(&o).contains("panicked"));
}

#[test]
fn a_feature_that_is_the_label_scores_perfectly() {
    // Features 0–9 are the label one-hot, feature 10 noise: a linear classifier reads them off.
    let mut rng = Rng::new(2);
    let labels: Vec<u8> = (0..200).map(|i| (i % 10) as u8).collect();
    let mut x = Matrix::zeros(200, 11);
    for (r, &l) in labels.iter().enumerate() {
        x[(r, usize::from(l))] = 1.0;
        x[(r, 10)] = rng.normal();
    }
    let s = softmax_accuracy("label", &x, &labels, &x, &labels, &SoftmaxConfig::default(), &mut rng).unwrap();
    assert_eq!(s.dims, 11);
    assert_eq!(s.test_accuracy, 1.0, "{s:?}");
}

#[test]
fn the_code_width_is_a_knob() {
    assert_usage_errors(CH1_FEATURES, &[&["--code", "0"][..], &["--code", "785"], &["--code", "x"]]);
    assert_help_lists(CH1_FEATURES, &["--code N", "cargo run --bin ch1_features -- --code"]);
    let o = run(CH1_FEATURES, "ch1_features-code", &["--quick", "--epochs", "1", "--code", "8"]);
    assert_ok(&o);
    let s = stdout(&o);
    assert!(s.contains("784-8-784") && s.contains("top 8 principal components"), "{s}");
}
