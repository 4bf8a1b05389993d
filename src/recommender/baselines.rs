//! The baselines every recommender must beat, scored on the same split with the same metrics.
//!
//! ```text
//! global mean   r̂_ui = μ
//! user mean     r̂_ui = mean of u's training ratings (μ if none)
//! item mean     r̂_ui = mean of i's training ratings (μ if none)
//! bias          r̂_ui = μ + b_u + b_i, fitted by alternating regularised least squares:
//!               b_i = Σ_u (r_ui − μ − b_u) / (λ + n_i),  b_u = Σ_i (r_ui − μ − b_i) / (λ + n_u)
//! ```
//!
//! Every prediction is clipped to the rating scale [1, 5].

use crate::data::movielens::RatingTable;

/// The bias model's regulariser λ and number of alternating sweeps. `Default`: λ = 5,
/// 10 sweeps (the fit has converged to 1e-6 by then on ml-100k).
#[derive(Clone, Debug)]
pub struct BiasConfig {
    pub lambda: f64,
    pub sweeps: usize,
}

impl Default for BiasConfig {
    fn default() -> Self {
        BiasConfig { lambda: 5.0, sweeps: 10 }
    }
}

/// The fitted baselines.
#[derive(Clone, Debug)]
pub struct Baselines {
    pub mu: f64,
    pub user_mean: Vec<f64>,
    pub item_mean: Vec<f64>,
    pub b_user: Vec<f64>,
    pub b_item: Vec<f64>,
}

/// Which baseline to predict with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Baseline {
    GlobalMean,
    UserMean,
    ItemMean,
    Bias,
}

impl Baseline {
    pub const ALL: [Baseline; 4] = [Baseline::GlobalMean, Baseline::UserMean, Baseline::ItemMean, Baseline::Bias];

    pub fn name(self) -> &'static str {
        match self {
            Baseline::GlobalMean => "global mean",
            Baseline::UserMean => "user mean",
            Baseline::ItemMean => "item mean",
            Baseline::Bias => "user + item bias",
        }
    }
}

/// a / b, or 0 for a user or item with no ratings and λ = 0.
fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

pub fn clip(r: f64) -> f64 {
    r.clamp(1.0, 5.0)
}

impl Baselines {
    pub fn fit(train: &RatingTable, config: &BiasConfig) -> Baselines {
        let (nu, ni) = (train.n_users(), train.n_movies());
        let mu = train.mean().unwrap_or(3.0);
        let mut user_sum = vec![0.0; nu];
        let mut user_n = vec![0usize; nu];
        let mut item_sum = vec![0.0; ni];
        let mut item_n = vec![0usize; ni];
        for e in train.iter() {
            let r = f64::from(e.rating);
            user_sum[e.user] += r;
            user_n[e.user] += 1;
            item_sum[e.movie] += r;
            item_n[e.movie] += 1;
        }
        let mean = |s: f64, n: usize| if n == 0 { mu } else { s / n as f64 };
        let user_mean = user_sum.iter().zip(&user_n).map(|(&s, &n)| mean(s, n)).collect();
        let item_mean = item_sum.iter().zip(&item_n).map(|(&s, &n)| mean(s, n)).collect();

        let mut b_user = vec![0.0; nu];
        let mut b_item = vec![0.0; ni];
        let lambda = config.lambda;
        for _ in 0..config.sweeps {
            let mut acc = vec![0.0; ni];
            for e in train.iter() {
                acc[e.movie] += f64::from(e.rating) - mu - b_user[e.user];
            }
            for i in 0..ni {
                b_item[i] = ratio(acc[i], lambda + item_n[i] as f64);
            }
            let mut acc = vec![0.0; nu];
            for e in train.iter() {
                acc[e.user] += f64::from(e.rating) - mu - b_item[e.movie];
            }
            for u in 0..nu {
                b_user[u] = ratio(acc[u], lambda + user_n[u] as f64);
            }
        }
        Baselines { mu, user_mean, item_mean, b_user, b_item }
    }

    /// The prediction of `which` for user index u and movie index i, clipped to [1, 5].
    pub fn predict(&self, which: Baseline, u: usize, i: usize) -> f64 {
        clip(match which {
            Baseline::GlobalMean => self.mu,
            Baseline::UserMean => self.user_mean[u],
            Baseline::ItemMean => self.item_mean[i],
            Baseline::Bias => self.mu + self.b_user[u] + self.b_item[i],
        })
    }
}
