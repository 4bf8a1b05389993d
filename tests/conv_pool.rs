//! Convolution, transposed convolution and pooling with switches (§3.1): numeric gradients,
//! the adjoint identity, the switch properties, and the direct loops against the naive oracles.

use autoencoders::conv::convolution::{
    ConvGrads, Geometry, Kernel, conv_transpose2d, conv_transpose2d_backward, conv_transpose2d_backward_naive,
    conv_transpose2d_naive, conv_transpose2d_out_len, conv_transpose2d_to, conv2d, conv2d_backward,
    conv2d_backward_naive, conv2d_naive, conv2d_out_len,
};

use autoencoders::conv::pool::{
    Switches, Window, decode, max_pool2d, max_pool2d_backward, placed_products, pool_out_len, unpool2d, unpool2d_copy,
};
use autoencoders::core::rng::Rng;
use autoencoders::core::tensor3::Tensor3;
use autoencoders::nn::gradcheck::{TOLERANCE, check};
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

/// A (c, h, w) tensor whose entries are a shuffle of 0.1, 0.2, …, shifted to straddle 0:
/// every two entries differ by at least 0.1, far more than the difference step, so no
/// perturbation of the gradient check moves a switch.
fn distinct(c: usize, h: usize, w: usize, rng: &mut Rng) -> Tensor3 {
    let n = c * h * w;
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    Tensor3::from_vec(c, h, w, order.iter().map(|&v| 0.1 * (v as f64 + 1.0) - 0.05 * n as f64).collect())
}

// L = Σ r ⊙ max_pool2d(x): ∂L/∂x is r routed through the switches, summed where overlapping
// windows share a maximum.
#[test]
fn max_pool2d_gradient_matches_numeric() {
    let mut rng = Rng::new(13);
    for (c, h, w, k, s) in [(1, 4, 4, 2, 2), (2, 5, 7, 2, 2), (2, 6, 5, 3, 2), (1, 5, 5, 3, 1), (3, 4, 6, 1, 1)] {
        let win = Window { size: k, stride: s };
        let x = distinct(c, h, w, &mut rng);
        let p = max_pool2d(&x, win);
        let r = Tensor3::uniform(c, p.y.height(), p.y.width(), -1.0, 1.0, &mut rng);
        let d_x = max_pool2d_backward(&r, &p.switches);
        assert_grad(&format!("max_pool2d {c}×{h}×{w}, window {k}, stride {s}"), x.data(), d_x.data(), |t| {
            max_pool2d(&Tensor3::from_vec(c, h, w, t.to_vec()), win).y.dot(&r)
        });
    }
}

// The proptests below use small maps; these are conv_ae's (28 × 28, 5 × 5 kernels, padding 2,
// 1 and 2 maps) and a few more channels, where the fast kernels' long rows and lane sums
// matter. Sums have up to 784 terms of size ≤ 1, hence the looser bound.
#[test]
fn the_conv_autoencoders_shapes_match_the_naive_oracles() {
    const TOL: f64 = 1e-11;
    let mut rng = Rng::new(15);
    for (ci, co, side, k, p) in [(1, 2, 28, 5, 2), (2, 1, 28, 5, 2), (3, 4, 13, 3, 1), (2, 3, 9, 4, 0)] {
        let g = Geometry { stride: 1, padding: p };
        let x = Tensor3::uniform(ci, side, side, -1.0, 1.0, &mut rng);
        let w = Kernel::uniform(co, ci, k, k, -1.0, 1.0, &mut rng);
        let b: Vec<f64> = (0..co).map(|_| rng.range(-1.0, 1.0)).collect();
        let y = conv2d(&x, &w, &b, g);
        let label = format!("{ci}→{co}, {side}×{side}, kernel {k}, padding {p}");
        assert!(y.max_abs_diff(&conv2d_naive(&x, &w, &b, g)) < TOL, "conv2d {label}");
        let d_y = Tensor3::uniform(co, y.height(), y.width(), -1.0, 1.0, &mut rng);
        let (gap, worst) = grads_gap(&conv2d_backward(&x, &w, g, &d_y), &conv2d_backward_naive(&x, &w, g, &d_y));
        assert!(gap < TOL, "conv2d_backward {label}: {gap} in {worst}");

        let c: Vec<f64> = (0..ci).map(|_| rng.range(-1.0, 1.0)).collect();
        let t = conv_transpose2d(&d_y, &w, &c, g);
        assert!(t.max_abs_diff(&conv_transpose2d_naive(&d_y, &w, &c, g, (side, side))) < TOL, "convT {label}");
        let fast = conv_transpose2d_backward(&d_y, &w, g, &x);
        let (gap, worst) = grads_gap(&fast, &conv_transpose2d_backward_naive(&d_y, &w, g, &x));
        assert!(gap < TOL, "conv_transpose2d_backward {label}: {gap} in {worst}");
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
    assert_eq!(pool_out_len(5, Window { size: 2, stride: 2 }).unwrap(), 2);
    assert!(pool_out_len(1, Window { size: 2, stride: 2 }).is_err());
    assert!(pool_out_len(4, Window { size: 2, stride: 0 }).is_err());
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

#[test]
fn ties_go_to_the_first_maximum_in_row_major_order() {
    let win = Window { size: 2, stride: 2 };
    // Left window: 5 at (0,1) and at (1,0); the top row comes first. Right window: all equal.
    let x = Tensor3::from_vec(1, 2, 4, vec![1.0, 5.0, 2.0, 2.0, 5.0, 0.0, 2.0, 2.0]);
    let p = max_pool2d(&x, win);
    assert_eq!(p.y.data(), &[5.0, 2.0]);
    assert_eq!(p.switches.indices(), &[1, 2]);
    assert_eq!(p.switches.position(1), (0, 2));

    let with_nan = Tensor3::from_vec(1, 2, 2, vec![1.0, f64::NAN, 9.0, f64::NAN]);
    let p = max_pool2d(&with_nan, win);
    assert!(p.y.data()[0].is_nan());
    assert_eq!(p.switches.indices(), &[1]);
}

#[test]
fn overlapping_windows_add_where_switches_coincide() {
    // Windows of 2 with stride 1 on [1 3 2]: both windows pick the 3, so unpooling writes 3 + 3
    // there, and pooling the result no longer gives the pooled values back.
    let win = Window { size: 2, stride: 1 };
    let x = Tensor3::from_vec(1, 2, 3, vec![1.0, 3.0, 2.0, 0.0, 0.0, 0.0]);
    let p = max_pool2d(&x, Window { size: 2, stride: 1 });
    assert_eq!(p.y.data(), &[3.0, 3.0]);
    assert_eq!(p.switches.indices(), &[1, 1]);
    let u = unpool2d(&p.y, &p.switches);
    assert_eq!(u.data(), &[0.0, 6.0, 0.0, 0.0, 0.0, 0.0]);
    assert_eq!(max_pool2d(&u, win).y.data(), &[6.0, 6.0]);
    assert_eq!(unpool2d_copy(&p.y, win, (2, 3)).data(), &[3.0, 6.0, 3.0, 3.0, 6.0, 3.0]);
}

#[test]
fn switchless_unpooling() {
    let win = Window { size: 2, stride: 2 };
    let y = Tensor3::from_vec(1, 1, 2, vec![4.0, 7.0]);
    let top_left = Switches::fixed(1, (2, 5), win, (0, 0));
    assert_eq!(top_left.indices(), &[0, 2]);
    assert_eq!(unpool2d(&y, &top_left).data(), &[4.0, 0.0, 7.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    // The fifth column belongs to no window and stays 0.
    assert_eq!(unpool2d_copy(&y, win, (2, 5)).data(), &[4.0, 4.0, 7.0, 7.0, 0.0, 4.0, 4.0, 7.0, 7.0, 0.0]);
}

#[test]
fn decoding_with_a_unit_kernel_is_unpooling() {
    let mut rng = Rng::new(14);
    let x = Tensor3::uniform(2, 6, 4, -1.0, 1.0, &mut rng);
    let p = max_pool2d(&x, Window { size: 2, stride: 2 });
    let one = Kernel::from_vec(2, 2, 1, 1, vec![1.0, 0.0, 0.0, 1.0]);
    assert_eq!(decode(&p.y, &p.switches, &one), unpool2d(&p.y, &p.switches));
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

/// A pooling's shapes with random data behind them.
#[derive(Clone, Debug)]
struct PoolCase {
    c: usize,
    h: usize,
    w: usize,
    win: Window,
    seed: u64,
}

fn pool_case(disjoint: bool) -> impl Strategy<Value = PoolCase> {
    (1usize..=2, 1usize..=3, 0usize..=2, 0usize..=5, 0usize..=5, any::<u64>()).prop_map(
        move |(c, size, extra, eh, ew, seed)| {
            // Disjoint: s ∈ k..=k+2. Otherwise s ∈ 1..=3 may fall below k.
            let stride = if disjoint { size + extra } else { 1 + extra };
            PoolCase { c, h: size + eh, w: size + ew, win: Window { size, stride }, seed }
        },
    )
}

/// The largest gap between two gradients' d_x, d_w or d_b, with the name of the worst one.
fn grads_gap(fast: &ConvGrads, naive: &ConvGrads) -> (f64, &'static str) {
    assert_eq!(fast.d_x.shape(), naive.d_x.shape(), "d_x shapes");
    assert_eq!(fast.d_w.shape(), naive.d_w.shape(), "d_w shapes");
    let gap = |a: &[f64], b: &[f64]| a.iter().zip(b).fold(0.0_f64, |m, (x, y)| m.max((x - y).abs()));
    [
        (gap(fast.d_x.data(), naive.d_x.data()), "d_x"),
        (gap(fast.d_w.data(), naive.d_w.data()), "d_w"),
        (gap(&fast.d_b, &naive.d_b), "d_b"),
    ]
    .into_iter()
    .fold((0.0, "none"), |worst, this| if this.0 > worst.0 { this } else { worst })
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

    #[test]
    fn conv2d_backward_matches_the_naive_oracle(case in conv_case()) {
        let ConvCase { ci, co, h, w, kh, kw, g, seed } = case;
        let mut rng = Rng::new(seed);
        let x = Tensor3::uniform(ci, h, w, -1.0, 1.0, &mut rng);
        let k = Kernel::uniform(co, ci, kh, kw, -1.0, 1.0, &mut rng);
        let (oh, ow) = (conv2d_out_len(h, kh, g).unwrap(), conv2d_out_len(w, kw, g).unwrap());
        let d_y = Tensor3::uniform(co, oh, ow, -1.0, 1.0, &mut rng);
        let (gap, worst) = grads_gap(&conv2d_backward(&x, &k, g, &d_y), &conv2d_backward_naive(&x, &k, g, &d_y));
        prop_assert!(gap < ORACLE_TOL, "largest gap {gap} in {worst}");
    }

    #[test]
    fn conv_transpose2d_backward_matches_the_naive_oracle(case in conv_case(), extra in (0usize..3, 0usize..3)) {
        let ConvCase { ci, co, h, w, kh, kw, g, seed } = case;
        let (Ok(h0), Ok(w0)) = (conv_transpose2d_out_len(h, kh, g), conv_transpose2d_out_len(w, kw, g)) else {
            return Ok(());
        };
        let mut rng = Rng::new(seed);
        let x = Tensor3::uniform(co, h, w, -1.0, 1.0, &mut rng);
        let k = Kernel::uniform(co, ci, kh, kw, -1.0, 1.0, &mut rng);
        let d_y = Tensor3::uniform(ci, h0 + extra.0 % g.stride, w0 + extra.1 % g.stride, -1.0, 1.0, &mut rng);
        let fast = conv_transpose2d_backward(&x, &k, g, &d_y);
        let (gap, worst) = grads_gap(&fast, &conv_transpose2d_backward_naive(&x, &k, g, &d_y));
        prop_assert!(gap < ORACLE_TOL, "largest gap {gap} in {worst}");
    }

    // Every nonzero cell of unpool2d(y) is a switch, and holds the sum of the values whose
    // switches point there.
    #[test]
    fn unpool_writes_only_at_switches(case in pool_case(false)) {
        let PoolCase { c, h, w, win, seed } = case;
        let mut rng = Rng::new(seed);
        let p = max_pool2d(&Tensor3::uniform(c, h, w, -1.0, 1.0, &mut rng), win);
        let (_, oh, ow) = p.y.shape();
        let y = Tensor3::uniform(c, oh, ow, 0.5, 1.0, &mut rng);
        let u = unpool2d(&y, &p.switches);
        let mut expected = Tensor3::zeros(c, h, w);
        for (n, &v) in y.data().iter().enumerate() {
            let (r, q) = p.switches.position(n);
            expected[(n / (oh * ow), r, q)] += v;
        }
        prop_assert_eq!(&u, &expected);
        let writes = u.data().iter().filter(|v| **v != 0.0).count();
        prop_assert!(writes <= y.len());
    }

    // Post-ReLU maps (no negative values): with disjoint windows, pooling what unpooling left
    // gives the same maxima, and, where every maximum is positive, the same switches.
    #[test]
    fn pool_unpool_pool_is_pool_on_non_negative_maps(case in pool_case(true)) {
        let PoolCase { c, h, w, win, seed } = case;
        let mut rng = Rng::new(seed);
        let x = Tensor3::uniform(c, h, w, -1.0, 1.0, &mut rng).map(|v| v.max(0.0));
        let p = max_pool2d(&x, win);
        let again = max_pool2d(&unpool2d(&p.y, &p.switches), win);
        prop_assert_eq!(&again.y, &p.y);
        if p.y.data().iter().all(|&m| m > 0.0) {
            prop_assert_eq!(&again.switches, &p.switches);
        }
    }

    // Any map, disjoint windows of more than one cell: the round trip gives max(y, 0), because a
    // window whose maximum is negative comes back as that value among zeros.
    #[test]
    fn pool_unpool_pool_clips_negative_maxima_at_zero(case in pool_case(true)) {
        let PoolCase { c, h, w, win, seed } = case;
        let mut rng = Rng::new(seed);
        let x = Tensor3::uniform(c, h, w, -1.0, 0.5, &mut rng);
        let p = max_pool2d(&x, win);
        let again = max_pool2d(&unpool2d(&p.y, &p.switches), win);
        let expected = if win.size > 1 { p.y.map(|m| m.max(0.0)) } else { p.y.clone() };
        prop_assert_eq!(again.y, expected);
    }

    // The chapter's four stamps, in general: one per pooled value, summing to the decoder.
    #[test]
    fn placed_products_sum_to_the_decoder(case in pool_case(false), half in 0usize..=2, co in 1usize..=2) {
        let PoolCase { c, h, w, win, seed } = case;
        let mut rng = Rng::new(seed);
        let p = max_pool2d(&Tensor3::uniform(c, h, w, -1.0, 1.0, &mut rng), win);
        let k = Kernel::uniform(c, co, 2 * half + 1, 2 * half + 1, -1.0, 1.0, &mut rng);
        let parts = placed_products(&p.y, &p.switches, &k);
        prop_assert_eq!(parts.len(), p.y.len());
        let sum = parts.iter().fold(Tensor3::zeros(co, h, w), |acc, t| acc.add(t));
        let whole = decode(&p.y, &p.switches, &k);
        prop_assert!(sum.max_abs_diff(&whole) < ORACLE_TOL);
    }
}
