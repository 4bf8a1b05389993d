//! §5's two ways of scoring test ratings, worked by hand: the article's mean of per-user RMSEs
//! and the global RMSE (see `src/recommender/mod.rs`). The gallery page links these tests
//! beside the two formulas.

use autoencoders::data::movielens::{Rating, RatingTable};
use autoencoders::recommender::{Metrics, evaluate};

/// User 1 rated one test movie, user 2 four. Every prediction is 3, so user 1's error is 2
/// (rated 5) and user 2's errors are 0, 0, 0 and 1 (rated 3, 3, 3, 4); user 3 has no test
/// ratings and is skipped.
fn scored() -> Metrics {
    let triples: [(u32, u32, u8); 5] = [(1, 1, 5), (2, 1, 3), (2, 2, 3), (2, 3, 3), (2, 4, 4)];
    let ratings: Vec<Rating> =
        triples.iter().map(|&(user, movie, rating)| Rating { user, movie, rating, timestamp: 0 }).collect();
    let test = RatingTable::from_ratings(3, 4, &ratings).unwrap();
    evaluate(&test, |_, row| vec![3.0; row.len()])
}

#[test]
fn the_article_metric_is_a_mean_of_per_user_rmses() {
    // User 1: √(2²/1) = 2.  User 2: √((0 + 0 + 0 + 1²)/4) = ½.  Mean over the 2 users: 1.25.
    let m = scored();
    assert!((m.article_loss - 1.25).abs() < 1e-15, "{m:?}");
}

#[test]
fn global_rmse_gives_every_rating_one_vote() {
    // √((4 + 0 + 0 + 0 + 1)/5) = 1: user 2's four ratings outvote user 1's one, where the
    // article's metric weighs the two users alike. MAE = (2 + 1)/5 = 0.6.
    let m = scored();
    assert_eq!(m.n, 5);
    assert!((m.rmse - 1.0).abs() < 1e-15, "{m:?}");
    assert!((m.mae - 0.6).abs() < 1e-15, "{m:?}");
}
