//! A check that cannot fail is a defect. For every objective a chapter checks, a wrong
//! derivative is planted in the gradient the check receives, by the means a real bug would
//! take (a backward scaled by 1.001, a sign flipped in one penalty term, a mask forgotten), and
//! the check must fail and name the tensor the bug is in. The unplanted objective must pass
//! at the same point, so the failure is the plant's.
//!
//! Last, the fault-injection switch of `nn::activation` (a σ' 0.1 % too large) must stop every
//! chapter that trains through σ' at its gradient check, before it trains, with one error line.

mod common;
use common::*;

use std::process::Command;

use autoencoders::compare::classify::SoftmaxRegression;
use autoencoders::conv::autoencoder::{ConvAe, Shape};
use autoencoders::conv::pool::{Switches, Window, max_pool2d, unpool2d};
use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::core::tensor3::Tensor3;
use autoencoders::gradcheck::models;
use autoencoders::nn::activation::{Activation, PLANT_SIGMOID_DERIVATIVE, PLANT_VAR};
use autoencoders::nn::dense::Dense;
use autoencoders::nn::gradcheck::{self, Adjoint, Checkable, Report, TensorSpec};
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::{Autoencoder, Network};
use autoencoders::recommender::autorec::AutoRec;
use autoencoders::recommender::faithful_fast::Sae;
use autoencoders::variants::denoise::mask_noise;
use autoencoders::variants::rbm::{Rbm, Units};
use autoencoders::variants::sparse::{self, Sparsity, top_k_forward};

/// Entries drawn per tensor: enough that a plant on one tensor is met by several of them.
const SAMPLE: usize = 8;

/// What a plant does: change the real gradient (one Vec per tensor) of the model it is given.
type Plant<C> = Box<dyn Fn(&mut C, &mut Vec<Vec<f64>>)>;

/// A checkable whose analytic gradient is the real one with `plant` applied to it.
struct Planted<C> {
    inner: C,
    plant: Plant<C>,
}

impl<C: Checkable> Checkable for Planted<C> {
    fn tensors(&self) -> Vec<TensorSpec> {
        self.inner.tensors()
    }
    fn param(&mut self, tensor: usize, index: usize) -> &mut f64 {
        self.inner.param(tensor, index)
    }
    fn gradients(&mut self) -> Vec<Vec<f64>> {
        let mut g = self.inner.gradients();
        (self.plant)(&mut self.inner, &mut g);
        g
    }
    fn loss(&mut self) -> f64 {
        self.inner.loss()
    }
    fn piece(&mut self) -> u64 {
        self.inner.piece()
    }
}

fn planted<C: Checkable>(inner: C, plant: impl Fn(&mut C, &mut Vec<Vec<f64>>) + 'static) -> Planted<C> {
    Planted { inner, plant: Box::new(plant) }
}

fn check(name: &str, model: &mut dyn Checkable) -> Report {
    gradcheck::check_objective(name, model, SAMPLE, &mut gradcheck::sampler(7))
}

/// The tensor a report names, by the name its chapter's error line would print.
fn named(report: &Report) -> String {
    let Some(autoencoders::Error::GradientCheck(g)) = report.failure("planted") else {
        panic!("{}: the check passed, largest error {:.2e}", report.objective, report.max_relative_error())
    };
    assert!(g.analytic.is_finite() && g.numeric.is_finite(), "{g:?}");
    g.tensor.clone()
}

/// The unplanted objective passes; the planted one fails in one of `tensors`.
fn assert_caught<C: Checkable>(
    what: &str,
    make: impl Fn() -> C,
    plant: impl Fn(&mut C, &mut Vec<Vec<f64>>) + 'static,
    tensors: &[&str],
) {
    let clean = check(what, &mut make());
    assert!(clean.passes(), "{what} without a plant: {:.2e} at {:?}", clean.max_relative_error(), clean.worst());
    let bad = check(what, &mut planted(make(), plant));
    let name = named(&bad);
    assert!(tensors.contains(&name.as_str()), "{what}: the check named {name}, not one of {tensors:?}");
}

fn tensor(c: &impl Checkable, name: &str) -> usize {
    c.tensors().iter().position(|t| t.name == name).unwrap_or_else(|| panic!("no tensor {name}"))
}

fn scale(c: &impl Checkable, name: &str, g: &mut [Vec<f64>], by: f64) {
    g[tensor(c, name)].iter_mut().for_each(|v| *v *= by);
}

/// Examples in [0.05, 0.95] and a small sigmoid autoencoder n-k-n.
fn data(rows: usize, n: usize, seed: u64) -> Matrix {
    Matrix::uniform(rows, n, 0.05, 0.95, &mut Rng::new(seed))
}

fn ae(n: usize, k: usize, seed: u64) -> Autoencoder {
    Autoencoder::single(n, k, Activation::Sigmoid, Activation::Sigmoid, &mut Rng::new(seed))
}

#[test]
fn plain_mse_with_a_decoder_backward_scaled_by_1_001() {
    let x = data(4, 12, 1);
    let make = || models::autoencoder(ae(12, 5, 2), x.clone(), x.clone(), LossKind::Mse);
    assert_caught("MSE", make, |c, g| scale(c, "W2", g, 1.001), &["W2"]);
}

#[test]
fn cross_entropy_with_a_code_bias_backward_scaled_by_1_001() {
    let x = data(4, 12, 3);
    let make = || models::autoencoder(ae(12, 5, 4), x.clone(), x.clone(), LossKind::BinaryCrossEntropy);
    assert_caught("BCE", make, |c, g| scale(c, "b1", g, 1.001), &["b1"]);
}

#[test]
fn denoising_with_the_corruption_forgotten_in_the_weight_gradient() {
    // d_W1 = d_z1ᵀ·x̃; the bug takes the clean x instead of the corrupted x̃ it encoded.
    let clean = data(4, 12, 5);
    let noisy = mask_noise(&clean, 0.3, &mut Rng::new(6)).x;
    let make = || models::autoencoder(ae(12, 5, 7), noisy.clone(), clean.clone(), LossKind::Mse);
    let (x, xt) = (clean.clone(), noisy.clone());
    assert_caught(
        "denoising",
        make,
        move |c, g| {
            let enc = c.ae.encoder.forward(&xt);
            let dec = c.ae.decoder.forward(&enc[0].a);
            let l = LossKind::Mse.eval(&dec[0].a, &x);
            let (_, d_code) = c.ae.decoder.backward(&dec, &l.d_pred);
            let mut wrong = enc[0].clone();
            wrong.x = x.clone();
            let (grads, _) = c.ae.encoder.layers[0].backward_params(&wrong, &d_code);
            g[tensor(c, "W1")] = grads.d_w.data().to_vec();
        },
        &["W1"],
    );
}

/// The encoder's gradient with the penalty's part subtracted instead of added: g_plain − Ω'.
fn flip_penalty(g: &mut [Vec<f64>], plain: &[Vec<f64>]) {
    for (t, p) in g.iter_mut().zip(plain) {
        t.iter_mut().zip(p).for_each(|(v, &p)| *v = 2.0 * p - *v);
    }
}

fn sparse_point() -> (Matrix, Autoencoder) {
    (data(8, 16, 8), ae(16, 24, 9))
}

#[test]
fn kl_sparsity_with_the_penalty_sign_flipped() {
    let (x, a) = sparse_point();
    let kl = Sparsity::Kl { rho: 0.05, beta: 0.1 };
    let plain = models::sparse(a.clone(), x.clone(), LossKind::Mse, Sparsity::None).gradients();
    let make = || models::sparse(a.clone(), x.clone(), LossKind::Mse, kl);
    assert_caught("KL", make, move |_, g| flip_penalty(g, &plain), &["W1", "b1"]);
}

#[test]
fn l1_sparsity_with_the_penalty_sign_flipped() {
    let (x, a) = sparse_point();
    let l1 = Sparsity::L1 { lambda: 0.01 };
    let plain = models::sparse(a.clone(), x.clone(), LossKind::Mse, Sparsity::None).gradients();
    let make = || models::sparse(a.clone(), x.clone(), LossKind::Mse, l1);
    assert_caught("L1", make, move |_, g| flip_penalty(g, &plain), &["W1", "b1"]);
}

#[test]
fn top_k_with_its_mask_forgotten_in_backward() {
    // The forward keeps k units; the bug lets the gradient through to every unit.
    let (x, a) = sparse_point();
    let k = 6;
    let make = || models::sparse(a.clone(), x.clone(), LossKind::Mse, Sparsity::TopK { k });
    let x2 = x.clone();
    assert_caught(
        "top-k",
        make,
        move |c, g| {
            let enc = c.ae.encoder.forward(&x2);
            let kept = top_k_forward(&enc[0].a, k);
            let dec = c.ae.decoder.forward(&kept.out);
            let l = LossKind::Mse.eval(&dec[0].a, &x2);
            let (_, d_code) = c.ae.decoder.backward(&dec, &l.d_pred);
            let (grads, _) = c.ae.encoder.backward(&enc, &d_code);
            g[0] = grads[0].d_w.data().to_vec();
            g[1] = grads[0].d_b.clone();
        },
        &["W1", "b1"],
    );
    // The objective the bug would train is not even the same function: its loss keeps k units.
    assert_eq!(sparse::encode(&a, &x, Sparsity::TopK { k }).data().iter().filter(|&&v| v != 0.0).count(), 8 * k);
}

#[test]
fn contractive_with_the_jacobian_penalty_sign_flipped() {
    let x = data(4, 12, 10);
    let a = ae(12, 5, 11);
    let plain = models::autoencoder(a.clone(), x.clone(), x.clone(), LossKind::Mse).gradients();
    let make = || models::contractive(a.clone(), x.clone(), LossKind::Mse, 0.1);
    assert_caught("contractive", make, move |_, g| flip_penalty(g, &plain), &["W1", "b1"]);
}

#[test]
fn weight_decay_with_its_sign_flipped_on_one_tensor() {
    let x = data(4, 12, 12);
    let decay = 1e-3;
    let make = || models::weight_decay(ae(12, 5, 13), x.clone(), LossKind::Mse, decay);
    assert_caught(
        "weight decay",
        make,
        move |c, g| {
            let w2 = c.ae.decoder.layers[0].w.data().to_vec();
            g[2].iter_mut().zip(w2).for_each(|(v, p)| *v -= 2.0 * decay * p);
        },
        &["W2"],
    );
}

#[test]
fn the_image_autoencoders_fast_step_with_a_bias_gradient_scaled_by_1_001() {
    let x = data(2, 784, 14);
    let make = || models::image_autoencoder(ae(784, 6, 15), x.clone());
    assert_caught("image AE", make, |c, g| scale(c, "b2", g, 1.001), &["b2"]);
}

#[test]
fn softmax_with_the_l2_term_sign_flipped() {
    let mut rng = Rng::new(16);
    let x = Matrix::uniform(6, 5, -1.0, 1.0, &mut rng);
    let mut model = SoftmaxRegression::zeros(5, 4);
    model.w = Matrix::uniform(4, 5, -0.5, 0.5, &mut rng);
    let labels = vec![0, 1, 2, 3, 1, 2];
    let l2 = 0.1;
    let make = || models::softmax(model.clone(), x.clone(), labels.clone(), l2);
    assert_caught(
        "softmax",
        make,
        move |c, g| {
            let w = c.model.w.data().to_vec();
            g[0].iter_mut().zip(w).for_each(|(v, p)| *v -= 2.0 * l2 * p);
        },
        &["W"],
    );
}

#[test]
fn fine_tuning_with_the_stacks_first_layer_scaled_by_1_001() {
    let mut rng = Rng::new(17);
    let stack = Network::new(vec![
        Dense::new(12, 8, Activation::Sigmoid, &mut rng),
        Dense::new(8, 5, Activation::Sigmoid, &mut rng),
    ]);
    let mut head = SoftmaxRegression::zeros(5, 3);
    head.w = Matrix::uniform(3, 5, -1.0, 1.0, &mut rng);
    let x = data(4, 12, 18);
    let labels = vec![0, 2, 1, 2];
    let make = || models::finetune(stack.clone(), head.clone(), x.clone(), labels.clone(), 1e-3);
    assert_caught("fine-tuning", make, |c, g| scale(c, "W1", g, 1.001), &["W1"]);
}

#[test]
fn conv_autoencoder_with_the_deconvolution_kernel_scaled_by_1_001() {
    let shape = Shape { channels: 2, kernel: 3, pool: 2, side: 8, activation: Activation::Relu };
    let ae = ConvAe::new(shape, &mut Rng::new(19)).unwrap();
    let images = data(2, 64, 20);
    let make = || models::conv_autoencoder(ae.clone(), &images);
    assert_caught("conv AE", make, |c, g| scale(c, "W2", g, 1.001), &["W2"]);
}

#[test]
fn rbm_likelihood_with_the_visible_bias_sign_flipped() {
    let mut rng = Rng::new(21);
    let rbm = Rbm {
        w: Matrix::normal(3, 4, 0.7, &mut rng),
        b_v: (0..4).map(|_| 0.3 * rng.normal()).collect(),
        b_h: (0..3).map(|_| 0.3 * rng.normal()).collect(),
        hidden_units: Units::Binary,
    };
    let x = data(5, 4, 22);
    let make = || models::rbm_likelihood(rbm.clone(), x.clone());
    assert_caught("RBM", make, |c, g| scale(c, "b_v", g, -1.0), &["b_v"]);
}

/// Ratings of a few users over 30 movies, each user rating a third of them.
fn ratings(users: usize, movies: usize, seed: u64) -> Vec<Vec<(u32, u8)>> {
    let mut rng = Rng::new(seed);
    (0..users)
        .map(|_| {
            let mut picked = rng.choose_k(movies, movies / 3);
            picked.sort_unstable();
            picked.into_iter().map(|m| (m as u32, 1 + rng.below(5) as u8)).collect()
        })
        .collect()
}

/// `count` AutoRec inputs over `width` positions, each with `filled` of them set to values in
/// [-1, 1), as (index, value) in index order.
fn sparse_inputs(rng: &mut Rng, count: usize, width: usize, filled: usize) -> Vec<Vec<(u32, f64)>> {
    (0..count)
        .map(|_| {
            let mut picked = rng.choose_k(width, filled);
            picked.sort_unstable();
            picked.into_iter().map(|i| (i as u32, rng.range(-1.0, 1.0))).collect()
        })
        .collect()
}

#[test]
fn the_articles_recommender_with_its_output_mask_forgotten() {
    // Unrated outputs are set to 0 before the loss, so they get no gradient; the bug scores
    // them against a rating of 0 in b4's gradient.
    let movies = 30;
    let sae = Sae::new(movies, &mut Rng::new(23));
    let rows = ratings(3, movies, 24);
    let make = || models::recommender(&sae, rows.clone());
    let (net, r) = (sae.to_network(), rows.clone());
    assert_caught(
        "article's model",
        make,
        move |c, g| {
            let b4 = tensor(c, "b4");
            for row in &r {
                let mut x = vec![0.0; movies];
                row.iter().for_each(|&(m, y)| x[m as usize] = f64::from(y));
                let predicted = net.infer(&autoencoders::Matrix::from_vec(1, movies, x)).into_vec();
                for (m, &y) in predicted.iter().enumerate() {
                    if !row.iter().any(|&(rated, _)| rated as usize == m) {
                        g[b4][m] += 2.0 * y / movies as f64;
                    }
                }
            }
        },
        &["b4"],
    );
}

#[test]
fn autorec_with_its_observed_mask_forgotten() {
    // Only observed ratings are scored; the bug also pulls every other user's output towards 0.
    let users = 24;
    let mut rng = Rng::new(25);
    let model = AutoRec::new(users, 6, &mut rng);
    let columns = sparse_inputs(&mut rng, 3, users, 8);
    let make = || models::autorec(model.clone(), 3.0, columns.clone(), columns.clone());
    let (cols, ins) = (columns.clone(), columns.clone());
    assert_caught(
        "AutoRec",
        make,
        move |c, g| {
            for (input, col) in ins.iter().zip(&cols) {
                let h = c.model.encode_shifted(input, 3.0);
                for u in (0..users).filter(|&u| !col.iter().any(|&(v, _)| v as usize == u)) {
                    g[3][u] += 2.0 * c.model.decode_one(&h, u);
                }
            }
        },
        &["b"],
    );
}

#[test]
fn an_unpooling_that_reads_the_wrong_switches_fails_the_adjoint_check() {
    let mut rng = Rng::new(26);
    let a = Tensor3::uniform(2, 6, 6, 0.0, 1.0, &mut rng);
    let win = Window { size: 2, stride: 2 };
    assert!(models::unpool_adjoint(&a, win, &mut rng).passes());
    // Unpool at the real switches, gather at the top-left corners: no longer adjoint.
    let pooled = max_pool2d(&a, win);
    let corner = Switches::fixed(2, (6, 6), win, (0, 0));
    let y = Tensor3::uniform(2, 3, 3, -1.0, 1.0, &mut rng);
    let x = Tensor3::uniform(2, 6, 6, -1.0, 1.0, &mut rng);
    let wrong = Adjoint {
        left: unpool2d(&y, &pooled.switches).dot(&x),
        right: y.dot(&autoencoders::conv::autoencoder::gather_at_switches(&x, &corner)),
    };
    assert!(!wrong.passes(), "{wrong:?}");
}

/// The chapters that train through `Activation::derivative` with sigmoid units. (ch1_mnist,
/// ch1_features and ch3_conv_autoencoder train through image_ae's fused step and the conv
/// autoencoder's own σ', ch5_recommender through its own layers: the plant does not reach them.)
const THROUGH_SIGMOID_DERIVATIVE: [&str; 8] = [
    "ch1_identity",
    "ch2_structure",
    "ch3_training_steps",
    "ch4_sparse",
    "ch4_denoising",
    "ch4_contractive",
    "ch4_stacked",
    "ch4_deep",
];

#[test]
fn a_wrong_sigmoid_derivative_stops_every_chapter_that_trains_through_it() {
    for name in THROUGH_SIGMOID_DERIVATIVE {
        let out = temp_dir(&format!("plant-{name}"));
        let o = Command::new(exe(name))
            .args(["--quick", "--out"])
            .arg(&out)
            .env(PLANT_VAR, PLANT_SIGMOID_DERIVATIVE)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: exit {:?}\n{err}", o.status.code());
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        let prefix = format!("error: {name}: gradient check failed for ");
        assert!(err.starts_with(&prefix), "{name}: {err}");
        for part in ["tensor ", " entry [", "analytic ", "numeric ", "not training"] {
            assert!(err.contains(part), "{name}: no {part:?} in {err}");
        }
        // Stopped before training: no Results, and the step shows the failed mark.
        let out = stdout(&o);
        assert!(!out.contains("\nResults\n") && out.contains('✗'), "{name}:\n{out}");
    }
}

/// target/<profile>/<name>, beside this test's own binary in target/<profile>/deps/.
fn exe(name: &str) -> std::path::PathBuf {
    let me = std::env::current_exe().unwrap();
    me.parent().unwrap().parent().unwrap().join(name)
}

#[test]
fn user_based_autorec_with_its_decoder_gradient_scaled_by_1_001() {
    // U-AutoRec is AutoRec on the transposed table: 30 movies in, one user's row per input.
    let movies = 30;
    let mut rng = Rng::new(41);
    let model = AutoRec::new(movies, 5, &mut rng);
    let rows = sparse_inputs(&mut rng, 3, movies, 10);
    let make = || models::autorec(model.clone(), 1.0, rows.clone(), rows.clone());
    assert_caught("U-AutoRec", make, |c, g| scale(c, "W", g, 1.001), &["W"]);
}

#[test]
fn mf_with_the_penalty_on_p_counted_once_instead_of_twice() {
    // ∂/∂p_u of λ‖p_u‖² is 2λp_u; the plant takes λp_u of it away for every rating of u.
    use autoencoders::recommender::mf::{Config, Mf};
    let config = Config { lambda: 0.3, ..Config::default() };
    let mut rng = Rng::new(42);
    let model = Mf::new(6, 8, 4, 3.5, 0.3, &mut rng);
    let ratings: Vec<(usize, usize, f64)> =
        (0..14).map(|j| (j % 6, (j * 5) % 8, f64::from(1 + (j * 7 % 5) as u8))).collect();
    let make = || models::mf(model.clone(), config.clone(), ratings.clone());
    let plant_ratings = ratings.clone();
    assert_caught(
        "MF",
        make,
        move |c, g| {
            let p = tensor(c, "P");
            for &(u, _, _) in &plant_ratings {
                for j in 0..4 {
                    g[p][u * 4 + j] -= 0.3 * c.model.p[u * 4 + j];
                }
            }
        },
        &["P"],
    );
}

#[test]
fn mf_with_the_bias_penalty_counted_once_instead_of_twice() {
    // ∂/∂b_u of λ_b b_u² is 2λ_b b_u; the plant takes λ_b b_u of it away for every rating of u.
    // Only visible where the biases are not 0: at the chapter's check point, not at Mf::new's.
    use autoencoders::recommender::mf::Config;
    let config = Config { lambda_bias: 0.3, factors: 4, init_std: 0.3, ..Config::default() };
    let model = models::mf_check_point(6, 8, &config, 3.5, &mut Rng::new(43));
    let ratings: Vec<(usize, usize, f64)> =
        (0..14).map(|j| (j % 6, (j * 5) % 8, f64::from(1 + (j * 7 % 5) as u8))).collect();
    let make = || models::mf(model.clone(), config.clone(), ratings.clone());
    let plant_ratings = ratings.clone();
    assert_caught(
        "MF",
        make,
        move |c, g| {
            let b = tensor(c, "b_user");
            for &(u, _, _) in &plant_ratings {
                g[b][u] -= 0.3 * c.model.b_user[u];
            }
        },
        &["b_user"],
    );
}
