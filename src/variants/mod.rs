//! §4: the five kinds of autoencoder, in the article's order: [`sparse`] (§4.1), [`denoise`]
//! (§4.2), [`contractive`] (§4.3), [`stacked`] (§4.4) and [`rbm`] (§4.5, the deep autoencoder).

pub mod contractive;
pub mod denoise;
pub mod rbm;
pub mod sparse;
pub mod sparse_checks;
pub mod stacked;
pub mod stacked_levels;
