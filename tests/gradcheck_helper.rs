//! The chapters' gradient check itself: its layer-by-layer loss equals the whole forward pass,
//! it leaves the model exactly as it found it, it draws the same entries for the same seed,
//! it skips an entry whose difference would straddle a kink, and the article's recommender's
//! tensors sit where its generic network form says they do. (That the check fails on wrong
//! derivatives is `tests/planted_bugs.rs`.)

use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::gradcheck::models;
use autoencoders::nn::activation::Activation;
use autoencoders::nn::dense::Dense;
use autoencoders::nn::gradcheck::{self, Checkable, STEP, TensorSpec};
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::{Autoencoder, Network};
use autoencoders::recommender::faithful_fast::Sae;

/// Two ways of summing the same forward pass differ by rounding only.
const ROUNDING: f64 = 1e-12;

/// 10-6-3-6-10 with a linear code: every kind of layer the chapters' dense stacks have.
fn deep(seed: u64) -> Autoencoder {
    let mut rng = Rng::new(seed);
    Autoencoder::new(
        Network::new(vec![
            Dense::new(10, 6, Activation::Sigmoid, &mut rng),
            Dense::new(6, 3, Activation::Identity, &mut rng),
        ]),
        Network::new(vec![
            Dense::new(3, 6, Activation::Sigmoid, &mut rng),
            Dense::new(6, 10, Activation::Sigmoid, &mut rng),
        ]),
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= ROUNDING * a.abs().max(b.abs()).max(1.0)
}

fn sq_norm(ae: &Autoencoder) -> f64 {
    ae.encoder.layers.iter().chain(&ae.decoder.layers).flat_map(|l| l.w.data().iter().chain(&l.b)).map(|p| p * p).sum()
}

#[test]
fn the_layer_by_layer_loss_equals_the_whole_forward_pass() {
    let x = Matrix::uniform(3, 10, 0.05, 0.95, &mut Rng::new(1));
    let decay = 1e-2;
    for kind in [LossKind::Mse, LossKind::BinaryCrossEntropy] {
        let mut fast = models::weight_decay(deep(2), x.clone(), kind, decay);
        let mut whole = models::autoencoder_whole_pass(deep(2), x.clone(), x.clone(), kind);
        let tensors = fast.tensors();
        let mut rng = Rng::new(3);
        // Moved one entry at a time and put back, as the check does, ...
        for _ in 0..60 {
            let t = rng.below(tensors.len());
            let i = rng.below(tensors[t].len());
            let orig = *fast.param(t, i);
            for delta in [STEP, -STEP / 2.0, 0.3] {
                *fast.param(t, i) = orig + delta;
                *whole.param(t, i) = orig + delta;
                let want = whole.loss() + 0.5 * decay * sq_norm(&whole.ae);
                assert!(close(fast.loss(), want), "{kind:?} {}: {} vs {want}", tensors[t].entry_label(i), fast.loss());
            }
            *fast.param(t, i) = orig;
            *whole.param(t, i) = orig;
        }
        // ... and several moved together, each left where it was put.
        for _ in 0..10 {
            let t = rng.below(tensors.len());
            let i = rng.below(tensors[t].len());
            let v = *fast.param(t, i) + 0.1;
            *fast.param(t, i) = v;
            *whole.param(t, i) = v;
            let want = whole.loss() + 0.5 * decay * sq_norm(&whole.ae);
            assert!(close(fast.loss(), want), "{kind:?}: {} vs {want}", fast.loss());
        }
    }
}

#[test]
fn the_check_leaves_every_parameter_as_it_found_it() {
    let x = Matrix::uniform(4, 10, 0.05, 0.95, &mut Rng::new(4));
    let mut o = models::autoencoder(deep(5), x.clone(), x, LossKind::BinaryCrossEntropy);
    let before = o.ae.clone();
    let report = gradcheck::check_objective("deep", &mut o, 5, &mut gradcheck::sampler(1));
    assert!(report.passes(), "{:?}", report.worst());
    assert_eq!(o.ae, before);
}

#[test]
fn the_same_seed_draws_the_same_entries_and_another_seed_others() {
    let x = Matrix::uniform(4, 10, 0.05, 0.95, &mut Rng::new(6));
    let run = |seed| {
        let mut o = models::autoencoder(deep(7), x.clone(), x.clone(), LossKind::Mse);
        let r = gradcheck::check_all(&mut [("deep", &mut o)], 3, seed);
        r[0].entries.iter().map(|e| (e.tensor, e.index)).collect::<Vec<_>>()
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
}

#[test]
fn every_entry_of_a_small_code_bias_and_the_sample_of_the_rest() {
    let x = Matrix::uniform(4, 10, 0.05, 0.95, &mut Rng::new(8));
    let mut o = models::autoencoder(deep(9), x.clone(), x, LossKind::Mse);
    let r = gradcheck::check_objective("deep", &mut o, 2, &mut gradcheck::sampler(1));
    let count = |name: &str| r.entries.iter().filter(|e| r.tensors[e.tensor].name == name).count();
    // b2 is the code layer's bias (3 units): all of it; W1 (60 entries) and b1 (6): 2 each.
    assert_eq!((count("b2"), count("W1"), count("b1")), (3, 2, 2));
    assert_eq!(r.entries.len(), 2 * 7 + 3);
}

#[test]
fn entries_are_named_by_their_multi_index() {
    assert_eq!(TensorSpec::new("W1", &[3, 4]).entry_label(7), "W1[1, 3]");
    assert_eq!(TensorSpec::new("b", &[5]).entry_label(4), "b[4]");
    assert_eq!(TensorSpec::new("W2", &[2, 1, 3, 3]).entry_label(13), "W2[1, 0, 1, 1]");
}

/// |θ₀ − c| + θ₁²: a kink at θ₀ = c, smooth elsewhere; the piece is the side of the kink.
struct Kinked {
    theta: [f64; 2],
    kink: f64,
}

impl Checkable for Kinked {
    fn tensors(&self) -> Vec<TensorSpec> {
        vec![TensorSpec::new("a", &[1]), TensorSpec::new("b", &[1])]
    }
    fn param(&mut self, tensor: usize, _index: usize) -> &mut f64 {
        &mut self.theta[tensor]
    }
    fn gradients(&mut self) -> Vec<Vec<f64>> {
        vec![vec![(self.theta[0] - self.kink).signum()], vec![2.0 * self.theta[1]]]
    }
    fn loss(&mut self) -> f64 {
        (self.theta[0] - self.kink).abs() + self.theta[1] * self.theta[1]
    }
    fn piece(&mut self) -> u64 {
        u64::from(self.theta[0] > self.kink)
    }
}

#[test]
fn an_entry_within_h_of_a_kink_is_skipped_not_compared() {
    let mut near = Kinked { theta: [0.0, 0.7], kink: STEP / 3.0 };
    let r = gradcheck::check_objective("kinked", &mut near, 1, &mut gradcheck::sampler(1));
    assert_eq!((r.skipped, r.entries.len()), (1, 1));
    assert!(r.passes());
    // Away from the kink the same entry is compared, and agrees.
    let mut far = Kinked { theta: [0.0, 0.7], kink: 0.5 };
    let r = gradcheck::check_objective("kinked", &mut far, 1, &mut gradcheck::sampler(1));
    assert_eq!((r.skipped, r.entries.len()), (0, 2));
    assert!(r.passes(), "{:?}", r.worst());
}

#[test]
fn the_recommenders_tensors_sit_where_its_network_form_has_them() {
    let sae = Sae::new(7, &mut Rng::new(10));
    let net = sae.to_network();
    let mut o = models::recommender(&sae, vec![vec![(1, 4), (5, 2)]]);
    let tensors = o.tensors();
    let mut read = |name: &str| {
        let t = tensors.iter().position(|s| s.name == name).unwrap();
        (0..tensors[t].len()).map(|i| *o.param(t, i)).collect::<Vec<f64>>()
    };
    assert_eq!(read("W1ᵀ"), net.layers[0].w.transpose().data());
    for (l, (w, b)) in [("W2", "b2"), ("W3", "b3"), ("W4", "b4")].into_iter().enumerate() {
        assert_eq!(read(w), net.layers[l + 1].w.data(), "{w}");
        assert_eq!(read(b), net.layers[l + 1].b, "{b}");
    }
    assert_eq!(read("b1"), net.layers[0].b);
}
