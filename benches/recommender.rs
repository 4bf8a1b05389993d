//! One epoch of §5's faithful recommender: the sparse two-part trainer on one and two threads
//! against the plain dense version of the same math, measured in the same run, and against the
//! PyTorch reference's 0.69 s per epoch (../shared/reference/README.md, this machine kind,
//! one thread). Then the one- and two-thread epochs again while a busy thread keeps one core
//! spinning (`_loaded`), as a browser or a compiler would on a reader's laptop.
//!
//! Run: cargo bench --bench recommender   (uses ../shared/data/ml-100k when present)
//!
//! ```text
//! bench recommender_epoch_ml100k_t1 <s> s            one thread
//! bench recommender_epoch_ml100k <s> s               two threads
//! bench recommender_epoch_ml100k_dense_reference <s> s
//! bench recommender_epoch_ml100k_t1_loaded <s> s     one thread, other core busy
//! bench recommender_epoch_ml100k_loaded <s> s        two threads, other core busy
//! ```
//!
//! (`recommender_epoch_synthetic` on the built-in ratings when the data is absent.)

mod common;
use common::Busy;

use std::time::Instant;

use autoencoders::core::rng::Rng;
use autoencoders::data::movielens::{Fold, RatingTable, Split, load};
use autoencoders::data::synthetic_ratings::{self, SyntheticConfig};
use autoencoders::recommender::faithful::{self, Config};
use autoencoders::recommender::faithful_fast::{Sae, Trainer};

const REFERENCE_SECONDS_PER_EPOCH: f64 = 0.69;
/// Timed runs of each configuration, and epochs in each.
const REPS: usize = 5;
const EPOCHS: usize = 10;

/// The time of `epochs` epochs of a fresh trainer on `threads` threads, in seconds per epoch.
fn per_epoch(n: usize, train: &RatingTable, threads: usize, epochs: usize) -> f64 {
    let mut t = Trainer::new(Sae::new(n, &mut Rng::new(1)), Config::default(), threads);
    let start = Instant::now();
    for _ in 0..epochs {
        t.epoch(train);
    }
    start.elapsed().as_secs_f64() / epochs as f64
}

/// The best of `REPS` timings for one and for two threads, taken in turns so that whatever
/// else the machine is doing falls on both alike.
fn best_t1_t2(n: usize, train: &RatingTable) -> (f64, f64) {
    let (mut t1, mut t2) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..REPS {
        t1 = t1.min(per_epoch(n, train, 1, EPOCHS));
        t2 = t2.min(per_epoch(n, train, 2, EPOCHS));
    }
    (t1, t2)
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
    let (t1, t2) = best_t1_t2(n, train);
    let dense = {
        let mut d = faithful::Trainer::new(faithful::sae(n, &mut Rng::new(1)), &Config::default());
        let start = Instant::now();
        for _ in 0..2 {
            d.epoch(train);
        }
        start.elapsed().as_secs_f64() / 2.0
    };
    let (t1_loaded, t2_loaded) = {
        let _busy = Busy::start();
        best_t1_t2(n, train)
    };
    println!("bench {name}_t1 {t1:.4} s");
    println!("bench {name} {t2:.4} s");
    println!("bench {name}_dense_reference {dense:.4} s");
    println!("bench {name}_t1_loaded {t1_loaded:.4} s");
    println!("bench {name}_loaded {t2_loaded:.4} s");
    println!("ratio 2 threads / 1 thread: {:.2} quiet, {:.2} with the other core busy", t2 / t1, t2_loaded / t1_loaded);
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
