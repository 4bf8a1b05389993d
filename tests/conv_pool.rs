//! Convolution and transposed convolution (§3.1): numeric gradients, the adjoint identity, and
//! the direct loops against the naive oracles.

use autoencoders::conv::{
    Geometry, Kernel, Tensor3, conv_transpose2d, conv_transpose2d_backward, conv_transpose2d_naive,
    conv_transpose2d_out_len, conv_transpose2d_to, conv2d, conv2d_backward, conv2d_naive, conv2d_out_len,
};
use autoencoders::nn::gradcheck::{TOLERANCE, check};
use autoencoders::rng::Rng;
use proptest::prelude::*;

/// The direct loops add the same products as the oracles in another order, so they agree to a
/// few ulps of the largest partial sum; values here are O(1) and sums have < 200 terms.
const ORACLE_TOL: f64 = 1e-12;

fn assert_grad(label: &str, theta: &[f64], analytic: &[f64], f: impl FnMut(&[f64]) -> f64) {
    let c = check(theta, analytic, f);
    assert!(c.max_relative_error <= TOLERANCE, "{label}: {c}");
}

/// (in channels, out channels, H, W, k_h, k_w, stride, padding)
type ConvShape = (usize, usize, usize, usize, usize, usize, usize, usize);

/// Square and non-square kernels, strides that do and do not divide the input, padding wider
/// than half the kernel.
const CONV_SHAPES: [ConvShape; 5] = [
    (1, 1, 4, 4, 3, 3, 1, 1),
    (2, 3, 5, 6, 3, 2, 2, 1),
    (3, 2, 7, 5, 2, 3, 3, 2),
    (1, 2, 3, 3, 1, 1, 2, 0),
    (2, 1, 2, 4, 4, 3, 1, 2),
];

// L = Σ r ⊙ conv2d(x, w, b), so ∂L/∂y = r: the analytic gradients are conv2d_backward(.., r).
#[test]
fn conv2d_gradients_match_numeric() {
    let mut rng = Rng::new(11);
    for (ci, co, h, w, kh, kw, s, p) in CONV_SHAPES {
        let g = Geometry { stride: s, padding: p };
        let x = Tensor3::uniform(ci, h, w, -1.0, 1.0, &mut rng);
        let k = Kernel::uniform(co, ci, kh, kw, -1.0, 1.0, &mut rng);
        let b: Vec<f64> = (0..co).map(|_| rng.range(-1.0, 1.0)).collect();
        let y = conv2d(&x, &k, &b, g);
        let r = Tensor3::uniform(y.channels(), y.height(), y.width(), -1.0, 1.0, &mut rng);
        let grads = conv2d_backward(&x, &k, g, &r);
        let label = format!("conv2d {ci}→{co}, {h}×{w}, kernel {kh}×{kw}, s {s}, p {p}");

        assert_grad(&format!("{label}: d_x"), x.data(), grads.d_x.data(), |t| {
            conv2d(&Tensor3::from_vec(ci, h, w, t.to_vec()), &k, &b, g).dot(&r)
        });
        assert_grad(&format!("{label}: d_w"), k.data(), grads.d_w.data(), |t| {
            conv2d(&x, &Kernel::from_vec(co, ci, kh, kw, t.to_vec()), &b, g).dot(&r)
        });
        assert_grad(&format!("{label}: d_b"), &b, &grads.d_b, |t| conv2d(&x, &k, t, g).dot(&r));
    }
}

// Same loss for the transposed convolution, once at its smallest output and once with the
// extra rows and columns a stride above 1 allows.
#[test]
fn conv_transpose2d_gradients_match_numeric() {
    let mut rng = Rng::new(12);
    for (ci, co, h, w, kh, kw, s, p) in CONV_SHAPES {
        // The transposed layer reads co channels (the kernel's O) and writes ci (its C).
        let g = Geometry { stride: s, padding: p };
        let Ok(h0) = conv_transpose2d_out_len(h, kh, g) else { continue };
        let Ok(w0) = conv_transpose2d_out_len(w, kw, g) else { continue };
        for size in [(h0, w0), (h0 + s - 1, w0 + (s - 1) / 2)] {
            let x = Tensor3::uniform(co, h, w, -1.0, 1.0, &mut rng);
            let k = Kernel::uniform(co, ci, kh, kw, -1.0, 1.0, &mut rng);
            let b: Vec<f64> = (0..ci).map(|_| rng.range(-1.0, 1.0)).collect();
            let r = Tensor3::uniform(ci, size.0, size.1, -1.0, 1.0, &mut rng);
            let grads = conv_transpose2d_backward(&x, &k, g, &r);
            let label = format!("conv_transpose2d {co}→{ci}, {h}×{w} → {size:?}, kernel {kh}×{kw}, s {s}, p {p}");

            assert_grad(&format!("{label}: d_x"), x.data(), grads.d_x.data(), |t| {
                conv_transpose2d_to(&Tensor3::from_vec(co, h, w, t.to_vec()), &k, &b, g, size).dot(&r)
            });
            assert_grad(&format!("{label}: d_w"), k.data(), grads.d_w.data(), |t| {
                conv_transpose2d_to(&x, &Kernel::from_vec(co, ci, kh, kw, t.to_vec()), &b, g, size).dot(&r)
            });
            assert_grad(&format!("{label}: d_b"), &b, &grads.d_b, |t| conv_transpose2d_to(&x, &k, t, g, size).dot(&r));
        }
    }
}

#[test]
fn hand_worked_convolutions() {
    // x = [1 2 3; 4 5 6; 7 8 9], kernel [1 1; 1 1], stride 1, padding 1: each output is the
    // sum of the (up to four) cells under the window, e.g. the corner sees only x[0,0] = 1.
    let x = Tensor3::from_vec(1, 3, 3, (1..=9).map(f64::from).collect());
    let ones = Kernel::from_vec(1, 1, 2, 2, vec![1.0; 4]);
    let y = conv2d(&x, &ones, &[0.0], Geometry { stride: 1, padding: 1 });
    assert_eq!(y.shape(), (1, 4, 4));
    assert_eq!(y.data(), &[1.0, 3.0, 5.0, 3.0, 5.0, 12.0, 16.0, 9.0, 11.0, 24.0, 28.0, 15.0, 7.0, 15.0, 17.0, 9.0]);

    // Stride 1 deconvolution of [1 2]: two 2×2 stamps overlap in the middle column, 1 + 2 = 3.
    let up = conv_transpose2d(&Tensor3::from_vec(1, 1, 2, vec![1.0, 2.0]), &ones, &[0.0], Geometry::default());
    assert_eq!(up.data(), &[1.0, 3.0, 2.0, 1.0, 3.0, 2.0]);

    // Padding 1 would crop a row from each side of those 2 rows: (1 − 1)·1 − 2·1 + 2 = 0.
    assert!(conv_transpose2d_out_len(1, 2, Geometry { stride: 1, padding: 1 }).is_err());
}

#[test]
fn sizes_report_what_does_not_fit() {
    let g = Geometry { stride: 2, padding: 1 };
    assert_eq!(conv2d_out_len(5, 3, g).unwrap(), 3);
    assert_eq!(conv2d_out_len(6, 3, g).unwrap(), 3);
    assert_eq!(conv_transpose2d_out_len(3, 3, g).unwrap(), 5);
    assert!(conv2d_out_len(1, 4, g).is_err());
    assert!(conv2d_out_len(4, 3, Geometry { stride: 0, padding: 0 }).is_err());
    assert!(conv2d_out_len(4, 0, g).is_err());
    assert!(conv2d_out_len(0, 1, g).is_err());
}

#[test]
#[should_panic(expected = "conv2d: input has 2 channels, kernel expects 1")]
fn conv2d_rejects_a_channel_mismatch() {
    conv2d(&Tensor3::zeros(2, 3, 3), &Kernel::zeros(1, 1, 2, 2), &[0.0], Geometry::default());
}

#[test]
#[should_panic(expected = "output 7×3 impossible")]
fn conv_transpose2d_to_rejects_a_size_the_stride_cannot_give() {
    // Smallest is (2 − 1)·2 + 2 = 4; stride 2 allows 4 or 5.
    let g = Geometry { stride: 2, padding: 0 };
    conv_transpose2d_to(&Tensor3::zeros(1, 2, 1), &Kernel::zeros(1, 1, 2, 2), &[0.0], g, (7, 3));
}

/// A convolution's shapes with random data behind them.
#[derive(Clone, Debug)]
struct ConvCase {
    ci: usize,
    co: usize,
    h: usize,
    w: usize,
    kh: usize,
    kw: usize,
    g: Geometry,
    seed: u64,
}

/// Inputs from 1 cell up, including ones smaller than the kernel that only padding lets fit.
fn conv_case() -> impl Strategy<Value = ConvCase> {
    (1usize..=3, 1usize..=3, 1usize..=4, 1usize..=4, 1usize..=3, 0usize..=2, 0usize..=5, 0usize..=5, any::<u64>())
        .prop_map(|(ci, co, kh, kw, stride, padding, eh, ew, seed)| ConvCase {
            ci,
            co,
            h: kh.saturating_sub(2 * padding).max(1) + eh,
            w: kw.saturating_sub(2 * padding).max(1) + ew,
            kh,
            kw,
            g: Geometry { stride, padding },
            seed,
        })
}

fn relative_gap(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(1.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    // ⟨conv2d(x), y⟩ = ⟨x, conv_transposeᵀ(y)⟩ with the same kernel, stride and padding, sized
    // back to x's H × W: the transposed convolution is the convolution's adjoint.
    #[test]
    fn conv_transpose2d_is_the_adjoint_of_conv2d(case in conv_case()) {
        let ConvCase { ci, co, h, w, kh, kw, g, seed } = case;
        let mut rng = Rng::new(seed);
        let x = Tensor3::uniform(ci, h, w, -1.0, 1.0, &mut rng);
        let k = Kernel::uniform(co, ci, kh, kw, -1.0, 1.0, &mut rng);
        let cx = conv2d(&x, &k, &vec![0.0; co], g);
        let y = Tensor3::uniform(co, cx.height(), cx.width(), -1.0, 1.0, &mut rng);
        let ty = conv_transpose2d_to(&y, &k, &vec![0.0; ci], g, (h, w));
        let (lhs, rhs) = (cx.dot(&y), x.dot(&ty));
        prop_assert!(relative_gap(lhs, rhs) < ORACLE_TOL, "⟨conv x, y⟩ = {lhs}, ⟨x, convᵀ y⟩ = {rhs}");
    }

    #[test]
    fn conv2d_matches_the_naive_oracle(case in conv_case()) {
        let ConvCase { ci, co, h, w, kh, kw, g, seed } = case;
        let mut rng = Rng::new(seed);
        let x = Tensor3::uniform(ci, h, w, -1.0, 1.0, &mut rng);
        let k = Kernel::uniform(co, ci, kh, kw, -1.0, 1.0, &mut rng);
        let b: Vec<f64> = (0..co).map(|_| rng.range(-1.0, 1.0)).collect();
        let fast = conv2d(&x, &k, &b, g);
        let naive = conv2d_naive(&x, &k, &b, g);
        prop_assert_eq!(fast.shape(), naive.shape());
        prop_assert!(fast.max_abs_diff(&naive) < ORACLE_TOL, "largest gap {}", fast.max_abs_diff(&naive));
    }

    #[test]
    fn conv_transpose2d_matches_the_naive_oracle(case in conv_case(), extra in (0usize..3, 0usize..3)) {
        let ConvCase { ci, co, h, w, kh, kw, g, seed } = case;
        let (Ok(h0), Ok(w0)) = (conv_transpose2d_out_len(h, kh, g), conv_transpose2d_out_len(w, kw, g)) else {
            return Ok(());
        };
        let mut rng = Rng::new(seed);
        let x = Tensor3::uniform(co, h, w, -1.0, 1.0, &mut rng);
        let k = Kernel::uniform(co, ci, kh, kw, -1.0, 1.0, &mut rng);
        let b: Vec<f64> = (0..ci).map(|_| rng.range(-1.0, 1.0)).collect();
        let size = (h0 + extra.0 % g.stride, w0 + extra.1 % g.stride);
        let fast = conv_transpose2d_to(&x, &k, &b, g, size);
        let naive = conv_transpose2d_naive(&x, &k, &b, g, size);
        prop_assert!(fast.max_abs_diff(&naive) < ORACLE_TOL, "largest gap {}", fast.max_abs_diff(&naive));
        prop_assert_eq!(conv_transpose2d(&x, &k, &b, g), conv_transpose2d_to(&x, &k, &b, g, (h0, w0)));
    }
}
