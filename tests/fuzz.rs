//! Every reader fed arbitrary bytes, truncations and mutations of valid files: no panic, and
//! every error names the file it was reading. 2000 cases per reader in the default run.

use std::path::Path;

use autoencoders::data::movielens::{self, Format, Titles};
use autoencoders::data::{idx, images};
use autoencoders::recommender::model_file::{self, Tensor};
use autoencoders::recommender::my_ratings;
use autoencoders::workbook::cli::{Opt, Spec, parse};
use proptest::prelude::*;

const CASES: u32 = 2000;

fn config() -> ProptestConfig {
    ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() }
}

/// A valid file, then either cut short or with a few bytes changed, or replaced by noise.
fn mutated(valid: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let n = valid.len();
    let cut = valid.clone();
    let flip = valid;
    prop_oneof![
        (0..=n).prop_map(move |len| cut[..len].to_vec()),
        proptest::collection::vec((0..n.max(1), any::<u8>()), 1..6).prop_map(move |edits| {
            let mut b = flip.clone();
            for (i, v) in edits {
                if i < b.len() {
                    b[i] = v;
                }
            }
            b
        }),
        proptest::collection::vec(any::<u8>(), 0..300),
    ]
}

fn names_file(e: &autoencoders::Error, file: &str) -> bool {
    e.to_string().starts_with(file)
}

fn valid_idx_images() -> Vec<u8> {
    let images = images::Images { count: 3, rows: 2, cols: 2, pixels: (0..12).collect() };
    idx::encode_images(&images)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn idx_images(bytes in mutated(valid_idx_images())) {
        if let Err(e) = idx::parse_images(Path::new("img.idx"), &bytes) {
            prop_assert!(names_file(&e, "img.idx"), "{}", e);
        }
    }

    #[test]
    fn idx_labels(bytes in mutated(idx::encode_labels(&[1, 2, 3, 9]))) {
        if let Err(e) = idx::parse_labels(Path::new("lab.idx"), &bytes) {
            prop_assert!(names_file(&e, "lab.idx"), "{}", e);
        }
    }

    #[test]
    fn ml100k_ratings(bytes in mutated(b"1\t1\t5\t874965758\n1\t2\t3\t876893171\n2\t1\t4\t888550871\n".to_vec())) {
        if let Err(e) = movielens::parse_ratings(&bytes, Format::Ml100k, Path::new("u1.base")) {
            prop_assert!(names_file(&e, "u1.base"), "{}", e);
        }
    }

    #[test]
    fn ml1m_ratings(bytes in mutated(b"1::1193::5::978300760\n1::661::3::978302109\n".to_vec())) {
        if let Err(e) = movielens::parse_ratings(&bytes, Format::Ml1m, Path::new("ratings.dat")) {
            prop_assert!(names_file(&e, "ratings.dat"), "{}", e);
        }
    }

    #[test]
    fn ml100k_titles(bytes in mutated(b"1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n2|Mis\xe9rables (1995)|01-Jan-1995||u|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n".to_vec())) {
        if let Err(e) = movielens::parse_titles(&bytes, Format::Ml100k, Path::new("u.item")) {
            prop_assert!(names_file(&e, "u.item"), "{}", e);
        }
    }

    #[test]
    fn ml1m_titles(bytes in mutated(b"1::Toy Story (1995)::Animation|Children's|Comedy\n2::Mis\xe9rables (1995)::Drama\n".to_vec())) {
        if let Err(e) = movielens::parse_titles(&bytes, Format::Ml1m, Path::new("movies.dat")) {
            prop_assert!(names_file(&e, "movies.dat"), "{}", e);
        }
    }

    #[test]
    fn my_ratings_file(bytes in mutated(b"# mine\nToy Story (1995),5\n2,3\n".to_vec())) {
        let mut titles = Titles::new();
        titles.insert(1, "Toy Story (1995)".into());
        if let Err(e) = my_ratings::parse(Path::new("mine.txt"), &bytes, &titles, 5) {
            prop_assert!(names_file(&e, "mine.txt"), "{}", e);
        }
    }

    #[test]
    fn model_file(bytes in mutated(model_file::encode(&[Tensor::new("w", &[2, 2], vec![1.0, 2.0, 3.0, 4.0])]))) {
        match model_file::decode(Path::new("model.bin"), &bytes) {
            Err(e) => prop_assert!(names_file(&e, "model.bin"), "{}", e),
            // Only the untouched file may decode (any change breaks the checksum).
            Ok(t) => prop_assert_eq!(t, vec![Tensor::new("w", &[2, 2], vec![1.0, 2.0, 3.0, 4.0])]),
        }
    }

    #[test]
    fn command_line(argv in proptest::collection::vec(prop_oneof![
        Just("--seed".to_string()), Just("--quick".to_string()), Just("--epochs".to_string()),
        Just("--data".to_string()), Just("--out".to_string()), Just("--lr".to_string()), Just("--help".to_string()),
        "[-=a-z0-9]{0,8}", any::<String>(),
    ], 0..6)) {
        const SPEC: Spec = Spec {
            name: "fuzz", section: "§0", about: "", data: Some("data"),
            options: &[Opt { name: "lr", value: Some("RATE"), help: "" }], exercises: &[], expectations: &[],
        };
        if let Err(e) = parse(&SPEC, argv) {
            prop_assert_eq!(e.exit_code(), 2);
        }
    }
}

static IDX_CASES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

proptest! {
    #![proptest_config(config())]
    #[test]
    fn idx_counts_its_cases(bytes in mutated(valid_idx_images())) {
        IDX_CASES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let _ = idx::parse_images(Path::new("img.idx"), &bytes);
    }
}

#[test]
fn the_case_count_is_real() {
    // Runs the counting property itself so the count does not depend on test order.
    idx_counts_its_cases();
    assert!(IDX_CASES.load(std::sync::atomic::Ordering::Relaxed) >= CASES);
}
