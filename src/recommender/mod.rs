//! §5: the practical recommender. The article's stacked autoencoder on a user × movie table,
//! reproduced faithfully ([`faithful`], trained by its fast twin [`faithful_fast`]), measured
//! honestly ([`Metrics`]), set beside [`baselines`], and then done better ([`autorec`], trained
//! by its twin [`autorec_fast`]), then blended with a user-based AutoRec and a biased matrix
//! factorisation ([`mf`]) by weights fitted on held-out ratings ([`ensemble`]). [`experiment`]
//! runs the chapter's parts as library calls; [`model_file`] saves and loads the trained models;
//! [`sizing`] checks what a data set asks of them before anything is allocated.
//!
//! Two ways to score a model on the test ratings:
//!
//! ```text
//! article test loss   (1/|U|) Σ_u √( Σ_{i ∈ T_u} (r̂_ui − r_ui)² / |T_u| )     mean of per-user RMSEs
//! global RMSE         √( Σ_u Σ_{i ∈ T_u} (r̂_ui − r_ui)² / Σ_u |T_u| )        one RMSE over all ratings
//! MAE                 Σ |r̂_ui − r_ui| / Σ_u |T_u|
//! ```
//!
//! The article's number weighs every user equally, however few test ratings they have; the
//! global RMSE weighs every rating equally, which is what the literature reports. Users with
//! few ratings are predicted worst, so the two differ, and only the second can be compared
//! with published results.

pub mod autorec;
pub mod autorec_fast;
pub mod baselines;
pub mod ensemble;
pub mod errata;
pub mod experiment;
pub mod faithful;
pub mod faithful_fast;
pub mod mf;
pub mod model_file;
pub mod my_ratings;
pub mod ranking;
pub mod sizing;

use crate::data::movielens::RatingTable;

/// Error measures over a set of test ratings.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Metrics {
    /// Mean over users of each user's RMSE: the article's "test loss".
    pub article_loss: f64,
    pub rmse: f64,
    pub mae: f64,
    /// Test ratings scored.
    pub n: usize,
}

/// Scores `predict(user, movie)` on every rating of `test`. `predict_user` gives the
/// predictions for one user's list of test movies at once, so a model can encode the user once.
pub fn evaluate(test: &RatingTable, mut predict_user: impl FnMut(usize, &[(u32, u8)]) -> Vec<f64>) -> Metrics {
    let (mut se, mut ae, mut n) = (0.0, 0.0, 0usize);
    let (mut per_user, mut users) = (0.0, 0usize);
    for u in test.rated_users() {
        let row = test.row(u);
        let pred = predict_user(u, row);
        assert_eq!(pred.len(), row.len(), "evaluate: one prediction per test rating");
        let mut user_se = 0.0;
        for (&(_, r), &p) in row.iter().zip(&pred) {
            let d = p - f64::from(r);
            user_se += d * d;
            ae += d.abs();
        }
        se += user_se;
        n += row.len();
        per_user += (user_se / row.len() as f64).sqrt();
        users += 1;
    }
    if n == 0 {
        return Metrics::default();
    }
    Metrics { article_loss: per_user / users as f64, rmse: (se / n as f64).sqrt(), mae: ae / n as f64, n }
}

/// One recommended movie.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pick {
    /// Movie index (id − 1).
    pub movie: usize,
    pub predicted: f64,
}

/// The `n` best movies for one user by `predict(movie index)`, highest first (ties: lower
/// index first), skipping movies `exclude` says the user already rated and movies `eligible`
/// rejects.
pub fn top_n(
    n_movies: usize,
    n: usize,
    predict: impl Fn(usize) -> f64,
    exclude: impl Fn(usize) -> bool,
    eligible: impl Fn(usize) -> bool,
) -> Vec<Pick> {
    let mut picks: Vec<Pick> = (0..n_movies)
        .filter(|&m| !exclude(m) && eligible(m))
        .map(|m| Pick { movie: m, predicted: predict(m) })
        .collect();
    picks.sort_by(|a, b| b.predicted.total_cmp(&a.predicted).then(a.movie.cmp(&b.movie)));
    picks.truncate(n);
    picks
}
