//! MovieLens readers, splits, the sparse table and the synthetic ratings of §5.
//!
//! Handmade files go to a fresh folder under the system temp dir. Tests that need the real
//! data read `../shared/data` beside the crate and skip with a message when it is absent; the
//! MovieLens files are never copied into the repository.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use autoencoders::Error;
use autoencoders::data::movielens::{
    self, Entry, Fold, Format, MAX_ID, Rating, RatingTable, Split, Titles, detect, load, mku_split, parse_ratings,
    parse_titles, read_ratings, read_titles, seeded_split,
};
use autoencoders::data::synthetic_ratings::{self, ML100K_HISTOGRAM, SyntheticConfig};
use proptest::prelude::*;

/// ml-100k's counts of ratings 1 … 5 over all of u.data, from ../shared/data/SOURCES.md.
const SOURCES_HISTOGRAM: [usize; 5] = [6110, 11370, 27145, 34174, 21201];

/// A new empty folder for one test, removed again when the test ends.
struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(name: &str) -> TempDir {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("ae-movielens-{}-{n}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, bytes).unwrap();
    path
}

/// `../shared/data`, or `None` after printing why the test is skipped.
fn shared_data() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data"));
    if dir.join("ml-100k").is_dir() {
        Some(dir)
    } else {
        println!("skipped: ../shared/data not found");
        None
    }
}

fn r(user: u32, movie: u32, rating: u8, timestamp: u64) -> Rating {
    Rating { user, movie, rating, timestamp }
}

/// The error a ratings file gives, as the chapter would print it.
fn ratings_error(bytes: &[u8], format: Format) -> (PathBuf, String) {
    let dir = temp_dir("bad");
    let path = write(&dir, "u1.base", bytes);
    let err = read_ratings(&path, format).expect_err("the file is malformed");
    assert!(matches!(err, Error::Parse { .. } | Error::Format { .. }), "{err:?}");
    (path, err.to_string())
}

// ---------------------------------------------------------------------------------------------
// Ratings files

#[test]
fn ml100k_ratings_parse_in_file_order() {
    let bytes = b"3\t7\t4\t881250949\n1\t2\t5\t875693118\n";
    let got = parse_ratings(bytes, Format::Ml100k, Path::new("u.data")).unwrap();
    assert_eq!(got, vec![r(3, 7, 4, 881250949), r(1, 2, 5, 875693118)]);
}

#[test]
fn crlf_blank_lines_spaces_and_a_missing_final_newline_are_tolerated() {
    let bytes = b"\r\n1\t2\t3\t10\r\n\n  \n 2 \t 1\t5 \t11\r\n3\t3\t1\t12";
    let got = parse_ratings(bytes, Format::Ml100k, Path::new("x")).unwrap();
    assert_eq!(got, vec![r(1, 2, 3, 10), r(2, 1, 5, 11), r(3, 3, 1, 12)]);
}

#[test]
fn ml1m_ratings_parse() {
    let bytes = b"1::1193::5::978300760\n1::661::3::978302109\n6040::3952::1::956704887\n";
    let got = parse_ratings(bytes, Format::Ml1m, Path::new("ratings.dat")).unwrap();
    assert_eq!(got, vec![r(1, 1193, 5, 978300760), r(1, 661, 3, 978302109), r(6040, 3952, 1, 956704887)]);
}

#[test]
fn every_malformed_line_names_its_file_and_line() {
    // (file contents, line of the fault, words the message must hold)
    let cases: &[(&[u8], usize, &str)] = &[
        (b"1\t2\t3\t4\n1\t2\t3\n", 2, "expected 4 tab-separated fields (user, item, rating, timestamp), found 3"),
        (b"1\t2\t3\t4\t5\n", 1, "found 5 fields"),
        (b"1,2,3,4\n", 1, "found 1 field"),
        (b"1\t2\t3\t4\nabc\t2\t3\t4\n", 2, "user id \"abc\" is not a whole number"),
        (b"1\t-2\t3\t4\n", 1, "movie id \"-2\" is not a whole number"),
        (b"1\t+2\t3\t4\n", 1, "movie id \"+2\" is not a whole number"),
        (b"1\t\t3\t4\n", 1, "movie id \"\" is not a whole number"),
        (b"0\t2\t3\t4\n", 1, "user id is 0; MovieLens ids start at 1"),
        (b"1\t0\t3\t4\n", 1, "movie id is 0"),
        (b"1\t2\t3\t4\n\n1\t3\t6\t4\n", 3, "rating \"6\" is outside 1–5"),
        (b"1\t2\t0\t4\n", 1, "rating \"0\" is outside 1–5"),
        (b"1\t2\t4.5\t4\n", 1, "rating \"4.5\" is not a whole number from 1 to 5"),
        (b"1\t2\t99999999999999999999999\t4\n", 1, "is outside 1–5"),
        (b"1\t2\t3\tnoon\n", 1, "timestamp \"noon\" is not a whole number"),
        (b"1000001\t2\t3\t4\n", 1, "user id \"1000001\" is larger than 1000000"),
        (b"1\t99999999999999999999999\t3\t4\n", 1, "movie id \"99999999999999999999999\" is larger than"),
        (b"1\t2\t3\t4\n2\t2\t3\t4\n1\t2\t5\t9\n", 3, "user 1 rated movie 2 already on line 1"),
        (b"\xe9\t2\t3\t4\n", 1, "user id \"\u{e9}\" is not a whole number"),
    ];
    for &(bytes, line, words) in cases {
        let (path, msg) = ratings_error(bytes, Format::Ml100k);
        let prefix = format!("{}:{line}: ", path.display());
        assert!(msg.starts_with(&prefix), "{msg:?} should start with {prefix:?}");
        assert!(msg.contains(words), "{msg:?} should say {words:?}");
    }
}

#[test]
fn ml1m_lines_must_use_double_colons() {
    let (path, msg) = ratings_error(b"1::2::3::4\n1\t2\t3\t4\n", Format::Ml1m);
    assert_eq!(
        msg,
        format!(
            "{}:2: expected 4 fields separated by :: (UserID::MovieID::Rating::Timestamp), found 1 field",
            path.display()
        )
    );
    let (_, msg) = ratings_error(b"1:2::3::4\n", Format::Ml1m);
    assert!(msg.contains(":1: expected 4 fields"), "{msg}");
}

#[test]
fn the_first_repeat_in_the_file_is_the_one_reported() {
    let (path, msg) = ratings_error(b"5\t5\t1\t0\n1\t1\t1\t0\n1\t1\t2\t0\n5\t5\t3\t0\n", Format::Ml100k);
    assert_eq!(msg, format!("{}:3: user 1 rated movie 1 already on line 2; each pair may appear once", path.display()));
}

#[test]
fn an_empty_ratings_file_is_an_error_naming_it() {
    for bytes in [&b""[..], b"\n", b"\r\n  \n\t\n"] {
        let (path, msg) = ratings_error(bytes, Format::Ml100k);
        assert_eq!(msg, format!("{}: no ratings: the file is empty", path.display()));
    }
}

#[test]
fn a_missing_ratings_file_is_an_io_error_naming_it() {
    let path = temp_dir("missing").join("u1.base");
    let err = read_ratings(&path, Format::Ml100k).unwrap_err();
    assert!(matches!(err, Error::Io { .. }));
    assert!(err.to_string().starts_with(&path.display().to_string()), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Titles

#[test]
fn u_item_titles_are_latin1() {
    let bytes = b"1|Toy Story (1995)|01-Jan-1995||http://x|0|0\n543|Mis\xe9rables, Les (1995)|01-Jan-1995||u|0\n\
                  1633|\xc1 k\xf6ldum klaka (Cold Fever) (1994)|x\n267|unknown||||1\n";
    let titles = parse_titles(bytes, Format::Ml100k, Path::new("u.item")).unwrap();
    assert_eq!(titles.len(), 4);
    assert_eq!(titles.get(543), Some("Misérables, Les (1995)"));
    assert_eq!(titles.get(1633), Some("Á köldum klaka (Cold Fever) (1994)"));
    assert_eq!(titles.get(267), Some("unknown"));
    assert_eq!(titles.get(2), None);
    assert_eq!(titles.name(2), "movie 2");
    assert_eq!(titles.id_of("Toy Story (1995)"), Some(1));
    assert_eq!(titles.id_of("toy story (1995)"), None, "lookup is exact");
}

#[test]
fn movies_dat_titles_are_latin1_and_keep_inner_double_colons() {
    let bytes = b"73::Mis\xe9rables, Les (1995)::Drama|Musical\r\n2::Jumanji (1995)::Adventure\r\n\
                  9::Odd::Title (2000)::Comedy\r\n10::  ::Drama\r\n";
    let titles = parse_titles(bytes, Format::Ml1m, Path::new("movies.dat")).unwrap();
    assert_eq!(titles.get(73), Some("Misérables, Les (1995)"));
    assert_eq!(titles.get(2), Some("Jumanji (1995)"));
    assert_eq!(titles.get(9), Some("Odd::Title (2000)"));
    assert_eq!(titles.get(10), None, "a blank title is no title");
    assert_eq!(titles.name(10), "movie 10");
    assert_eq!(titles.iter().map(|(id, _)| id).collect::<Vec<_>>(), vec![2, 9, 73]);
}

#[test]
fn repeated_titles_map_to_every_id() {
    let bytes = b"268|Chasing Amy (1997)\n246|Chasing Amy (1997)\n1|Toy Story (1995)\n";
    let titles = parse_titles(bytes, Format::Ml100k, Path::new("u.item")).unwrap();
    assert_eq!(titles.ids_of("Chasing Amy (1997)"), &[246, 268]);
    assert_eq!(titles.id_of("Chasing Amy (1997)"), Some(246));
    assert!(titles.ids_of("Nothing (2001)").is_empty());
}

#[test]
fn inserting_a_title_again_replaces_the_old_one_in_both_directions() {
    let mut titles = Titles::new();
    assert_eq!(titles.insert(5, "Old (1990)".into()), None);
    assert_eq!(titles.insert(5, "New (1991)".into()), Some("Old (1990)".into()));
    assert_eq!(titles.id_of("Old (1990)"), None);
    assert_eq!(titles.id_of("New (1991)"), Some(5));
    assert_eq!(titles.len(), 1);
}

#[test]
fn malformed_title_lines_name_file_and_line() {
    let cases: &[(Format, &[u8], usize, &str)] = &[
        (
            Format::Ml100k,
            b"1|A (1995)\n2\n",
            2,
            "expected at least 2 |-separated fields (movie id|title|…), found 1 field",
        ),
        (Format::Ml100k, b"x|A (1995)\n", 1, "movie id \"x\" is not a whole number"),
        (Format::Ml100k, b"0|A (1995)\n", 1, "movie id is 0"),
        (Format::Ml100k, b"1|A\n2|B\n1|C\n", 3, "movie 1 is listed again (first on line 1)"),
        (
            Format::Ml1m,
            b"1::A (1995)\n",
            1,
            "expected 3 fields separated by :: (MovieID::Title::Genres), found 2 fields",
        ),
        (Format::Ml1m, b"1::A::x\n1::B::y\n", 2, "movie 1 is listed again"),
    ];
    for &(format, bytes, line, words) in cases {
        let dir = temp_dir("titles");
        let path = write(&dir, "u.item", bytes);
        let msg = read_titles(&path, format).unwrap_err().to_string();
        assert!(msg.starts_with(&format!("{}:{line}: ", path.display())), "{msg}");
        assert!(msg.contains(words), "{msg:?} should say {words:?}");
    }
}

#[test]
fn an_empty_title_file_gives_no_titles() {
    let titles = parse_titles(b"", Format::Ml100k, Path::new("u.item")).unwrap();
    assert!(titles.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Folds and splits

#[test]
fn folds_read_u1_to_u5_only() {
    assert_eq!(Fold::parse("u3").unwrap().number(), 3);
    assert_eq!("5".parse::<Fold>().unwrap().to_string(), "u5");
    assert_eq!(Fold::default().to_string(), "u1");
    for bad in ["u0", "u6", "u", "", "u11", "ua", "U1", "u+1"] {
        let err = Fold::parse(bad).unwrap_err();
        assert_eq!(err.exit_code(), 2, "{bad:?} is a usage error");
        assert!(err.to_string().contains("u1 … u5"), "{err}");
    }
    assert!(Fold::new(6).is_err());
}

#[test]
fn fold_blocks_are_fifths_that_cover_the_list() {
    assert_eq!(Fold::new(1).unwrap().test_range(100_000), 0..20_000);
    assert_eq!(Fold::new(5).unwrap().test_range(100_000), 80_000..100_000);
    for n in [0, 1, 3, 7, 12] {
        let mut next = 0;
        for fold in Fold::all() {
            let block = fold.test_range(n);
            assert_eq!(block.start, next);
            next = block.end;
        }
        assert_eq!(next, n);
    }
}

fn ten_ratings() -> Vec<Rating> {
    // In "file order", deliberately unsorted.
    [(5, 1), (2, 9), (2, 3), (7, 7), (1, 4), (3, 3), (1, 1), (9, 2), (4, 4), (2, 1)]
        .iter()
        .enumerate()
        .map(|(i, &(u, m))| r(u, m, (i % 5) as u8 + 1, i as u64))
        .collect()
}

#[test]
fn mku_split_takes_the_folds_block_and_sorts_by_user_then_item() {
    let all = ten_ratings();
    let (train, test) = mku_split(&all, Fold::new(2).unwrap());
    // Fold 2 of 10 lines is lines 3 and 4 (indices 2..4): (2,3) and (7,7).
    assert_eq!(test.iter().map(|x| (x.user, x.movie)).collect::<Vec<_>>(), vec![(2, 3), (7, 7)]);
    let pairs: Vec<_> = train.iter().map(|x| (x.user, x.movie)).collect();
    assert_eq!(pairs, vec![(1, 1), (1, 4), (2, 1), (2, 9), (3, 3), (4, 4), (5, 1), (9, 2)]);
}

#[test]
fn seeded_split_is_deterministic_and_its_folds_partition_the_ratings() {
    let all: Vec<Rating> = (1..=50).map(|i| r(i % 7 + 1, i, (i % 5 + 1) as u8, u64::from(i))).collect();
    let mut seen: Vec<Rating> = Vec::new();
    for fold in Fold::all() {
        let (train, test) = seeded_split(&all, fold, 42);
        assert_eq!((train.len(), test.len()), (40, 10));
        assert_eq!(seeded_split(&all, fold, 42), (train.clone(), test.clone()), "same seed, same split");
        assert!(test.windows(2).all(|w| (w[0].user, w[0].movie) < (w[1].user, w[1].movie)));
        seen.extend(&test);
    }
    seen.sort_by_key(|x| x.movie);
    assert_eq!(seen, all);
    assert_ne!(seeded_split(&all, Fold::default(), 42).1, seeded_split(&all, Fold::default(), 43).1);
}

// ---------------------------------------------------------------------------------------------
// The table

#[test]
fn the_table_is_sparse_rows_sorted_by_movie_with_zero_for_unrated() {
    let table = RatingTable::from_ratings(3, 4, &[r(2, 4, 5, 0), r(2, 1, 3, 0), r(1, 2, 1, 0)]).unwrap();
    assert_eq!((table.n_users(), table.n_movies(), table.len()), (3, 4, 3));
    assert_eq!(table.row(1), &[(0, 3), (3, 5)]);
    assert!(table.row(2).is_empty());
    assert_eq!(table.dense_row(1), vec![3.0, 0.0, 0.0, 5.0]);
    let mut buffer = vec![9.0; 4];
    table.dense_row_into(0, &mut buffer);
    assert_eq!(buffer, vec![0.0, 1.0, 0.0, 0.0], "the buffer is cleared first");
    assert_eq!(table.get(1, 3), Some(5));
    assert_eq!(table.get(1, 2), None);
    assert_eq!(table.rated_users().collect::<Vec<_>>(), vec![0, 1]);
    assert_eq!(
        table.iter().collect::<Vec<_>>(),
        vec![
            Entry { user: 0, movie: 1, rating: 1 },
            Entry { user: 1, movie: 0, rating: 3 },
            Entry { user: 1, movie: 3, rating: 5 }
        ]
    );
    assert_eq!(table.histogram(), [1, 0, 1, 0, 1]);
    assert!((table.mean().unwrap() - 3.0).abs() < 1e-12);
    assert!((table.density() - 3.0 / 12.0).abs() < 1e-12);
    let m = table.to_matrix();
    assert_eq!(m.shape(), (3, 4));
    assert_eq!(m.row(1), &[3.0, 0.0, 0.0, 5.0]);
}

#[test]
fn the_table_rejects_ids_outside_its_shape_and_repeated_pairs() {
    assert!(RatingTable::from_ratings(2, 2, &[r(3, 1, 1, 0)]).is_err());
    assert!(RatingTable::from_ratings(2, 2, &[r(1, 0, 1, 0)]).is_err());
    assert!(RatingTable::from_ratings(2, 2, &[r(1, 1, 6, 0)]).is_err());
    let err = RatingTable::from_ratings(2, 2, &[r(1, 1, 1, 0), r(1, 1, 2, 0)]).unwrap_err();
    assert_eq!(err.to_string(), "user 1 rated movie 1 twice");
}

#[test]
fn a_split_counts_users_and_movies_as_the_largest_id_in_train_or_test() {
    let split =
        Split::from_ratings(&[r(1, 2, 4, 0), r(3, 1, 5, 0)], &[r(2, 7, 3, 0)], Titles::new(), "hand".into()).unwrap();
    assert_eq!((split.n_users(), split.n_movies()), (3, 7));
    assert_eq!(split.test.dense_row(1), vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0]);
    assert_eq!(split.title(6), "movie 7");
    assert!(Split::from_ratings(&[], &[r(1, 1, 1, 0)], Titles::new(), "x".into()).is_err());
    let a = RatingTable::from_ratings(2, 2, &[]).unwrap();
    let b = RatingTable::from_ratings(2, 3, &[]).unwrap();
    assert!(Split::new(a, b, Titles::new(), "x".into()).is_err());
}

// ---------------------------------------------------------------------------------------------
// Choosing the data from a folder

#[test]
fn the_format_is_detected_from_the_files() {
    let d = temp_dir("detect100k");
    write(&d, "u.data", b"1\t1\t1\t1\n");
    assert_eq!(detect(&d).unwrap(), Format::Ml100k);
    let d = temp_dir("detect-u3");
    write(&d, "u3.test", b"1\t1\t1\t1\n");
    assert_eq!(detect(&d).unwrap(), Format::Ml100k);
    let d = temp_dir("detect1m");
    write(&d, "ratings.dat", b"1::1::1::1\n");
    assert_eq!(detect(&d).unwrap(), Format::Ml1m);
    write(&d, "u1.base", b"1\t1\t1\t1\n");
    let msg = detect(&d).unwrap_err().to_string();
    assert!(msg.starts_with(&format!("{}: holds both", d.display())), "{msg}");
}

#[test]
fn a_folder_without_ratings_is_an_error_saying_what_was_expected() {
    let d = temp_dir("empty");
    fs::create_dir(d.join("ml-100k")).unwrap();
    write(&d, "movies.dat", b"1::A (1995)::Drama\n");
    let msg = load(&d, Fold::default(), 0).unwrap_err().to_string();
    assert!(msg.starts_with(&format!("{}: no MovieLens ratings here", d.display())), "{msg}");
    assert!(msg.contains("u.data") && msg.contains("u1.base") && msg.contains("ratings.dat"), "{msg}");
    assert!(msg.contains(&format!("did you mean {}?", d.join("ml-100k").display())), "{msg}");
    assert!(msg.contains("movies.dat is here"), "{msg}");

    let gone = d.join("no-such-folder");
    let err = load(&gone, Fold::default(), 0).unwrap_err();
    assert!(matches!(err, Error::Io { .. }));
    assert!(err.to_string().starts_with(&gone.display().to_string()));
}

const BASE: &[u8] = b"1\t1\t5\t1\n1\t3\t4\t2\n2\t2\t3\t3\n3\t1\t2\t4\n";
const TEST: &[u8] = b"1\t2\t3\t5\n3\t4\t1\t6\n";

#[test]
fn a_folder_with_only_u1_base_and_u1_test_works_without_titles() {
    let d = temp_dir("only-u1");
    write(&d, "u1.base", BASE);
    write(&d, "u1.test", TEST);
    let split = load(&d, Fold::default(), 0).unwrap();
    assert_eq!((split.n_users(), split.n_movies()), (3, 4));
    assert_eq!((split.train.len(), split.test.len()), (4, 2));
    assert_eq!(split.train.dense_row(0), vec![5.0, 0.0, 4.0, 0.0]);
    assert_eq!(split.test.dense_row(2), vec![0.0, 0.0, 0.0, 1.0]);
    assert!(split.titles.is_empty());
    assert_eq!(split.title(3), "movie 4");
    assert!(split.source.contains("split u1") && split.source.contains("u1.base"), "{}", split.source);

    let msg = load(&d, Fold::new(2).unwrap(), 0).unwrap_err().to_string();
    assert_eq!(msg, format!("{}: u2.base not found, and there is no u.data to rebuild split u2 from", d.display()));
}

#[test]
fn a_missing_u_item_only_loses_the_titles_but_a_bad_one_is_an_error() {
    let d = temp_dir("with-titles");
    write(&d, "u1.base", BASE);
    write(&d, "u1.test", TEST);
    let without = load(&d, Fold::default(), 0).unwrap();
    write(&d, "u.item", b"1|Caf\xe9 (1993)|x\n4|Four (1994)|y\n");
    let with = load(&d, Fold::default(), 0).unwrap();
    assert_eq!(with.train, without.train);
    assert_eq!(with.test, without.test);
    assert_eq!(with.title(0), "Café (1993)");
    assert_eq!(with.title(1), "movie 2");
    assert_eq!(with.titles.id_of("Four (1994)"), Some(4));

    let item = write(&d, "u.item", b"1|A\nseven|B\n");
    let msg = load(&d, Fold::default(), 0).unwrap_err().to_string();
    assert!(msg.starts_with(&format!("{}:2: movie id \"seven\"", item.display())), "{msg}");
}

#[test]
fn a_bad_line_in_a_split_file_stops_the_load_with_its_file_and_line() {
    let d = temp_dir("bad-test");
    write(&d, "u1.base", BASE);
    let test = write(&d, "u1.test", b"1\t2\t3\t5\n3\t4\t9\t6\n");
    let msg = load(&d, Fold::default(), 0).unwrap_err().to_string();
    assert_eq!(msg, format!("{}:2: rating \"9\" is outside 1–5", test.display()));
}

#[test]
fn without_split_files_u_data_is_split_as_mku_sh_does() {
    let d = temp_dir("u-data");
    let lines: Vec<String> =
        ten_ratings().iter().map(|x| format!("{}\t{}\t{}\t{}", x.user, x.movie, x.rating, x.timestamp)).collect();
    write(&d, "u.data", (lines.join("\n") + "\n").as_bytes());
    for fold in Fold::all() {
        let split = load(&d, fold, 0).unwrap();
        let (train, test) = mku_split(&ten_ratings(), fold);
        let expected = Split::from_ratings(&train, &test, Titles::new(), String::new()).unwrap();
        assert_eq!(split.train, expected.train);
        assert_eq!(split.test, expected.test);
        assert_eq!(split.test.len(), 2);
        assert!(split.source.contains("rebuilt from"), "{}", split.source);
    }
}

#[test]
fn ml1m_folders_get_a_seeded_split_and_movies_dat_titles() {
    let d = temp_dir("ml1m");
    let mut text = String::new();
    for i in 1..=40u32 {
        text.push_str(&format!("{}::{}::{}::{}\n", i % 6 + 1, i * 3, i % 5 + 1, 978300000 + i));
    }
    write(&d, "ratings.dat", text.as_bytes());
    write(&d, "movies.dat", b"3::Mis\xe9rables, Les (1995)::Drama|Musical\n");
    let a = load(&d, Fold::default(), 7).unwrap();
    let b = load(&d, Fold::default(), 7).unwrap();
    let c = load(&d, Fold::default(), 8).unwrap();
    assert_eq!((a.train.len(), a.test.len()), (32, 8));
    assert_eq!((a.n_users(), a.n_movies()), (6, 120));
    assert_eq!((&a.train, &a.test), (&b.train, &b.test));
    assert_ne!(a.test, c.test);
    // The loader flags test ratings instead of copying the lists: the same tables as
    // seeded_split's lists give.
    for fold in Fold::all() {
        let all = parse_ratings(text.as_bytes(), Format::Ml1m, Path::new("ratings.dat")).unwrap();
        let (train, test) = seeded_split(&all, fold, 7);
        let oracle = Split::from_ratings(&train, &test, Titles::new(), String::new()).unwrap();
        let got = load(&d, fold, 7).unwrap();
        assert_eq!((&got.train, &got.test), (&oracle.train, &oracle.test), "fold {fold}");
    }
    assert_eq!(a.title(2), "Misérables, Les (1995)");
    assert!(a.source.contains("ml-1m") && a.source.contains("seed 7"), "{}", a.source);

    write(&d, "ratings.dat", b"1::1::5::1\n1::2::3::x\n");
    let msg = load(&d, Fold::default(), 7).unwrap_err().to_string();
    assert!(msg.ends_with("ratings.dat:2: timestamp \"x\" is not a whole number"), "{msg}");
}

// ---------------------------------------------------------------------------------------------
// The real ml-100k, when ../shared/data has it

#[test]
fn u1_rebuilt_from_u_data_equals_the_shipped_u1_files() {
    let Some(data) = shared_data() else { return };
    let dir = data.join("ml-100k");
    let all = read_ratings(&dir.join("u.data"), Format::Ml100k).unwrap();
    let base = read_ratings(&dir.join("u1.base"), Format::Ml100k).unwrap();
    let test = read_ratings(&dir.join("u1.test"), Format::Ml100k).unwrap();
    // Counts from SOURCES.md.
    assert_eq!((all.len(), base.len(), test.len()), (100_000, 80_000, 20_000));
    let (rebuilt_base, rebuilt_test) = mku_split(&all, Fold::default());
    assert!(rebuilt_base == base, "u1.base differs from u.data's rebuilt fold 1");
    assert!(rebuilt_test == test, "u1.test differs from u.data's rebuilt fold 1");
}

#[test]
fn shipped_u1_has_the_counts_sources_md_reports() {
    let Some(data) = shared_data() else { return };
    let split = load(&data.join("ml-100k"), Fold::default(), 0).unwrap();
    // u1.base 80000 ratings, u1.test 20000; max user 943, max item 1682 (SOURCES.md).
    assert_eq!((split.train.len(), split.test.len()), (80_000, 20_000));
    assert_eq!((split.n_users(), split.n_movies()), (943, 1682));
    assert_eq!(split.train.rated_users().count(), 943);
    assert_eq!(split.test.rated_users().count(), 459);
    let mut h = split.train.histogram();
    for (a, b) in h.iter_mut().zip(split.test.histogram()) {
        *a += b;
    }
    assert_eq!(h, SOURCES_HISTOGRAM);
    assert_eq!(split.titles.len(), 1682);
    assert_eq!(split.title(542), "Misérables, Les (1995)");
    assert_eq!(split.titles.ids_of("Chasing Amy (1997)"), &[246, 268]);
}

#[test]
fn the_other_ml100k_folds_are_rebuilt_with_disjoint_test_sets() {
    let Some(data) = shared_data() else { return };
    let mut cells = std::collections::HashSet::new();
    for fold in Fold::all().into_iter().skip(1) {
        let split = load(&data.join("ml-100k"), fold, 0).unwrap();
        assert_eq!((split.train.len(), split.test.len()), (80_000, 20_000));
        assert!(split.source.contains("rebuilt"), "{}", split.source);
        for e in split.test.iter() {
            assert!(cells.insert((e.user, e.movie)), "test sets overlap");
            assert_eq!(split.train.get(e.user, e.movie), None, "a test rating leaked into training");
        }
    }
}

#[test]
fn ml1m_movies_dat_reads_as_latin1() {
    let Some(data) = shared_data() else { return };
    let path = data.join("ml-1m/movies.dat");
    if !path.is_file() {
        println!("skipped: {} not found", path.display());
        return;
    }
    let titles = read_titles(&path, Format::Ml1m).unwrap();
    // movies.dat: 3883 lines, max id 3952 (SOURCES.md).
    assert_eq!(titles.len(), 3883);
    assert_eq!(titles.iter().last().map(|(id, _)| id), Some(3952));
    assert_eq!(titles.get(73), Some("Misérables, Les (1995)"));
    assert_eq!(titles.get(1), Some("Toy Story (1995)"));
}

// ---------------------------------------------------------------------------------------------
// Synthetic ratings

#[test]
fn synthetic_ratings_have_ml100k_shape_fill_and_histogram() {
    let config = SyntheticConfig::default();
    let data = synthetic_ratings::generate(&config, 1).unwrap();

    assert_eq!(data.ratings.len(), 100_000);
    let fill = data.ratings.len() as f64 / (943.0 * 1682.0);
    assert!((fill - 0.063).abs() < 0.001, "fill {fill}");
    assert!(data.ratings.iter().all(|x| (1..=5).contains(&x.rating)));
    assert!(data.ratings.iter().all(|x| (1..=943).contains(&x.user) && (1..=1682).contains(&x.movie)));
    let mut h = [0; 5];
    let mut per_user = vec![0; 943];
    let mut per_movie = vec![0usize; 1682];
    for x in &data.ratings {
        h[usize::from(x.rating) - 1] += 1;
        per_user[x.user as usize - 1] += 1;
        per_movie[x.movie as usize - 1] += 1;
    }
    assert_eq!(ML100K_HISTOGRAM, SOURCES_HISTOGRAM);
    assert_eq!(h, ML100K_HISTOGRAM, "100 000 ratings follow ml-100k's counts exactly");
    assert!(per_user.iter().all(|&c| c >= 20), "every user rates at least 20 movies");
    // Popularity skew: the busiest movie has many times the median movie's ratings.
    per_movie.sort_unstable();
    assert!(per_movie[1681] > 10 * per_movie[841], "{} vs {}", per_movie[1681], per_movie[841]);
    assert!(data.ratings.windows(2).all(|w| (w[0].user, w[0].movie) < (w[1].user, w[1].movie)));

    assert_eq!(data.titles.len(), 1682);
    let mut unique = std::collections::HashSet::new();
    for (id, title) in data.titles.iter() {
        assert!(unique.insert(title.to_string()), "title {title:?} repeats");
        assert_eq!(data.titles.id_of(title), Some(id));
        let year: u32 = title[title.len() - 5..title.len() - 1].parse().expect("a year");
        assert!(title.ends_with(')') && (1930..=1998).contains(&year), "{title}");
    }
}

#[test]
fn synthetic_ratings_are_deterministic_for_a_seed() {
    let config = SyntheticConfig { n_users: 60, n_movies: 120, n_ratings: 1500, ..Default::default() };
    let a = synthetic_ratings::generate(&config, 9).unwrap();
    let b = synthetic_ratings::generate(&config, 9).unwrap();
    let c = synthetic_ratings::generate(&config, 10).unwrap();
    assert_eq!(a.ratings, b.ratings);
    assert_eq!(a.titles.iter().collect::<Vec<_>>(), b.titles.iter().collect::<Vec<_>>());
    assert_ne!(a.ratings, c.ratings);
    assert_eq!(a.ratings.len(), 1500);
}

#[test]
fn the_synthetic_split_is_80_20_and_keeps_the_configured_shape() {
    let config = SyntheticConfig::default();
    let split = synthetic_ratings::split(&config, Fold::default(), 3).unwrap();
    assert_eq!((split.n_users(), split.n_movies()), (943, 1682));
    assert_eq!((split.train.len(), split.test.len()), (80_000, 20_000));
    assert!(split.source.starts_with("synthetic"), "{}", split.source);
    for e in split.test.iter().take(2000) {
        assert_eq!(split.train.get(e.user, e.movie), None);
    }
    let again = synthetic_ratings::split(&config, Fold::default(), 3).unwrap();
    assert_eq!((split.train, split.test), (again.train, again.test));
}

#[test]
fn impossible_synthetic_configs_are_errors() {
    let bad = [
        SyntheticConfig { n_users: 0, ..Default::default() },
        SyntheticConfig { n_ratings: 943 * 20 - 1, ..Default::default() },
        SyntheticConfig { n_users: 10, n_movies: 10, n_ratings: 101, min_per_user: 1, ..Default::default() },
        SyntheticConfig { min_per_user: 2000, ..Default::default() },
        SyntheticConfig { n_factors: 0, ..Default::default() },
        SyntheticConfig { popularity_exponent: f64::NAN, ..Default::default() },
        SyntheticConfig { histogram: [0; 5], ..Default::default() },
    ];
    for config in bad {
        let err = synthetic_ratings::generate(&config, 1).unwrap_err();
        assert!(err.to_string().starts_with("synthetic ratings: "), "{err}");
    }
}

#[test]
fn a_completely_full_synthetic_table_is_possible() {
    let config = SyntheticConfig { n_users: 5, n_movies: 8, n_ratings: 40, min_per_user: 8, ..Default::default() };
    let data = synthetic_ratings::generate(&config, 2).unwrap();
    assert_eq!(data.ratings.len(), 40);
    let table = RatingTable::from_ratings(5, 8, &data.ratings).unwrap();
    assert!((table.density() - 1.0).abs() < 1e-12);
}

// ---------------------------------------------------------------------------------------------
// Properties

/// Bytes that look a little like MovieLens files, so the fuzzing reaches past the first field.
fn movielens_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"1".to_vec()),
        Just(b"5".to_vec()),
        Just(b"0".to_vec()),
        Just(b"943".to_vec()),
        Just(b"4294967296".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"::".to_vec()),
        Just(b":".to_vec()),
        Just(b"|".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b" ".to_vec()),
        Just(vec![0xE9]),
        any::<u8>().prop_map(|b| vec![b]),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

fn any_format() -> impl Strategy<Value = Format> {
    prop_oneof![Just(Format::Ml100k), Just(Format::Ml1m)]
}

/// Distinct (user, movie) pairs with ratings and timestamps.
fn valid_ratings() -> impl Strategy<Value = Vec<Rating>> {
    prop::collection::btree_map((1u32..=MAX_ID, 1u32..=MAX_ID), (1u8..=5, any::<u64>()), 1..30).prop_map(|m| {
        m.into_iter().map(|((user, movie), (rating, timestamp))| Rating { user, movie, rating, timestamp }).collect()
    })
}

fn render(ratings: &[Rating], format: Format, crlf: bool) -> Vec<u8> {
    let sep = if format == Format::Ml100k { "\t" } else { "::" };
    let end = if crlf { "\r\n" } else { "\n" };
    ratings
        .iter()
        .map(|x| format!("{}{sep}{}{sep}{}{sep}{}{end}", x.user, x.movie, x.rating, x.timestamp))
        .collect::<String>()
        .into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic_the_readers(bytes in prop::collection::vec(any::<u8>(), 0..300), format in any_format()) {
        let _ = parse_ratings(&bytes, format, Path::new("fuzz"));
        let _ = parse_titles(&bytes, format, Path::new("fuzz"));
    }

    #[test]
    fn movielens_like_bytes_never_panic_the_readers(bytes in movielens_like_bytes(), format in any_format()) {
        if let Ok(ratings) = parse_ratings(&bytes, format, Path::new("fuzz")) {
            // Whatever parses also builds a split.
            let (train, test) = mku_split(&ratings, Fold::default());
            let _ = Split::from_ratings(&train, &test, Titles::new(), String::new());
        }
        if let Err(e) = parse_titles(&bytes, format, Path::new("fuzz")) {
            prop_assert!(e.to_string().starts_with("fuzz:"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn written_ratings_read_back_unchanged(ratings in valid_ratings(), format in any_format(), crlf in any::<bool>()) {
        let bytes = render(&ratings, format, crlf);
        prop_assert_eq!(parse_ratings(&bytes, format, Path::new("r")).unwrap(), ratings);
    }

    #[test]
    fn a_broken_line_is_reported_at_its_number(
        ratings in valid_ratings(),
        format in any_format(),
        at in any::<prop::sample::Index>(),
        junk in prop_oneof![Just("x"), Just("0"), Just("7"), Just("1.5"), Just("-1"), Just("")],
        field in 0usize..3,
    ) {
        let line = at.index(ratings.len());
        let bytes = render(&ratings, format, false);
        let mut lines: Vec<String> = String::from_utf8(bytes).unwrap().lines().map(str::to_string).collect();
        let sep = if format == Format::Ml100k { "\t" } else { "::" };
        let mut fields: Vec<&str> = lines[line].split(sep).collect();
        // A rating of 0 or 7 is wrong, but as a user or movie id 7 is fine.
        let junk = if field < 2 && junk == "7" { "x" } else { junk };
        fields[field] = junk;
        lines[line] = fields.join(sep);
        let err = parse_ratings(lines.join("\n").as_bytes(), format, Path::new("r")).unwrap_err();
        let prefix = format!("r:{}: ", line + 1);
        prop_assert!(err.to_string().starts_with(&prefix), "{}", err);
    }

    #[test]
    fn small_synthetic_tables_have_exactly_the_requested_ratings(
        (n_users, n_movies, min_per_user, n_ratings) in (1usize..20, 1usize..40)
            .prop_flat_map(|(u, m)| (Just(u), Just(m), 0..=m))
            .prop_flat_map(|(u, m, k)| (Just(u), Just(m), Just(k), u * k.max(1)..=u * m)),
        seed in any::<u64>(),
    ) {
        let config = SyntheticConfig { n_users, n_movies, n_ratings, min_per_user, ..Default::default() };
        let data = synthetic_ratings::generate(&config, seed).unwrap();
        prop_assert_eq!(data.ratings.len(), n_ratings);
        let table = RatingTable::from_ratings(n_users, n_movies, &data.ratings).expect("no repeated pairs");
        prop_assert!((0..n_users).all(|u| table.row(u).len() >= min_per_user));
        prop_assert_eq!(data.titles.len(), n_movies);
    }

    #[test]
    fn title_bytes_decode_one_char_per_byte(raw in prop::collection::vec(any::<u8>().prop_filter("no separators", |b| !matches!(b, b'|' | b'\n' | b'\r' | b' ' | b'\t' | 0x0B | 0x0C)), 1..40)) {
        let mut bytes = b"7|".to_vec();
        bytes.extend(&raw);
        bytes.extend(b"|01-Jan-1995\n");
        let titles = parse_titles(&bytes, Format::Ml100k, Path::new("u.item")).unwrap();
        let expected: String = raw.iter().map(|&b| char::from(b)).collect();
        prop_assert_eq!(titles.get(7), Some(expected.trim()).filter(|t| !t.is_empty()));
        prop_assert_eq!(movielens::latin1(&raw).chars().count(), raw.len());
    }
}
