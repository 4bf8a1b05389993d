//! The seeded generator: same seed, same stream; sane distributions.

use autoencoders::core::rng::Rng;

#[test]
fn same_seed_same_stream() {
    let (mut a, mut b) = (Rng::new(7), Rng::new(7));
    for _ in 0..1000 {
        assert_eq!(a.next_u64(), b.next_u64());
    }
    let (mut a, mut b) = (Rng::new(7), Rng::new(7));
    for _ in 0..100 {
        assert_eq!(a.normal().to_bits(), b.normal().to_bits());
    }
    assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
}

#[test]
fn stream_is_pinned() {
    // The first outputs for seed 0, recorded once: a change here changes every chapter's output.
    let mut r = Rng::new(0);
    let first: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
    assert_eq!(first, PINNED);
}

const PINNED: [u64; 3] = [0x99EC5F36CB75F2B4, 0xBF6E1F784956452A, 0x1A5F849D4933E6E0];

#[test]
fn uniform_and_normal_moments() {
    let mut r = Rng::new(3);
    let n = 200_000;
    let u: Vec<f64> = (0..n).map(|_| r.uniform()).collect();
    assert!(u.iter().all(|&x| (0.0..1.0).contains(&x)));
    let mean = u.iter().sum::<f64>() / n as f64;
    assert!((mean - 0.5).abs() < 0.005, "uniform mean {mean}");
    let z: Vec<f64> = (0..n).map(|_| r.normal()).collect();
    let m = z.iter().sum::<f64>() / n as f64;
    let var = z.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64;
    assert!(m.abs() < 0.01 && (var - 1.0).abs() < 0.02, "normal mean {m}, variance {var}");
}

#[test]
fn below_shuffle_and_choose() {
    let mut r = Rng::new(5);
    let mut counts = [0usize; 3];
    for _ in 0..30_000 {
        counts[r.below(3)] += 1;
    }
    assert!(counts.iter().all(|&c| (9_500..10_500).contains(&c)), "{counts:?}");
    let mut p = r.permutation(50);
    p.sort();
    assert_eq!(p, (0..50).collect::<Vec<_>>());
    let mut k = r.choose_k(20, 7);
    assert_eq!(k.len(), 7);
    k.sort();
    k.dedup();
    assert_eq!(k.len(), 7);
    assert!(k.iter().all(|&i| i < 20));
}
