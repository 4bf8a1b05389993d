//! The whole conv autoencoder (conv, activation, max pool with switches, unpool, transposed
//! conv, sigmoid, MSE) gradient-checked on a tiny input, and its pieces' contracts.

use autoencoders::conv::autoencoder::{self, ConvAe, Shape, gather_at_switches};
use autoencoders::conv::pool::{max_pool2d, unpool2d};
use autoencoders::core::rng::Rng;
use autoencoders::core::tensor3::Tensor3;
use autoencoders::nn::activation::Activation;
use autoencoders::nn::gradcheck;

/// Smallest gap between a pooling window's maximum and its runner-up: finite differences
/// with step h are only valid when no perturbation can move a switch.
fn min_pool_margin(ae: &ConvAe, x: &Tensor3) -> f64 {
    let c = ae.forward(x);
    let s = ae.shape.pool;
    let (ch, h, w) = c.a.shape();
    let mut margin = f64::INFINITY;
    for k in 0..ch {
        for i in (0..h).step_by(s) {
            for j in (0..w).step_by(s) {
                let mut v: Vec<f64> =
                    (i..i + s).flat_map(|r| (j..j + s).map(move |q| (r, q))).map(|(r, q)| c.a[(k, r, q)]).collect();
                v.sort_by(|a, b| b.total_cmp(a));
                margin = margin.min(v[0] - v[1]);
            }
        }
    }
    margin
}

/// A tiny model and input, the first from seed 0 up whose point lies away from pooling ties
/// (see min_pool_margin) and, for ReLU, from the kink at 0.
fn test_point(activation: Activation) -> (ConvAe, Tensor3) {
    let shape = Shape { channels: 2, kernel: 3, pool: 2, side: 6, activation };
    for seed in 0..200 {
        let mut rng = Rng::new(seed);
        let ae = ConvAe::new(shape, &mut rng).unwrap();
        let x = Tensor3::uniform(1, 6, 6, 0.0, 1.0, &mut rng);
        let clear_of_kink = activation != Activation::Relu || ae.forward(&x).z.data().iter().all(|v| v.abs() > 1e-2);
        if min_pool_margin(&ae, &x) > 1e-2 && clear_of_kink {
            return (ae, x);
        }
    }
    panic!("no test point away from ties in 200 seeds");
}

fn check(activation: Activation) {
    let (ae, x) = test_point(activation);
    let (_, g) = ae.gradients(&x);
    let mut probe = ae.clone();
    let cmp = gradcheck::check(&ae.flat_params(), &g.flat(), |t| {
        probe.set_flat_params(t);
        probe.loss(&x)
    });
    assert!(cmp.passes(), "{activation:?}: {cmp:?}");
}

#[test]
fn the_whole_conv_autoencoder_passes_a_gradient_check() {
    check(Activation::Sigmoid);
    check(Activation::Relu);
}

#[test]
fn gathering_at_the_switches_is_unpoolings_adjoint() {
    // ⟨unpool(h), u⟩ = ⟨h, gather(u)⟩ for any h and u.
    let mut rng = Rng::new(2);
    let a = Tensor3::uniform(3, 4, 6, -1.0, 1.0, &mut rng);
    let p = max_pool2d(&a, autoencoders::conv::pool::Window { size: 2, stride: 2 });
    let h = Tensor3::uniform(3, 2, 3, -1.0, 1.0, &mut rng);
    let u = Tensor3::uniform(3, 4, 6, -1.0, 1.0, &mut rng);
    let left = unpool2d(&h, &p.switches).dot(&u);
    let right = h.dot(&gather_at_switches(&u, &p.switches));
    assert!((left - right).abs() < 1e-12, "{left} vs {right}");
}

#[test]
fn training_lowers_the_loss_and_bad_shapes_are_errors() {
    let set = autoencoders::data::digits::generate(64, 16, 3);
    let config = autoencoder::Config { epochs: 2, ..autoencoder::Config::default() };
    let before = ConvAe::new(config.shape, &mut Rng::new(1).fork(1)).unwrap().reconstruction_mse(&set.test);
    let ae = autoencoder::train(&set.train, &config, 1, |_, _| {}).unwrap();
    assert!(ae.reconstruction_mse(&set.test) < before);
    let bad = Shape { pool: 5, ..Shape::default() };
    assert!(ConvAe::new(bad, &mut Rng::new(1)).is_err());
    assert_eq!(Shape::default().code_size(), 98);
}
