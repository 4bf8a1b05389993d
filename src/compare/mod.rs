//! The yardsticks the chapters measure autoencoders against: PCA, classifiers on codes or
//! pixels, and the feature pipeline that feeds them.

pub mod classify;
pub mod features;
pub mod pca;
