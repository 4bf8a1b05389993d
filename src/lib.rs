//! # An autoencoder workbook, from nothing but `std`
//!
//! Each idea of the article "Auto Encoder with Practical Implementation" (A. Ali, 2019) is
//! one module here and one runnable chapter in `chapters/`:
//!
//! | article | module | chapter |
//! |---|---|---|
//! | §1 what an autoencoder is | [`identity`], [`nn::network`] | `ch1_identity` |
//! | §1 784-25-784 on digit images | [`image_ae`] (its fast twin: [`image_ae_fast`]) | `ch1_mnist` |
//! | §1 codes as features for a classifier | [`compare::features`], [`compare::classify`], [`compare::pca`] | `ch1_features` |
//! | §2 encoder, decoder, bottleneck: error against code size, a linear AE spans PCA's subspace | [`nn::network`], [`structure`] | `ch2_structure` |
//! | §3 the seven training steps | [`nn::dense`], [`nn::loss`], [`nn::optim`], [`nn::gradcheck`], [`data::baskets`] | `ch3_training_steps` |
//! | §3.1 convolution, pooling with switches, unpooling, deconvolution | [`conv::convolution`], [`conv::pool`] | `ch3_unpooling` |
//! | §3.1 a trained convolutional autoencoder | [`conv::autoencoder`] | `ch3_conv_autoencoder` |
//! | §2, §4.5 a linear autoencoder and PCA share a subspace | [`compare::pca`] | `ch2_structure`, `ch4_deep` |
//! | §4.1 sparse autoencoders: KL and L1 penalties, top-k; copying, overfitting and width tested | [`variants::sparse`], [`variants::sparse_checks`] | `ch4_sparse` |
//! | §4.2 denoising autoencoders: masking and Gaussian corruption; both readings of the loss | [`variants::denoise`] | `ch4_denoising` |
//! | §4.3 contractive autoencoders: the Jacobian penalty | [`variants::contractive`] | `ch4_contractive` |
//! | §4.4 greedy layer-wise stacked, stacked denoising and stacked sparse autoencoders, fine-tuned with a classifier; §1's levels measured | [`variants::stacked`], [`variants::stacked_levels`] | `ch4_stacked` |
//! | §4.5 RBMs by contrastive divergence, stacked, unrolled into a deep autoencoder | [`variants::rbm`] | `ch4_deep` |
//! | §1, §4.4 codes fed to softmax regression or an SVM | [`compare::classify`] | `ch1_features`, `ch4_stacked` |
//! | §5 the recommender: the article's model, honest metrics, baselines, AutoRec, a blend at the state of the art; its errata run | [`recommender`], [`recommender::errata`], [`recommender::ranking`], [`data::movielens`], [`data::synthetic_ratings`] | `ch5_recommender` |
//! | every section: the article's claims, each judged by a chapter's run | [`workbook::claims`], [`workbook::ledger`] | every chapter, `contents --claims` |
//!
//! ## How the code is laid out
//!
//! ```text
//! core/         matrix, tensor3, rng, error, files: the types every formula is written in
//! kernels/      gemm, simd, parallel: speed only, no model knowledge
//! nn/           activation, loss, dense, network, optim, train, gradcheck (§2–§3)
//! gradcheck/    models (every objective a chapter trains, wrapped for nn::gradcheck), step (its printing)
//! identity, image_ae (+ image_ae_fast, its twin), structure           §1–§2
//! conv/         convolution, pool, autoencoder                        §3.1
//! variants/     sparse (+ sparse_checks), denoise, contractive, stacked (+ stacked_levels), rbm   §4.1–§4.5
//! compare/      pca, classify, features: the yardsticks
//! recommender/  the article's model and what it is measured against  §5
//! data/         images, idx, digits, movielens, synthetic_ratings, baskets
//! render/       text, png, svg, html: pictures and text only
//! workbook/     cli, catalog, specs, claims, ledger, captions, gallery, runner: chapter tooling, nothing numeric
//! ```
//!
//! Arrows run one way: chapters → section modules → [`nn`] → [`core`] and [`kernels`].
//! [`data`], [`render`] and [`workbook`] import nothing numeric above [`core`].

pub mod compare;
pub mod conv;
pub mod core;
pub mod data;
pub mod gradcheck;
pub mod identity;
pub mod image_ae;
pub mod image_ae_fast;
pub mod kernels;
pub mod nn;
pub mod recommender;
pub mod render;
pub mod structure;
pub mod variants;
pub mod workbook;

pub use crate::core::error::{Error, Result};
pub use crate::core::matrix::Matrix;
