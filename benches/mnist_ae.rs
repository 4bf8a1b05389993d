//! How fast the 784-25-784 training step runs: the fast twin (`image_ae_fast::step`, what
//! `ch1_mnist` trains with), the plain model's step (`nn::train::step` with `nn::optim::Adam`,
//! what `image_ae::train` runs), and the same step built on the naive triple-loop product.
//!
//! `cargo bench --bench mnist_ae` prints
//!
//! ```text
//! bench mnist_ae_samples_per_second <value> samples/s          the fast twin
//! bench mnist_ae_plain_samples_per_second <value> samples/s    the plain model
//! ```
//!
//! then the fast twin's ratio to the PyTorch reference's 80,000 samples/s (a PyTorch version
//! of the same network, one thread, batch 64, measured on this machine kind), to the plain
//! step and to the naive one, all timed in the same run. One thread. Each figure is the best
//! of a few repetitions and counts only the time the thread spent on a CPU (Linux
//! `/proc/thread-self/schedstat`; wall time elsewhere), since on a shared machine wall time
//! also counts other programs' turns. The wall-time figures are printed beside them.

use std::time::Instant;

use autoencoders::core::matrix::{Matrix, matmul_naive};
use autoencoders::core::rng::Rng;
use autoencoders::data::digits;
use autoencoders::image_ae::{self, new_autoencoder};
use autoencoders::image_ae_fast;
use autoencoders::nn::activation::sigmoid;
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::Autoencoder;
use autoencoders::nn::optim::{Adam, Optimizer};
use autoencoders::nn::train::{self, Plain};

/// PyTorch's samples per second on this machine kind (reference README).
const REFERENCE_SAMPLES_PER_SECOND: f64 = 80_000.0;
const BATCH: usize = 64;

fn main() {
    let set = digits::generate(6000, 10, 1);
    let x = &set.train;
    let mut rng = Rng::new(7);
    let batches: Vec<Matrix> = rng.permutation(x.rows()).chunks(BATCH).map(|idx| x.select_rows(idx)).collect();

    let (fast, fast_wall) = best_of(3, || {
        let mut ae = new_autoencoder(25, &mut Rng::new(1));
        let mut opt = image_ae_fast::FastAdam::new(1e-3);
        let mut ws = image_ae_fast::Workspace::default();
        timed(2 * x.rows(), || {
            for _ in 0..2 {
                for b in &batches {
                    image_ae_fast::step(&mut ae, b, &mut opt, &mut ws);
                }
            }
        })
    });
    let (plain, plain_wall) = best_of(3, || {
        let mut ae = new_autoencoder(25, &mut Rng::new(1));
        let mut opt = Adam::new(1e-3);
        let mut unused = Rng::new(2);
        timed(2 * x.rows(), || {
            for _ in 0..2 {
                for b in &batches {
                    train::step(&mut ae, b, &Plain, LossKind::Mse, &mut opt, &mut unused);
                }
            }
        })
    });
    let (naive, _) = best_of(2, || {
        let mut ae = new_autoencoder(25, &mut Rng::new(1));
        let mut opt = Adam::new(1e-3);
        let few = &batches[..10];
        timed(few.len() * BATCH, || {
            for b in few {
                naive_step(&mut ae, b, &mut opt);
            }
        })
    });
    println!("bench mnist_ae_samples_per_second {fast:.0} samples/s");
    println!("bench mnist_ae_wall_samples_per_second {fast_wall:.0} samples/s");
    println!("bench mnist_ae_plain_samples_per_second {plain:.0} samples/s");
    println!("bench mnist_ae_plain_wall_samples_per_second {plain_wall:.0} samples/s");
    println!("bench mnist_ae_naive_samples_per_second {naive:.0} samples/s");
    println!(
        "ratio to the PyTorch reference ({REFERENCE_SAMPLES_PER_SECOND:.0} samples/s): {:.2}",
        fast / REFERENCE_SAMPLES_PER_SECOND
    );
    println!("ratio to the plain model's step: {:.2}", fast / plain);
    println!("ratio to the naive-matmul step: {:.1}", fast / naive);
}

/// (samples per CPU second, samples per wall second) of running `work` once.
fn timed(samples: usize, work: impl FnOnce()) -> (f64, f64) {
    let cpu = image_ae::thread_cpu_seconds();
    let start = Instant::now();
    work();
    let wall = start.elapsed().as_secs_f64();
    let busy = match (cpu, image_ae::thread_cpu_seconds()) {
        (Some(a), Some(b)) => b - a,
        _ => wall,
    };
    (samples as f64 / busy, samples as f64 / wall)
}

fn best_of(n: usize, mut f: impl FnMut() -> (f64, f64)) -> (f64, f64) {
    (0..n).map(|_| f()).fold((0.0, 0.0), |(a, b), (c, d)| (a.max(c), b.max(d)))
}

/// The same update with every product done by `matmul_naive` on explicit transposes.
fn naive_step(ae: &mut Autoencoder, x: &Matrix, opt: &mut dyn Optimizer) {
    let (w1, b1) = (&ae.encoder.layers[0].w, &ae.encoder.layers[0].b);
    let (w2, b2) = (&ae.decoder.layers[0].w, &ae.decoder.layers[0].b);
    let mut z1 = matmul_naive(x, &w1.transpose());
    z1.add_row_broadcast(b1);
    let h = z1.map(sigmoid);
    let mut z2 = matmul_naive(&h, &w2.transpose());
    z2.add_row_broadcast(b2);
    let out = z2.map(sigmoid);
    let n = out.len() as f64;
    let d_z2 = out.zip_map(x, |o, t| 2.0 * (o - t) / n * o * (1.0 - o));
    let d_w2 = matmul_naive(&d_z2.transpose(), &h);
    let d_b2 = d_z2.col_sums();
    let d_h = matmul_naive(&d_z2, w2);
    let d_z1 = d_h.zip_map(&h, |d, a| d * a * (1.0 - a));
    let d_w1 = matmul_naive(&d_z1.transpose(), x);
    let d_b1 = d_z1.col_sums();
    opt.begin_step();
    opt.update(0, ae.encoder.layers[0].w.data_mut(), d_w1.data());
    opt.update(1, &mut ae.encoder.layers[0].b, &d_b1);
    opt.update(2, ae.decoder.layers[0].w.data_mut(), d_w2.data());
    opt.update(3, &mut ae.decoder.layers[0].b, &d_b2);
}
