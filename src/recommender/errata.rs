//! Two of §5's errata, as running code.
//!
//! **(b) A rating lost at the top of each file (§5 1.3).** The course code reads `u1.base` and
//! `u1.test` with pandas' `read_csv(…, delimiter = '\t')` and no `header = None`. Those files
//! have no header, so pandas takes the first line of each for the column names, and that
//! line's rating never reaches the model: one training rating and one test rating are gone.
//! [`read_as_course`] reads a file that way; [`course_split`] builds the split the course code
//! trains and tests on.
//!
//! **(d) The metric's name (§5 Part 4).** The article calls its test figure an absolute mean.
//! The course code computes each user's root mean squared error and averages those over users
//! ([`crate::recommender::Metrics::article_loss`]). What an absolute mean would be, the mean over
//! users of each user's mean absolute error, is [`mean_user_mae`]: a different number.
//!
//! ```text
//! the article's figure   (1/|U|) Σ_u √( Σ_{i∈T_u} (r̂_ui − r_ui)² / |T_u| )
//! an absolute mean       (1/|U|) Σ_u      Σ_{i∈T_u} |r̂_ui − r_ui|  / |T_u|     ≤ the figure above
//! ```
//!
//! For each user the RMSE is at least the mean absolute error, so the article's figure is
//! never below the absolute mean, and equal only if every error of a user has one size.

use std::fmt::Write as _;
use std::path::Path;

use crate::core::error::{Error, Result};
use crate::data::movielens::{self, Format, Rating, RatingTable, Split, Titles};
use crate::recommender::{Metrics, experiment, faithful, faithful_fast};
use crate::render::text::fmt_num;

/// A ratings file as the course code reads it: the ratings that reach the model, and the one
/// pandas took for column names.
#[derive(Clone, Debug, PartialEq)]
pub struct CourseRead {
    pub ratings: Vec<Rating>,
    pub header: Rating,
}

/// Reads a headerless ml-100k ratings file the way `read_csv` without `header = None` does:
/// the first line that is not blank becomes the header. Errors name `file` and the line as
/// [`movielens::parse_ratings`] does (line numbers are those of the file).
pub fn read_as_course(bytes: &[u8], file: &Path) -> Result<CourseRead> {
    let mut start = 0;
    for line in bytes.split(|&b| b == b'\n') {
        if !line.iter().all(u8::is_ascii_whitespace) {
            break;
        }
        start += line.len() + 1;
    }
    if start >= bytes.len() {
        return Err(Error::format(file, "no ratings: the file is empty"));
    }
    let end = bytes[start..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| start + p);
    let header = movielens::parse_ratings(&bytes[..end], Format::Ml100k, file)?[0];
    // The header line is blanked rather than cut, so later lines keep their numbers.
    let mut rest = bytes.to_vec();
    rest[start..end].fill(b' ');
    if rest.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::format(file, "only one line: read with its first line as a header, no rating is left"));
    }
    Ok(CourseRead { ratings: movielens::parse_ratings(&rest, Format::Ml100k, file)?, header })
}

/// A ratings file: the name to report and its bytes.
pub type NamedFile = (String, Vec<u8>);

/// A table in ml-100k's file layout, `user⇥movie⇥rating⇥timestamp`, one rating a line in
/// (user, movie) order as `uN.base` and `uN.test` are sorted. Timestamps are written as 0:
/// nothing reads them.
pub fn ml100k_text(table: &RatingTable) -> Vec<u8> {
    let mut s = String::with_capacity(table.len() * 16);
    for e in table.iter() {
        let _ = writeln!(s, "{}\t{}\t{}\t0", e.user + 1, e.movie + 1, e.rating);
    }
    s.into_bytes()
}

/// The two files the course code would read for this split, with their names: `uN.base` and
/// `uN.test` themselves when `data` is an ml-100k folder that has them, otherwise the split's
/// ratings written in that layout (built-in ratings, or ml-100k rebuilt from `u.data`).
/// `None` for ml-1m, which the course reads from `ratings.dat` with `header = None` (§5 1.2),
/// so nothing is lost there.
pub fn course_files(data: Option<&Path>, fold: movielens::Fold, split: &Split) -> Result<Option<[NamedFile; 2]>> {
    let written = || {
        Some([
            (format!("{fold}.base (written from the split)"), ml100k_text(&split.train)),
            (format!("{fold}.test (written from the split)"), ml100k_text(&split.test)),
        ])
    };
    let Some(dir) = data else { return Ok(written()) };
    if movielens::detect(dir)? == Format::Ml1m {
        return Ok(None);
    }
    let (base, test) = (dir.join(format!("{fold}.base")), dir.join(format!("{fold}.test")));
    if !(base.is_file() && test.is_file()) {
        return Ok(written());
    }
    // Checked and bounded like every input (a regular file under the ratings limit). Read a
    // second time after movielens::load: the split keeps the parsed ratings, not the bytes,
    // and the course's reading needs the bytes with their first line.
    let read = |p: &Path| crate::core::files::read_input(p, crate::core::files::Kind::RATINGS);
    Ok(Some([(base.display().to_string(), read(&base)?), (test.display().to_string(), read(&test)?)]))
}

/// The split the course code works with, and the two ratings it lost.
#[derive(Clone, Debug)]
pub struct CourseSplit {
    pub split: Split,
    /// The training file's first rating, then the test file's.
    pub lost: [Rating; 2],
}

/// Reads both files with [`read_as_course`] and counts users and movies as §5 1.4 does.
pub fn course_split(files: &[NamedFile; 2], titles: Titles) -> Result<CourseSplit> {
    let train = read_as_course(&files[0].1, Path::new(&files[0].0))?;
    let test = read_as_course(&files[1].1, Path::new(&files[1].0))?;
    let source = format!("{} and {}, each read with its first line as a header", files[0].0, files[1].0);
    Ok(CourseSplit {
        split: Split::from_ratings(&train.ratings, &test.ratings, titles, source)?,
        lost: [train.header, test.header],
    })
}

/// Trains the article's model on `split` for `epochs`, the course code's way (`config`, on
/// `threads` threads), from `seed`'s initial weights, and scores it on the split's test ratings.
pub fn train_and_test(
    split: &Split,
    config: faithful::Config,
    threads: usize,
    epochs: usize,
    seed: u64,
) -> Result<Metrics> {
    let run = experiment::train_faithful(&split.train, config, threads, epochs, seed, |_, _| {})?;
    Ok(faithful_fast::test_metrics(&run.sae, &split.train, &split.test))
}

/// Erratum (b) run: the files as the course reads them, the ratings lost, and the model
/// trained and tested without them.
#[derive(Clone, Debug)]
pub struct CourseRun {
    /// The two files' names, training file first.
    pub files: [String; 2],
    pub lost: [Rating; 2],
    pub train_ratings: usize,
    pub test_ratings: usize,
    pub epochs: usize,
    pub metrics: Metrics,
}

/// The split `fold` read the way the course code reads it ([`course_files`], [`course_split`])
/// and the article's model trained on it as [`train_and_test`] does; `None` for ml-1m.
pub fn course_reading(
    data: Option<&Path>,
    fold: movielens::Fold,
    split: &Split,
    (config, threads, epochs, seed): (faithful::Config, usize, usize, u64),
) -> Result<Option<CourseRun>> {
    let Some(files) = course_files(data, fold, split)? else { return Ok(None) };
    let course = course_split(&files, split.titles.clone())?;
    let metrics = train_and_test(&course.split, config, threads, epochs, seed)?;
    Ok(Some(CourseRun {
        files: [files[0].0.clone(), files[1].0.clone()],
        lost: course.lost,
        train_ratings: course.split.train.len(),
        test_ratings: course.split.test.len(),
        epochs,
        metrics,
    }))
}

impl CourseRun {
    /// What the chapter prints: the lost ratings, and the test figures beside `article`'s (the
    /// model trained on every rating).
    pub fn report(&self, article: &Metrics) -> String {
        let mut s = String::from(
            "Step 2b. The course code reads each file with pandas' read_csv and no header=None (its 1.3),\n  \
             so the first line of each becomes the column names and its rating is lost:\n",
        );
        for (f, r) in self.files.iter().zip(&self.lost) {
            let _ = writeln!(s, "    {f}: user {} rated movie {} a {}", r.user, r.movie, r.rating);
        }
        let (m, n) = (&self.metrics, fmt_num);
        let _ = writeln!(
            s,
            "  Trained on the rest ({} ratings) for {} epochs and tested on {} ratings, the article's test\n  \
             loss is {} instead of {}, the global RMSE {} instead of {}: the lost ratings change the training path.\n",
            self.train_ratings,
            self.epochs,
            self.test_ratings,
            n(m.article_loss, 4),
            n(article.article_loss, 4),
            n(m.rmse, 4),
            n(article.rmse, 4)
        );
        s
    }
}

/// The mean over users of each user's mean absolute error on their test ratings (see the
/// module doc); `predict_user` as for [`crate::recommender::evaluate`].
pub fn mean_user_mae(test: &RatingTable, mut predict_user: impl FnMut(usize, &[(u32, u8)]) -> Vec<f64>) -> f64 {
    let (mut sum, mut users) = (0.0, 0usize);
    for u in test.rated_users() {
        let row = test.row(u);
        let pred = predict_user(u, row);
        let mae: f64 = row.iter().zip(&pred).map(|(&(_, r), p)| (p - f64::from(r)).abs()).sum::<f64>();
        sum += mae / row.len() as f64;
        users += 1;
    }
    if users == 0 { 0.0 } else { sum / users as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_becomes_the_header_and_its_rating_is_lost() {
        let text = b"\n1\t1\t5\t874965758\n1\t2\t3\t876893171\n2\t1\t4\t888550871\n";
        let read = read_as_course(text, Path::new("u1.base")).unwrap();
        assert_eq!(read.header, Rating { user: 1, movie: 1, rating: 5, timestamp: 874965758 });
        assert_eq!(read.ratings.len(), 2);
        assert_eq!((read.ratings[0].movie, read.ratings[1].user), (2, 2));
        // A bad line keeps its number in the file.
        let bad = b"1\t1\t5\t0\n1\t2\t3\t0\n1\t3\t9\t0\n";
        let err = read_as_course(bad, Path::new("u1.base")).unwrap_err().to_string();
        assert!(err.contains("u1.base:3"), "{err}");
    }

    #[test]
    fn a_file_of_one_line_has_no_rating_left() {
        assert!(read_as_course(b"1\t1\t5\t0\n", Path::new("f")).is_err());
        assert!(read_as_course(b"\n \n", Path::new("f")).is_err());
    }

    #[test]
    fn the_absolute_mean_never_exceeds_the_articles_figure() {
        // User 0: errors 1 and 3 → MAE 2, RMSE √5 ≈ 2.236; user 1: error 2 → both 2.
        let ratings = [
            Rating { user: 1, movie: 1, rating: 2, timestamp: 0 },
            Rating { user: 1, movie: 2, rating: 4, timestamp: 0 },
            Rating { user: 2, movie: 1, rating: 3, timestamp: 0 },
        ];
        let test = RatingTable::from_ratings(2, 2, &ratings).unwrap();
        let predict = |u: usize, row: &[(u32, u8)]| -> Vec<f64> {
            row.iter()
                .map(|&(m, r)| if u == 0 && m == 0 { f64::from(r) + 1.0 } else { f64::from(r) - 3.0 + u as f64 })
                .collect()
        };
        let mae = mean_user_mae(&test, predict);
        let article = crate::recommender::evaluate(&test, predict).article_loss;
        assert!((mae - 2.0).abs() < 1e-12, "{mae}");
        assert!((article - (5f64.sqrt() + 2.0) / 2.0).abs() < 1e-12, "{article}");
    }

    #[test]
    fn a_written_table_reads_back() {
        let ratings = [
            Rating { user: 1, movie: 3, rating: 4, timestamp: 0 },
            Rating { user: 2, movie: 1, rating: 1, timestamp: 0 },
        ];
        let table = RatingTable::from_ratings(2, 3, &ratings).unwrap();
        let back = movielens::parse_ratings(&ml100k_text(&table), Format::Ml100k, Path::new("t")).unwrap();
        assert_eq!(back, ratings);
    }
}
