//! §4.4: stacked autoencoders trained greedily, layer by layer, and stacked *denoising*
//! autoencoders; their top codes feed a classifier, optionally fine-tuned end to end.
//!
//! ```text
//! greedy     AE 1 learns x → h₁ → x;  AE 2 learns h₁ → h₂ → h₁;  …  keep every encoder:
//!            stack(x) = f_L(… f_2(f_1(x)))
//! denoising  while layer l is pretrained its own input is corrupted, x̃ = mask(h_{l−1}),
//!            and it reconstructs the clean h_{l−1}; the next layer reads the *clean* codes
//!            f_l(h_{l−1}) (§4.4: corruption only while learning each mapping)
//! classify   softmax regression or a linear SVM on standardised top codes (§4.4 names both)
//! fine-tune  softmax head on the stack, every weight updated by backprop of the
//!            cross-entropy: d_x of the head flows down through each encoder layer
//! ```
//!
//! Masking noise is §4.2's ([`crate::variants::denoise::mask_noise`]): each input set to 0
//! with probability ν, drawn from the seeded generator.

use crate::compare::classify::{
    SoftmaxConfig, SoftmaxGrads, SoftmaxRegression, Standardizer, SvmConfig, train_softmax, train_svm,
};
use crate::core::error::{Error, Result};
use crate::core::matrix::Matrix;
use crate::core::rng::Rng;
use crate::data::images::DigitSet;
use crate::nn::dense::{Dense, DenseGrads};
use crate::nn::network::Network;
use crate::nn::optim::{Adam, Optimizer};
use crate::nn::train::{self, Objective, Plain, TrainConfig, minibatch_epoch};
use crate::structure;
use crate::variants::denoise::Corruption;

/// Greedy layer-wise pretraining. `widths` = [input, hidden 1, …, top]; each layer is the
/// encoder of a one-hidden-layer sigmoid autoencoder ([`structure::sigmoid_autoencoder`],
/// output started at the mean of its input) trained by [`train::train`] on the codes of the
/// layers below. `corruption` ν > 0 makes every layer a denoising autoencoder with masking
/// noise ν on its own input ([`Corruption::Mask`], §4.2). Returns the stack of encoder layers (sigmoid units) and
/// each layer's per-epoch training loss.
pub fn pretrain(
    x: &Matrix,
    widths: &[usize],
    cfg: &TrainConfig,
    corruption: f64,
    rng: &mut Rng,
) -> Result<(Network, Vec<Vec<f64>>)> {
    if !(0.0..1.0).contains(&corruption) {
        return Err(Error::Invalid(format!("stacked: masking probability {corruption} is not in [0, 1)")));
    }
    // ν = 0 draws nothing, exactly the plain autoencoder.
    let objective: &dyn Objective = if corruption > 0.0 { &Corruption::Mask { nu: corruption } } else { &Plain };
    pretrain_with(x, widths, cfg, objective, rng)
}

/// [`pretrain`] with any objective on every layer: §4.4 words its stack as layers of *sparse*
/// autoencoders, which is `objective` = a [`crate::variants::sparse::Sparsity`] penalty on each
/// layer's code:
///
/// ```text
/// layer l   h_l = σ(W_l h_{l−1} + b_l),  trained to give back h_{l−1}:
///           J = loss(decode(h_l), h_{l−1}) + Ω(h_l)          (Ω as in variants::sparse)
/// ```
pub fn pretrain_with(
    x: &Matrix,
    widths: &[usize],
    cfg: &TrainConfig,
    objective: &dyn Objective,
    rng: &mut Rng,
) -> Result<(Network, Vec<Vec<f64>>)> {
    if widths.len() < 2 || widths[0] != x.cols() {
        return Err(Error::Invalid(format!("stacked: widths {widths:?} must start with the data width {}", x.cols())));
    }
    let mut layers: Vec<Dense> = Vec::new();
    let mut losses = Vec::new();
    let mut input = x.clone();
    for pair in widths.windows(2) {
        let mut ae = structure::sigmoid_autoencoder(pair[0], pair[1], rng);
        structure::start_output_at_mean(&mut ae, &input);
        losses.push(train::train(&mut ae, &input, objective, cfg, rng)?);
        input = ae.encode(&input);
        layers.push(ae.encoder.layers.remove(0));
    }
    Ok((Network::new(layers), losses))
}

/// A softmax trained on standardised features z = (x − μ)/σ, rewritten to read the raw
/// features x directly, so it can sit on top of a network and be fine-tuned with it:
///
/// ```text
/// W'_cj = W_cj / σ_j        b'_c = b_c − Σ_j W_cj·μ_j / σ_j        W'·x + b' = W·z + b
/// ```
pub fn fold_standardizer(model: &SoftmaxRegression, s: &Standardizer) -> SoftmaxRegression {
    let mut folded = model.clone();
    for c in 0..model.classes() {
        let mut shift = 0.0;
        for j in 0..model.features() {
            let w = model.w[(c, j)] / s.std[j];
            folded.w[(c, j)] = w;
            shift += w * s.mean[j];
        }
        folded.b[c] -= shift;
    }
    folded
}

/// Hyperparameters of [`finetune`]: Adam over the stack and the head together.
///
/// `Default`: 5 epochs, batches of 32, lr 1e-3, L2 1e-4 on the head's weights.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FineTuneConfig {
    pub epochs: usize,
    pub batch_size: usize,
    pub lr: f64,
    pub l2: f64,
}

impl Default for FineTuneConfig {
    fn default() -> Self {
        FineTuneConfig { epochs: 5, batch_size: 32, lr: 1e-3, l2: 1e-4 }
    }
}

/// One forward and backward pass of head-on-stack: the head's loss and gradients (its d_x is
/// ∂L/∂(top codes)) and every stack layer's gradients. x: (batch, d), labels: (batch).
pub fn finetune_gradients(
    stack: &Network,
    head: &SoftmaxRegression,
    x: &Matrix,
    labels: &[usize],
    l2: f64,
) -> (Vec<DenseGrads>, SoftmaxGrads) {
    let caches = stack.forward(x);
    let top = &caches.last().expect("stack has layers").a;
    let g = head.gradients(top, labels, l2);
    (stack.backward_params(&caches, &g.d_x), g)
}

/// Supervised fine-tuning of `stack` with `head` on its top codes: x: (n, d), labels: (n).
/// Each mini-batch runs the stack forward, the head's [`SoftmaxRegression::gradients`], then
/// backprop of the head's d_x through the stack; one Adam step updates everything (stack
/// slots 0 … 2L−1, head slots 2L and 2L+1). Returns the mean loss of each epoch.
pub fn finetune(
    stack: &mut Network,
    head: &mut SoftmaxRegression,
    x: &Matrix,
    labels: &[u8],
    cfg: &FineTuneConfig,
    rng: &mut Rng,
) -> Result<Vec<f64>> {
    if x.rows() == 0 || labels.len() != x.rows() || cfg.batch_size == 0 {
        return Err(Error::Invalid(format!("fine-tuning: {} examples, {} labels", x.rows(), labels.len())));
    }
    let mut opt = Adam::new(cfg.lr);
    let head_slot = 2 * stack.layers.len();
    let mut losses = Vec::with_capacity(cfg.epochs);
    for epoch in 1..=cfg.epochs {
        let mean = minibatch_epoch(x, cfg.batch_size, rng, |rows, xb, _| {
            let yb: Vec<usize> = rows.iter().map(|&i| usize::from(labels[i])).collect();
            let (stack_grads, g) = finetune_gradients(stack, head, xb, &yb, cfg.l2);
            opt.begin_step();
            stack.apply(&stack_grads, &mut opt, 0);
            opt.update(head_slot, head.w.data_mut(), g.d_w.data());
            opt.update(head_slot + 1, &mut head.b, &g.d_b);
            g.loss
        });
        if !mean.is_finite() || !stack.all_finite() {
            return Err(Error::Diverged {
                chapter: "fine-tuning".into(),
                epoch,
                step: x.rows().div_ceil(cfg.batch_size),
                what: format!("the mean loss is {mean}"),
            });
        }
        losses.push(mean);
    }
    Ok(losses)
}

/// Held-out accuracy of the classifiers on one kind of feature.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scores {
    pub softmax: f64,
    pub svm: f64,
    /// Softmax head and stack fine-tuned together; `None` for raw pixels (no stack to tune).
    pub finetuned: Option<f64>,
}

/// Trains softmax regression and a linear SVM on the standardised top codes of `stack` (raw
/// pixels when `stack` is `None`) of `data.train`, measures both on `data.test`, then, with
/// `tune` and a stack, fine-tunes a copy of the stack under the softmax head (folded back to
/// raw codes, [`fold_standardizer`]) and measures that too.
pub fn score_features(
    stack: Option<&Network>,
    data: &DigitSet,
    softmax_cfg: &SoftmaxConfig,
    svm_cfg: &SvmConfig,
    tune: Option<&FineTuneConfig>,
    rng: &mut Rng,
) -> Result<Scores> {
    let features = |x: &Matrix| stack.map_or_else(|| x.clone(), |s| s.infer(x));
    let (train_f, test_f) = (features(&data.train), features(&data.test));
    let (standardizer, train_z) = Standardizer::fit_transform(&train_f);
    let test_z = standardizer.transform(&test_f);
    let soft = train_softmax(&train_z, &data.train_labels, 10, softmax_cfg, rng)?;
    let svm = train_svm(&train_z, &data.train_labels, 10, svm_cfg, rng)?;
    let mut scores = Scores {
        softmax: soft.accuracy(&test_z, &data.test_labels),
        svm: svm.accuracy(&test_z, &data.test_labels),
        finetuned: None,
    };
    if let (Some(stack), Some(tune)) = (stack, tune) {
        let mut stack = stack.clone();
        let mut head = fold_standardizer(&soft, &standardizer);
        finetune(&mut stack, &mut head, &data.train, &data.train_labels, tune, rng)?;
        scores.finetuned = Some(head.accuracy(&stack.infer(&data.test), &data.test_labels));
    }
    Ok(scores)
}
