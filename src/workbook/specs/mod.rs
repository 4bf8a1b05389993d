//! Every chapter's [`Spec`](crate::workbook::cli::Spec), kept in the catalog rather than in the
//! chapter: its flags, its `--help` exercises, and the expectations (`--expectations`) that
//! `tests/exercises.rs` runs and `tests/docs.rs` holds the README and the exercises to; and
//! beside it, as `CLAIMS`, the article's claims the chapter tests, which
//! [`crate::workbook::ledger`] gathers. The chapter binary keeps only its body.

pub mod ch1_features;
pub mod ch1_identity;
pub mod ch1_mnist;
pub mod ch2_structure;
pub mod ch3_conv_autoencoder;
pub mod ch3_training_steps;
pub mod ch3_unpooling;
pub mod ch4_contractive;
pub mod ch4_deep;
pub mod ch4_denoising;
pub mod ch4_sparse;
pub mod ch4_stacked;
pub mod ch5_recommender;
pub mod contents;
