//! §2: the linear-autoencoder/PCA subspace property on a small synthetic set, the cosine
//! matrix, and the `ch2_structure` binary run as a reader would.

mod common;
use common::*;

use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::train::TrainConfig;
use autoencoders::structure::{self, column_cosines};

const CH2: &str = env!("CARGO_BIN_EXE_ch2_structure");

/// 400 points in 8 dimensions: 3 latent directions with spreads 3, 2 and 1.5 mixed by a fixed
/// random matrix, plus isotropic noise of spread 0.1 and an offset. The top-3 eigenvalues are
/// well separated from the noise floor (≈ 0.01), so a linear autoencoder should find that
/// subspace to a fraction of a degree.
fn synthetic(rng: &mut Rng) -> Matrix {
    let mix = Matrix::normal(8, 3, 1.0, rng);
    let spreads = [3.0, 2.0, 1.5];
    let mut x = Matrix::zeros(400, 8);
    for r in 0..400 {
        let z: Vec<f64> = spreads.iter().map(|s| s * rng.normal()).collect();
        for c in 0..8 {
            let signal: f64 = (0..3).map(|j| mix[(c, j)] * z[j]).sum();
            x[(r, c)] = 0.5 + signal + 0.1 * rng.normal();
        }
    }
    x
}

#[test]
fn a_linear_autoencoder_spans_the_principal_subspace_but_not_its_axes() {
    let mut rng = Rng::new(11);
    let x = synthetic(&mut rng);
    let cfg = TrainConfig { epochs: 150, batch_size: 16, lr: 0.02, lr_decay: 0.97, loss: LossKind::Mse };
    let (_, pca, cmp) = structure::linear_vs_pca(&x, &x, 3, &cfg, &mut rng).unwrap();
    let max = cmp.principal_angles.iter().fold(0.0f64, |m, &a| m.max(a));
    assert!(max < 0.5, "principal angles {:?}", cmp.principal_angles);
    // On the data both were fitted to, PCA's error is the minimum. The autoencoder approaches
    // it more slowly than its decoder finds the subspace: the encoder's weights along the noise
    // directions (variance 0.01) get gradients ~100× smaller than along the signal, so after
    // this short run the map is close to, not yet at, the orthogonal projector (measured: 1.33×).
    assert!(cmp.ae_train_mse >= cmp.pca_train_mse * (1.0 - 1e-9), "{cmp:?}");
    assert!(cmp.ae_train_mse <= cmp.pca_train_mse * 1.5, "{cmp:?}");
    assert_eq!(pca.k(), 3);
    // The units are mixtures: some decoder column sits well away from every component.
    let worst_unit = cmp.unit_angles.iter().fold(0.0f64, |m, &a| m.max(a));
    assert!(worst_unit > 5.0, "unit angles {:?}", cmp.unit_angles);
}

#[test]
fn column_cosines_by_hand() {
    // a's columns (1, 0) and (1, 1); b's column (0, 2): |cos| 0 and 1/√2.
    let a = Matrix::from_rows(&[&[1.0, 1.0], &[0.0, 1.0]]);
    let b = Matrix::from_rows(&[&[0.0], &[2.0]]);
    let c = column_cosines(&a, &b);
    assert_eq!(c.shape(), (2, 1));
    assert!(c[(0, 0)].abs() < 1e-15);
    assert!((c[(1, 0)] - 0.5f64.sqrt()).abs() < 1e-15);
}

#[test]
fn squared_error_per_image_sums_pixels_and_averages_images() {
    let x = Matrix::from_rows(&[&[0.0, 1.0], &[1.0, 1.0]]);
    let r = Matrix::from_rows(&[&[0.5, 1.0], &[0.0, 0.0]]);
    // image 1: 0.25; image 2: 1 + 1 = 2; mean 1.125; per entry 2.25 / 4.
    assert!((structure::squared_error_per_image(&r, &x) - 1.125).abs() < 1e-15);
    assert!((structure::mse_per_entry(&r, &x) - 0.5625).abs() < 1e-15);
}

#[test]
fn ch2_structure_quick_run() {
    let dir = temp_dir("ch2");
    let o = std::process::Command::new(CH2).args(["--quick", "--out"]).arg(&dir).output().unwrap();
    assert_ok(&o);
    let s = stdout(&o);
    let angle = result_f64(&s, "max_principal_angle_degrees");
    assert!(angle < 10.0, "quick run should already be near PCA's subspace: {angle}°\n{s}");
    let (ae, pca) = (result_f64(&s, "linear_ae_test_mse"), result_f64(&s, "pca_test_mse"));
    assert!(ae > 0.0 && pca > 0.0 && ae < 1.1 * pca, "{ae} vs {pca}");
    assert!(result_f64(&s, "min_unit_angle_degrees") > 5.0, "{s}");
    // The error falls as the code widens.
    let errs: Vec<f64> = [2, 5, 10, 25, 50].iter().map(|k| result_f64(&s, &format!("ae_test_mse_code_{k}"))).collect();
    assert!(errs.windows(2).all(|w| w[1] < w[0]), "{errs:?}");
    for key in ["error_vs_code_svg", "latent_2d_svg"] {
        let path = result(&s, key);
        let svg = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{key}: {path}: {e}"));
        assert!(svg.starts_with("<?xml") && svg.contains("</svg>"), "{path}");
    }
    let scatter = std::fs::read_to_string(result(&s, "latent_2d_svg")).unwrap();
    // Two panels, autoencoder codes and PCA: in each, one circle per held-out digit and one
    // per legend entry, the legend naming the labels 0 to 9.
    assert_eq!(scatter.matches("<svg ").count(), 1 + 2);
    assert!(scatter.contains("2-number autoencoder codes") && scatter.contains("First two principal components"));
    assert_eq!(scatter.matches("<circle").count(), 2 * (300 + 10));
    assert_eq!(scatter.matches("r=\"4\"").count(), 2 * 10, "ten legend dots per panel");
    for d in 0..10 {
        assert!(scatter.matches(&format!(">{d}</text>")).count() >= 2, "legend entry {d} in each panel");
    }
    let again = std::process::Command::new(CH2).args(["--quick", "--out"]).arg(&dir).output().unwrap();
    assert_eq!(again.stdout, o.stdout, "same seed, same bytes");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ch2_structure_usage_and_help() {
    assert_usage_errors(CH2, &[&["--k", "0"][..], &["--k", "x"], &["--nope"]]);
    let o = std::process::Command::new(CH2).arg("--help").output().unwrap();
    assert_ok(&o);
    let s = stdout(&o);
    assert!(s.contains("exercises:") && s.contains("cargo run --bin ch2_structure"), "{s}");
}

/// The shared MNIST digits, if this checkout sits beside them.
fn shared_mnist() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/mnist");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent", dir.display());
        None
    }
}

#[test]
fn ch2_structure_quick_on_shared_mnist() {
    let Some(data) = shared_mnist() else { return };
    let o = run(CH2, "ch2-mnist", &["--quick", "--data", data.to_str().unwrap()]);
    assert_ok(&o);
    let s = stdout(&o);
    assert!(s.contains("MNIST from"), "{s}");
    assert!(result_f64(&s, "max_principal_angle_degrees") < 10.0, "{s}");
}
