//! One epoch of §5's faithful recommender: the sparse two-part trainer on one and two threads
//! against the plain dense version of the same math, measured in the same run, and against the
//! PyTorch reference's 0.69 s per epoch (../shared/reference/README.md, this machine kind,
//! one thread).
//!
//! Run: cargo bench --bench recommender   (uses ../shared/data/ml-100k when present)

use std::time::Instant;

use autoencoders::core::rng::Rng;
use autoencoders::data::movielens::{Fold, Split, load};
use autoencoders::data::synthetic_ratings::{self, SyntheticConfig};
use autoencoders::recommender::faithful::{self, Config};
use autoencoders::recommender::faithful_fast::{Sae, Trainer};

const REFERENCE_SECONDS_PER_EPOCH: f64 = 0.69;

/// The best of `reps` timings of `epochs` epochs, in seconds per epoch.
fn best_per_epoch<'a>(reps: usize, epochs: usize, mut make: impl FnMut() -> Box<dyn FnMut() + 'a>) -> f64 {
    (0..reps)
        .map(|_| {
            let mut epoch = make();
            let t = Instant::now();
            for _ in 0..epochs {
                epoch();
            }
            t.elapsed().as_secs_f64() / epochs as f64
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/ml-100k"));
    let (split, name): (Split, &str) = match load(dir, Fold::default(), 1) {
        Ok(s) => (s, "recommender_epoch_ml100k"),
        Err(_) => (
            synthetic_ratings::split(&SyntheticConfig::default(), Fold::default(), 1).expect("synthetic data"),
            "recommender_epoch_synthetic",
        ),
    };
    let n = split.n_movies();
    let train = &split.train;
    let fast = |threads: usize| {
        best_per_epoch(5, 10, || {
            let mut t = Trainer::new(Sae::new(n, &mut Rng::new(1)), Config::default(), threads);
            Box::new(move || {
                t.epoch(train);
            })
        })
    };
    let t1 = fast(1);
    let t2 = fast(2);
    let dense = best_per_epoch(1, 2, || {
        let mut d = faithful::Trainer::new(faithful::sae(n, &mut Rng::new(1)), &Config::default());
        Box::new(move || {
            d.epoch(train);
        })
    });
    println!("bench {name}_t1 {t1:.4} s");
    println!("bench {name} {t2:.4} s");
    println!("bench {name}_dense_reference {dense:.4} s");
    println!("ratio dense reference / sparse 2 threads: {:.1}x", dense / t2);
    println!("ratio dense reference / sparse 1 thread:  {:.1}x", dense / t1);
    println!(
        "ratio PyTorch reference {REFERENCE_SECONDS_PER_EPOCH} s / sparse 2 threads: {:.1}x",
        REFERENCE_SECONDS_PER_EPOCH / t2
    );
    println!(
        "ratio PyTorch reference {REFERENCE_SECONDS_PER_EPOCH} s / sparse 1 thread:  {:.1}x",
        REFERENCE_SECONDS_PER_EPOCH / t1
    );
}
