//! The matrix products in GFLOP/s (2·n³ floating-point operations for n × n), on one and two
//! threads, beside the naive triple loop measured in the same run. The practical limit on this
//! machine kind is OpenBLAS's float64 multiply: about 50 GFLOP/s on one core, 100 on two.
//!
//! Run: cargo bench --bench matmul

mod common;
use common::best_seconds;

use autoencoders::matrix::{Matrix, matmul_naive};
use autoencoders::rng::Rng;

fn main() {
    let mut rng = Rng::new(1);
    for n in [64usize, 128, 256, 512, 1024] {
        let a = Matrix::uniform(n, n, -1.0, 1.0, &mut rng);
        let b = Matrix::uniform(n, n, -1.0, 1.0, &mut rng);
        let flops = 2.0 * (n as f64).powi(3);
        let reps = (2e9 / flops).clamp(3.0, 200.0) as usize;
        let gf = |s: f64| flops / s / 1e9;
        let naive = if n <= 512 { gf(best_seconds(1, || matmul_naive(&a, &b))) } else { f64::NAN };
        for (name, threads) in [("matmul", 1), ("matmul", 2)] {
            let g = gf(best_seconds(reps, || a.matmul_threads(&b, threads)));
            println!("bench {name}_n{n}_t{threads} {g:.1} GFLOP/s");
            if naive.is_finite() {
                println!("  ratio to the naive loop: {:.1}x", g / naive);
            }
        }
        for threads in [1, 2] {
            let g = gf(best_seconds(reps, || a.matmul_at_b_threads(&b, threads)));
            println!("bench matmul_at_b_n{n}_t{threads} {g:.1} GFLOP/s");
            let g = gf(best_seconds(reps, || a.matmul_a_bt_threads(&b, threads)));
            println!("bench matmul_a_bt_n{n}_t{threads} {g:.1} GFLOP/s");
        }
        if naive.is_finite() {
            println!("bench matmul_naive_n{n} {naive:.2} GFLOP/s");
        }
    }
}
