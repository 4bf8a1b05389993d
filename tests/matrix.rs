//! The fast products against the naive triple loop, on random shapes.

use autoencoders::core::matrix::{Matrix, matmul_naive, transpose_into};
use autoencoders::core::rng::Rng;
use autoencoders::kernels::gemm::{View, gemm, gemm_split, gemm_with};
use autoencoders::kernels::simd::Isa;
use proptest::prelude::*;

fn close(a: &Matrix, b: &Matrix) -> Result<(), String> {
    if a.shape() != b.shape() {
        return Err(format!("shapes {:?} and {:?}", a.shape(), b.shape()));
    }
    let worst = a.sub(b).max_abs();
    let scale = 1.0 + b.max_abs();
    if worst > 1e-12 * scale { Err(format!("largest difference {worst:e}")) } else { Ok(()) }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn products_match_the_oracle(n in 0usize..20, k in 0usize..20, m in 0usize..20, sparse in any::<bool>(), seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let mut a = Matrix::uniform(n, k, -1.0, 1.0, &mut rng);
        if sparse {
            // Mostly-zero rows exercise the zero-skipping path.
            for v in a.data_mut() {
                if rng.bernoulli(0.8) { *v = 0.0; }
            }
        }
        let b = Matrix::uniform(k, m, -1.0, 1.0, &mut rng);
        let expect = matmul_naive(&a, &b);
        prop_assert_eq!(close(&a.matmul(&b), &expect), Ok(()));
        // A·Bᵀ with B given transposed, and Aᵀ·B with A given transposed.
        prop_assert_eq!(close(&a.matmul_a_bt(&b.transpose()), &expect), Ok(()));
        prop_assert_eq!(close(&a.transpose().matmul_at_b(&b), &expect), Ok(()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Shapes big enough for every register block of both kernels (4 × 4 and 5 or 4 rows ×
    /// 24 columns) and for their edges.
    #[test]
    fn blocked_products_match_the_oracle(n in 1usize..70, k in 1usize..90, m in 1usize..70, seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let a = Matrix::uniform(n, k, -1.0, 1.0, &mut rng);
        let b = Matrix::uniform(k, m, -1.0, 1.0, &mut rng);
        let expect = matmul_naive(&a, &b);
        prop_assert_eq!(close(&a.matmul(&b), &expect), Ok(()));
        prop_assert_eq!(close(&a.matmul_a_bt(&b.transpose()), &expect), Ok(()));
        prop_assert_eq!(close(&a.transpose().matmul_at_b(&b), &expect), Ok(()));
        let mut t = vec![0.0; n * k];
        transpose_into(a.data(), n, k, &mut t);
        let at = a.transpose();
        prop_assert_eq!(&t[..], at.data());
    }
}

#[test]
fn a_product_worked_by_hand() {
    let a = Matrix::from_rows(&[&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]]);
    let b = Matrix::from_rows(&[&[7.0, 8.0], &[9.0, 10.0], &[11.0, 12.0]]);
    // [1·7 + 2·9 + 3·11, 1·8 + 2·10 + 3·12; 4·7 + 5·9 + 6·11, 4·8 + 5·10 + 6·12]
    assert_eq!(a.matmul(&b).data(), &[58.0, 64.0, 139.0, 154.0]);
    assert_eq!(matmul_naive(&a, &b).data(), &[58.0, 64.0, 139.0, 154.0]);
}

#[test]
#[should_panic(expected = "matmul")]
fn mismatched_shapes_panic_with_both_shapes() {
    let _ = Matrix::zeros(2, 3).matmul(&Matrix::zeros(2, 3));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Splitting a product across threads changes nothing, to the last bit.
    #[test]
    fn threaded_products_equal_single_thread_bit_for_bit(n in 1usize..40, k in 1usize..40, m in 1usize..40, threads in 2usize..5, seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let a = Matrix::uniform(n, k, -1.0, 1.0, &mut rng);
        let b = Matrix::uniform(k, m, -1.0, 1.0, &mut rng);
        let bits = |x: &Matrix| x.data().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(&a.matmul_threads(&b, threads)), bits(&a.matmul(&b)));
        let bt = b.transpose();
        prop_assert_eq!(bits(&a.matmul_a_bt_threads(&bt, threads)), bits(&a.matmul_a_bt(&bt)));
        let at = a.transpose();
        prop_assert_eq!(bits(&at.matmul_at_b_threads(&b, threads)), bits(&at.matmul_at_b(&b)));
        prop_assert_eq!(close(&a.matmul_threads(&b, threads), &matmul_naive(&a, &b)), Ok(()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Shapes that cross the blocked product's edges: rows past a multiple of 6 (AVX-512 tiles)
    /// and of 96 (a packed block of A), columns past a multiple of 32 and 8, sums past one and
    /// two blocks of 256. Every entry is one fused multiply-add chain, so the three forms and
    /// any thread count give the same bits.
    #[test]
    fn blocked_edges_match_the_oracle(n in 1usize..110, k in 1usize..600, m in 1usize..80, threads in 1usize..4, seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let a = Matrix::uniform(n, k, -1.0, 1.0, &mut rng);
        let b = Matrix::uniform(k, m, -1.0, 1.0, &mut rng);
        let c = a.matmul(&b);
        prop_assert_eq!(close(&c, &matmul_naive(&a, &b)), Ok(()));
        let bits = |x: &Matrix| x.data().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(&a.matmul_a_bt(&b.transpose())), bits(&c));
        prop_assert_eq!(bits(&a.transpose().matmul_at_b(&b)), bits(&c));
        prop_assert_eq!(bits(&a.matmul_threads(&b, threads)), bits(&c));
        prop_assert_eq!(bits(&a.transpose().matmul_at_b_threads(&b, threads)), bits(&c));
    }

    /// `matmul_threads` keeps small products on one thread, so the split itself is checked
    /// here on small shapes, by rows (n ≥ m) and through Cᵀ (n < m).
    #[test]
    fn splitting_among_threads_changes_no_bit(n in 1usize..140, k in 1usize..300, m in 1usize..140, threads in 2usize..5, seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let a = Matrix::uniform(n, k, -1.0, 1.0, &mut rng);
        let b = Matrix::uniform(k, m, -1.0, 1.0, &mut rng);
        let one = a.matmul(&b);
        let mut split = vec![0.0; n * m];
        gemm_split(View::row_major(a.data(), n, k), View::row_major(b.data(), k, m), &mut split, threads);
        let bits = |x: &[f64]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(&split), bits(one.data()));
    }

    /// Every kernel this CPU can run (portable, AVX2, AVX-512) gives the same bits, and the
    /// portable one, which any x86-64 runs, matches the oracle.
    #[test]
    fn every_kernel_gives_the_same_bits(n in 1usize..40, k in 1usize..600, m in 1usize..70, seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let a = Matrix::uniform(n, k, -1.0, 1.0, &mut rng);
        let b = Matrix::uniform(k, m, -1.0, 1.0, &mut rng);
        let run = |kernel| {
            let mut c = vec![0.0; n * m];
            gemm_with(kernel, View::row_major(a.data(), n, k), View::row_major(b.data(), k, m), &mut c);
            c.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        };
        let portable = run(Isa::Portable);
        let as_matrix = Matrix::from_vec(n, m, portable.iter().map(|&x| f64::from_bits(x)).collect());
        prop_assert_eq!(close(&as_matrix, &matmul_naive(&a, &b)), Ok(()));
        for kernel in Isa::available() {
            prop_assert_eq!(&run(kernel), &portable, "{:?}", kernel);
        }
    }

    /// The forms in which the image autoencoder's fast twin calls `gemm` on views (A·Bᵀ,
    /// Aᵀ·B and Aᵀ·Bᵀ, with long sums and narrow results like its 25-unit code) against the
    /// oracle.
    #[test]
    fn the_image_autoencoder_products_match_the_oracle(n in 1usize..40, k in 1usize..300, m in 1usize..60, seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let a = Matrix::uniform(n, k, -1.0, 1.0, &mut rng);
        let b = Matrix::uniform(k, m, -1.0, 1.0, &mut rng);
        let expect = matmul_naive(&a, &b);
        let (at, bt) = (a.transpose(), b.transpose());
        for (x, y) in [(a.view(), bt.view().t()), (at.view().t(), b.view()), (at.view().t(), bt.view().t())] {
            let mut c = vec![0.0; n * m];
            gemm(x, y, &mut c);
            prop_assert_eq!(close(&Matrix::from_vec(n, m, c), &expect), Ok(()));
        }
    }
}

#[test]
fn long_sums_and_wide_outputs_cross_every_block_and_still_match_the_oracle() {
    // k crosses one and two blocks of the sum (256); m crosses a block of B's columns (1024).
    let mut rng = Rng::new(8);
    for (n, k, m) in [
        (5, 255, 37),
        (5, 256, 37),
        (7, 257, 37),
        (13, 511, 40),
        (13, 512, 40),
        (13, 1100, 33),
        (7, 300, 1023),
        (7, 300, 1024),
        (7, 40, 1100),
    ] {
        let a = Matrix::uniform(n, k, -1.0, 1.0, &mut rng);
        let b = Matrix::uniform(k, m, -1.0, 1.0, &mut rng);
        let expect = matmul_naive(&a, &b);
        assert_eq!(close(&a.matmul(&b), &expect), Ok(()), "matmul, {n}×{k}·{k}×{m}");
        assert_eq!(close(&a.transpose().matmul_at_b(&b), &expect), Ok(()), "matmul_at_b, {n}×{k}·{k}×{m}");
        assert_eq!(close(&a.matmul_a_bt(&b.transpose()), &expect), Ok(()), "matmul_a_bt, {n}×{k}·{k}×{m}");
        assert_eq!(close(&a.matmul_threads(&b, 2), &expect), Ok(()), "matmul on 2 threads, {n}×{k}·{k}×{m}");
    }
}

#[test]
fn two_threads_split_a_large_product_and_change_nothing() {
    // Large enough (n·k·m ≥ 2²³) that both threads get rows (and, transposed, columns) of C.
    let mut rng = Rng::new(9);
    let a = Matrix::uniform(300, 270, -1.0, 1.0, &mut rng);
    let b = Matrix::uniform(270, 110, -1.0, 1.0, &mut rng);
    let bits = |x: &Matrix| x.data().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    let one = a.matmul(&b);
    assert_eq!(bits(&a.matmul_threads(&b, 2)), bits(&one));
    let wide = b.transpose().matmul(&a.transpose());
    assert_eq!(bits(&b.transpose().matmul_threads(&a.transpose(), 2)), bits(&wide));
    assert_eq!(close(&one, &matmul_naive(&a, &b)), Ok(()));
}
