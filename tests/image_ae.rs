//! §1's image autoencoder: the plain model (`image_ae`, an `nn::Autoencoder` trained by
//! `nn::train` with `nn::optim::Adam`) and its fast twin (`image_ae_fast`) held equal: the same
//! σ, Adam, step, score and whole training runs, each to a stated bound; and the twin's two
//! product kernels (`gemm_abt`, `gemm_atb`) held to the naive triple loop.
//!
//! The plain model's products go through `kernels::gemm`, the twin's through its own two
//! kernels, which sum in another order; so the twins differ by rounding in the products too,
//! besides the twin's σ (its own exp, a few units in the last place from the library's), its
//! Adam (the bias corrections hoisted out of the loop) and its loss (summed in eight lanes).

use autoencoders::core::matrix::{Matrix, matmul_naive};
use autoencoders::core::rng::Rng;
use autoencoders::data::digits;
use autoencoders::image_ae::{self, Config};
use autoencoders::image_ae_fast::{self, FastAdam, Workspace};
use autoencoders::nn::activation::sigmoid;
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::optim::{Adam, Optimizer};
use autoencoders::nn::train::{self, Plain};
use proptest::prelude::*;

/// The fast sigmoid's exp differs from libm's by a few units in the last place; after a few
/// steps of Adam that is still far below this.
const STEP_TOLERANCE: f64 = 1e-10;

/// Whole runs: rounding differences of 1e-16 per step can grow through Adam's steps (it
/// divides by √v̂, which magnifies them where a gradient is tiny). On the small run below the
/// twins' per-epoch MSEs and final weights agree to about 2e-14 (measured); this bound leaves
/// room for other CPUs and libm versions.
const RUN_TOLERANCE: f64 = 1e-10;

fn max_rel(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs() / (1.0 + y.abs())).fold(0.0, f64::max)
}

#[test]
fn fast_sigmoid_agrees_with_the_library_sigmoid() {
    let mut zs: Vec<f64> = vec![0.0, -0.0, 1e-300, -1e-300, 0.5, -0.5, 36.0, -36.0, 700.0, -700.0, 800.0, -800.0];
    let mut rng = Rng::new(3);
    zs.extend((0..2000).map(|_| rng.range(-40.0, 40.0)));
    let mut fast = zs.clone();
    image_ae_fast::sigmoid_in_place(&mut fast);
    for (&z, &f) in zs.iter().zip(&fast) {
        let exact = sigmoid(z);
        // Below e^−708 the fast form stops shrinking (documented); both are then ≈ 0.
        let tol = if z < -700.0 { 1e-300 } else { 4e-16 * exact };
        assert!((f - exact).abs() <= tol, "σ({z}): fast {f:e}, library {exact:e}");
    }
}

#[test]
fn fast_adam_is_adam_to_rounding() {
    let mut rng = Rng::new(5);
    let mut p1: Vec<f64> = (0..37).map(|_| rng.range(-1.0, 1.0)).collect();
    let mut p2 = p1.clone();
    let (mut slow, mut fast) = (Adam::new(3e-3), FastAdam::new(3e-3));
    for _ in 0..5 {
        let g: Vec<f64> = (0..37).map(|_| rng.normal()).collect();
        slow.begin_step();
        fast.begin_step();
        slow.update(4, &mut p1, &g);
        fast.update(4, &mut p2, &g);
    }
    // Moving the bias corrections out of the loop changes only the rounding.
    let err = max_rel(&p2, &p1);
    assert!(err <= 1e-14, "{err:e}");
}

#[test]
fn the_fused_step_matches_the_plain_step() {
    let set = digits::generate(70, 10, 2);
    for (code, batch) in [(25, 64), (7, 13), (1, 1)] {
        let mut a = image_ae::new_autoencoder(code, &mut Rng::new(9));
        let mut b = a.clone();
        let (mut adam, mut fast) = (Adam::new(1e-2), FastAdam::new(1e-2));
        let mut ws = Workspace::default();
        let mut unused = Rng::new(0);
        for s in 0..3 {
            let x = set.train.slice_rows(s, s + batch);
            let plain_loss = train::step(&mut a, &x, &Plain, LossKind::Mse, &mut adam, &mut unused);
            let fast_loss = image_ae_fast::step(&mut b, &x, &mut fast, &mut ws);
            assert!((plain_loss - fast_loss).abs() <= 1e-13, "loss {plain_loss} vs {fast_loss}");
        }
        let err = max_rel(&b.flat_params(), &a.flat_params());
        assert!(err <= STEP_TOLERANCE, "code {code}, batch {batch}: parameters differ by {err:e}");
    }
}

#[test]
fn the_fast_score_is_the_plain_score() {
    let set = digits::generate(10, 600, 4);
    let ae = image_ae::new_autoencoder(25, &mut Rng::new(1));
    let fast = image_ae_fast::reconstruction_mse(&ae, &set.test, &mut Workspace::default());
    let plain = image_ae::reconstruction_mse(&ae, &set.test);
    assert!((fast - plain).abs() <= 1e-14, "{fast} vs {plain}");
    // Summed a chunk of rows at a time, so only the order of the sum differs from the loss.
    assert!((plain - ae.loss(&set.test, LossKind::Mse)).abs() <= 1e-14);
    let codes = image_ae::encode_all(&ae, &set.test);
    assert_eq!(codes.shape(), (600, 25));
    assert!(max_rel(codes.data(), ae.encode(&set.test).data()) <= 1e-15);
}

#[test]
fn the_twins_train_the_same_model() {
    let set = digits::generate(300, 100, 3);
    let config = Config { code: 8, epochs: 3, batch: 32, lr: 1e-2, lr_final: 3e-3 };
    let plain = image_ae::train(&set, &config, 5, |_| {}).unwrap();
    let fast = image_ae_fast::train(&set, &config, 5, |_| {}).unwrap();
    assert_eq!(plain.samples, fast.samples);
    for (p, f) in plain.log.iter().zip(&fast.log) {
        assert_eq!((p.epoch, p.lr), (f.epoch, f.lr));
        let err = max_rel(&[p.train_mse, p.test_mse], &[f.train_mse, f.test_mse]);
        assert!(err <= RUN_TOLERANCE, "epoch {}: plain {p:?}, fast {f:?}", p.epoch);
    }
    let err = max_rel(&fast.ae.flat_params(), &plain.ae.flat_params());
    assert!(err <= RUN_TOLERANCE, "weights differ by {err:e}");
}

#[test]
fn training_lowers_the_held_out_error_and_is_deterministic() {
    let set = digits::generate(300, 100, 1);
    let config = Config { epochs: 3, lr: 3e-3, lr_final: 1e-3, ..Config::default() };
    for fast in [false, true] {
        let run = |seed| {
            if fast {
                image_ae_fast::train(&set, &config, seed, |_| {}).unwrap()
            } else {
                image_ae::train(&set, &config, seed, |_| {}).unwrap()
            }
        };
        let (a, b) = (run(1), run(1));
        assert_eq!(a.log, b.log);
        // The model the run with seed 1 started from.
        let (start, _) = image_ae::initial(&config, 1);
        let first = image_ae::reconstruction_mse(&start, &set.test);
        assert!(a.last().test_mse < first, "{} → {}", first, a.last().test_mse);
        assert_eq!(a.samples, 900);
    }
}

#[test]
fn the_cosine_schedule_runs_from_lr_to_lr_final() {
    let c = Config { epochs: 5, lr: 1.0, lr_final: 0.0, ..Config::default() };
    // (1 + cos(π·t))/2 at t = 0, ½, 1
    assert!((c.lr_at(1) - 1.0).abs() < 1e-15);
    assert!((c.lr_at(3) - 0.5).abs() < 1e-15);
    assert!(c.lr_at(5).abs() < 1e-15);
}

#[test]
fn an_empty_held_out_set_is_an_error_not_a_panic() {
    let mut set = digits::generate(10, 1, 1);
    set.test = Matrix::zeros(0, 784);
    for e in [
        image_ae::train(&set, &Config::default(), 1, |_| {}).unwrap_err(),
        image_ae_fast::train(&set, &Config::default(), 1, |_| {}).unwrap_err(),
    ] {
        assert!(e.to_string().contains("held-out"), "{e}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The twin's kernels against the oracle, on shapes that cross every tile edge (4 × 4
    /// dot-product blocks, 5- and 4-row × 24/8/1-column outer-product blocks, k not a multiple
    /// of the 8 lanes).
    #[test]
    fn the_twin_kernels_match_the_oracle(n in 1usize..40, k in 1usize..300, m in 1usize..60, seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let a = Matrix::uniform(n, k, -1.0, 1.0, &mut rng);
        let b = Matrix::uniform(k, m, -1.0, 1.0, &mut rng);
        let expect = matmul_naive(&a, &b);
        let (at, bt) = (a.transpose(), b.transpose());
        let mut c = vec![f64::NAN; n * m];
        image_ae_fast::gemm_abt(a.data(), bt.data(), n, m, k, &mut c);
        prop_assert_eq!(close(&Matrix::from_vec(n, m, c), &expect), Ok(()));
        let mut c = vec![f64::NAN; n * m];
        image_ae_fast::gemm_atb(at.data(), b.data(), k, n, m, &mut c);
        prop_assert_eq!(close(&Matrix::from_vec(n, m, c), &expect), Ok(()));
    }
}

/// The shapes of one training step, (64 × 784)·(25 × 784)ᵀ and back, where the kernels run.
#[test]
fn the_twin_kernels_match_the_oracle_at_the_step_shapes() {
    let mut rng = Rng::new(11);
    let (b, h, p) = (64, 25, 784);
    let x = Matrix::uniform(b, p, 0.0, 1.0, &mut rng);
    let w1 = Matrix::uniform(h, p, -0.04, 0.04, &mut rng);
    let mut z = vec![f64::NAN; b * h];
    image_ae_fast::gemm_abt(x.data(), w1.data(), b, h, p, &mut z);
    assert_eq!(close(&Matrix::from_vec(b, h, z.clone()), &matmul_naive(&x, &w1.transpose())), Ok(()));
    let d = Matrix::from_vec(b, h, z);
    let mut g = vec![f64::NAN; h * p];
    image_ae_fast::gemm_atb(d.data(), x.data(), b, h, p, &mut g);
    assert_eq!(close(&Matrix::from_vec(h, p, g), &matmul_naive(&d.transpose(), &x)), Ok(()));
}

fn close(a: &Matrix, b: &Matrix) -> Result<(), String> {
    if a.shape() != b.shape() {
        return Err(format!("shapes {:?} and {:?}", a.shape(), b.shape()));
    }
    let worst = a.sub(b).max_abs();
    let scale = 1.0 + b.max_abs();
    if worst > 1e-12 * scale { Err(format!("largest difference {worst:e}")) } else { Ok(()) }
}
