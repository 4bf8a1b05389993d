//! §5's blend (`recommender::ensemble`) and its members: the ridge fit against hand-made
//! answers, the blend fitted on the held-out tenth alone (a changed test file changes no
//! weight), U-AutoRec as AutoRec on the transposed table, the blend's copy of the chapter's
//! AutoRec being that model, MF's SGD, and (when ../shared/data is present) the figure on
//! ml-100k u1.

use autoencoders::core::rng::Rng;
use autoencoders::data::movielens::{Fold, Rating, RatingTable, Split, load};
use autoencoders::recommender::ensemble::{self, BlendKind, Member, fit_blend, solve_spd, transpose};
use autoencoders::recommender::experiment::{self as ex, BlendSize};
use autoencoders::recommender::mf;

const ML100K: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/ml-100k");

fn quick_split(seed: u64) -> Split {
    ex::load_split(None, Fold::default(), seed, true).unwrap()
}

/// Step 3b as the chapter runs it at `size`: Step 1b's AutoRec, then the blend.
fn blend_at(split: &Split, size: BlendSize, seed: u64) -> ex::Sota {
    let trained = ex::train_autorec(&split.train, &ex::autorec_config(size == BlendSize::Quick), seed).unwrap();
    match ex::state_of_the_art(split, Some(&trained), size, seed).unwrap() {
        ex::Step3b::Blended(s) => s,
        other => panic!("no blend: {other:?}"),
    }
}

#[test]
fn solve_spd_solves_a_hand_made_system() {
    // [[4, 2], [2, 3]] x = [10, 8]: x = (1.75, 1.5), by hand (det 8; x₁ = (30 − 16)/8, x₂ = (32 − 20)/8).
    let x = solve_spd(&[4.0, 2.0, 2.0, 3.0], &[10.0, 8.0]).unwrap();
    assert!((x[0] - 1.75).abs() < 1e-12 && (x[1] - 1.5).abs() < 1e-12, "{x:?}");
}

#[test]
fn the_ridge_blend_recovers_weights_it_was_made_from() {
    // target = 0.5 + 0.3 f₁ + 0.7 f₂ exactly, in [1, 5] so the clip never acts: the smallest α
    // the search tries (1e-5 · n) moves the weights by far less than 1e-3.
    let mut rng = Rng::new(3);
    let n = 2000;
    let f1: Vec<f64> = (0..n).map(|_| rng.range(1.0, 4.0)).collect();
    let f2: Vec<f64> = (0..n).map(|_| rng.range(1.0, 4.0)).collect();
    let target: Vec<f64> = f1.iter().zip(&f2).map(|(a, b)| 0.5 + 0.3 * a + 0.7 * b).collect();
    let support = vec![(1.0, 1.0); n];
    let blend = fit_blend(BlendKind::Linear, &[&f1, &f2], &support, &target).unwrap();
    for (w, want) in blend.weights.iter().zip([0.5, 0.3, 0.7]) {
        assert!((w - want).abs() < 1e-3, "{:?}", blend.weights);
    }
    assert!(blend.cv_rmse < 1e-3, "{}", blend.cv_rmse);
}

#[test]
fn the_blend_is_fitted_on_the_held_out_tenth_only() {
    // Every test rating r becomes 6 − r: if anything the blend chose (weights, α, epochs) had
    // looked at the test file, it would move; only the test columns may.
    let split = quick_split(5);
    let flipped: Vec<Rating> = split
        .test
        .iter()
        .map(|e| Rating { user: e.user as u32 + 1, movie: e.movie as u32 + 1, rating: 6 - e.rating, timestamp: 0 })
        .collect();
    let test = RatingTable::from_ratings(split.n_users(), split.n_movies(), &flipped).unwrap();
    let other = Split::new(split.train.clone(), test, split.titles.clone(), split.source.clone()).unwrap();
    let a = blend_at(&split, BlendSize::Quick, 5);
    let b = blend_at(&other, BlendSize::Quick, 5);
    assert_eq!(a.blend, b.blend, "the blend weights read the test file");
    assert_eq!(a.rows.len(), b.rows.len());
    for (x, y) in a.rows.iter().zip(&b.rows) {
        assert_eq!(x.held_rmse, y.held_rmse, "{}: the held-out score read the test file", x.name);
    }
    assert_ne!(a.best().test.rmse, b.best().test.rmse, "the test file was not read at all");
    assert!(a.blend.weights.len() > 1 && a.blend.weights.iter().all(|w| w.is_finite()));
}

#[test]
fn transposing_twice_gives_the_table_back() {
    let split = quick_split(2);
    let t = transpose(&split.train);
    assert_eq!((t.n_users(), t.n_movies(), t.len()), (split.n_movies(), split.n_users(), split.train.len()));
    let e = split.train.iter().nth(17).unwrap();
    assert_eq!(t.get(e.movie, e.user), Some(e.rating));
    assert_eq!(transpose(&t), split.train);
}

#[test]
fn the_blends_item_autorec_is_the_chapters_autorec() {
    // The chapter hands Step 1b's AutoRec to the blend instead of training it again; that is
    // sound only if the blend's own procedure (held-out run, early stop, retrain) would have
    // made the same model with the same held-out predictions. Here the blend trains it itself.
    let split = quick_split(3);
    let trained = ex::train_autorec(&split.train, &ex::autorec_config(true), 3).unwrap();
    let members = &ex::blend_members(BlendSize::Quick, 3)[..2];
    let e = ensemble::train(&split.train, members, BlendKind::Linear, ex::BLEND_SHARE, 3, None).unwrap();
    assert_eq!(e.validations[1].best_epoch, trained.best_epoch);
    assert_eq!(e.validations[1].predictions, trained.held_predictions);
    let given = ensemble::train(&split.train, members, BlendKind::Linear, ex::BLEND_SHARE, 3, Some((1, &trained)));
    assert_eq!(given.unwrap().blend, e.blend, "the blend of the handed-over AutoRec");
    for entry in split.test.iter() {
        let (a, b) = ((e.finals[1])(entry.user, entry.movie), trained.recommender.predict(entry.user, entry.movie));
        assert_eq!(a, b, "user {} movie {}", entry.user, entry.movie);
    }
}

#[test]
fn user_based_autorec_is_autorec_on_the_transposed_table() {
    let split = quick_split(4);
    let config = ex::u_autorec_config(true);
    let by_user = ensemble::run_member(&Member::UserAutoRec(config.clone(), 9), &split.train, 3);
    let by_item = ensemble::run_member(&Member::ItemAutoRec(config, 9), &transpose(&split.train), 3);
    for e in split.test.iter().take(200) {
        assert_eq!(by_user(e.user, e.movie), by_item(e.movie, e.user));
    }
}

#[test]
fn mf_sgd_lowers_the_training_error_and_is_seeded() {
    let split = quick_split(6);
    let config = mf::Config { factors: 8, ..mf::Config::default() };
    let mut t = mf::Trainer::new(&split.train, config.clone(), 1);
    let first = t.epoch();
    let later = (0..9).map(|_| t.epoch()).last().unwrap();
    assert!(later < first - 0.05, "training RMSE {first} → {later}");
    let mut again = mf::Trainer::new(&split.train, config, 1);
    (0..10).for_each(|_| {
        again.epoch();
    });
    assert_eq!(t.model, again.model, "same seed, same model");
}

#[test]
fn early_stopping_keeps_the_best_epochs_predictions() {
    let split = quick_split(7);
    let (fit, held) = autoencoders::recommender::autorec::holdout(&split.train, 0.1, 11);
    let (_, target) = ensemble::pairs(&held);
    let member = Member::Mf(mf::Config { factors: 8, epochs: 12, lr: 0.05, ..mf::Config::default() }, 2);
    let v = ensemble::validate(&member, &fit, &held);
    assert_eq!(v.curve.len(), 12);
    let best = v.curve.iter().cloned().fold(f64::INFINITY, f64::min);
    assert_eq!(v.best_rmse, best);
    assert_eq!(v.curve[v.best_epoch - 1], best);
    let se: f64 = v.predictions.iter().zip(&target).map(|(p, r)| (p - r).powi(2)).sum();
    assert!(((se / target.len() as f64).sqrt() - best).abs() < 1e-12);
}

/// The chapter's blend on ml-100k u1 (about 20 s on two idle cores): at or below GLocal-K's
/// 0.8889. Run with `cargo test --test ensemble -- --ignored`.
#[test]
#[ignore = "trains the chapter's blend on ml-100k u1 (20–40 s); run with --ignored"]
fn the_blend_reaches_glocal_k_on_ml100k_u1() {
    let dir = std::path::Path::new(ML100K);
    if !dir.join("u1.base").exists() {
        eprintln!("skipped: {ML100K} is not present");
        return;
    }
    let split = load(dir, Fold::default(), 1).unwrap();
    let sota = blend_at(&split, BlendSize::Full, 1);
    let best = sota.best();
    // Measured 0.8860 (MAE 0.6988) at seed 1; the blend uses two threads when it can, with the
    // same result either way.
    assert!(best.test.rmse <= 0.8889, "u1 test RMSE {}", best.test.rmse);
    assert!((best.test.rmse - 0.8860).abs() < 5e-4, "u1 test RMSE {}", best.test.rmse);
}

/// The quick blend on ml-100k u1 (a second or two), when the data is present: every member
/// and the blend beat the global mean, and the blend beats the bias baseline.
#[test]
fn the_quick_blend_on_ml100k_u1_beats_the_bias_baseline() {
    let dir = std::path::Path::new(ML100K);
    if !dir.join("u1.base").exists() {
        eprintln!("skipped: {ML100K} is not present");
        return;
    }
    let split = load(dir, Fold::default(), 1).unwrap();
    let sota = blend_at(&split, BlendSize::Quick, 1);
    let bias = sota.rows.iter().find(|r| r.key == "bias").unwrap().test.rmse;
    assert!((bias - 0.9550).abs() < 5e-5, "the bias baseline on u1: {bias}");
    assert!(sota.best().test.rmse < bias - 0.02, "blend {} vs bias {bias}", sota.best().test.rmse);
}

/// A MovieLens folder just above `sizing::MIN_RATINGS` (12 training and 12 test ratings):
/// the held-out tenth is one rating, far too few for the blend's weights. The chapter used to
/// panic in the blend's Cholesky solve (exit 101); it now skips the blend with a note, and
/// `improved_test_rmse` is AutoRec's.
#[test]
fn a_tiny_folder_skips_the_blend_instead_of_panicking() {
    let dir = std::env::temp_dir().join(format!("ensemble-tiny-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let lines = |offset: usize| -> String {
        (0..12)
            .map(|j| format!("{}\t{}\t{}\t88125{j:04}\n", 1 + j % 4, 1 + (j + offset) % 7, 1 + (j * 3 + offset) % 5))
            .collect()
    };
    std::fs::write(dir.join("u1.base"), lines(0)).unwrap();
    std::fs::write(dir.join("u1.test"), lines(3)).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ch5_recommender"))
        .args(["--data".as_ref(), dir.as_os_str(), "--out".as_ref(), dir.join("out").as_os_str()])
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("Step 3b. No blend: the held-out share holds 1 training rating"), "{stdout}");
    let key = |k: &str| stdout.lines().find_map(|l| l.strip_prefix(k)).map(str::to_string);
    let improved = key("improved_test_rmse: ").expect("improved_test_rmse");
    assert_eq!(Some(improved), key("ablation_i_autorec_rmse: "));
}

#[test]
fn the_blend_reports_what_it_cannot_solve_instead_of_panicking() {
    assert!(solve_spd(&[1.0, 2.0, 2.0, 1.0], &[1.0, 1.0]).is_err(), "indefinite");
    assert!(solve_spd(&[0.0], &[1.0]).is_err(), "singular");
    assert!(solve_spd(&[1.0, 0.0], &[1.0]).is_err(), "not square");
    let none: [f64; 0] = [];
    assert!(fit_blend(BlendKind::Linear, &[&none], &[], &[]).is_err(), "no held-out ratings");
    // One held-out rating: four of the five folds have nothing to train on and are skipped.
    let blend = fit_blend(BlendKind::Linear, &[&[3.5]], &[(1.0, 1.0)], &[4.0]).unwrap();
    assert!(blend.cv_rmse.is_nan() && blend.weights.iter().all(|w| w.is_finite()), "{blend:?}");
    let split = quick_split(8);
    let tiny = autoencoders::recommender::autorec::holdout(&split.train, 0.002, 1).1;
    let members = ex::blend_members(BlendSize::Quick, 1);
    let e = ensemble::train(&tiny, &members, BlendKind::BySupport, 0.1, 1, None);
    assert!(e.is_err_and(|e| e.to_string().contains("weights from at least")));
}
