//! §4.4: masking noise, greedy pretraining, the standardiser folded into a softmax head, and
//! backprop from the head down through the stack checked against central differences.

use autoencoders::compare::classify::{SoftmaxRegression, Standardizer};
use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::data::digits;
use autoencoders::nn::activation::Activation;
use autoencoders::nn::gradcheck;
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::{Network, flatten_grads};
use autoencoders::nn::train::TrainConfig;
use autoencoders::variants::denoise::mask_noise;
use autoencoders::variants::stacked::{self, FineTuneConfig, finetune_gradients, fold_standardizer};

#[test]
fn masking_zeroes_about_nu_of_the_entries_and_keeps_the_rest() {
    let mut rng = Rng::new(3);
    let x = Matrix::uniform(100, 100, 0.5, 1.0, &mut rng);
    let y = mask_noise(&x, 0.3, &mut rng).x;
    let zeroed = y.data().iter().filter(|&&v| v == 0.0).count();
    // Binomial(10000, 0.3): mean 3000, standard deviation √2100 ≈ 46; allow 5 of them.
    assert!((zeroed as f64 - 3000.0).abs() < 230.0, "{zeroed}");
    assert!(x.data().iter().zip(y.data()).all(|(&a, &b)| b == 0.0 || b == a));
    assert_eq!(mask_noise(&x, 0.3, &mut Rng::new(5)), mask_noise(&x, 0.3, &mut Rng::new(5)));
}

#[test]
fn a_folded_head_reads_raw_features_as_the_original_reads_standardised_ones() {
    let mut rng = Rng::new(1);
    let x = Matrix::uniform(30, 5, -2.0, 3.0, &mut rng);
    let s = Standardizer::fit(&x);
    let model = SoftmaxRegression { w: Matrix::normal(4, 5, 1.0, &mut rng), b: vec![0.1, -0.2, 0.3, 0.0] };
    let folded = fold_standardizer(&model, &s);
    let diff = folded.logits(&x).sub(&model.logits(&s.transform(&x))).max_abs();
    assert!(diff < 1e-12, "{diff}");
}

#[test]
fn backprop_from_the_head_through_the_stack_matches_central_differences() {
    let mut rng = Rng::new(2);
    let stack = Network::with_widths(&[6, 5, 3], &[Activation::Sigmoid, Activation::Sigmoid], &mut rng);
    let head = SoftmaxRegression { w: Matrix::normal(4, 3, 1.0, &mut rng), b: vec![0.0, 0.1, -0.1, 0.2] };
    let x = Matrix::uniform(5, 6, 0.0, 1.0, &mut rng);
    let labels = [0usize, 3, 1, 2, 3];
    let (grads, g) = finetune_gradients(&stack, &head, &x, &labels, 1e-3);
    assert!((g.loss - head.loss(&stack.infer(&x), &labels, 1e-3)).abs() < 1e-15);
    let mut probe = stack.clone();
    let cmp = gradcheck::check(&stack.flat_params(), &flatten_grads(&grads), |t| {
        probe.set_flat_params(t);
        head.loss(&probe.infer(&x), &labels, 1e-3)
    });
    assert!(cmp.passes(), "{cmp:?}");
}

#[test]
fn greedy_pretraining_builds_the_stack_and_fine_tuning_lowers_the_loss() {
    let data = digits::generate(200, 50, 4);
    let cfg = TrainConfig { epochs: 2, batch_size: 20, lr: 5e-3, lr_decay: 1.0, loss: LossKind::BinaryCrossEntropy };
    let run = |nu: f64| stacked::pretrain(&data.train, &[784, 20, 8], &cfg, nu, &mut Rng::new(9)).unwrap();
    let (stack, losses) = run(0.0);
    assert_eq!(stack.layers.len(), 2);
    assert_eq!((stack.inputs(), stack.outputs()), (784, 8));
    assert_eq!(losses.len(), 2);
    assert!(losses.iter().all(|l| l.len() == 2 && l[1] < l[0]), "{losses:?}");
    assert_eq!(run(0.0).0, stack, "same seed, same stack");
    assert_ne!(run(0.3).0, stack, "corruption changes what is learnt");

    let mut tuned = stack.clone();
    let mut head = SoftmaxRegression::zeros(8, 10);
    let labels: Vec<usize> = data.train_labels.iter().map(|&l| usize::from(l)).collect();
    let before = head.loss(&tuned.infer(&data.train), &labels, 0.0);
    let tune = FineTuneConfig { epochs: 3, ..FineTuneConfig::default() };
    stacked::finetune(&mut tuned, &mut head, &data.train, &data.train_labels, &tune, &mut Rng::new(1)).unwrap();
    let after = head.loss(&tuned.infer(&data.train), &labels, 0.0);
    assert!(after < before, "{before} → {after}");
    assert_ne!(tuned, stack, "fine-tuning moves the stack too");
}

#[test]
fn bad_widths_and_noise_are_errors() {
    let x = Matrix::zeros(4, 3);
    let cfg = TrainConfig::default();
    assert!(stacked::pretrain(&x, &[4, 2], &cfg, 0.0, &mut Rng::new(1)).is_err());
    assert!(stacked::pretrain(&x, &[3, 2], &cfg, 1.0, &mut Rng::new(1)).is_err());
}

#[test]
fn observed_training_reports_each_epoch_and_trains_the_same() {
    use autoencoders::nn::train::{Plain, train, train_observed};
    use autoencoders::structure::sigmoid_autoencoder;
    let x = Matrix::uniform(12, 5, 0.0, 1.0, &mut Rng::new(7));
    let cfg = TrainConfig { epochs: 4, batch_size: 4, ..TrainConfig::default() };
    let mut a = sigmoid_autoencoder(5, 2, &mut Rng::new(8));
    let mut b = a.clone();
    let plain = train(&mut a, &x, &Plain, &cfg, &mut Rng::new(9)).unwrap();
    let mut seen = Vec::new();
    let observed = train_observed(&mut b, &x, &Plain, &cfg, &mut Rng::new(9), &mut |e| seen.push(e)).unwrap();
    assert_eq!(seen, [1, 2, 3, 4]);
    assert_eq!(plain, observed);
}
