//! `ch5_recommender`'s experiments called as a library, without the binary: the erratum study,
//! the comparison table, the recommendations, the reader as a new user, and the five folds.

use autoencoders::data::movielens::{Fold, Split};
use autoencoders::recommender::autorec::{self, Recommender};
use autoencoders::recommender::baselines::{Baseline, Baselines, BiasConfig};
use autoencoders::recommender::experiment::{self as ex, MIN_RATINGS_TO_RECOMMEND, ZERO_GRAD_RUNS};
use autoencoders::recommender::my_ratings::MyRating;
use autoencoders::recommender::{evaluate, faithful, faithful_fast};

/// The chapter's `--quick` data: 200 users × 300 movies.
fn quick_split(seed: u64) -> Split {
    ex::load_split(None, Fold::default(), seed, true).unwrap()
}

fn small_autorec(split: &Split) -> Recommender {
    let config = autorec::Config { hidden: 8, epochs: 2, ..ex::autorec_config(true) };
    ex::train_autorec(&split.train, &config, 1).unwrap().recommender
}

#[test]
fn the_gradient_reset_study_shows_the_erratum() {
    let split = quick_split(1);
    let study = ex::zero_grad_study(&split, 1, 1, 2).unwrap();
    let settings: Vec<(bool, f64)> = study.runs.iter().map(|r| (r.zero_grad, r.weight_decay)).collect();
    assert_eq!(settings, ZERO_GRAD_RUNS.to_vec());
    // The course code's run is train_faithful with the article's settings.
    let course = ex::train_faithful(&split.train, faithful::Config::default(), 1, 2, 1, |_, _| {}).unwrap();
    let never_reset = &study.runs[0];
    assert_eq!((never_reset.first_loss, never_reset.last_loss), (course.losses[0], course.losses[1]));
    let m = faithful_fast::test_metrics(&course.sae, &split.train, &split.test);
    assert_eq!(never_reset.test_rmse, m.rmse);
    assert!(!never_reset.collapsed, "{never_reset:?}");
    // Reset at the article's weight decay: a constant prediction far worse than the mean.
    let reset = study.reset_at(0.5).unwrap();
    assert!(reset.collapsed && reset.test_rmse > 2.0 * study.global_mean_rmse, "{reset:?}");
    assert!(study.reset_decays(true).contains(&0.5));
    let base = Baselines::fit(&split.train, &BiasConfig::default());
    let global = evaluate(&split.test, |u, r| {
        r.iter().map(|&(i, _)| base.predict(Baseline::GlobalMean, u, i as usize)).collect()
    });
    assert_eq!(study.global_mean_rmse, global.rmse);
    let report = study.report();
    assert!(report.contains("2 epochs each") && report.contains("loss epoch 2"), "{report}");
    assert!(report.contains("these weight decays collapsed: 0.5"), "{report}");
}

#[test]
fn the_comparison_names_every_model() {
    let split = quick_split(2);
    let base = Baselines::fit(&split.train, &BiasConfig::default());
    let rec = small_autorec(&split);
    let sae = ex::train_faithful(&split.train, faithful::Config::default(), 1, 1, 2, |_, _| {}).unwrap().sae;
    let article = faithful_fast::test_metrics(&sae, &split.train, &split.test);
    let cmp = ex::compare(&split.test, &base, article, &rec);
    let score = |b| evaluate(&split.test, |u, r| r.iter().map(|&(i, _)| base.predict(b, u, i as usize)).collect());
    assert_eq!(cmp.global_mean, score(Baseline::GlobalMean));
    assert_eq!(cmp.user_mean, score(Baseline::UserMean));
    assert_eq!(cmp.item_mean, score(Baseline::ItemMean));
    assert_eq!(cmp.bias, score(Baseline::Bias));
    assert_eq!(cmp.article, article);
    assert_eq!(cmp.autorec, rec.evaluate(&split.test));
    let names: Vec<&str> = cmp.rows().iter().map(|(name, _)| *name).collect();
    assert_eq!(names[3], "user + item bias");
    assert_eq!(names[5], "item-based AutoRec");
    assert!(cmp.table().contains("the article's autoencoder"));
}

#[test]
fn recommendations_are_unseen_popular_movies_best_first() {
    let split = quick_split(3);
    let rec = small_autorec(&split);
    let mut count = vec![0usize; split.n_movies()];
    for e in split.train.iter() {
        count[e.movie] += 1;
    }
    for user in [0, 17, 150] {
        let picks = ex::recommend(&split, &rec, user);
        assert_eq!(picks.len(), 10, "user {user}");
        for p in &picks {
            assert!(split.train.get(user, p.movie).is_none() && split.test.get(user, p.movie).is_none());
            assert!(count[p.movie] >= MIN_RATINGS_TO_RECOMMEND);
            assert_eq!(p.predicted, rec.predict(user, p.movie));
        }
        assert!(picks.windows(2).all(|w| w[0].predicted >= w[1].predicted));
    }
}

#[test]
fn the_reader_joins_as_the_last_user() {
    let split = quick_split(4);
    let mine = [MyRating { movie: 3, rating: 5, line: 1 }, MyRating { movie: 300, rating: 2, line: 2 }];
    let s = ex::with_reader(&split, &mine).unwrap();
    assert_eq!((s.n_users(), s.n_movies()), (split.n_users() + 1, split.n_movies()));
    assert_eq!(s.train.row(split.n_users()), &[(2, 5), (299, 2)]);
    assert_eq!(s.train.len(), split.train.len() + 2);
    assert_eq!(s.test.len(), split.test.len());
    for u in [0, 99, split.n_users() - 1] {
        assert_eq!(s.train.row(u), split.train.row(u));
    }
}

#[test]
fn five_folds_and_their_means() {
    let mut seen = Vec::new();
    let scores = ex::all_folds(None, 1, true, |s, trained| seen.push((s.fold, trained.final_epochs))).unwrap();
    assert_eq!(scores.folds.iter().map(|s| s.fold).collect::<Vec<_>>(), Fold::all().to_vec());
    assert_eq!(seen.len(), 5);
    let mean = |f: fn(&ex::FoldScore) -> f64| scores.folds.iter().map(f).sum::<f64>() / 5.0;
    assert_eq!(scores.bias_rmse_mean, mean(|s| s.bias.rmse));
    assert_eq!(scores.autorec_rmse_mean, mean(|s| s.autorec.rmse));
    // The first fold is the chapter's u1 run: the same bias score.
    let split = quick_split(1);
    let base = Baselines::fit(&split.train, &BiasConfig::default());
    let bias =
        evaluate(&split.test, |u, r| r.iter().map(|&(i, _)| base.predict(Baseline::Bias, u, i as usize)).collect());
    assert_eq!(scores.folds[0].bias, bias);
    assert!(scores.table().contains("mean"));
}
