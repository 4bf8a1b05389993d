//! What a data set may ask of §5's chapter before anything is allocated or trained.
//!
//! §5 counts users and movies as the largest ids (the article's `nb_users`, `nb_movies`), and
//! both models work on dense rows of that width: the article's model reads each user's row
//! of `n_movies` entries, AutoRec each movie's column of `n_users`. One line with user id
//! 1 000 000 in a file of 80 000 ratings would make every epoch a thousand times longer and
//! AutoRec's weights gigabytes, though the data did not grow. So the shape is checked against
//! the ratings, and against the memory it would need, and an error names the file, the line
//! and the id that set it.
//!
//! ```text
//! cells  = n_users · n_movies               the dense work of one epoch, per unit
//!          ≤ max(MIN_CELLS, CELLS_PER_RATING · ratings) and ≤ MAX_CELLS
//! memory ≈ 40·P(n_movies)                   the article's model: θ, gradient, RMSprop's average,
//!                                           and the runs of the gradient-reset study
//!        + Σ_members kept(m)                every trained member the blend holds at the end
//!        + train(a) + train(b)              the two costliest members training at once
//!   AutoRec with k units on a table of R input rows (users for I-AutoRec, movies for
//!   U-AutoRec) and C items:
//!        train = 64·k·R                     V, W (f64), their gradient and Adam's moments (f32),
//!                                           and a second model while it picks epochs
//!        kept  = 16·k·R + 8·k·C             V, W and every item's code
//!   MF with k factors: train = kept = 8·k·(n_users + n_movies)
//!          ≤ MAX_BYTES
//! ```
//!
//! ml-100k has 15.9 cells per rating and ml-1m 23.9 (6040 × 3952 for 1 000 209 ratings), so
//! real data passes with room to spare; a file whose ids leave large gaps is refused.

use crate::core::error::{Error, Result};
use crate::data::movielens::{IdAt, Split};
use crate::recommender::ensemble::Member;
use crate::recommender::experiment::{self, BlendSize};
use crate::recommender::faithful_fast::Sae;

/// Small data sets may always be this large (ml-100k is 1.6 million cells).
pub const MIN_CELLS: u64 = 4_000_000;
/// Cells allowed per rating: over twice the sparsest real data set the chapter reads.
pub const CELLS_PER_RATING: u64 = 64;
/// Never more cells than this (ml-1m is 23.9 million).
pub const MAX_CELLS: u64 = 32_000_000;
/// The most memory the estimate may reach: 1 GiB, well inside the 2 GB a chapter may use.
pub const MAX_BYTES: u64 = 1 << 30;
/// Too few ratings to score: each split needs at least this many training and test ratings.
pub const MIN_RATINGS: usize = 10;

/// The memory estimate of the module doc, in bytes, for a chapter whose own AutoRec has
/// `hidden` units: the members of the largest blend ([`BlendSize::Full`], which bounds the
/// smaller ones), with that AutoRec at `hidden` units.
pub fn estimate_bytes(n_users: usize, n_movies: usize, hidden: usize) -> u64 {
    let mut members = experiment::blend_members(BlendSize::Full, 1);
    if let Some(Member::ItemAutoRec(c, _)) = members.get_mut(1) {
        c.hidden = hidden;
    }
    estimate_members_bytes(n_users, n_movies, &members)
}

/// The memory estimate of the module doc, in bytes, for the blend of `members`.
pub fn estimate_members_bytes(n_users: usize, n_movies: usize, members: &[Member]) -> u64 {
    let (u, m) = (n_users as u64, n_movies as u64);
    let autorec = |k: usize, rows: u64, items: u64| (64 * k as u64 * rows, 16 * k as u64 * rows + 8 * k as u64 * items);
    // (train, kept) of each member
    let costs: Vec<(u64, u64)> = members
        .iter()
        .map(|member| match member {
            Member::Bias => (0, 0),
            Member::ItemAutoRec(c, _) => autorec(c.hidden, u, m),
            Member::UserAutoRec(c, _) => autorec(c.hidden, m, u),
            Member::Mf(c, _) => (8 * c.factors as u64 * (u + m), 8 * c.factors as u64 * (u + m)),
        })
        .collect();
    let mut train: Vec<u64> = costs.iter().map(|c| c.0).collect();
    train.sort_unstable_by(|a, b| b.cmp(a));
    let kept: u64 = costs.iter().map(|c| c.1).sum();
    40 * Sae::param_count(n_movies) as u64 + kept + train.iter().take(2).sum::<u64>()
}

/// The most cells `ratings` ratings may span.
pub fn cell_limit(ratings: usize) -> u64 {
    (CELLS_PER_RATING * ratings as u64).clamp(MIN_CELLS, MAX_CELLS)
}

/// An error if `split` has too few ratings to train and score, or a shape that would take
/// too long or too much memory for AutoRec with `hidden` units.
pub fn check(split: &Split, hidden: usize) -> Result<()> {
    let (train, test) = (split.train.len(), split.test.len());
    if train < MIN_RATINGS || test < MIN_RATINGS {
        return Err(Error::Invalid(format!(
            "{}: {train} training and {test} test ratings; training and scoring need at least {MIN_RATINGS} of \
             each (the test split is a fifth of the ratings, so give at least {})",
            split.source,
            5 * MIN_RATINGS
        )));
    }
    let (nu, nm) = (split.n_users(), split.n_movies());
    let ratings = train + test;
    let cells = nu as u64 * nm as u64;
    let bytes = estimate_bytes(nu, nm, hidden);
    let problem = if cells > cell_limit(ratings) {
        format!(
            "makes the table {nu} users × {nm} movies = {cells} cells for {ratings} ratings; the models work on \
             dense rows, so they take at most {} cells here ({CELLS_PER_RATING} a rating, from {MIN_CELLS} up to \
             {MAX_CELLS}): number the ids from 1 without large gaps",
            cell_limit(ratings)
        )
    } else if bytes > MAX_BYTES {
        format!(
            "makes the table {nu} users × {nm} movies, which needs about {} MiB, more than the {} MiB the chapter \
             allows",
            bytes >> 20,
            MAX_BYTES >> 20
        )
    } else {
        return Ok(());
    };
    // The id to blame: the dimension whose largest id stands furthest above how many ids occur.
    let distinct = |ids: &mut dyn Iterator<Item = usize>| {
        let mut v: Vec<usize> = ids.collect();
        v.sort_unstable();
        v.dedup();
        v.len().max(1)
    };
    let users = distinct(&mut split.train.iter().chain(split.test.iter()).map(|e| e.user));
    let movies = distinct(&mut split.train.iter().chain(split.test.iter()).map(|e| e.movie));
    let user_gap = nu as f64 / users as f64 >= nm as f64 / movies as f64;
    let blame = |at: &IdAt, what: &str| Error::parse(&at.file, at.line, format!("{what} {} {problem}", at.id));
    Err(match &split.largest {
        Some(l) if user_gap => blame(&l.user, "user id"),
        Some(l) => blame(&l.movie, "movie id"),
        None => Error::Invalid(format!("{}: the data {problem}", split.source)),
    })
}
