//! §5 promises that ranking the predicted ratings tells a user which movies to watch. A
//! model's ratings can be off and its order still useful, so the order is checked on its own:
//! for each user with at least two test ratings, the test movie the model ranks first, and
//! the rating the user really gave it.
//!
//! ```text
//! top pick      (1/|U|) Σ_u r_u,top(u)     top(u) = argmax over u's test movies of r̂_ui
//! no ranking    (1/|U|) Σ_u mean_i r_ui    the rating of a test movie picked at random
//! ```
//!
//! A model whose order means something gives its users a top pick rated above their average.

use crate::data::movielens::RatingTable;

/// The mean true rating of each user's top-ranked test movie, beside the mean of the users'
/// average test ratings (what a random pick would get).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TopPick {
    pub top: f64,
    pub random: f64,
    /// Users with at least two test ratings, the ones counted.
    pub users: usize,
}

/// Scores `predict_user` (as for [`crate::recommender::evaluate`]) by its top picks. Ties go
/// to the movie listed first.
pub fn top_pick(test: &RatingTable, mut predict_user: impl FnMut(usize, &[(u32, u8)]) -> Vec<f64>) -> TopPick {
    let (mut top, mut random, mut users) = (0.0, 0.0, 0usize);
    for u in test.rated_users() {
        let row = test.row(u);
        if row.len() < 2 {
            continue;
        }
        let pred = predict_user(u, row);
        let best = (1..row.len()).fold(0, |b, i| if pred[i] > pred[b] { i } else { b });
        top += f64::from(row[best].1);
        random += row.iter().map(|&(_, r)| f64::from(r)).sum::<f64>() / row.len() as f64;
        users += 1;
    }
    let n = users.max(1) as f64;
    TopPick { top: top / n, random: random / n, users }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::movielens::Rating;

    #[test]
    fn a_perfect_order_picks_each_users_best_and_one_rating_users_are_skipped() {
        let r = |user, movie, rating| Rating { user, movie, rating, timestamp: 0 };
        let test =
            RatingTable::from_ratings(3, 3, &[r(1, 1, 2), r(1, 2, 5), r(2, 1, 3), r(2, 3, 1), r(3, 2, 4)]).unwrap();
        let exact = |_: usize, row: &[(u32, u8)]| row.iter().map(|&(_, r)| f64::from(r)).collect::<Vec<_>>();
        let p = top_pick(&test, exact);
        assert_eq!(p.users, 2);
        // Picks 5 and 3; averages 3.5 and 2.
        assert!((p.top - 4.0).abs() < 1e-12 && (p.random - 2.75).abs() < 1e-12, "{p:?}");
        let backwards = |_: usize, row: &[(u32, u8)]| row.iter().map(|&(_, r)| -f64::from(r)).collect::<Vec<_>>();
        assert!((top_pick(&test, backwards).top - 1.5).abs() < 1e-12);
    }
}
