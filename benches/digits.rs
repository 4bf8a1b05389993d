//! How long the built-in data takes to make: 8000 procedural digits and the synthetic
//! MovieLens-shaped table. Run: cargo bench --bench digits

use std::time::Instant;

use autoencoders::data::digits;
use autoencoders::data::synthetic_ratings::{self, SyntheticConfig};

fn best_of<T>(reps: usize, mut f: impl FnMut() -> T) -> f64 {
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let d = best_of(5, || digits::generate(6000, 2000, 1));
    println!("bench digits_8000 {d:.4} s");
    let r = best_of(5, || synthetic_ratings::generate(&SyntheticConfig::default(), 1));
    println!("bench synthetic_ratings_100k {r:.4} s");
}
