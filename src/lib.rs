//! # An autoencoder workbook, from nothing but `std`
//!
//! Each idea of the article "Auto Encoder with Practical Implementation" (A. Ali, 2019) is
//! one module here and one runnable chapter in `chapters/`:
//!
//! | article | module | chapter |
//! |---|---|---|
//! | §1 what an autoencoder is | [`nn::network`] | `ch1_identity` |
//! | §1 784-25-784 on digit images | [`image_ae`] | `ch1_mnist` |
//! | §1 codes as features for a classifier | [`features`], [`classify`], [`pca`] | `ch1_features` |
//! | §2 encoder, decoder, bottleneck: error against code size, a linear AE spans PCA's subspace | [`nn::network`], [`structure`] | `ch2_structure` |
//! | §3 the seven training steps | [`nn::dense`], [`nn::loss`], [`nn::optim`], [`nn::gradcheck`], [`data::baskets`] | `ch3_training_steps` |
//! | §3.1 convolution, pooling with switches, unpooling, deconvolution | [`conv`], [`pool`] | `ch3_unpooling` |
//! | §3.1 a trained convolutional autoencoder | [`conv_ae`] | `ch3_conv_autoencoder` |
//! | §2, §4.5 a linear autoencoder and PCA share a subspace | [`pca`] | `ch2_structure`, `ch4_deep` |
//! | §4.1 sparse autoencoders: KL and L1 penalties, top-k | [`sparse`] | `ch4_sparse` |
//! | §4.2 denoising autoencoders: masking and Gaussian corruption | [`denoise`] | `ch4_denoising` |
//! | §4.3 contractive autoencoders: the Jacobian penalty | [`contractive`] | `ch4_contractive` |
//! | §4.4 greedy layer-wise stacked and stacked denoising autoencoders, fine-tuned with a classifier | [`stacked`] | `ch4_stacked` |
//! | §4.5 RBMs by contrastive divergence, stacked, unrolled into a deep autoencoder | [`rbm`] | `ch4_deep` |
//! | §1, §4.4 codes fed to softmax regression or an SVM | [`classify`] | `ch1_features`, `ch4_stacked` |
//! | §5 the recommender: the article's model, honest metrics, baselines, AutoRec | [`recommender`], [`data::movielens`], [`data::synthetic_ratings`] | `ch5_recommender` |
//!
//! Below the section modules sit [`matrix`] (the `Matrix` type and its products) with
//! [`gemm`] (the cache-blocked product they share), [`rng`] (the seeded generator),
//! [`error`], [`files`] (atomic writes), [`cli`], [`render`] and [`gallery`] (the page of
//! every chapter's results).
//! Arrows run one way: chapters → section modules → `nn` → `matrix`/`rng`/`error`.

pub mod catalog;
pub mod classify;
pub mod cli;
pub mod contractive;
pub mod conv;
pub mod conv_ae;
pub mod data;
pub mod denoise;
pub mod error;
pub mod features;
pub mod files;
pub mod gallery;
pub mod gemm;
pub mod identity;
pub mod image_ae;
pub mod matrix;
pub mod nn;
pub mod parallel;
pub mod pca;
pub mod pool;
pub mod rbm;
pub mod recommender;
pub mod render;
pub mod rng;
pub mod sparse;
pub mod stacked;
pub mod structure;

pub use error::{Error, Result};
pub use matrix::Matrix;
