//! Reconstruction losses (§3, step 4), each returning its value and ∂L/∂ŷ together.
//!
//! With ŷ the network's output, y the target and N the number of entries scored:
//!
//! ```text
//! mse          L = (1/N) Σ (ŷ − y)²                         ∂L/∂ŷ = 2(ŷ − y)/N
//! masked mse   L = (1/|M|) Σ_{(i,j)∈M} (ŷ − y)²             ∂L/∂ŷ = 2(ŷ − y)/|M| on M, 0 elsewhere
//! bce          L = −(1/N) Σ y ln ŷ + (1 − y) ln(1 − ŷ)      ∂L/∂ŷ = (ŷ − y) / (ŷ(1 − ŷ) N)
//! ```
//!
//! The article writes the reconstruction error as "input − output"; these losses square it
//! (or take its likelihood) so that a smaller number always means a better copy.
//! Masked MSE scores only the entries in M: for ratings, the movies the user rated. The
//! article's course code instead zeroes unrated outputs and divides by every entry; the
//! recommender module reproduces that variant and says how the two differ.
//!
//! ```
//! use autoencoders::{core::matrix::Matrix, nn::loss::mse};
//! let l = mse(&Matrix::row_vector(&[1.0, 3.0]), &Matrix::row_vector(&[0.0, 1.0]));
//! assert_eq!(l.value, 2.5); // (1² + 2²) / 2
//! assert_eq!(l.d_pred.data(), &[1.0, 2.0]); // 2·(1, 2)/2
//! ```

use crate::core::matrix::Matrix;

/// BCE clamps ŷ into [EPS, 1 − EPS] so that a saturated sigmoid gives a large finite loss
/// instead of infinity (PyTorch clamps the log at −100 for the same reason).
pub const BCE_EPS: f64 = 1e-12;

/// A loss value with its gradient with respect to the prediction.
#[derive(Clone, Debug)]
pub struct Loss {
    pub value: f64,
    /// ∂L/∂ŷ, the same shape as the prediction.
    pub d_pred: Matrix,
}

/// Which reconstruction loss a training step uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossKind {
    Mse,
    BinaryCrossEntropy,
}

impl LossKind {
    pub fn eval(self, pred: &Matrix, target: &Matrix) -> Loss {
        match self {
            LossKind::Mse => mse(pred, target),
            LossKind::BinaryCrossEntropy => binary_cross_entropy(pred, target),
        }
    }
}

/// pred, target: (batch, n).
pub fn mse(pred: &Matrix, target: &Matrix) -> Loss {
    assert_eq!(pred.shape(), target.shape(), "mse: prediction and target shapes differ");
    let n = pred.len().max(1) as f64;
    let diff = pred.sub(target);
    let value = diff.data().iter().map(|d| d * d).sum::<f64>() / n;
    Loss { value, d_pred: diff.scale(2.0 / n) }
}

/// pred, target, mask: (batch, n); only entries where `mask` is true count. With no entry in
/// the mask the loss is 0 and so is its gradient.
pub fn masked_mse(pred: &Matrix, target: &Matrix, mask: &[bool]) -> Loss {
    assert_eq!(pred.shape(), target.shape(), "masked_mse: prediction and target shapes differ");
    assert_eq!(mask.len(), pred.len(), "masked_mse: mask length differs from the prediction");
    let n = mask.iter().filter(|&&m| m).count();
    let mut d_pred = Matrix::zeros(pred.rows(), pred.cols());
    if n == 0 {
        return Loss { value: 0.0, d_pred };
    }
    let inv_n = 1.0 / n as f64;
    let mut value = 0.0;
    for (i, &m) in mask.iter().enumerate() {
        if m {
            let d = pred.data()[i] - target.data()[i];
            value += d * d;
            d_pred.data_mut()[i] = 2.0 * d * inv_n;
        }
    }
    Loss { value: value * inv_n, d_pred }
}

/// pred in (0, 1), target in [0, 1]: (batch, n).
pub fn binary_cross_entropy(pred: &Matrix, target: &Matrix) -> Loss {
    assert_eq!(pred.shape(), target.shape(), "bce: prediction and target shapes differ");
    let n = pred.len().max(1) as f64;
    let mut value = 0.0;
    let mut d_pred = Matrix::zeros(pred.rows(), pred.cols());
    for (i, (&p, &y)) in pred.data().iter().zip(target.data()).enumerate() {
        let p = p.clamp(BCE_EPS, 1.0 - BCE_EPS);
        value -= y * p.ln() + (1.0 - y) * (1.0 - p).ln();
        d_pred.data_mut()[i] = (p - y) / (p * (1.0 - p) * n);
    }
    Loss { value: value / n, d_pred }
}
