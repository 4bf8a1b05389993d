//! §1's claim that an autoencoder is a feature extractor, put to a test: the same classifier
//! (softmax regression, [`crate::compare::classify`]) trained on three descriptions of each digit image,
//!
//! ```text
//! codes    h = σ(W₁x + b₁)          25 numbers, from the trained autoencoder (§1)
//! pixels   x                        784 numbers
//! PCA      V₂₅ (x − μ)              25 numbers, the best linear 25-number summary
//! ```
//!
//! each standardised with statistics of the training images only, and scored on held-out
//! images. `ch1_features` prints the table.

use crate::compare::classify::{SoftmaxConfig, Standardizer, train_softmax};
use crate::core::error::Result;
use crate::core::matrix::Matrix;
use crate::core::rng::Rng;

/// What one kind of feature achieved.
#[derive(Clone, Debug, PartialEq)]
pub struct Scored {
    pub name: &'static str,
    /// Numbers per image.
    pub dims: usize,
    pub train_accuracy: f64,
    pub test_accuracy: f64,
}

/// Standardises `train` (and `test` with train's statistics), trains softmax regression on
/// it and scores both sets. train: (n, d), test: (m, d), labels 0–9.
pub fn softmax_accuracy(
    name: &'static str,
    train: &Matrix,
    train_labels: &[u8],
    test: &Matrix,
    test_labels: &[u8],
    config: &SoftmaxConfig,
    rng: &mut Rng,
) -> Result<Scored> {
    let (scaler, z_train) = Standardizer::fit_transform(train);
    let z_test = scaler.transform(test);
    let model = train_softmax(&z_train, train_labels, 10, config, rng)?;
    Ok(Scored {
        name,
        dims: train.cols(),
        train_accuracy: model.accuracy(&z_train, train_labels),
        test_accuracy: model.accuracy(&z_test, test_labels),
    })
}
