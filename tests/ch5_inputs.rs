//! §5's inputs as the errata read them: the course's second reading of `uN.base` and `uN.test`
//! goes through the same checked, bounded reader as every other input.

use autoencoders::data::movielens::Fold;
use autoencoders::recommender::{errata, experiment as ex};

#[test]
fn the_course_reading_refuses_a_ratings_file_over_the_limit() {
    let dir = std::env::temp_dir().join(format!("ch5-inputs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("u1.test"), "1\t1\t3\t0\n").unwrap();
    // Sparse: 129 MiB long, no blocks written. An unbounded read would take all of it.
    let base = std::fs::File::create(dir.join("u1.base")).unwrap();
    base.set_len(129 << 20).unwrap();
    drop(base);
    let split = ex::load_split(None, Fold::default(), 1, true).unwrap();
    let got = errata::course_files(Some(&dir), Fold::default(), &split);
    std::fs::remove_dir_all(&dir).ok();
    let err = got.expect_err("a 129 MiB ratings file is refused").to_string();
    assert!(err.contains("u1.base") && err.contains("MiB"), "{err}");
}
