//! §2's encoder/decoder pair around a bottleneck, measured: how the reconstruction error falls
//! as the code widens, and what a *linear* autoencoder learns (the principal subspace, but not
//! the principal components themselves).
//!
//! §2 says only that the encoder squeezes the input into a narrow region and the decoder
//! expands it back. Two facts make that concrete:
//!
//! ```text
//! 1. error(k) falls as the code width k grows; no *linear* k-number code beats PCA's k
//!    components on the data PCA was fitted to, while a nonlinear one can
//! 2. with identity activations and squared error, the decoder's columns span the same
//!    subspace as the top k principal components (Baldi & Hornik, 1989):
//!        min over W_enc, W_dec of Σᵢ ‖xᵢ − μ − W_dec·W_enc·(xᵢ − μ)‖²
//!    is reached by any W_dec whose columns span {v₁ … v_k}; the loss is unchanged by
//!    W_dec → W_dec·A, W_enc → A⁻¹·W_enc for any invertible A, so nothing picks out the
//!    individual vⱼ: the units are a mixture of them
//! ```
//!
//! Every autoencoder here is trained by [`crate::nn::train::train`] on the plain objective;
//! [`column_cosines`] and [`crate::compare::pca::principal_angles_degrees`] compare a decoder
//! with PCA.

use crate::compare::pca::{Pca, principal_angles_degrees};
use crate::core::error::Result;
use crate::core::matrix::{Matrix, dot};
use crate::core::rng::Rng;
use crate::nn::activation::Activation;
use crate::nn::dense::Dense;
use crate::nn::network::{Autoencoder, Network};
use crate::nn::train::{Plain, TrainConfig, train};

/// Σ over pixels of (x − x̂)², averaged over images: the figure Hinton & Salakhutdinov (2006)
/// report. recon, x: (n, d).
pub fn squared_error_per_image(recon: &Matrix, x: &Matrix) -> f64 {
    assert_eq!(recon.shape(), x.shape(), "squared_error_per_image: shapes differ");
    let sq: f64 = recon.data().iter().zip(x.data()).map(|(a, b)| (a - b) * (a - b)).sum();
    sq / x.rows().max(1) as f64
}

/// Mean over every entry of (x − x̂)², the value of [`crate::nn::loss::mse`]. recon, x: (n, d).
pub fn mse_per_entry(recon: &Matrix, x: &Matrix) -> f64 {
    squared_error_per_image(recon, x) * x.rows() as f64 / x.len().max(1) as f64
}

/// d → k → d with a sigmoid code and a sigmoid output (pixels live in [0, 1]), Xavier weights.
pub fn sigmoid_autoencoder(d: usize, k: usize, rng: &mut Rng) -> Autoencoder {
    Autoencoder::new(
        Network::new(vec![Dense::xavier(d, k, Activation::Sigmoid, rng)]),
        Network::new(vec![Dense::xavier(k, d, Activation::Sigmoid, rng)]),
    )
}

/// d → k → d with identity activations everywhere: the linear autoencoder of fact 2.
pub fn linear_autoencoder(d: usize, k: usize, rng: &mut Rng) -> Autoencoder {
    Autoencoder::new(
        Network::new(vec![Dense::xavier(d, k, Activation::Identity, rng)]),
        Network::new(vec![Dense::xavier(k, d, Activation::Identity, rng)]),
    )
}

/// Sets a sigmoid output layer's bias to logit(mean of each column of x), so an untrained
/// decoder already draws the average image instead of a uniform grey 0.5. x: (n, d).
///
/// ```text
/// b_j = ln(m_j / (1 − m_j)),   m_j = mean_i x_ij clamped into [0.01, 0.99]
/// ```
///
/// Without it, MNIST's background pixels need their output bias to travel from 0 to about −4
/// one Adam step (≈ lr) at a time, and short runs stall at the mean image.
pub fn start_output_at_mean(ae: &mut Autoencoder, x: &Matrix) {
    let out = ae.decoder.layers.last_mut().expect("decoder has a layer");
    assert_eq!(out.outputs(), x.cols(), "start_output_at_mean: data width differs from the output");
    let n = x.rows().max(1) as f64;
    for (b, s) in out.b.iter_mut().zip(x.col_sums()) {
        let m = (s / n).clamp(0.01, 0.99);
        *b = match out.activation {
            Activation::Sigmoid => (m / (1.0 - m)).ln(),
            _ => s / n,
        };
    }
}

/// One row of the error-against-code-size table.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRow {
    pub code: usize,
    /// Test-set mean squared error per pixel of the trained sigmoid autoencoder.
    pub ae_test_mse: f64,
    /// The same for PCA with k = code components, fitted on the training set.
    pub pca_test_mse: f64,
    /// Share of the training variance the k components explain.
    pub pca_explained: f64,
}

/// Trains a d → k → d sigmoid autoencoder for every k in `codes` and fits PCA with the same k;
/// both measured on `test`. train: (n, d), test: (m, d).
pub fn code_size_sweep(
    train_x: &Matrix,
    test_x: &Matrix,
    codes: &[usize],
    cfg: &TrainConfig,
    rng: &mut Rng,
) -> Result<Vec<SweepRow>> {
    let mut rows = Vec::with_capacity(codes.len());
    for &k in codes {
        let mut layer_rng = rng.fork(k as u64);
        let mut ae = sigmoid_autoencoder(train_x.cols(), k, &mut layer_rng);
        start_output_at_mean(&mut ae, train_x);
        train(&mut ae, train_x, &Plain, cfg, &mut layer_rng)?;
        let pca = Pca::fit(train_x, k)?;
        rows.push(SweepRow {
            code: k,
            ae_test_mse: mse_per_entry(&ae.reconstruct(test_x), test_x),
            pca_test_mse: pca.reconstruction_mse(test_x),
            pca_explained: pca.explained_variance_ratio().iter().sum(),
        });
    }
    Ok(rows)
}

/// (k_a, k_b): |cos| of the angle between column i of `a` and column j of `b`. a: (d, k_a),
/// b: (d, k_b). A column with zero length gives cosines of 0.
///
/// ```text
/// C_ij = |aᵢ·bⱼ| / (‖aᵢ‖·‖bⱼ‖)
/// ```
///
/// Between a decoder's columns and the principal components: a permutation matrix would mean
/// the units *are* the components; rows spread over several columns mean each unit mixes them.
pub fn column_cosines(a: &Matrix, b: &Matrix) -> Matrix {
    assert_eq!(a.rows(), b.rows(), "column_cosines: bases live in different dimensions");
    let (at, bt) = (a.transpose(), b.transpose());
    let mut c = Matrix::zeros(at.rows(), bt.rows());
    for i in 0..at.rows() {
        for j in 0..bt.rows() {
            let (u, v) = (at.row(i), bt.row(j));
            let norm = (dot(u, u) * dot(v, v)).sqrt();
            c[(i, j)] = if norm > 0.0 { dot(u, v).abs() / norm } else { 0.0 };
        }
    }
    c
}

/// What [`linear_vs_pca`] measured.
#[derive(Clone, Debug)]
pub struct LinearVsPca {
    pub k: usize,
    /// Principal angles between span(decoder W) and span(top k components), degrees, smallest
    /// first.
    pub principal_angles: Vec<f64>,
    /// (k, k) [`column_cosines`] of the decoder's columns against the components.
    pub cosines: Matrix,
    /// For each decoder column, the angle in degrees to the component it is closest to.
    pub unit_angles: Vec<f64>,
    pub ae_test_mse: f64,
    pub pca_test_mse: f64,
    pub ae_train_mse: f64,
    pub pca_train_mse: f64,
}

/// Trains a linear d → k → d autoencoder with squared error on `train_x` and compares it with
/// PCA fitted to the same data. train: (n, d), test: (m, d).
pub fn linear_vs_pca(
    train_x: &Matrix,
    test_x: &Matrix,
    k: usize,
    cfg: &TrainConfig,
    rng: &mut Rng,
) -> Result<(Autoencoder, Pca, LinearVsPca)> {
    let mut ae = linear_autoencoder(train_x.cols(), k, rng);
    train(&mut ae, train_x, &Plain, cfg, rng)?;
    let pca = Pca::fit(train_x, k)?;
    let report = compare_with_pca(&ae, &pca, train_x, test_x)?;
    Ok((ae, pca, report))
}

/// The measurements of [`LinearVsPca`] for an already trained one-layer-each autoencoder.
pub fn compare_with_pca(ae: &Autoencoder, pca: &Pca, train_x: &Matrix, test_x: &Matrix) -> Result<LinearVsPca> {
    let decoder_w = &ae.decoder.layers.last().expect("decoder has a layer").w;
    let basis = pca.basis();
    let principal_angles = principal_angles_degrees(decoder_w, &basis)?;
    let cosines = column_cosines(decoder_w, &basis);
    let unit_angles = (0..cosines.rows())
        .map(|i| cosines.row(i).iter().fold(0.0f64, |m, &c| m.max(c)).min(1.0).acos().to_degrees())
        .collect();
    Ok(LinearVsPca {
        k: pca.k(),
        principal_angles,
        cosines,
        unit_angles,
        ae_test_mse: mse_per_entry(&ae.reconstruct(test_x), test_x),
        pca_test_mse: pca.reconstruction_mse(test_x),
        ae_train_mse: mse_per_entry(&ae.reconstruct(train_x), train_x),
        pca_train_mse: pca.reconstruction_mse(train_x),
    })
}

/// d → hidden → 2 → hidden → d: a sigmoid hidden layer each side of a 2-number linear code,
/// so the code can be drawn as a point.
pub fn two_number_autoencoder(d: usize, hidden: usize, rng: &mut Rng) -> Autoencoder {
    Autoencoder::new(
        Network::new(vec![
            Dense::xavier(d, hidden, Activation::Sigmoid, rng),
            Dense::xavier(hidden, 2, Activation::Identity, rng),
        ]),
        Network::new(vec![
            Dense::xavier(2, hidden, Activation::Sigmoid, rng),
            Dense::xavier(hidden, d, Activation::Sigmoid, rng),
        ]),
    )
}
