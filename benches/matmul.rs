//! The matrix products in GFLOP/s (2·n³ floating-point operations for n × n), on one and two
//! threads, each beside the naive triple loop measured in the same run. The practical limit on
//! this machine kind is OpenBLAS's float64 multiply: about 50 GFLOP/s on one core, 100 on two.
//!
//! Run: cargo bench --bench matmul
//!
//! Prints, for n = 64, 128, 256, 512, 1024 and t = 1, 2,
//!
//! ```text
//! bench matmul_n<n>_t<t> <value> GFLOP/s
//! bench matmul_at_b_n<n>_t<t> <value> GFLOP/s
//! bench matmul_a_bt_n<n>_t<t> <value> GFLOP/s
//! ```
//!
//! each followed by its ratio to `matmul_naive`. The naive loop takes seconds at n = 1024, so
//! it is timed up to n = 512 and the 1024 figures are divided by its n = 512 speed (which
//! flatters the naive loop: it only gets slower as n grows).
//!
//! Then the n = 1024 product again on one and two threads while a busy thread keeps one core
//! spinning, as another program would on a reader's laptop:
//!
//! ```text
//! bench matmul_n1024_t1_loaded <value> GFLOP/s
//! bench matmul_n1024_t2_loaded <value> GFLOP/s
//! ```
//!
//! (`cargo bench --bench matmul -- --loaded-only` runs just these.)

mod common;
use common::{Busy, best_seconds};

use autoencoders::core::matrix::{Matrix, matmul_naive};
use autoencoders::core::rng::Rng;

/// Largest n at which the naive loop is timed.
const NAIVE_UP_TO: usize = 512;

fn main() {
    let mut rng = Rng::new(1);
    if std::env::args().any(|a| a == "--loaded-only") {
        return loaded(&mut rng);
    }
    let mut naive = f64::NAN;
    let mut naive_n = 0;
    for n in [64usize, 128, 256, 512, 1024] {
        let a = Matrix::uniform(n, n, -1.0, 1.0, &mut rng);
        let b = Matrix::uniform(n, n, -1.0, 1.0, &mut rng);
        let (at, bt) = (a.transpose(), b.transpose());
        let flops = 2.0 * (n as f64).powi(3);
        // Enough runs that one of them catches both cores free on a shared machine.
        let reps = (4e10 / flops).clamp(5.0, 400.0) as usize;
        let gf = |s: f64| flops / s / 1e9;
        if n <= NAIVE_UP_TO {
            naive = gf(best_seconds(if n <= 128 { 5 } else { 2 }, || matmul_naive(&a, &b)));
            naive_n = n;
            println!("bench matmul_naive_n{n} {naive:.2} GFLOP/s");
        }
        let ratio = |g: f64| {
            let at_n = if naive_n == n { String::new() } else { format!(" (at n = {naive_n})") };
            println!("  ratio to the naive loop{at_n}: {:.0}x", g / naive);
        };
        for threads in [1, 2] {
            let g = gf(best_seconds(reps, || a.matmul_threads(&b, threads)));
            println!("bench matmul_n{n}_t{threads} {g:.1} GFLOP/s");
            ratio(g);
            let g = gf(best_seconds(reps, || at.matmul_at_b_threads(&b, threads)));
            println!("bench matmul_at_b_n{n}_t{threads} {g:.1} GFLOP/s");
            ratio(g);
            let g = gf(best_seconds(reps, || a.matmul_a_bt_threads(&bt, threads)));
            println!("bench matmul_a_bt_n{n}_t{threads} {g:.1} GFLOP/s");
            ratio(g);
        }
    }
    loaded(&mut rng);
}

/// Size of the loaded products, and how many of each are timed.
const LOADED_N: usize = 1024;
const LOADED_REPS: usize = 30;

/// The n = 1024 product on one and two threads with one core kept busy, timed in turns so the
/// rest of the machine's load falls on both alike; the best of each, and their ratio.
fn loaded(rng: &mut Rng) {
    let n = LOADED_N;
    let a = Matrix::uniform(n, n, -1.0, 1.0, rng);
    let b = Matrix::uniform(n, n, -1.0, 1.0, rng);
    let gf = |s: f64| 2.0 * (n as f64).powi(3) / s / 1e9;
    let _busy = Busy::start();
    let (mut t1, mut t2) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..LOADED_REPS {
        t1 = t1.min(best_seconds(1, || a.matmul_threads(&b, 1)));
        t2 = t2.min(best_seconds(1, || a.matmul_threads(&b, 2)));
    }
    println!("bench matmul_n{n}_t1_loaded {:.1} GFLOP/s", gf(t1));
    println!("bench matmul_n{n}_t2_loaded {:.1} GFLOP/s", gf(t2));
    println!("  ratio two threads / one thread with the other core busy: {:.2}x", t1 / t2);
}
