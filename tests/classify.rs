//! Softmax regression and the linear SVM: gradients against central differences, softmax's
//! numerical safety, and training on synthetic sets whose answers are known.

use autoencoders::compare::classify::{
    LinearSvm, SoftmaxConfig, SoftmaxRegression, Solver, Standardizer, SvmConfig, log_sum_exp, softmax, train_softmax,
    train_svm,
};
use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::nn::gradcheck::{TOLERANCE, check};
use proptest::prelude::*;

fn random_model(features: usize, classes: usize, rng: &mut Rng) -> SoftmaxRegression {
    SoftmaxRegression {
        w: Matrix::uniform(classes, features, -1.0, 1.0, rng),
        b: (0..classes).map(|_| rng.range(-1.0, 1.0)).collect(),
    }
}

/// Checks d_w, d_b and d_x of the softmax loss against numeric gradients.
fn check_softmax_gradients(batch: usize, features: usize, classes: usize, l2: f64, seed: u64) {
    let mut rng = Rng::new(seed);
    let model = random_model(features, classes, &mut rng);
    let x = Matrix::uniform(batch, features, -2.0, 2.0, &mut rng);
    let labels: Vec<usize> = (0..batch).map(|_| rng.below(classes)).collect();
    let g = model.gradients(&x, &labels, l2);
    assert!((g.loss - model.loss(&x, &labels, l2)).abs() < 1e-14, "gradients and loss disagree on the value");

    let c = check(model.w.data(), g.d_w.data(), |w| {
        let m = SoftmaxRegression { w: Matrix::from_vec(classes, features, w.to_vec()), b: model.b.clone() };
        m.loss(&x, &labels, l2)
    });
    assert!(c.max_relative_error <= TOLERANCE, "d_w ({batch}×{features}, {classes} classes, λ {l2}): {c}");
    let c = check(&model.b, &g.d_b, |b| {
        let m = SoftmaxRegression { w: model.w.clone(), b: b.to_vec() };
        m.loss(&x, &labels, l2)
    });
    assert!(c.max_relative_error <= TOLERANCE, "d_b ({batch}×{features}, {classes} classes): {c}");
    let c =
        check(x.data(), g.d_x.data(), |xv| model.loss(&Matrix::from_vec(batch, features, xv.to_vec()), &labels, l2));
    assert!(c.max_relative_error <= TOLERANCE, "d_x ({batch}×{features}, {classes} classes): {c}");
}

#[test]
fn softmax_gradients_match_numeric_ones() {
    check_softmax_gradients(4, 3, 3, 0.0, 1);
    check_softmax_gradients(5, 6, 4, 0.25, 2);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn softmax_gradients_match_on_random_shapes(
        batch in 1usize..7,
        features in 1usize..7,
        classes in 2usize..6,
        l2 in prop_oneof![Just(0.0), 0.0f64..1.0],
        seed in any::<u64>(),
    ) {
        check_softmax_gradients(batch, features, classes, l2, seed);
    }

    #[test]
    fn softmax_rows_sum_to_one(rows in 1usize..5, cols in 1usize..8, spread in 0.0f64..2000.0, seed in any::<u64>()) {
        let s = Matrix::uniform(rows, cols, -spread, spread, &mut Rng::new(seed));
        let p = softmax(&s);
        prop_assert!(p.all_finite());
        for r in 0..rows {
            prop_assert!((p.row(r).iter().sum::<f64>() - 1.0).abs() < 1e-12);
            prop_assert!(p.row(r).iter().all(|&v| (0.0..=1.0).contains(&v)));
            // The largest logit gets the largest probability.
            prop_assert_eq!(p.argmax_row(r), s.argmax_row(r));
        }
    }
}

#[test]
fn softmax_by_hand() {
    // softmax(0, ln 2, ln 5) = (1, 2, 5)/8; adding 1000 to every logit changes nothing.
    let z = [0.0, 2f64.ln(), 5f64.ln()];
    for shift in [0.0, 1000.0, -1000.0] {
        let p = softmax(&Matrix::row_vector(&z.map(|v| v + shift)));
        for (got, want) in p.row(0).iter().zip([0.125, 0.25, 0.625]) {
            assert!((got - want).abs() < 1e-12, "shift {shift}: {got} vs {want}");
        }
    }
    // ln(e⁰ + e^ln2 + e^ln5) = ln 8
    assert!((log_sum_exp(&z) - 8f64.ln()).abs() < 1e-15);
}

#[test]
fn softmax_is_stable_for_large_logits() {
    let p = softmax(&Matrix::from_rows(&[&[1000.0, 0.0, -1000.0], &[1000.0, 1000.0, 1000.0]]));
    assert!(p.all_finite());
    assert_eq!(p.row(0), &[1.0, 0.0, 0.0]);
    for v in p.row(1) {
        assert!((v - 1.0 / 3.0).abs() < 1e-15);
    }
    // A confident wrong answer: logit 1000 on class 0, label 2 with logit −1000. The loss is
    // −ln P₂ = log-sum-exp − s₂ ≈ 1000 − (−1000) = 2000, large but finite.
    let model = SoftmaxRegression { w: Matrix::from_rows(&[&[1000.0], &[0.0], &[-1000.0]]), b: vec![0.0; 3] };
    let x = Matrix::from_rows(&[&[1.0]]);
    let g = model.gradients(&x, &[2usize], 0.0);
    assert!((g.loss - 2000.0).abs() < 1e-9, "loss {}", g.loss);
    // d_s = P − Y = (1, 0, −1) exactly, so d_b is that and d_x = d_s·W = 1000 + 1000.
    assert_eq!(g.d_b, vec![1.0, 0.0, -1.0]);
    assert_eq!(g.d_x.data(), &[2000.0]);
}

#[test]
fn zero_model_by_hand() {
    // With W = 0, b = 0 every class has probability 1/K: the loss is ln K, and
    // d_b = mean over the batch of (1/K − y) — here K = 4, labels (1, 1): (¼, −¾, ¼, ¼).
    let model = SoftmaxRegression::zeros(2, 4);
    let x = Matrix::from_rows(&[&[1.0, 2.0], &[3.0, -1.0]]);
    let g = model.gradients(&x, &[1u8, 1u8], 0.0);
    assert!((g.loss - 4f64.ln()).abs() < 1e-15);
    assert_eq!(g.d_b, vec![0.25, -0.75, 0.25, 0.25]);
    // d_w row 1 = Σᵢ (¼ − 1)·xᵢ / 2 = −¾·(4, 1)/2 = (−1.5, −0.375).
    assert_eq!(g.d_w.row(1), &[-1.5, -0.375]);
    assert_eq!(g.d_x, Matrix::zeros(2, 2));
}

/// `per_class` examples around each of three centres on a circle of the given radius:
/// uniform in a disc of radius `spread` when `gaussian` is false (separable once
/// spread < radius·sin 60°), normal with σ = spread otherwise. Two nuisance features of pure
/// noise are appended.
fn three_blobs(per_class: usize, radius: f64, spread: f64, gaussian: bool, rng: &mut Rng) -> (Matrix, Vec<u8>) {
    let mut rows = Vec::new();
    let mut labels = Vec::new();
    for i in 0..3 * per_class {
        let class = (i % 3) as u8;
        let angle = 2.0 * std::f64::consts::PI * class as f64 / 3.0;
        let (dx, dy) = if gaussian {
            (spread * rng.normal(), spread * rng.normal())
        } else {
            let (r, a) = (spread * rng.uniform().sqrt(), 2.0 * std::f64::consts::PI * rng.uniform());
            (r * a.cos(), r * a.sin())
        };
        rows.extend([radius * angle.cos() + dx, radius * angle.sin() + dy, rng.normal(), rng.normal()]);
        labels.push(class);
    }
    (Matrix::from_vec(3 * per_class, 4, rows), labels)
}

#[test]
fn softmax_separates_a_separable_set() {
    let mut rng = Rng::new(21);
    let (x, y) = three_blobs(100, 4.0, 2.0, false, &mut rng);
    let (scaler, xs) = Standardizer::fit_transform(&x);
    let model = train_softmax(&xs, &y, 3, &SoftmaxConfig::default(), &mut rng).unwrap();
    assert_eq!(model.accuracy(&xs, &y), 1.0);
    let (xt, yt) = three_blobs(50, 4.0, 2.0, false, &mut rng);
    assert_eq!(model.accuracy(&scaler.transform(&xt), &yt), 1.0);
    // Plain SGD gets there too.
    let sgd = SoftmaxConfig { solver: Solver::Sgd { lr: 0.5 }, ..SoftmaxConfig::default() };
    assert_eq!(train_softmax(&xs, &y, 3, &sgd, &mut rng).unwrap().accuracy(&xs, &y), 1.0);
}

#[test]
fn softmax_beats_chance_on_a_noisy_set() {
    // The blobs overlap (σ 2.5 around centres 3.5 apart), so no classifier is perfect; chance
    // is 1/3.
    let mut rng = Rng::new(22);
    let (x, y) = three_blobs(200, 2.0, 2.5, true, &mut rng);
    let (xt, yt) = three_blobs(200, 2.0, 2.5, true, &mut rng);
    let (scaler, xs) = Standardizer::fit_transform(&x);
    let model = train_softmax(&xs, &y, 3, &SoftmaxConfig::default(), &mut rng).unwrap();
    let test = model.accuracy(&scaler.transform(&xt), &yt);
    eprintln!("noisy set: train {:.3}, test {test:.3}", model.accuracy(&xs, &y));
    assert!(test > 0.55, "test accuracy {test}");
    let p = model.probabilities(&xs);
    assert!((0..p.rows()).all(|r| (p.row(r).iter().sum::<f64>() - 1.0).abs() < 1e-12));
}

#[test]
fn training_is_deterministic_for_a_seed() {
    let (x, y) = three_blobs(30, 2.0, 2.0, true, &mut Rng::new(5));
    let cfg = SoftmaxConfig { epochs: 5, ..SoftmaxConfig::default() };
    let a = train_softmax(&x, &y, 3, &cfg, &mut Rng::new(99)).unwrap();
    let b = train_softmax(&x, &y, 3, &cfg, &mut Rng::new(99)).unwrap();
    let c = train_softmax(&x, &y, 3, &cfg, &mut Rng::new(100)).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c, "another seed shuffles differently");
    let svm_cfg = SvmConfig { epochs: 3, ..SvmConfig::default() };
    let s1 = train_svm(&x, &y, 3, &svm_cfg, &mut Rng::new(7)).unwrap();
    let s2 = train_svm(&x, &y, 3, &svm_cfg, &mut Rng::new(7)).unwrap();
    assert_eq!(s1, s2);
}

#[test]
fn trainers_reject_bad_input() {
    let x = Matrix::from_rows(&[&[1.0], &[2.0]]);
    let cfg = SoftmaxConfig::default();
    let mut rng = Rng::new(1);
    let err = train_softmax(&x, &[0u8, 3], 3, &cfg, &mut rng).unwrap_err();
    assert!(err.to_string().contains("example 1 has label 3"), "{err}");
    assert!(train_softmax(&x, &[0u8], 3, &cfg, &mut rng).is_err());
    assert!(train_softmax(&x, &[0u8, 0], 1, &cfg, &mut rng).is_err());
    assert!(train_softmax(&Matrix::zeros(0, 1), &[] as &[u8], 2, &cfg, &mut rng).is_err());
    let zero_batch = SoftmaxConfig { batch_size: 0, ..cfg.clone() };
    assert!(train_softmax(&x, &[0u8, 1], 2, &zero_batch, &mut rng).is_err());
    let nan = Matrix::from_rows(&[&[f64::NAN], &[2.0]]);
    assert!(train_softmax(&nan, &[0u8, 1], 2, &cfg, &mut rng).is_err());
    let err = train_svm(&x, &[0usize, 1], 2, &SvmConfig { lambda: 0.0, ..SvmConfig::default() }, &mut rng);
    assert!(err.is_err());
    // Divergence is reported, not hidden: a learning rate of 1e300 overflows the weights.
    let wild = SoftmaxConfig { solver: Solver::Sgd { lr: 1e300 }, epochs: 3, ..cfg };
    let err = train_softmax(&Matrix::from_rows(&[&[1e10], &[-1e10]]), &[0u8, 1], 2, &wild, &mut rng).unwrap_err();
    assert!(err.to_string().contains("diverged"), "{err}");
}

#[test]
fn standardizer_uses_training_statistics() {
    // Column 0: mean 2, population σ 1; column 1 constant (a blank pixel), left unscaled.
    let x = Matrix::from_rows(&[&[1.0, 5.0], &[3.0, 5.0]]);
    let (s, z) = Standardizer::fit_transform(&x);
    assert_eq!(s.mean, vec![2.0, 5.0]);
    assert_eq!(s.std, vec![1.0, 1.0]);
    assert_eq!(z, Matrix::from_rows(&[&[-1.0, 0.0], &[1.0, 0.0]]));
    assert_eq!(s.transform(&Matrix::from_rows(&[&[4.0, 7.0]])).data(), &[2.0, 2.0]);
}

/// Examples whose margins sit at least `gap` from the hinge's kink at 1, so the objective is
/// smooth (piecewise quadratic, no kink) around the point being checked.
fn away_from_kinks(svm: &LinearSvm, x: &Matrix, labels: &[usize], gap: f64) -> (Matrix, Vec<usize>) {
    let s = svm.scores(x);
    let keep: Vec<usize> = (0..x.rows())
        .filter(|&r| {
            (0..svm.classes()).all(|c| {
                let y = if c == labels[r] { 1.0 } else { -1.0 };
                (1.0 - y * s[(r, c)]).abs() > gap
            })
        })
        .collect();
    (x.select_rows(&keep), keep.iter().map(|&r| labels[r]).collect())
}

fn check_svm_subgradient(batch: usize, features: usize, classes: usize, lambda: f64, seed: u64) -> usize {
    let mut rng = Rng::new(seed);
    let svm = LinearSvm {
        w: Matrix::uniform(classes, features, -1.0, 1.0, &mut rng),
        b: (0..classes).map(|_| rng.range(-1.0, 1.0)).collect(),
    };
    let x = Matrix::uniform(batch, features, -2.0, 2.0, &mut rng);
    let labels: Vec<usize> = (0..batch).map(|_| rng.below(classes)).collect();
    // The difference steps move a score by at most 1e-3·(|x| ≤ 2), far inside the 0.05 gap.
    let (x, labels) = away_from_kinks(&svm, &x, &labels, 0.05);
    let g = svm.subgradient(&x, &labels, lambda);
    let c = check(svm.w.data(), g.d_w.data(), |w| {
        LinearSvm { w: Matrix::from_vec(classes, features, w.to_vec()), b: svm.b.clone() }
            .objective(&x, &labels, lambda)
    });
    assert!(c.max_relative_error <= TOLERANCE, "svm d_w: {c}");
    let c = check(&svm.b, &g.d_b, |b| LinearSvm { w: svm.w.clone(), b: b.to_vec() }.objective(&x, &labels, lambda));
    assert!(c.max_relative_error <= TOLERANCE, "svm d_b: {c}");
    x.rows()
}

#[test]
fn svm_subgradient_matches_numeric_gradient_away_from_the_kink() {
    let kept = check_svm_subgradient(12, 4, 3, 0.1, 3);
    assert!(kept >= 6, "only {kept} examples clear of the kink: the check would test too little");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn svm_subgradient_on_random_shapes(
        batch in 1usize..10,
        features in 1usize..6,
        classes in 2usize..5,
        lambda in 0.0f64..1.0,
        seed in any::<u64>(),
    ) {
        check_svm_subgradient(batch, features, classes, lambda, seed);
    }
}

#[test]
fn svm_by_hand() {
    // One feature, two classes, w = (1, −1), b = 0, λ = 0. Example x = 0.5 of class 0:
    // scores (0.5, −0.5); class 0 wants ≥ 1 and gets 0.5 (hinge 0.5), class 1 wants ≤ −1 and
    // gets −0.5 (hinge 0.5). J = 1, ∂J/∂w = (−x, +x) = (−0.5, 0.5), ∂J/∂b = (−1, 1).
    let svm = LinearSvm { w: Matrix::from_rows(&[&[1.0], &[-1.0]]), b: vec![0.0, 0.0] };
    let g = svm.subgradient(&Matrix::from_rows(&[&[0.5]]), &[0usize], 0.0);
    assert_eq!(g.objective, 1.0);
    assert_eq!(g.d_w.data(), &[-0.5, 0.5]);
    assert_eq!(g.d_b, vec![-1.0, 1.0]);
    // At x = 2 both margins are 2 ≥ 1: no hinge is active, only λ‖·‖²/2 remains.
    let g = svm.subgradient(&Matrix::from_rows(&[&[2.0]]), &[0usize], 0.5);
    assert_eq!(g.objective, 0.5);
    assert_eq!(g.d_w.data(), &[0.5, -0.5]);
}

#[test]
fn svm_separates_a_separable_set() {
    let mut rng = Rng::new(31);
    let (x, y) = three_blobs(100, 4.0, 2.0, false, &mut rng);
    let (scaler, xs) = Standardizer::fit_transform(&x);
    let svm = train_svm(&xs, &y, 3, &SvmConfig::default(), &mut rng).unwrap();
    assert_eq!(svm.accuracy(&xs, &y), 1.0);
    let (xt, yt) = three_blobs(50, 4.0, 2.0, false, &mut rng);
    assert_eq!(svm.accuracy(&scaler.transform(&xt), &yt), 1.0);
}

#[test]
fn svm_beats_chance_on_a_noisy_set() {
    let mut rng = Rng::new(32);
    let (x, y) = three_blobs(200, 2.0, 2.5, true, &mut rng);
    let (xt, yt) = three_blobs(200, 2.0, 2.5, true, &mut rng);
    let (scaler, xs) = Standardizer::fit_transform(&x);
    let svm = train_svm(&xs, &y, 3, &SvmConfig::default(), &mut rng).unwrap();
    let test = svm.accuracy(&scaler.transform(&xt), &yt);
    eprintln!("noisy set, SVM: train {:.3}, test {test:.3}", svm.accuracy(&xs, &y));
    assert!(test > 0.55, "test accuracy {test}");
}

/// The first `n` digits of the shared MNIST test set with their labels, if that folder exists.
fn shared_mnist(n: usize) -> Option<(Matrix, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/mnist/");
    let images = std::fs::read(format!("{dir}t10k-first8000-images-idx3-ubyte")).ok()?;
    let labels = std::fs::read(format!("{dir}t10k-first8000-labels-idx1-ubyte")).ok()?;
    // IDX headers: 16 bytes before the pixels, 8 before the labels.
    if images.len() < 16 + n * 784 || labels.len() < 8 + n {
        return None;
    }
    let x = images[16..16 + n * 784].iter().map(|&b| b as f64 / 255.0).collect();
    Some((Matrix::from_vec(n, 784, x), labels[8..8 + n].to_vec()))
}

#[test]
fn real_digits_through_pca_codes() {
    // 1500 real digits to train on, 500 to test; 25 PCA numbers per digit as the features.
    let Some((x, y)) = shared_mnist(2000) else {
        eprintln!("../shared/data/mnist not found: skipped");
        return;
    };
    let (train, test) = (x.slice_rows(0, 1500), x.slice_rows(1500, 2000));
    let pca = autoencoders::compare::pca::Pca::fit(&train, 25).unwrap();
    let scaler = Standardizer::fit(&pca.transform(&train));
    let (z, zt) = (scaler.transform(&pca.transform(&train)), scaler.transform(&pca.transform(&test)));
    let mut rng = Rng::new(8);
    let softmax = train_softmax(&z, &y[..1500], 10, &SoftmaxConfig::default(), &mut rng).unwrap();
    let svm = train_svm(&z, &y[..1500], 10, &SvmConfig::default(), &mut rng).unwrap();
    let (a_soft, a_svm) = (softmax.accuracy(&zt, &y[1500..]), svm.accuracy(&zt, &y[1500..]));
    eprintln!("MNIST, 25 PCA codes: softmax test {a_soft:.3}, SVM test {a_svm:.3}");
    // Chance is 0.1; measured when written: softmax 0.838, SVM 0.840 (seed 8).
    assert!(a_soft > 0.8 && a_svm > 0.75, "softmax {a_soft}, svm {a_svm}");
}
