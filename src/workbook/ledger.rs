//! The ledger: for each chapter, the article's claims it tests, each with the Results keys
//! and the condition that decide it (see [`crate::workbook::claims`]). Each chapter's claims
//! are kept beside its spec, as `CLAIMS` in [`crate::workbook::specs`]; this module gathers
//! them in the catalog's order. The catalog reaches it through
//! [`crate::workbook::catalog::claims`].
//!
//! Claims are written in our own words; the section is the article's (§1 … §5, and for §5 the
//! sub-step, such as `§5 1.3`). A claim marked `extended` is something the article does not
//! say or do that the chapter adds. The errata carry the ids `erratum-a` … `erratum-h`.

use crate::workbook::claims::{Claim, Term};
use crate::workbook::specs::{
    ch1_features, ch1_identity, ch1_mnist, ch2_structure, ch3_conv_autoencoder, ch3_training_steps, ch3_unpooling,
    ch4_contractive, ch4_deep, ch4_denoising, ch4_sparse, ch4_stacked, ch5_recommender,
};

/// Shorthands the claims are written in: a Results key, a number, a number times a key.
pub const fn k(key: &'static str) -> Term {
    Term::key(key)
}

pub const fn n(v: f64) -> Term {
    Term::num(v)
}

pub const fn x(c: f64, key: &'static str) -> Term {
    Term::times(c, key)
}

/// Every chapter's claims, in the catalog's order.
pub const LEDGER: &[(&str, &[Claim])] = &[
    ("ch1_identity", ch1_identity::CLAIMS),
    ("ch1_mnist", ch1_mnist::CLAIMS),
    ("ch1_features", ch1_features::CLAIMS),
    ("ch2_structure", ch2_structure::CLAIMS),
    ("ch3_training_steps", ch3_training_steps::CLAIMS),
    ("ch3_unpooling", ch3_unpooling::CLAIMS),
    ("ch3_conv_autoencoder", ch3_conv_autoencoder::CLAIMS),
    ("ch4_sparse", ch4_sparse::CLAIMS),
    ("ch4_denoising", ch4_denoising::CLAIMS),
    ("ch4_contractive", ch4_contractive::CLAIMS),
    ("ch4_stacked", ch4_stacked::CLAIMS),
    ("ch4_deep", ch4_deep::CLAIMS),
    ("ch5_recommender", ch5_recommender::CLAIMS),
];

/// The claims `chapter` tests (none for an unknown name).
pub fn of(chapter: &str) -> &'static [Claim] {
    LEDGER.iter().find(|(c, _)| *c == chapter).map_or(&[], |(_, cs)| cs)
}
