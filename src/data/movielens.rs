//! MovieLens ratings for the §5 recommender: the readers, the train/test split and the sparse
//! user × movie table the autoencoder learns from.
//!
//! §5 of the article loads MovieLens, takes a training and a test file, counts users and movies
//! as the largest id seen in either, and turns each into a matrix with one row per user, one
//! column per movie, the rating where there is one and 0 where there is none. This module does
//! the same, from nothing but `std`, for the two layouts GroupLens ships:
//!
//! ```text
//! ml-100k   u.data, u1.base … u5.test     user ⇥ item ⇥ rating ⇥ timestamp
//!           u.item (titles)               id|title|date|video date|url|19 genre flags
//! ml-1m     ratings.dat                   UserID::MovieID::Rating::Timestamp
//!           movies.dat (titles)           MovieID::Title::Genres
//! ```
//!
//! Title files are Latin-1: every byte is the character U+00XX, so byte 0xE9 reads as 'é'.
//! [`load`] looks at a directory, decides which layout it holds, and returns a [`Split`]:
//!
//! ```text
//! ml-100k, fold uN   uN.base / uN.test if both exist; otherwise the N-th fifth of u.data is
//!                    the test set and the rest the training set, each sorted by (user, item),
//!                    exactly as the data set's own mku.sh builds them
//! ml-1m,   fold uN   ratings.dat in a seeded random order; its N-th fifth is the test set
//! ```
//!
//! Two tiny files by hand: the table is 2 users × 3 movies because the largest ids over
//! both files are user 2 and movie 3.
//!
//! ```
//! use std::path::Path;
//! use autoencoders::data::movielens::{Format, Split, Titles, parse_ratings};
//! let train = parse_ratings(b"1\t2\t5\t0\n2\t1\t3\t0\n", Format::Ml100k, Path::new("u1.base")).unwrap();
//! let test = parse_ratings(b"1\t3\t4\t0\n", Format::Ml100k, Path::new("u1.test")).unwrap();
//! let split = Split::from_ratings(&train, &test, Titles::new(), "by hand".into()).unwrap();
//! assert_eq!((split.n_users(), split.n_movies()), (2, 3));
//! // User 1 gave movie 2 a 5; their rating of movie 3 is in the test set, so 0 here.
//! assert_eq!(split.train.dense_row(0), vec![0.0, 5.0, 0.0]);
//! assert_eq!(split.test.dense_row(0), vec![0.0, 0.0, 4.0]);
//!
//! let bad = parse_ratings(b"1\t2\t5\t0\n1\t2\t9\t0\n", Format::Ml100k, Path::new("u1.base"));
//! assert_eq!(bad.unwrap_err().to_string(), "u1.base:2: rating \"9\" is outside 1–5");
//! ```
//!
//! ## Indices and ids
//!
//! Files and [`Rating`] use MovieLens ids, which start at 1. Tables use indices, which start
//! at 0: user index `u` is user id `u + 1` and movie index `m` is movie id `m + 1` (the
//! article's `id_movies - 1`). [`Titles`] is keyed by movie id; [`Split::title`] takes an index.
//!
//! ## What the readers accept
//!
//! - Lines end in LF or CRLF; a final newline is optional; empty (or blank) lines are skipped,
//!   as pandas and `numpy.loadtxt` skip them.
//! - Spaces around a field are ignored; everything else must be exact: the right number of
//!   fields, ids that are whole numbers from 1 to [`MAX_ID`], a whole rating from 1 to 5, a
//!   whole-number timestamp, and no (user, movie) pair twice in one file.
//! - A ratings file with no ratings is an error. A missing title file only loses the titles
//!   ([`Titles::name`] falls back to `movie <id>`); a malformed one is an error.
//! - Every error names the file and, for a bad line, its number. No input makes a reader panic.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::core::error::{Error, Result};
use crate::core::files;
use crate::core::matrix::Matrix;
use crate::core::rng::Rng;

/// The largest user or movie id the readers accept. MovieLens 25M stays below 300 000; the cap
/// keeps a corrupt id from asking for billions of empty rows.
pub const MAX_ID: u32 = 1_000_000;

/// One line of a ratings file. Ids are MovieLens ids (from 1), the rating is 1–5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rating {
    pub user: u32,
    pub movie: u32,
    pub rating: u8,
    /// Seconds since 1970, as the files give it. Nothing downstream uses it.
    pub timestamp: u64,
}

/// The two on-disk layouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// MovieLens 100K: tab-separated ratings, `|`-separated `u.item`.
    Ml100k,
    /// MovieLens 1M: `::`-separated `ratings.dat` and `movies.dat`.
    Ml1m,
}

impl Format {
    fn separator(self) -> &'static [u8] {
        match self {
            Format::Ml100k => b"\t",
            Format::Ml1m => b"::",
        }
    }

    fn ratings_layout(self) -> &'static str {
        match self {
            Format::Ml100k => "4 tab-separated fields (user, item, rating, timestamp)",
            Format::Ml1m => "4 fields separated by :: (UserID::MovieID::Rating::Timestamp)",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Ml100k => "ml-100k",
            Format::Ml1m => "ml-1m",
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Folds

/// Which of the five train/test splits to use: `u1` … `u5`, as ml-100k names them.
///
/// ```text
/// fold k of n ratings: the test set is positions ⌊(k−1)·n/5⌋ .. ⌊k·n/5⌋, the rest is training
/// ```
///
/// For ml-100k's 100 000 lines that is mku.sh's k-th block of 20 000. The five test sets are
/// disjoint and together cover every rating.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fold(u8);

impl Default for Fold {
    /// `u1`, the split the article's course code trains on.
    fn default() -> Fold {
        Fold(1)
    }
}

impl Fold {
    /// Fold `k` for k in 1..=5; anything else is a usage error.
    pub fn new(k: usize) -> Result<Fold> {
        match k {
            1..=5 => Ok(Fold(k as u8)),
            _ => Err(Error::Usage(format!("split must be one of u1 … u5, got {k}"))),
        }
    }

    /// Reads `u1` … `u5` (or a bare `1` … `5`).
    pub fn parse(s: &str) -> Result<Fold> {
        let digits = s.strip_prefix('u').unwrap_or(s);
        match digits.parse::<usize>() {
            Ok(k @ 1..=5) if digits.len() == 1 => Fold::new(k),
            _ => Err(Error::Usage(format!("split must be one of u1 … u5, got {s:?}"))),
        }
    }

    /// The fold's number, 1 to 5.
    pub fn number(self) -> usize {
        usize::from(self.0)
    }

    /// The test block of a list of `n` ratings: `⌊(k−1)·n/5⌋ .. ⌊k·n/5⌋`.
    pub fn test_range(self, n: usize) -> std::ops::Range<usize> {
        let k = self.number();
        (k - 1) * n / 5..k * n / 5
    }

    /// All five folds, u1 first.
    pub fn all() -> [Fold; 5] {
        [1, 2, 3, 4, 5].map(Fold)
    }
}

impl fmt::Display for Fold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "u{}", self.number())
    }
}

impl FromStr for Fold {
    type Err = Error;
    fn from_str(s: &str) -> Result<Fold> {
        Fold::parse(s)
    }
}

/// Splits `ratings` as ml-100k's mku.sh does: the fold's block of the list, in file order, is
/// the test set, the rest the training set, and each is then sorted by (user, movie).
///
/// mku.sh sorts with `sort -t"<tab>" -k 1,1n -k 2,2n`, numeric on user then item. Without `-s`,
/// GNU sort breaks ties by comparing whole lines, but the readers reject a repeated
/// (user, movie) pair, so no two ratings tie and the order is fully determined.
pub fn mku_split(ratings: &[Rating], fold: Fold) -> (Vec<Rating>, Vec<Rating>) {
    let block = fold.test_range(ratings.len());
    let mut test = ratings[block.clone()].to_vec();
    let mut train: Vec<Rating> = ratings[..block.start].iter().chain(&ratings[block.end..]).copied().collect();
    sort_by_user_movie(&mut train);
    sort_by_user_movie(&mut test);
    (train, test)
}

/// Splits `ratings` 80/20 at random: a permutation drawn from the seed orders the ratings and
/// the fold's fifth of that order is the test set. Same seed, same split; the five folds of
/// one seed partition the ratings. Both parts come back sorted by (user, movie).
///
/// The permutation comes from `Rng::new(seed).fork(SPLIT_STREAM)`, so a generator that made
/// the ratings from the same seed does not reuse its numbers for the split.
pub fn seeded_split(ratings: &[Rating], fold: Fold, seed: u64) -> (Vec<Rating>, Vec<Rating>) {
    let order = Rng::new(seed).fork(SPLIT_STREAM).permutation(ratings.len());
    let block = fold.test_range(ratings.len());
    let mut test: Vec<Rating> = order[block.clone()].iter().map(|&i| ratings[i]).collect();
    let mut train: Vec<Rating> = order[..block.start].iter().chain(&order[block.end..]).map(|&i| ratings[i]).collect();
    sort_by_user_movie(&mut train);
    sort_by_user_movie(&mut test);
    (train, test)
}

/// The label of the split's random stream (see [`Rng::fork`]).
const SPLIT_STREAM: u64 = 0x5_9117;

fn sort_by_user_movie(ratings: &mut [Rating]) {
    ratings.sort_by_key(|r| (r.user, r.movie));
}

// ---------------------------------------------------------------------------------------------
// Reading lines and fields

/// Latin-1 decoding: byte b is the character U+00b. Never fails.
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// A field as an error message shows it: Latin-1, quoted, control characters escaped, cut
/// after 24 bytes so a binary blob cannot flood the terminal.
fn shown(field: &[u8]) -> String {
    const MAX: usize = 24;
    if field.len() > MAX { format!("{:?}…", latin1(&field[..MAX])) } else { format!("{:?}", latin1(field)) }
}

/// The non-blank lines of a file, numbered from 1, with a trailing CR removed.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    bytes.split(|&b| b == b'\n').enumerate().filter_map(|(i, line)| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(|b| b.is_ascii_whitespace()) { None } else { Some((i + 1, line)) }
    })
}

/// Splits a line on a one- or two-byte separator.
fn fields<'a>(line: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::with_capacity(4);
    let mut start = 0;
    let mut i = 0;
    while i + sep.len() <= line.len() {
        if &line[i..i + sep.len()] == sep {
            out.push(&line[start..i]);
            i += sep.len();
            start = i;
        } else {
            i += 1;
        }
    }
    out.push(&line[start..]);
    out
}

fn trim_spaces(field: &[u8]) -> &[u8] {
    let start = field.iter().position(|&b| b != b' ').unwrap_or(field.len());
    let end = field.iter().rposition(|&b| b != b' ').map_or(start, |e| e + 1);
    &field[start..end]
}

enum Whole {
    Value(u64),
    NotANumber,
    TooLarge,
}

/// A whole number written in ASCII digits only: no sign, no point, no exponent.
fn whole(field: &[u8]) -> Whole {
    let field = trim_spaces(field);
    if field.is_empty() || !field.iter().all(u8::is_ascii_digit) {
        return Whole::NotANumber;
    }
    let mut v: u64 = 0;
    for &b in field {
        match v.checked_mul(10).and_then(|v| v.checked_add(u64::from(b - b'0'))) {
            Some(next) => v = next,
            None => return Whole::TooLarge,
        }
    }
    Whole::Value(v)
}

/// A user or movie id: a whole number in 1..=MAX_ID. `what` is "user id", "movie id", ...
fn id(field: &[u8], what: &str, file: &Path, line: usize) -> Result<u32> {
    match whole(field) {
        Whole::Value(0) => Err(Error::parse(file, line, format!("{what} is 0; MovieLens ids start at 1"))),
        Whole::Value(v) if v <= u64::from(MAX_ID) => Ok(v as u32),
        Whole::Value(_) | Whole::TooLarge => Err(Error::parse(
            file,
            line,
            format!("{what} {} is larger than {MAX_ID}, the most this reader accepts", shown(trim_spaces(field))),
        )),
        Whole::NotANumber => Err(Error::parse(file, line, format!("{what} {} is not a whole number", shown(field)))),
    }
}

fn rating(field: &[u8], file: &Path, line: usize) -> Result<u8> {
    match whole(field) {
        Whole::Value(v @ 1..=5) => Ok(v as u8),
        Whole::Value(_) | Whole::TooLarge => {
            Err(Error::parse(file, line, format!("rating {} is outside 1–5", shown(trim_spaces(field)))))
        }
        Whole::NotANumber => {
            Err(Error::parse(file, line, format!("rating {} is not a whole number from 1 to 5", shown(field))))
        }
    }
}

fn timestamp(field: &[u8], file: &Path, line: usize) -> Result<u64> {
    match whole(field) {
        Whole::Value(v) => Ok(v),
        Whole::TooLarge => Err(Error::parse(file, line, format!("timestamp {} is too large", shown(field)))),
        Whole::NotANumber => Err(Error::parse(file, line, format!("timestamp {} is not a whole number", shown(field)))),
    }
}

// ---------------------------------------------------------------------------------------------
// Ratings files

/// Parses the bytes of a ratings file (`u.data`, `uN.base`, `uN.test` or `ratings.dat`).
/// `file` is only the name errors carry. The ratings come back in file order.
pub fn parse_ratings(bytes: &[u8], format: Format, file: &Path) -> Result<Vec<Rating>> {
    parse_ratings_lines(bytes, format, file).map(|(ratings, _)| ratings)
}

/// [`parse_ratings`], with the line each rating came from.
pub fn parse_ratings_lines(bytes: &[u8], format: Format, file: &Path) -> Result<(Vec<Rating>, Vec<usize>)> {
    // Sized by a first pass over the lines: grown by doubling, ml-1m's million ratings would
    // briefly hold both the old 16 MB and the new 32 MB buffer.
    let n_lines = lines(bytes).count();
    let mut ratings = Vec::with_capacity(n_lines);
    let mut line_of = Vec::with_capacity(n_lines);
    for (line, text) in lines(bytes) {
        let f = fields(text, format.separator());
        if f.len() != 4 {
            return Err(Error::parse(
                file,
                line,
                format!("expected {}, found {} field{}", format.ratings_layout(), f.len(), plural(f.len())),
            ));
        }
        let user = id(f[0], "user id", file, line)?;
        let movie = id(f[1], "movie id", file, line)?;
        let rating = rating(f[2], file, line)?;
        let timestamp = timestamp(f[3], file, line)?;
        ratings.push(Rating { user, movie, rating, timestamp });
        line_of.push(line);
    }
    if ratings.is_empty() {
        return Err(Error::format(file, "no ratings: the file is empty"));
    }
    check_no_repeats(&ratings, &line_of, file)?;
    Ok((ratings, line_of))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A (user, movie) pair rated twice in one file is an error at its second line; of several
/// such pairs the one whose repeat comes first is reported.
fn check_no_repeats(ratings: &[Rating], line_of: &[usize], file: &Path) -> Result<()> {
    let mut order: Vec<usize> = (0..ratings.len()).collect();
    order.sort_unstable_by_key(|&i| (ratings[i].user, ratings[i].movie, i));
    let mut first_repeat: Option<(usize, usize)> = None;
    for w in order.windows(2) {
        let (a, b) = (&ratings[w[0]], &ratings[w[1]]);
        if (a.user, a.movie) == (b.user, b.movie) && first_repeat.is_none_or(|(_, later)| w[1] < later) {
            first_repeat = Some((w[0], w[1]));
        }
    }
    match first_repeat {
        None => Ok(()),
        Some((earlier, later)) => {
            let r = &ratings[later];
            Err(Error::parse(
                file,
                line_of[later],
                format!(
                    "user {} rated movie {} already on line {}; each pair may appear once",
                    r.user, r.movie, line_of[earlier]
                ),
            ))
        }
    }
}

/// Reads and parses a ratings file.
pub fn read_ratings(path: &Path, format: Format) -> Result<Vec<Rating>> {
    read_ratings_located(path, format).map(|(ratings, _)| ratings)
}

/// Where an id was read: the file and line of the first rating that carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdAt {
    pub file: PathBuf,
    pub line: usize,
    pub id: u32,
}

/// The largest user id and the largest movie id of a data set, where each was read. They set
/// the table's shape, so a size check can name the line that made it large.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Largest {
    pub user: IdAt,
    pub movie: IdAt,
}

impl Largest {
    /// The largest ids of `ratings` read from `file` at lines `line_of` (`None` if empty).
    fn of(ratings: &[Rating], line_of: &[usize], file: &Path) -> Option<Largest> {
        let at = |key: fn(&Rating) -> u32| {
            let i = (0..ratings.len()).rev().max_by_key(|&i| key(&ratings[i]))?;
            Some(IdAt { file: file.to_path_buf(), line: line_of[i], id: key(&ratings[i]) })
        };
        Some(Largest { user: at(|r| r.user)?, movie: at(|r| r.movie)? })
    }

    /// Of two data sets' largest ids, the larger, the first one's on a tie.
    fn max(a: Option<Largest>, b: Option<Largest>) -> Option<Largest> {
        let pick = |x: IdAt, y: IdAt| if y.id > x.id { y } else { x };
        match (a, b) {
            (Some(a), Some(b)) => Some(Largest { user: pick(a.user, b.user), movie: pick(a.movie, b.movie) }),
            (a, b) => a.or(b),
        }
    }
}

/// [`read_ratings`], with the largest ids and where they were read.
pub fn read_ratings_located(path: &Path, format: Format) -> Result<(Vec<Rating>, Option<Largest>)> {
    let (ratings, line_of) = parse_ratings_lines(&files::read_input(path, files::Kind::RATINGS)?, format, path)?;
    let largest = Largest::of(&ratings, &line_of, path);
    Ok((ratings, largest))
}

// ---------------------------------------------------------------------------------------------
// Titles

/// Movie titles by MovieLens id, and the ids by exact title.
///
/// Titles need not be unique (ml-100k lists 18 titles twice under different ids), so
/// [`Titles::ids_of`] returns every id that carries a title.
#[derive(Clone, Debug, Default)]
pub struct Titles {
    by_id: BTreeMap<u32, String>,
    by_title: HashMap<String, Vec<u32>>,
}

impl Titles {
    /// No titles at all: every movie is `movie <id>`.
    pub fn new() -> Titles {
        Titles::default()
    }

    /// Sets the title of a movie id, replacing (and returning) any earlier one.
    pub fn insert(&mut self, id: u32, title: String) -> Option<String> {
        let old = self.by_id.insert(id, title.clone());
        if let Some(old) = &old
            && let Some(ids) = self.by_title.get_mut(old)
        {
            ids.retain(|&i| i != id);
            if ids.is_empty() {
                self.by_title.remove(old);
            }
        }
        let ids = self.by_title.entry(title).or_default();
        let at = ids.partition_point(|&i| i < id);
        ids.insert(at, id);
        old
    }

    /// The title of a movie id, if the title file gave one.
    pub fn get(&self, id: u32) -> Option<&str> {
        self.by_id.get(&id).map(String::as_str)
    }

    /// The title of a movie id, or `movie <id>` when there is none.
    pub fn name(&self, id: u32) -> String {
        self.get(id).map_or_else(|| format!("movie {id}"), str::to_string)
    }

    /// Every id whose title is exactly `title`, ascending (empty if none).
    pub fn ids_of(&self, title: &str) -> &[u32] {
        self.by_title.get(title).map_or(&[], Vec::as_slice)
    }

    /// The smallest id whose title is exactly `title`.
    pub fn id_of(&self, title: &str) -> Option<u32> {
        self.ids_of(title).first().copied()
    }

    /// How many movies have a title.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// (id, title) pairs in id order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        self.by_id.iter().map(|(&id, t)| (id, t.as_str()))
    }
}

/// Parses the bytes of a title file (`u.item` or `movies.dat`), decoding them as Latin-1.
///
/// ```text
/// u.item       id|title|…        at least 2 fields; the rest (dates, url, genres) is ignored
/// movies.dat   id::title::genres at least 3 fields; a title holding "::" keeps it
/// ```
///
/// An empty title (after trimming spaces) counts as no title. An empty file gives no titles.
pub fn parse_titles(bytes: &[u8], format: Format, file: &Path) -> Result<Titles> {
    let (min_fields, layout) = match format {
        Format::Ml100k => (2, "at least 2 |-separated fields (movie id|title|…)"),
        Format::Ml1m => (3, "3 fields separated by :: (MovieID::Title::Genres)"),
    };
    let sep: &[u8] = match format {
        Format::Ml100k => b"|",
        Format::Ml1m => b"::",
    };
    let mut titles = Titles::new();
    let mut first_line: HashMap<u32, usize> = HashMap::new();
    for (line, text) in lines(bytes) {
        let f = fields(text, sep);
        if f.len() < min_fields {
            return Err(Error::parse(
                file,
                line,
                format!("expected {layout}, found {} field{}", f.len(), plural(f.len())),
            ));
        }
        let movie = id(f[0], "movie id", file, line)?;
        if let Some(earlier) = first_line.insert(movie, line) {
            return Err(Error::parse(file, line, format!("movie {movie} is listed again (first on line {earlier})")));
        }
        let raw = match format {
            Format::Ml100k => latin1(f[1]),
            Format::Ml1m => latin1(&text[f[0].len() + 2..text.len() - f[f.len() - 1].len() - 2]),
        };
        let title = raw.trim();
        if !title.is_empty() {
            titles.insert(movie, title.to_string());
        }
    }
    Ok(titles)
}

/// Reads and parses a title file.
pub fn read_titles(path: &Path, format: Format) -> Result<Titles> {
    parse_titles(&files::read_input(path, files::Kind::TITLES)?, format, path)
}

// ---------------------------------------------------------------------------------------------
// The sparse user × movie table

/// One rating in a table, by index (from 0): user index `u` is user id `u + 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub user: usize,
    pub movie: usize,
    pub rating: u8,
}

/// The article's user × movie matrix (§5), stored one sparse row per user.
///
/// ```text
/// R[u][m] = rating of user id u+1 for movie id m+1, or 0 when there is none
/// n_users × n_movies; row u holds (m, R[u][m]) for the rated m only, m ascending
/// ```
///
/// The dense matrix of ml-1m would take 6040 × 3952 × 8 bytes ≈ 191 MB of mostly zeros; the
/// rows take about 8 MB. [`RatingTable::dense_row_into`] expands one user's row when a network
/// needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatingTable {
    n_users: usize,
    n_movies: usize,
    rows: Vec<Vec<(u32, u8)>>,
    len: usize,
}

impl RatingTable {
    /// Builds an `n_users × n_movies` table. An id outside the shape, a rating outside 1–5 or a
    /// (user, movie) pair given twice is an [`Error::Invalid`].
    pub fn from_ratings(n_users: usize, n_movies: usize, ratings: &[Rating]) -> Result<RatingTable> {
        RatingTable::from_ratings_where(n_users, n_movies, ratings, |_| true)
    }

    /// As [`RatingTable::from_ratings`] with only the ratings whose index in `ratings` passes
    /// `keep`: a part of a list without copying it out first.
    fn from_ratings_where(
        n_users: usize,
        n_movies: usize,
        ratings: &[Rating],
        keep: impl Fn(usize) -> bool,
    ) -> Result<RatingTable> {
        let kept = || ratings.iter().enumerate().filter(|&(i, _)| keep(i)).map(|(_, r)| r);
        if n_movies > u32::MAX as usize {
            return Err(Error::Invalid(format!("{n_movies} movies is more than a table can index")));
        }
        // Each row sized exactly (ids outside the shape are counted nowhere and caught below):
        // grown by doubling, the rows of ml-1m would hold a third more than their 8 MB.
        let mut counts = vec![0usize; n_users];
        let mut len = 0;
        for r in kept() {
            len += 1;
            if let Some(c) = (r.user as usize).checked_sub(1).and_then(|u| counts.get_mut(u)) {
                *c += 1;
            }
        }
        let mut rows: Vec<Vec<(u32, u8)>> = counts.into_iter().map(Vec::with_capacity).collect();
        for r in kept() {
            let (u, m) = (r.user as usize, r.movie as usize);
            if u == 0 || u > n_users || m == 0 || m > n_movies {
                return Err(Error::Invalid(format!(
                    "rating of user {} for movie {} lies outside a table of {n_users} users × {n_movies} movies",
                    r.user, r.movie
                )));
            }
            if !(1..=5).contains(&r.rating) {
                return Err(Error::Invalid(format!(
                    "rating {} of user {} for movie {} is outside 1–5",
                    r.rating, r.user, r.movie
                )));
            }
            rows[u - 1].push((r.movie - 1, r.rating));
        }
        for (u, row) in rows.iter_mut().enumerate() {
            row.sort_unstable_by_key(|&(m, _)| m);
            if let Some(w) = row.windows(2).find(|w| w[0].0 == w[1].0) {
                return Err(Error::Invalid(format!("user {} rated movie {} twice", u + 1, w[0].0 + 1)));
            }
        }
        Ok(RatingTable { n_users, n_movies, rows, len })
    }

    /// The table of the entries whose index in [`RatingTable::iter`]'s order passes `keep`,
    /// same shape, each row sized exactly.
    pub fn subset(&self, keep: impl Fn(usize) -> bool) -> RatingTable {
        let mut start = 0;
        let mut len = 0;
        let rows = self
            .rows
            .iter()
            .map(|row| {
                let at = start;
                start += row.len();
                let n = (at..start).filter(|&i| keep(i)).count();
                let mut kept = Vec::with_capacity(n);
                kept.extend(row.iter().enumerate().filter(|&(j, _)| keep(at + j)).map(|(_, &e)| e));
                len += n;
                kept
            })
            .collect();
        RatingTable { n_users: self.n_users, n_movies: self.n_movies, rows, len }
    }

    pub fn n_users(&self) -> usize {
        self.n_users
    }

    pub fn n_movies(&self) -> usize {
        self.n_movies
    }

    /// How many ratings the table holds (its non-zero entries).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The share of the n_users × n_movies cells that hold a rating.
    pub fn density(&self) -> f64 {
        self.len as f64 / (self.n_users as f64 * self.n_movies as f64)
    }

    /// User index `user`'s ratings as (movie index, rating), movie ascending.
    pub fn row(&self, user: usize) -> &[(u32, u8)] {
        &self.rows[user]
    }

    /// The rating of user index `user` for movie index `movie`, if any.
    pub fn get(&self, user: usize, movie: usize) -> Option<u8> {
        let row = &self.rows[user];
        row.binary_search_by_key(&movie, |&(m, _)| m as usize).ok().map(|i| row[i].1)
    }

    /// Writes user index `user`'s dense row into `out`: the rating at each rated movie, 0
    /// elsewhere. `out` must have length `n_movies`.
    pub fn dense_row_into(&self, user: usize, out: &mut [f64]) {
        assert_eq!(out.len(), self.n_movies, "dense_row_into: buffer of {} for {} movies", out.len(), self.n_movies);
        out.fill(0.0);
        for &(m, r) in &self.rows[user] {
            out[m as usize] = f64::from(r);
        }
    }

    /// User index `user`'s dense row, length `n_movies`, 0 = unrated.
    pub fn dense_row(&self, user: usize) -> Vec<f64> {
        let mut out = vec![0.0; self.n_movies];
        self.dense_row_into(user, &mut out);
        out
    }

    /// The whole dense matrix, (n_users, n_movies). Fine for ml-100k (13 MB); for ml-1m prefer
    /// [`RatingTable::dense_row_into`] one user at a time.
    pub fn to_matrix(&self) -> Matrix {
        let mut m = Matrix::zeros(self.n_users, self.n_movies);
        for u in 0..self.n_users {
            self.dense_row_into(u, m.row_mut(u));
        }
        m
    }

    /// Every rating as an [`Entry`], by user then movie.
    pub fn iter(&self) -> impl Iterator<Item = Entry> + '_ {
        self.rows
            .iter()
            .enumerate()
            .flat_map(|(user, row)| row.iter().map(move |&(m, rating)| Entry { user, movie: m as usize, rating }))
    }

    /// The user indices whose row holds at least one rating (the article skips the others).
    pub fn rated_users(&self) -> impl Iterator<Item = usize> + '_ {
        self.rows.iter().enumerate().filter(|(_, row)| !row.is_empty()).map(|(u, _)| u)
    }

    /// How many ratings are 1, 2, 3, 4 and 5.
    pub fn histogram(&self) -> [usize; 5] {
        let mut h = [0; 5];
        for e in self.iter() {
            h[usize::from(e.rating) - 1] += 1;
        }
        h
    }

    /// The mean rating, or `None` for an empty table.
    pub fn mean(&self) -> Option<f64> {
        let sum: u64 = self.iter().map(|e| u64::from(e.rating)).sum();
        (self.len > 0).then(|| sum as f64 / self.len as f64)
    }
}

// ---------------------------------------------------------------------------------------------
// A split, ready for the recommender

/// A training and a test table of the same shape, the titles, and where they came from.
#[derive(Clone, Debug)]
pub struct Split {
    pub train: RatingTable,
    pub test: RatingTable,
    pub titles: Titles,
    /// One line for a reader: the data set, the fold and the files, e.g.
    /// `ml-100k split u1 from data/u1.base and data/u1.test`.
    pub source: String,
    /// The largest ids and the lines they came from, for data read from files.
    pub largest: Option<Largest>,
}

impl Split {
    /// Joins two tables of the same shape; different shapes are an [`Error::Invalid`].
    pub fn new(train: RatingTable, test: RatingTable, titles: Titles, source: String) -> Result<Split> {
        if (train.n_users, train.n_movies) != (test.n_users, test.n_movies) {
            return Err(Error::Invalid(format!(
                "{source}: training table is {} × {} but test table is {} × {}",
                train.n_users, train.n_movies, test.n_users, test.n_movies
            )));
        }
        Ok(Split { train, test, titles, source, largest: None })
    }

    /// Builds both tables, counting users and movies as §5 does: the largest user id and the
    /// largest movie id over training and test ratings together. No training ratings is an
    /// [`Error::Invalid`]; an empty test set is allowed.
    pub fn from_ratings(train: &[Rating], test: &[Rating], titles: Titles, source: String) -> Result<Split> {
        if train.is_empty() {
            return Err(Error::Invalid(format!("{source}: no training ratings")));
        }
        let n_users = train.iter().chain(test).map(|r| r.user as usize).max().unwrap_or(0);
        let n_movies = train.iter().chain(test).map(|r| r.movie as usize).max().unwrap_or(0);
        let train = RatingTable::from_ratings(n_users, n_movies, train)?;
        let test = RatingTable::from_ratings(n_users, n_movies, test)?;
        Split::new(train, test, titles, source)
    }

    pub fn n_users(&self) -> usize {
        self.train.n_users
    }

    pub fn n_movies(&self) -> usize {
        self.train.n_movies
    }

    /// The title of movie index `movie` (id `movie + 1`), or `movie <id>`.
    pub fn title(&self, movie: usize) -> String {
        self.titles.name(movie as u32 + 1)
    }
}

// ---------------------------------------------------------------------------------------------
// Choosing the data from a directory

/// Decides which MovieLens layout `dir` holds: ml-100k if it has `u.data` or any of
/// `u1.base` … `u5.test`, ml-1m if it has `ratings.dat`. Both or neither is an error that
/// names the directory and what was looked for.
pub fn detect(dir: &Path) -> Result<Format> {
    std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let has = |name: &str| dir.join(name).is_file();
    let ml100k_files: Vec<String> = std::iter::once("u.data".to_string())
        .chain(Fold::all().iter().flat_map(|f| [format!("{f}.base"), format!("{f}.test")]))
        .filter(|n| has(n))
        .collect();
    let ml1m = has("ratings.dat");
    match (ml100k_files.first(), ml1m) {
        (Some(_), false) => Ok(Format::Ml100k),
        (None, true) => Ok(Format::Ml1m),
        (Some(f), true) => Err(Error::format(
            dir,
            format!("holds both ml-100k ratings ({f}) and ml-1m ratings (ratings.dat); point --data at one data set"),
        )),
        (None, false) => {
            let mut msg = "no MovieLens ratings here: expected ml-100k's u.data or u1.base and u1.test \
                           (… u5), or ml-1m's ratings.dat"
                .to_string();
            let inside: Vec<String> = ["ml-100k", "ml-1m"]
                .iter()
                .filter(|d| dir.join(d).is_dir())
                .map(|d| dir.join(d).display().to_string())
                .collect();
            if !inside.is_empty() {
                msg.push_str(&format!("; did you mean {}?", inside.join(" or ")));
            }
            for (titles, ratings) in [("u.item", "u.data"), ("movies.dat", "ratings.dat")] {
                if has(titles) {
                    msg.push_str(&format!(
                        " ({titles} is here, but titles alone are not enough: {ratings} is missing)"
                    ));
                }
            }
            Err(Error::format(dir, msg))
        }
    }
}

/// Loads MovieLens from `dir` (the chapter's `--data DIR`) as a train/test [`Split`].
///
/// ```text
/// ml-100k  uN.base + uN.test when both exist, else rebuilt from u.data (see [`mku_split`]);
///          titles from u.item when it exists. `seed` is not used.
/// ml-1m    ratings.dat split by [`seeded_split`] with `seed`; titles from movies.dat.
/// ```
pub fn load(dir: &Path, fold: Fold, seed: u64) -> Result<Split> {
    match detect(dir)? {
        Format::Ml100k => load_ml100k(dir, fold),
        Format::Ml1m => load_ml1m(dir, fold, seed),
    }
}

fn optional_titles(path: PathBuf, format: Format) -> Result<Titles> {
    if path.is_file() { read_titles(&path, format) } else { Ok(Titles::new()) }
}

fn load_ml100k(dir: &Path, fold: Fold) -> Result<Split> {
    let base = dir.join(format!("{fold}.base"));
    let test = dir.join(format!("{fold}.test"));
    let u_data = dir.join("u.data");
    let (train, test, source, largest) = if base.is_file() && test.is_file() {
        let source = format!("ml-100k split {fold} from {} and {}", base.display(), test.display());
        let (train, a) = read_ratings_located(&base, Format::Ml100k)?;
        let (test, b) = read_ratings_located(&test, Format::Ml100k)?;
        (train, test, source, Largest::max(a, b))
    } else if u_data.is_file() {
        let (all, largest) = read_ratings_located(&u_data, Format::Ml100k)?;
        let (train, test) = mku_split(&all, fold);
        (train, test, format!("ml-100k split {fold} rebuilt from {} as mku.sh builds it", u_data.display()), largest)
    } else {
        let missing = if base.is_file() { &test } else { &base };
        return Err(Error::format(
            dir,
            format!(
                "{} not found, and there is no u.data to rebuild split {fold} from",
                missing.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
            ),
        ));
    };
    let titles = optional_titles(dir.join("u.item"), Format::Ml100k)?;
    Ok(Split { largest, ..Split::from_ratings(&train, &test, titles, source)? })
}

fn load_ml1m(dir: &Path, fold: Fold, seed: u64) -> Result<Split> {
    let path = dir.join("ratings.dat");
    let (all, largest) = read_ratings_located(&path, Format::Ml1m)?;
    // The split of [`seeded_split`], made as a test flag per rating: the tables take their
    // ratings straight from `all`, so the two sorted copies (19 MB on ml-1m) are never made.
    // A table sorts each row itself, so the order the ratings come in makes no difference.
    let mut is_test = vec![false; all.len()];
    let order = Rng::new(seed).fork(SPLIT_STREAM).permutation(all.len());
    for &i in &order[fold.test_range(all.len())] {
        is_test[i] = true;
    }
    drop(order);
    let n_users = all.iter().map(|r| r.user as usize).max().unwrap_or(0);
    let n_movies = all.iter().map(|r| r.movie as usize).max().unwrap_or(0);
    let source = format!("ml-1m fold {fold} of {} shuffled with seed {seed}", path.display());
    if is_test.iter().all(|&t| t) {
        return Err(Error::Invalid(format!("{source}: no training ratings")));
    }
    let train = RatingTable::from_ratings_where(n_users, n_movies, &all, |i| !is_test[i])?;
    let test = RatingTable::from_ratings_where(n_users, n_movies, &all, |i| is_test[i])?;
    drop((all, is_test));
    let titles = optional_titles(dir.join("movies.dat"), Format::Ml1m)?;
    Ok(Split { largest, ..Split::new(train, test, titles, source)? })
}
