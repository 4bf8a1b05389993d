//! Data the chapters learn from: built-in tables generated in code, and readers for real
//! data sets. Nothing here knows about networks.

pub mod baskets;
pub mod digits;
pub mod idx;
pub mod images;
pub mod movielens;
pub mod synthetic_ratings;

use std::path::Path;

use crate::core::error::Result;
use images::DigitSet;

/// The digits an image chapter learns from: the MNIST IDX files in `dir` when the reader gave
/// `--data DIR` (first three quarters train, the rest held out), otherwise `n_train` + `n_test`
/// procedural digits drawn from `seed`.
pub fn digit_set(dir: Option<&Path>, n_train: usize, n_test: usize, seed: u64) -> Result<DigitSet> {
    match dir {
        Some(dir) => idx::load_mnist(dir),
        None => Ok(digits::generate(n_train, n_test, seed)),
    }
}
