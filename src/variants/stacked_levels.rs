//! §1 says stacked autoencoders build their features level by level: the first layer finds
//! small parts (edges), the next combines them into larger ones (traces). One way to look:
//! how far across the image each unit's sensitivity reaches, layer by layer.
//!
//! ```text
//! filter of unit k at layer l   F_lk = mean over images x of ∂h_lk/∂x       (a d-vector)
//!     ∂h_l/∂x = diag(σ′(a_l)) W_l · … · diag(σ′(a_1)) W_1,   σ′(a) = h(1 − h)
//! radius of a filter F          √( Σ_p F_p² ‖p − c‖² / Σ_p F_p² ),  c = Σ_p F_p² p / Σ_p F_p²
//! ```
//!
//! p runs over pixel positions (column, row). A unit tuned to an edge or a short stroke has a
//! small radius; one that weighs every pixel alike has the radius of the whole square,
//! √((s² − 1)/6) for an s × s image (11.42 for 28 × 28). If features grew level by level,
//! the median radius would grow from layer to layer.

use crate::core::matrix::Matrix;
use crate::nn::network::Network;

/// Each layer's mean Jacobian over the rows of x: (n, d): one (units, d) matrix per layer,
/// row k the filter of unit k. The stack's layers must be sigmoid.
pub fn mean_filters(stack: &Network, x: &Matrix) -> Vec<Matrix> {
    let d = x.cols();
    let mut sums: Vec<Matrix> = stack.layers.iter().map(|l| Matrix::zeros(l.outputs(), d)).collect();
    let caches = stack.forward(x);
    for r in 0..x.rows() {
        // ∂h_l/∂x for this image, built up layer by layer.
        let mut jac: Option<Matrix> = None;
        for (l, (layer, cache)) in stack.layers.iter().zip(&caches).enumerate() {
            let h = cache.a.row(r);
            let mut next = match &jac {
                None => layer.w.clone(),
                Some(j) => layer.w.matmul(j),
            };
            for (k, &hk) in h.iter().enumerate() {
                next.row_mut(k).iter_mut().for_each(|v| *v *= hk * (1.0 - hk));
            }
            sums[l].add_scaled(&next, 1.0);
            jac = Some(next);
        }
    }
    let n = x.rows().max(1) as f64;
    sums.into_iter().map(|s| s.scale(1.0 / n)).collect()
}

/// The radius of one filter over a `side` × `side` image (see the module doc).
pub fn radius(filter: &[f64], side: usize) -> f64 {
    assert_eq!(filter.len(), side * side, "radius: the filter is not {side}×{side}");
    let pos = |p: usize| ((p % side) as f64, (p / side) as f64);
    let mass: f64 = filter.iter().map(|f| f * f).sum();
    let (mut cx, mut cy) = (0.0, 0.0);
    for (p, f) in filter.iter().enumerate() {
        let (x, y) = pos(p);
        cx += f * f * x;
        cy += f * f * y;
    }
    let (cx, cy) = (cx / mass, cy / mass);
    let spread: f64 = filter
        .iter()
        .enumerate()
        .map(|(p, f)| {
            let (x, y) = pos(p);
            f * f * ((x - cx).powi(2) + (y - cy).powi(2))
        })
        .sum();
    (spread / mass).sqrt()
}

/// The radius of a filter that weighs every pixel of a `side` × `side` image alike.
pub fn uniform_radius(side: usize) -> f64 {
    (((side * side) as f64 - 1.0) / 6.0).sqrt()
}

/// The median radius of each layer's filters.
pub fn median_radii(stack: &Network, x: &Matrix, side: usize) -> Vec<f64> {
    mean_filters(stack, x)
        .iter()
        .map(|f| {
            let mut r: Vec<f64> = (0..f.rows()).map(|k| radius(f.row(k), side)).collect();
            r.sort_by(f64::total_cmp);
            r[r.len() / 2]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::rng::Rng;
    use crate::nn::activation::Activation;
    use crate::nn::dense::Dense;

    #[test]
    fn a_uniform_filter_has_the_uniform_radius_and_a_point_has_none() {
        assert!((radius(&[1.0; 784], 28) - uniform_radius(28)).abs() < 1e-9);
        assert!((uniform_radius(28) - 130.5f64.sqrt()).abs() < 1e-12);
        let mut point = [0.0; 784];
        point[300] = 2.0;
        assert_eq!(radius(&point, 28), 0.0);
    }

    #[test]
    fn mean_filters_match_finite_differences() {
        let mut rng = Rng::new(4);
        let stack = Network::new(vec![
            Dense::xavier(6, 4, Activation::Sigmoid, &mut rng),
            Dense::xavier(4, 3, Activation::Sigmoid, &mut rng),
        ]);
        let x = Matrix::uniform(5, 6, 0.0, 1.0, &mut rng);
        let filters = mean_filters(&stack, &x);
        let eps = 1e-6;
        for (l, f) in filters.iter().enumerate() {
            let upto = Network::new(stack.layers[..=l].to_vec());
            for k in 0..f.rows() {
                for p in 0..6 {
                    // Central difference of unit k's output, averaged over the images.
                    let mut d = 0.0;
                    for r in 0..x.rows() {
                        let (mut up, mut down) = (x.slice_rows(r, r + 1), x.slice_rows(r, r + 1));
                        up.data_mut()[p] += eps;
                        down.data_mut()[p] -= eps;
                        d += (upto.infer(&up).data()[k] - upto.infer(&down).data()[k]) / (2.0 * eps);
                    }
                    let numeric = d / x.rows() as f64;
                    assert!((numeric - f.row(k)[p]).abs() < 1e-8, "layer {l} unit {k} pixel {p}");
                }
            }
        }
    }
}
