//! The reader's own ratings (`--my-ratings FILE`), so §5's promise holds: rate a few movies,
//! and the recommender tells you what else you would like.
//!
//! ```text
//! # lines starting with # and blank lines are skipped
//! Star Wars (1977),5
//! Shawshank Redemption, The (1994),4     ← the rating follows the LAST comma
//! 313,5                                  ← a movie id works too
//! ```
//!
//! The file may be UTF-8 or Latin-1 (MovieLens titles are Latin-1). A title must match a
//! title in the data exactly; where MovieLens lists the same title under two ids, the first
//! id is taken. An unknown title, a rating outside 1–5, a movie rated twice, or a file with no
//! ratings is an error naming the file and line.

use std::path::Path;

use crate::core::error::{Error, Result};
use crate::core::files;
use crate::data::movielens::{Titles, latin1};

/// One rating from the reader: a movie id (from 1) and a rating 1–5.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MyRating {
    pub movie: u32,
    pub rating: u8,
    pub line: usize,
}

pub fn parse(file: &Path, bytes: &[u8], titles: &Titles, n_movies: usize) -> Result<Vec<MyRating>> {
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => latin1(bytes),
    };
    let mut out: Vec<MyRating> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let Some((movie_part, rating_part)) = l.rsplit_once(',') else {
            return Err(Error::parse(file, line, "expected `<movie id or exact title>,<rating 1-5>`"));
        };
        let (movie_part, rating_part) = (movie_part.trim(), rating_part.trim());
        let rating = match rating_part.parse::<u8>() {
            Ok(r @ 1..=5) => r,
            _ => {
                return Err(Error::parse(
                    file,
                    line,
                    format!("rating {rating_part:?} is not a whole number from 1 to 5"),
                ));
            }
        };
        let movie = if let Ok(id) = movie_part.parse::<u32>() {
            if id == 0 || id as usize > n_movies {
                return Err(Error::parse(file, line, format!("movie id {id} is not between 1 and {n_movies}")));
            }
            id
        } else {
            match titles.id_of(movie_part) {
                Some(id) if (id as usize) <= n_movies => id,
                Some(id) => {
                    return Err(Error::parse(
                        file,
                        line,
                        format!("movie {id} ({movie_part}) has no ratings in this data"),
                    ));
                }
                None if titles.is_empty() => {
                    return Err(Error::parse(
                        file,
                        line,
                        format!("unknown title {movie_part:?}: this data has no title file, so use movie ids"),
                    ));
                }
                None => {
                    return Err(Error::parse(
                        file,
                        line,
                        format!("unknown title {movie_part:?} (titles must match exactly)"),
                    ));
                }
            }
        };
        if let Some(prev) = out.iter().find(|r| r.movie == movie) {
            return Err(Error::parse(file, line, format!("movie {movie} was already rated on line {}", prev.line)));
        }
        out.push(MyRating { movie, rating, line });
    }
    if out.is_empty() {
        return Err(Error::format(file, "no ratings: add lines like `Star Wars (1977),5`"));
    }
    Ok(out)
}

pub fn read(file: &Path, titles: &Titles, n_movies: usize) -> Result<Vec<MyRating>> {
    parse(file, &files::read_input(file, files::Kind::MY_RATINGS)?, titles, n_movies)
}
