//! The RBM of §4.5: a CD-1 step worked by hand, the exact log-likelihood gradient of an RBM
//! small enough to enumerate (checked numerically, then against CD-k with long chains), and
//! the unrolled deep autoencoder's gradients.

use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::nn::gradcheck;
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::flatten_grads;
use autoencoders::variants::rbm::{Gibbs, Rbm, RbmConfig, RbmGrads, RbmStack, Units};

/// Agreement of a hand-computed number with the code: both are f64 evaluations of the same few
/// exp and divisions, so they differ only by rounding.
const HAND: f64 = 1e-12;

fn flat(g: &RbmGrads) -> Vec<f64> {
    let mut v = g.d_w.data().to_vec();
    v.extend(&g.d_b_v);
    v.extend(&g.d_b_h);
    v
}

fn set_flat(rbm: &mut Rbm, theta: &[f64]) {
    let (nw, nv) = (rbm.w.len(), rbm.b_v.len());
    rbm.w.data_mut().copy_from_slice(&theta[..nw]);
    rbm.b_v.copy_from_slice(&theta[nw..nw + nv]);
    rbm.b_h.copy_from_slice(&theta[nw + nv..]);
}

#[test]
fn cd1_mean_field_by_hand() {
    // Two visible units, one hidden: W = [1, −2], b_v = [0.5, 0], b_h = −0.5, v⁰ = [1, 0].
    //
    //   p⁰ = σ(1·1 − 2·0 − 0.5) = σ(0.5)                          = 0.622459331201855
    //   mean field: h⁰ = p⁰ (no draw)
    //   v¹ = σ(p⁰·W + b_v) = [σ(1.122459331), σ(−1.244918662)]
    //                                                   = [0.754444612132728, 0.223580981947983]
    //   p¹ = σ(W·v¹ + b_h) = σ(0.754444612 − 0.447161964 − 0.5) = σ(−0.192717352)
    //                                                   = 0.451969225281377
    //   d_w   = p⁰·v⁰ − p¹·v¹ = [0.622459331 − 0.340984747, −0.101051723]
    //                         = [0.281473584338517, −0.101051723198679]
    //   d_b_v = v⁰ − v¹       = [0.245555387867272, −0.223580981947983]
    //   d_b_h = p⁰ − p¹       = 0.170490105920478
    let rbm = Rbm {
        w: Matrix::from_rows(&[&[1.0, -2.0]]),
        b_v: vec![0.5, 0.0],
        b_h: vec![-0.5],
        hidden_units: Units::Binary,
    };
    let v0 = Matrix::from_rows(&[&[1.0, 0.0]]);
    let g = rbm.cd_k(&v0, 1, Gibbs::MeanField, &mut Rng::new(0));
    let expected = [
        0.281_473_584_338_516_7,
        -0.101_051_723_198_679_24,
        0.245_555_387_867_271_7,
        -0.223_580_981_947_982_8,
        0.170_490_105_920_477_97,
    ];
    for (got, want) in flat(&g).iter().zip(expected) {
        assert!((got - want).abs() < HAND, "{got} vs {want}");
    }
    // The update a trainer would take with lr 0.1 and no momentum: W ← W + 0.1·d_w.
    assert!((rbm.w[(0, 0)] + 0.1 * g.d_w[(0, 0)] - 1.028_147_358_433_851_7).abs() < HAND);
}

/// A 4-visible, 3-hidden RBM with weights of spread 0.7 and small biases: 7 units, so every
/// configuration can be enumerated; strong enough couplings that the data and model
/// statistics differ clearly.
fn small_rbm(seed: u64) -> Rbm {
    let mut rng = Rng::new(seed);
    let w = Matrix::normal(3, 4, 0.7, &mut rng);
    let b_v = (0..4).map(|_| 0.3 * rng.normal()).collect();
    let b_h = (0..3).map(|_| 0.3 * rng.normal()).collect();
    Rbm { w, b_v, b_h, hidden_units: Units::Binary }
}

fn binary_data() -> Matrix {
    Matrix::from_rows(&[
        &[1.0, 1.0, 0.0, 0.0],
        &[1.0, 1.0, 1.0, 0.0],
        &[0.0, 0.0, 1.0, 1.0],
        &[0.0, 1.0, 1.0, 1.0],
        &[1.0, 0.0, 0.0, 0.0],
    ])
}

#[test]
fn exact_gradient_matches_numeric_differentiation_of_the_log_likelihood() {
    let mut rbm = small_rbm(3);
    let x = binary_data();
    let analytic = flat(&rbm.exact_gradient(&x));
    let mut theta = rbm.w.data().to_vec();
    theta.extend(&rbm.b_v);
    theta.extend(&rbm.b_h);
    let cmp = gradcheck::check(&theta, &analytic, |t| {
        set_flat(&mut rbm, t);
        rbm.log_likelihood(&x)
    });
    assert!(cmp.passes(), "{cmp:?}");
}

#[test]
fn cd_k_with_long_chains_approaches_the_exact_gradient() {
    // Each data row starts 800 chains (4000 in all); 40 Gibbs steps mix this small machine
    // thoroughly. Every CD estimate entry is a mean of 4000 terms bounded by 1 in size, so its
    // standard error is below 1/(2·√4000) ≈ 0.008; 0.04 is five of those.
    let rbm = small_rbm(5);
    let x = binary_data();
    let exact = flat(&rbm.exact_gradient(&x));
    let idx: Vec<usize> = (0..4000).map(|i| i % x.rows()).collect();
    let chains = x.select_rows(&idx);
    let long = flat(&rbm.cd_k(&chains, 40, Gibbs::Sampled, &mut Rng::new(9)));
    let worst = exact.iter().zip(&long).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(worst < 0.04, "CD-40 differs from the exact gradient by {worst}\nexact {exact:?}\ncd {long:?}");
    // CD-1 is a biased estimate: on this machine it misses by clearly more.
    let short = flat(&rbm.cd_k(&chains, 1, Gibbs::Sampled, &mut Rng::new(9)));
    let worst_short = exact.iter().zip(&short).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    assert!(worst_short > worst, "CD-1 {worst_short} vs CD-40 {worst}");
}

#[test]
fn cd1_training_raises_the_exact_log_likelihood() {
    let mut rng = Rng::new(1);
    let mut rbm = Rbm::new(4, 3, &mut rng);
    let x = binary_data();
    let before = rbm.log_likelihood(&x);
    let cfg =
        RbmConfig { epochs: 300, batch_size: 5, lr: 0.1, momentum: 0.5, weight_decay: 0.0, ..RbmConfig::default() };
    rbm.train(&x, &cfg, &mut rng).unwrap();
    let after = rbm.log_likelihood(&x);
    // Uniform over 16 states is ln(1/16) = −2.77 per row; five distinct rows allow −ln 5 = −1.61.
    assert!(after > before + 0.5, "log-likelihood {before} → {after}");
}

#[test]
fn log_partition_of_a_machine_without_couplings() {
    // W = 0: Z factorises, ln Z = Σᵢ ln(1 + e^{b_v,i}) + Σⱼ ln(1 + e^{b_h,j}).
    let rbm =
        Rbm { w: Matrix::zeros(2, 3), b_v: vec![0.0, 1.0, -1.0], b_h: vec![0.5, 0.0], hidden_units: Units::Binary };
    let want: f64 = [0.0f64, 1.0, -1.0, 0.5, 0.0].iter().map(|b| b.exp().ln_1p()).sum();
    assert!((rbm.log_partition() - want).abs() < 1e-12);
}

#[test]
fn unrolled_stack_reuses_the_rbm_weights_and_its_gradients_check() {
    let mut rng = Rng::new(4);
    let x = Matrix::uniform(20, 6, 0.0, 1.0, &mut rng);
    let cfg = RbmConfig { epochs: 3, batch_size: 5, ..RbmConfig::default() };
    let (stack, errors) = RbmStack::pretrain(&x, &[6, 4, 2], &cfg, false, &mut rng).unwrap();
    assert_eq!(errors.len(), 2);
    let ae = stack.unroll();
    assert_eq!(ae.encoder.layers.len(), 2);
    assert_eq!(ae.decoder.layers[0].w, stack.rbms[1].w.transpose());
    assert_eq!(ae.decoder.layers[1].b, stack.rbms[0].b_v);
    // Encoding is the stack's upward pass of probabilities.
    let up = stack.rbms[1].hidden_probs(&stack.rbms[0].hidden_probs(&x));
    assert!(ae.encode(&x).sub(&up).max_abs() < 1e-15);

    // Backprop through the unrolled network against central differences, for both losses.
    for loss in [LossKind::BinaryCrossEntropy, LossKind::Mse] {
        let batch = x.slice_rows(0, 4);
        let g = ae.gradients(&batch, &batch, loss);
        let analytic = flatten_grads(&[g.encoder.clone(), g.decoder.clone()].concat());
        let mut probe = ae.clone();
        let cmp = gradcheck::check(&ae.flat_params(), &analytic, |t| {
            probe.set_flat_params(t);
            probe.loss(&batch, loss)
        });
        assert!(cmp.passes(), "{loss:?}: {cmp:?}");
    }
}

#[test]
fn same_seed_same_rbm() {
    let x = binary_data();
    let cfg = RbmConfig { epochs: 5, batch_size: 2, gibbs: Gibbs::Sampled, ..RbmConfig::default() };
    let train = |seed| {
        let mut rng = Rng::new(seed);
        let mut rbm = Rbm::new(4, 3, &mut rng);
        rbm.train(&x, &cfg, &mut rng).unwrap();
        rbm
    };
    assert_eq!(train(7), train(7));
    assert_ne!(train(7), train(8));
}

#[test]
fn a_gaussian_code_layer_unrolls_to_a_linear_code() {
    let mut rng = Rng::new(6);
    let x = Matrix::uniform(30, 5, 0.0, 1.0, &mut rng);
    let cfg = RbmConfig { epochs: 2, batch_size: 10, ..RbmConfig::default() };
    let (stack, _) = RbmStack::pretrain(&x, &[5, 4, 3], &cfg, true, &mut rng).unwrap();
    assert_eq!(stack.rbms[0].hidden_units, Units::Binary);
    let top = &stack.rbms[1];
    assert_eq!(top.hidden_units, Units::Gaussian);
    // E[h | v] of a Gaussian unit is its pre-activation, unsquashed.
    let h1 = stack.rbms[0].hidden_probs(&x);
    let mut z = h1.matmul_a_bt(&top.w);
    z.add_row_broadcast(&top.b_h);
    assert!(top.hidden_probs(&h1).sub(&z).max_abs() < 1e-15);
    let ae = stack.unroll();
    assert_eq!(ae.encoder.layers[1].activation, autoencoders::nn::activation::Activation::Identity);
    assert!(ae.encode(&x).sub(&z).max_abs() < 1e-12);
    let batch = x.slice_rows(0, 3);
    let g = ae.gradients(&batch, &batch, LossKind::BinaryCrossEntropy);
    let analytic = flatten_grads(&[g.encoder.clone(), g.decoder.clone()].concat());
    let mut probe = ae.clone();
    let cmp = gradcheck::check(&ae.flat_params(), &analytic, |t| {
        probe.set_flat_params(t);
        probe.loss(&batch, LossKind::BinaryCrossEntropy)
    });
    assert!(cmp.passes(), "{cmp:?}");
}

#[test]
fn observed_pretraining_counts_every_epoch_and_trains_the_same() {
    let x = Matrix::uniform(20, 6, 0.0, 1.0, &mut Rng::new(5));
    let cfg = RbmConfig { epochs: 3, batch_size: 5, ..RbmConfig::default() };
    let (plain, plain_errors) = RbmStack::pretrain(&x, &[6, 4, 2], &cfg, true, &mut Rng::new(6)).unwrap();
    let mut seen = Vec::new();
    let (observed, errors) =
        RbmStack::pretrain_observed(&x, &[6, 4, 2], &cfg, true, &mut Rng::new(6), &mut |n| seen.push(n)).unwrap();
    // Two RBMs of three epochs: the count runs on across the stack.
    assert_eq!(seen, [1, 2, 3, 4, 5, 6]);
    assert_eq!(errors, plain_errors);
    assert_eq!(observed.rbms[1].w, plain.rbms[1].w);
}
