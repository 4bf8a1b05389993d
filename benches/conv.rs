//! The two convolutions of §3.1's autoencoder, forward and backward, on the shapes
//! `conv::autoencoder`'s default uses: a (1, 28, 28) image through a (2, 1, 5, 5) kernel padded by 2,
//! and the (2, 28, 28) unpooled maps back through another. Beside them the same four steps
//! from the naive definitions (`conv2d_naive`, `conv_transpose2d_naive` and their
//! `*_backward_naive`), timed in the same run. One thread.
//!
//! Run: cargo bench --bench conv
//!
//! ```text
//! bench conv_fwd_bwd <value> images/s
//! ```
//!
//! then its ratio to the naive steps.

mod common;
use common::best_seconds;

use autoencoders::conv::convolution::{
    Geometry, Kernel, conv_transpose2d, conv_transpose2d_backward, conv_transpose2d_backward_naive,
    conv_transpose2d_naive, conv2d, conv2d_backward, conv2d_backward_naive, conv2d_naive,
};

use autoencoders::core::rng::Rng;
use autoencoders::core::tensor3::Tensor3;

const SIDE: usize = 28;
const CHANNELS: usize = 2;
const K: usize = 5;
/// Images per timed run, as in one of `conv::autoencoder`'s batches.
const BATCH: usize = 16;

fn main() {
    let mut rng = Rng::new(1);
    let g = Geometry { stride: 1, padding: (K - 1) / 2 };
    let images: Vec<Tensor3> = (0..BATCH).map(|_| Tensor3::uniform(1, SIDE, SIDE, 0.0, 1.0, &mut rng)).collect();
    let maps: Vec<Tensor3> = (0..BATCH).map(|_| Tensor3::uniform(CHANNELS, SIDE, SIDE, -1.0, 1.0, &mut rng)).collect();
    let w1 = Kernel::uniform(CHANNELS, 1, K, K, -0.2, 0.2, &mut rng);
    let w2 = Kernel::uniform(CHANNELS, 1, K, K, -0.2, 0.2, &mut rng);
    let (b1, b2) = (vec![0.1; CHANNELS], vec![0.1]);

    let fast = best_seconds(20, || {
        for (x, u) in images.iter().zip(&maps) {
            let z = conv2d(x, &w1, &b1, g);
            std::hint::black_box(conv2d_backward(x, &w1, g, &z));
            let y = conv_transpose2d(u, &w2, &b2, g);
            std::hint::black_box(conv_transpose2d_backward(u, &w2, g, &y));
        }
    });
    let naive = best_seconds(5, || {
        for (x, u) in images.iter().zip(&maps) {
            let z = conv2d_naive(x, &w1, &b1, g);
            std::hint::black_box(conv2d_backward_naive(x, &w1, g, &z));
            let y = conv_transpose2d_naive(u, &w2, &b2, g, (SIDE, SIDE));
            std::hint::black_box(conv_transpose2d_backward_naive(u, &w2, g, &y));
        }
    });
    let per_second = |s: f64| BATCH as f64 / s;
    println!("bench conv_fwd_bwd {:.0} images/s", per_second(fast));
    println!("bench conv_fwd_bwd_naive {:.0} images/s", per_second(naive));
    println!("ratio to the naive steps: {:.1}x", naive / fast);
}
