//! How long the built-in data takes to make: 8000 procedural digits and the synthetic
//! MovieLens-shaped table. Run: cargo bench --bench digits

mod common;
use common::best_seconds;

use autoencoders::data::digits;
use autoencoders::data::synthetic_ratings::{self, SyntheticConfig};

fn main() {
    let d = best_seconds(5, || digits::generate(6000, 2000, 1));
    println!("bench digits_8000 {d:.4} s");
    let r = best_seconds(5, || synthetic_ratings::generate(&SyntheticConfig::default(), 1));
    println!("bench synthetic_ratings_100k {r:.4} s");
}
