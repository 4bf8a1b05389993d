//! A made-up, MovieLens-shaped ratings table, so the §5 recommender runs on a fresh clone
//! without any downloaded data.
//!
//! The default shape is ml-100k's: 943 users, 1682 movies, 100 000 ratings (6.3 % of the
//! cells), every user with at least 20 ratings, and exactly ml-100k's share of 1s … 5s. How a
//! table is made, from one seed:
//!
//! ```text
//! tastes       p_u, q_m ∈ ℝᵏ ~ N(0, 1)                      k = n_factors
//!              a_um = p_u·q_m / √k                         affinity of user u for movie m
//! popularity   ln w_m = −s·ln(r_m + 30) − (r_m / 0.75·M)⁴   r_m: movie m's rank, shuffled
//!                                                          over ids; M = n_movies
//! activity     c_u = min_per_user + a share of the rest ∝ e^{1.2·z_u}, z_u ~ N(0, 1);
//!              nobody above 45 % of the movies
//! choice       user u rates c_u distinct movies, drawn without replacement with weights
//!              w_m · e^{0.5·a_um}  (people watch what is popular and what they like)
//! score        s_um = b_u + b_m + 0.9·a_um + 0.6·ε,  b_u ~ 0.4·N, b_m ~ 0.45·N + 0.35·pop_m
//! rating       scores ranked over the whole table and cut into 1 … 5 so the counts follow
//!              `histogram` (ml-100k's 6110 / 11370 / 27145 / 34174 / 21201 by default)
//! ```
//!
//! where `pop_m` is movie m's standardized log-popularity, so well-known films are a little
//! better liked, as in the real data. Titles are built from word lists with a year, such as
//! "The Quiet Harbor (1994)", and are unique, so a reader can look any of them up by name.
//! Timestamps are spread over ml-100k's seven months (Sept 1997 – Apr 1998).
//!
//! The popularity curve is Zipf-like (exponent s = 1.2) with a fade over the last quarter of
//! the ranks, because ml-100k's ratings per movie fall off steeply there. With the defaults a
//! movie gets a median of about 30 ratings, the most popular about 570, some 175 movies get
//! two or fewer and about 50 none (ml-100k: 27, 583, 209, 0). Users rate at least 21 and a
//! median of about 63 movies (ml-100k: 20 and 64).
//!
//! ```
//! use autoencoders::data::movielens::Fold;
//! use autoencoders::data::synthetic_ratings::{self, SyntheticConfig};
//! let config = SyntheticConfig { n_users: 30, n_movies: 50, n_ratings: 600, ..Default::default() };
//! let split = synthetic_ratings::split(&config, Fold::default(), 7).unwrap();
//! // 600 ratings, one fifth of them held out for testing.
//! assert_eq!((split.train.len(), split.test.len()), (480, 120));
//! assert_eq!((split.n_users(), split.n_movies()), (30, 50));
//! assert!(split.train.iter().all(|e| (1..=5).contains(&e.rating)));
//! ```

use std::collections::HashSet;

use crate::core::error::{Error, Result};
use crate::core::rng::Rng;
use crate::data::movielens::{Fold, Rating, RatingTable, Split, Titles, seeded_split};

/// ml-100k's counts of ratings 1 … 5 over all 100 000 ratings of its `u.data`, counted from that file.
pub const ML100K_HISTOGRAM: [usize; 5] = [6110, 11370, 27145, 34174, 21201];

/// The shape of a synthetic table. `Default` is ml-100k's shape.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntheticConfig {
    /// Users (rows); ids 1 … n_users. Default 943.
    pub n_users: usize,
    /// Movies (columns); ids 1 … n_movies. Default 1682.
    pub n_movies: usize,
    /// Ratings in the whole table, before the train/test split. Default 100 000.
    pub n_ratings: usize,
    /// Every user rates at least this many movies. Default 20, as in ml-100k.
    pub min_per_user: usize,
    /// Length of the taste vectors p_u and q_m. Default 5.
    pub n_factors: usize,
    /// Zipf exponent s of movie popularity, 0 to 10; 0 leaves only the tail fade. Default 1.2.
    pub popularity_exponent: f64,
    /// Relative counts of ratings 1 … 5. Default [`ML100K_HISTOGRAM`].
    pub histogram: [usize; 5],
}

impl Default for SyntheticConfig {
    fn default() -> SyntheticConfig {
        SyntheticConfig {
            n_users: 943,
            n_movies: 1682,
            n_ratings: 100_000,
            min_per_user: 20,
            n_factors: 5,
            popularity_exponent: 1.2,
            histogram: ML100K_HISTOGRAM,
        }
    }
}

/// A generated table: every rating (by user, then movie) and the titles of all movies.
#[derive(Clone, Debug)]
pub struct Synthetic {
    pub ratings: Vec<Rating>,
    pub titles: Titles,
}

/// How strongly taste steers which movies a user rates, and how much it moves the score.
const CHOICE_TASTE: f64 = 0.5;
const SCORE_TASTE: f64 = 0.9;
const USER_BIAS: f64 = 0.4;
const MOVIE_BIAS: f64 = 0.45;
const POPULAR_BONUS: f64 = 0.35;
const NOISE: f64 = 0.6;
/// Shifts the Zipf curve so the top few movies are not wildly ahead of the next ones; these
/// popularity and activity constants were tuned against ml-100k's counts per movie and user.
const RANK_OFFSET: f64 = 30.0;
/// Popularity fades out past this share of the ranks, as for films that reached few viewers.
const TAIL_START: f64 = 0.75;
const TAIL_POWER: i32 = 4;
/// σ of the lognormal weights that share out the ratings above `min_per_user`.
const ACTIVITY_SPREAD: f64 = 1.2;
/// No user rates more than this share of all movies (unless the table is too dense for it).
const MAX_USER_SHARE: f64 = 0.45;
/// ml-100k's first and last timestamps.
const FIRST_TIME: u64 = 874_724_710;
const LAST_TIME: u64 = 893_286_638;

impl SyntheticConfig {
    fn check(&self) -> Result<()> {
        let bad = |msg: String| Err(Error::Invalid(format!("synthetic ratings: {msg}")));
        if self.n_users == 0 || self.n_movies == 0 {
            return bad(format!("need at least one user and one movie, got {} × {}", self.n_users, self.n_movies));
        }
        if self.n_users > crate::data::movielens::MAX_ID as usize
            || self.n_movies > crate::data::movielens::MAX_ID as usize
        {
            return bad(format!("at most {} users and movies", crate::data::movielens::MAX_ID));
        }
        if self.min_per_user > self.n_movies {
            return bad(format!("{} ratings per user but only {} movies", self.min_per_user, self.n_movies));
        }
        if self.n_ratings < self.n_users * self.min_per_user {
            return bad(format!(
                "{} ratings cannot give {} users {} each",
                self.n_ratings, self.n_users, self.min_per_user
            ));
        }
        if self.n_ratings as u128 > self.n_users as u128 * self.n_movies as u128 {
            return bad(format!("{} ratings do not fit in {} × {} cells", self.n_ratings, self.n_users, self.n_movies));
        }
        if self.n_ratings == 0 {
            return bad("no ratings requested".to_string());
        }
        if self.n_factors == 0 {
            return bad("n_factors must be at least 1".to_string());
        }
        if !(0.0..=10.0).contains(&self.popularity_exponent) {
            return bad(format!("popularity_exponent {} must be between 0 and 10", self.popularity_exponent));
        }
        if self.histogram.iter().sum::<usize>() == 0 {
            return bad("the histogram is all zeros".to_string());
        }
        Ok(())
    }
}

/// Generates the table for `seed`. Same config and seed, same table, on every machine.
/// An impossible config (more ratings than cells, fewer than `n_users · min_per_user`, …) is
/// an [`Error::Invalid`].
pub fn generate(config: &SyntheticConfig, seed: u64) -> Result<Synthetic> {
    config.check()?;
    let (n_users, n_movies, k) = (config.n_users, config.n_movies, config.n_factors);
    let mut root = Rng::new(seed);
    let mut taste_rng = root.fork(1);
    let mut popularity_rng = root.fork(2);
    let mut activity_rng = root.fork(3);
    let mut choice_rng = root.fork(4);
    let mut score_rng = root.fork(5);
    let mut title_rng = root.fork(6);

    // Tastes, shape (n, k) row-major.
    let p: Vec<f64> = (0..n_users * k).map(|_| taste_rng.normal()).collect();
    let q: Vec<f64> = (0..n_movies * k).map(|_| taste_rng.normal()).collect();
    let inv_sqrt_k = 1.0 / (k as f64).sqrt();

    let rank = popularity_rng.permutation(n_movies);
    let log_w: Vec<f64> = rank
        .iter()
        .map(|&r| {
            let tail = r as f64 / (TAIL_START * n_movies as f64);
            -config.popularity_exponent * (r as f64 + RANK_OFFSET).ln() - tail.powi(TAIL_POWER)
        })
        .collect();
    let pop_z = standardized(&log_w);
    let user_bias: Vec<f64> = (0..n_users).map(|_| USER_BIAS * score_rng.normal()).collect();
    let movie_bias: Vec<f64> = pop_z.iter().map(|z| MOVIE_BIAS * score_rng.normal() + POPULAR_BONUS * z).collect();

    let counts = activity(config, &mut activity_rng);

    // (user index, movie index, score) for every rating, by user then movie.
    let mut picked: Vec<(u32, u32, f64)> = Vec::with_capacity(config.n_ratings);
    let mut keys: Vec<(f64, u32)> = Vec::with_capacity(n_movies);
    let mut affinity = vec![0.0; n_movies];
    for u in 0..n_users {
        let p_u = &p[u * k..(u + 1) * k];
        keys.clear();
        for m in 0..n_movies {
            let q_m = &q[m * k..(m + 1) * k];
            affinity[m] = p_u.iter().zip(q_m).map(|(a, b)| a * b).sum::<f64>() * inv_sqrt_k;
            // Efraimidis–Spirakis: the c largest of ln(U)/w are a weighted draw of c without
            // replacement. Weight w_m·e^{γ·a} enters as a log so no weight can overflow.
            let log_weight = log_w[m] + CHOICE_TASTE * affinity[m];
            let u01 = 1.0 - choice_rng.uniform();
            keys.push((u01.ln() * (-log_weight).exp(), m as u32));
        }
        let c = counts[u];
        if c < n_movies {
            keys.select_nth_unstable_by(c, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        }
        let mut chosen: Vec<u32> = keys[..c].iter().map(|&(_, m)| m).collect();
        chosen.sort_unstable();
        for m in chosen {
            let mi = m as usize;
            let score = user_bias[u] + movie_bias[mi] + SCORE_TASTE * affinity[mi] + NOISE * score_rng.normal();
            picked.push((u as u32, m, score));
        }
    }

    let stars = stars_by_rank(&picked, &config.histogram);
    let ratings = picked
        .iter()
        .zip(stars)
        .map(|(&(u, m, _), rating)| Rating {
            user: u + 1,
            movie: m + 1,
            rating,
            timestamp: FIRST_TIME + score_rng.below((LAST_TIME - FIRST_TIME + 1) as usize) as u64,
        })
        .collect();
    let titles = titles(n_movies, &mut title_rng);
    Ok(Synthetic { ratings, titles })
}

/// Generates the table and splits it 80/20 with [`seeded_split`], the way ml-1m is split.
/// The tables keep the configured shape even if the last movie happens to get no rating.
pub fn split(config: &SyntheticConfig, fold: Fold, seed: u64) -> Result<Split> {
    let data = generate(config, seed)?;
    let (train, test) = seeded_split(&data.ratings, fold, seed);
    let source = format!(
        "synthetic MovieLens-shaped ratings ({} users × {} movies, {} ratings, seed {seed}), fold {fold}",
        config.n_users, config.n_movies, config.n_ratings
    );
    Split::new(
        RatingTable::from_ratings(config.n_users, config.n_movies, &train)?,
        RatingTable::from_ratings(config.n_users, config.n_movies, &test)?,
        data.titles,
        source,
    )
}

fn standardized(x: &[f64]) -> Vec<f64> {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let sd = (x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
    if sd > 0.0 { x.iter().map(|v| (v - mean) / sd).collect() } else { vec![0.0; x.len()] }
}

/// How many movies each user rates: `min_per_user` each, the rest shared in proportion to
/// lognormal weights, no one above the cap. Sums to `n_ratings`.
///
/// Whatever the cap cuts off is shared again, by weight, among the users still below it,
/// until nobody is above it (water-filling). Each round either places everything or caps at
/// least one more user, and the cap leaves room for every rating, so this ends.
fn activity(config: &SyntheticConfig, rng: &mut Rng) -> Vec<usize> {
    let n = config.n_users;
    let weight: Vec<f64> = (0..n).map(|_| (ACTIVITY_SPREAD * rng.normal()).exp()).collect();
    let soft_cap = (MAX_USER_SHARE * config.n_movies as f64).ceil() as usize;
    let cap = soft_cap.max(config.n_ratings.div_ceil(n)).min(config.n_movies);

    let mut counts = vec![config.min_per_user; n];
    let mut left = config.n_ratings - n * config.min_per_user;
    while left > 0 {
        let open: Vec<usize> = (0..n).filter(|&u| counts[u] < cap).collect();
        let gifts = share_out(left, &open.iter().map(|&u| weight[u]).collect::<Vec<_>>());
        left = 0;
        for (&u, gift) in open.iter().zip(gifts) {
            counts[u] += gift;
            if counts[u] > cap {
                left += counts[u] - cap;
                counts[u] = cap;
            }
        }
    }
    counts
}

/// Splits `total` into whole parts proportional to `weights` (all > 0):
///
/// ```text
/// part_i = round(total · W_i / W) − round(total · W_{i−1} / W)     W_i = w_1 + … + w_i
/// ```
///
/// The differences of rounded running totals add up to `total` exactly.
fn share_out(total: usize, weights: &[f64]) -> Vec<usize> {
    let sum: f64 = weights.iter().sum();
    let (mut running, mut given) = (0.0, 0usize);
    let mut parts = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        running += w;
        let upto =
            if i + 1 == weights.len() { total } else { ((total as f64 * running / sum).round() as usize).min(total) };
        parts.push(upto.saturating_sub(given));
        given = given.max(upto);
    }
    parts
}

/// Cuts the scores, ranked over the whole table, into stars 1 … 5 whose counts follow
/// `histogram`: the lowest h₁/Σh of the scores become 1, the next h₂/Σh become 2, and so on.
fn stars_by_rank(picked: &[(u32, u32, f64)], histogram: &[usize; 5]) -> Vec<u8> {
    let n = picked.len();
    let total: usize = histogram.iter().sum();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| picked[a].2.total_cmp(&picked[b].2).then(a.cmp(&b)));
    let mut stars = vec![0u8; n];
    let (mut start, mut cumulative) = (0usize, 0usize);
    for (s, &h) in histogram.iter().enumerate() {
        cumulative += h;
        let end = ((n as u128 * cumulative as u128 + total as u128 / 2) / total as u128) as usize;
        for &i in &order[start..end] {
            stars[i] = s as u8 + 1;
        }
        start = end;
    }
    stars
}

const ADJECTIVES: [&str; 40] = [
    "Quiet",
    "Silent",
    "Broken",
    "Golden",
    "Hidden",
    "Last",
    "Lost",
    "Crimson",
    "Distant",
    "Electric",
    "Endless",
    "Frozen",
    "Gentle",
    "Hollow",
    "Iron",
    "Lonely",
    "Midnight",
    "Northern",
    "Painted",
    "Restless",
    "Secret",
    "Shattered",
    "Silver",
    "Stolen",
    "Summer",
    "Velvet",
    "Wild",
    "Winter",
    "Wandering",
    "Burning",
    "Forgotten",
    "Little",
    "Dark",
    "Bright",
    "Final",
    "Savage",
    "Sweet",
    "Strange",
    "Falling",
    "Crooked",
];

const NOUNS: [&str; 48] = [
    "Harbor",
    "River",
    "Garden",
    "Kingdom",
    "Mirror",
    "Highway",
    "Station",
    "Letter",
    "Promise",
    "Island",
    "Shadow",
    "Storm",
    "Orchard",
    "Valley",
    "Engine",
    "Horizon",
    "Lantern",
    "Castle",
    "Bridge",
    "Window",
    "Stranger",
    "Witness",
    "Diary",
    "Circus",
    "Frontier",
    "Lighthouse",
    "Canyon",
    "Carnival",
    "Detective",
    "Empire",
    "Fortune",
    "Hotel",
    "Journey",
    "Melody",
    "Moon",
    "Mountain",
    "Ocean",
    "Orchestra",
    "Pilgrim",
    "Rider",
    "Season",
    "Sky",
    "Song",
    "Tide",
    "Voyage",
    "Wind",
    "Wolf",
    "Heart",
];

const PLACES: [&str; 20] = [
    "Paris",
    "Brooklyn",
    "Avalon",
    "Montana",
    "Havana",
    "Berlin",
    "Tangier",
    "Memphis",
    "Shanghai",
    "Dublin",
    "Casablanca",
    "Alaska",
    "Vienna",
    "Nowhere",
    "the North",
    "Lisbon",
    "Tokyo",
    "Texas",
    "Marseille",
    "Bombay",
];

const NAMES: [&str; 20] = [
    "Annie", "Max", "Rosa", "Jack", "Eleanor", "Sam", "Lucy", "Victor", "Mabel", "Oscar", "Nora", "Felix", "Ruby",
    "Hugo", "Iris", "Leo", "Greta", "Otto", "Vera", "Charlie",
];

fn pick<'a>(rng: &mut Rng, words: &[&'a str]) -> &'a str {
    words[rng.below(words.len())]
}

/// A title from one of eight patterns and a year, three in four from the 1990s as in ml-100k.
fn title(rng: &mut Rng) -> String {
    let name = match rng.below(8) {
        0 | 1 => format!("The {} {}", pick(rng, &ADJECTIVES), pick(rng, &NOUNS)),
        2 => format!("{} of {}", pick(rng, &NOUNS), pick(rng, &PLACES)),
        3 => format!("The {} of the {}", pick(rng, &NOUNS), pick(rng, &NOUNS)),
        4 => format!("{}'s {}", pick(rng, &NAMES), pick(rng, &NOUNS)),
        5 => format!("{} {}", pick(rng, &ADJECTIVES), pick(rng, &NOUNS)),
        6 => {
            let noun = pick(rng, &NOUNS);
            let article = if noun.starts_with(['A', 'E', 'I', 'O', 'U']) { "An" } else { "A" };
            format!("{article} {noun} in {}", pick(rng, &PLACES))
        }
        _ => format!("Return to {}", pick(rng, &PLACES)),
    };
    let year = if rng.bernoulli(0.75) { 1990 + rng.below(9) } else { 1930 + rng.below(60) };
    format!("{name} ({year})")
}

/// One unique title per movie id 1 … n. After a few clashes a title gets a sequel number.
fn titles(n: usize, rng: &mut Rng) -> Titles {
    let mut seen: HashSet<String> = HashSet::with_capacity(n);
    let mut titles = Titles::new();
    for id in 1..=n {
        let mut t = title(rng);
        for _ in 0..20 {
            if !seen.contains(&t) {
                break;
            }
            t = title(rng);
        }
        if seen.contains(&t) {
            let (name, year) = t.rsplit_once(" (").expect("titles end in a year");
            t = (2..).map(|part| format!("{name} {part} ({year}")).find(|c| !seen.contains(c)).expect("unbounded");
        }
        seen.insert(t.clone());
        titles.insert(id as u32, t);
    }
    titles
}
