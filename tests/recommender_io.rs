//! The recommender's files: the model file (round trip, every truncation, corruption) and the
//! reader's `--my-ratings` file; then the chapter end to end.

mod common;
use common::*;

use autoencoders::data::movielens::Titles;
use autoencoders::recommender::model_file::{self, Tensor};
use autoencoders::recommender::my_ratings::{self, MyRating};
use std::path::Path;

const CH5: &str = env!("CARGO_BIN_EXE_ch5_recommender");

fn sample() -> Vec<Tensor> {
    vec![Tensor::new("a", &[2, 3], vec![1.0, -2.5, 3.25, 0.0, 1e-300, 7.0]), Tensor::new("bias", &[1], vec![0.5])]
}

#[test]
fn model_file_round_trip() {
    let bytes = model_file::encode(&sample());
    assert_eq!(&bytes[..8], model_file::MAGIC);
    assert_eq!(model_file::decode(Path::new("m.bin"), &bytes).unwrap(), sample());
}

#[test]
fn every_truncation_and_every_bit_flip_is_an_error() {
    let bytes = model_file::encode(&sample());
    for len in 0..bytes.len() {
        let e = model_file::decode(Path::new("m.bin"), &bytes[..len]).unwrap_err().to_string();
        assert!(e.starts_with("m.bin: "), "{e}");
    }
    for i in 0..bytes.len() {
        for bit in [0, 3, 7] {
            let mut b = bytes.clone();
            b[i] ^= 1 << bit;
            assert!(
                model_file::decode(Path::new("m.bin"), &b).is_err(),
                "flip of bit {bit} in byte {i} went unnoticed"
            );
        }
    }
}

#[test]
fn model_file_errors_say_what_is_wrong() {
    let mut b = model_file::encode(&sample());
    b[8] = 9; // version
    let e = model_file::decode(Path::new("m.bin"), &b).unwrap_err().to_string();
    assert!(e.contains("version 9"), "{e}");
    let e = model_file::decode(Path::new("x.png"), b"\x89PNG\r\n\x1a\n00000000000000000000").unwrap_err().to_string();
    assert!(e.contains("magic"), "{e}");
    let t = sample();
    let e = model_file::find(Path::new("m.bin"), &t, "a", &[3, 2]).unwrap_err().to_string();
    assert!(e.contains("shape [2, 3]"), "{e}");
}

fn titles() -> Titles {
    let mut t = Titles::new();
    t.insert(1, "Toy Story (1995)".into());
    t.insert(2, "Shawshank Redemption, The (1994)".into());
    t.insert(3, "Misérables, Les (1995)".into());
    t
}

#[test]
fn my_ratings_by_title_or_id() {
    let text = "# my favourites\n\nShawshank Redemption, The (1994), 5\n  3,4\nToy Story (1995),2\n";
    let r = my_ratings::parse(Path::new("me.txt"), text.as_bytes(), &titles(), 10).unwrap();
    assert_eq!(
        r,
        vec![
            MyRating { movie: 2, rating: 5, line: 3 },
            MyRating { movie: 3, rating: 4, line: 4 },
            MyRating { movie: 1, rating: 2, line: 5 }
        ]
    );
    // The same title written in Latin-1 bytes.
    let latin1 = b"Mis\xe9rables, Les (1995),5\n";
    let r = my_ratings::parse(Path::new("me.txt"), latin1, &titles(), 10).unwrap();
    assert_eq!(r[0].movie, 3);
}

#[test]
fn my_ratings_errors_name_the_line() {
    let cases: [(&str, &str); 6] = [
        ("Toy Story (1995),5\nStar Wars (1977),5\n", "me.txt:2: unknown title"),
        ("Toy Story (1995),6\n", "me.txt:1: rating \"6\""),
        ("Toy Story (1995)\n", "me.txt:1: expected"),
        ("1,5\n\n1,3\n", "me.txt:3: movie 1 was already rated on line 1"),
        ("99,5\n", "me.txt:1: movie id 99"),
        ("# nothing\n", "me.txt: no ratings"),
    ];
    for (text, want) in cases {
        let e = my_ratings::parse(Path::new("me.txt"), text.as_bytes(), &titles(), 10).unwrap_err().to_string();
        assert!(e.starts_with(want), "{text:?}: {e}");
    }
}

#[test]
fn chapter_quick_run_prints_every_result() {
    let o = run(CH5, "ch5", &["--quick", "--user", "3"]);
    assert_ok(&o);
    let s = stdout(&o);
    for key in [
        "train_loss",
        "test_loss_article",
        "test_rmse",
        "test_mae",
        "zero_grad_test_rmse",
        "bias_baseline_rmse",
        "improved_test_rmse",
        "seconds_per_epoch",
    ] {
        assert!(result_f64(&s, key).is_finite(), "{key}");
    }
    // The gradient-reset run at weight decay 0.5 collapses, on any data.
    assert!(result_f64(&s, "zero_grad_test_rmse") > 2.0 * result_f64(&s, "bias_baseline_rmse"), "{s}");
    assert!(s.contains("Top 10 for user 3"));
}

#[test]
fn chapter_output_is_deterministic_apart_from_timing() {
    let strip = |s: String| {
        s.lines()
            .filter(|l| !l.contains("s per epoch") && !l.starts_with("seconds_per_epoch"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let a = strip(stdout(&run(CH5, "ch5-det", &["--quick", "--seed", "4"])));
    let b = strip(stdout(&run(CH5, "ch5-det", &["--quick", "--seed", "4", "--threads", "1"])));
    assert_eq!(a, b);
}

#[test]
fn chapter_save_then_load_gives_the_same_scores() {
    let dir = temp_dir("ch5-save");
    let model = dir.join("model.bin");
    let m = model.to_str().unwrap();
    let a = run(CH5, "ch5-save-a", &["--quick", "--save", m]);
    assert_ok(&a);
    let b = run(CH5, "ch5-save-b", &["--quick", "--load", m]);
    assert_ok(&b);
    let (a, b) = (stdout(&a), stdout(&b));
    for key in ["test_rmse", "test_mae", "improved_test_rmse", "bias_baseline_rmse"] {
        assert_eq!(result(&a, key), result(&b, key), "{key}");
    }
    // A corrupted model file is an error, not a wrong model.
    let mut bytes = std::fs::read(&model).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x10;
    std::fs::write(&model, &bytes).unwrap();
    let c = run(CH5, "ch5-save-c", &["--quick", "--load", m]);
    assert_eq!(c.status.code(), Some(1));
    assert!(stderr(&c).contains("checksum mismatch"), "{}", stderr(&c));
    std::fs::write(&model, &bytes[..100]).unwrap();
    let c = run(CH5, "ch5-save-d", &["--quick", "--load", m]);
    assert_eq!(c.status.code(), Some(1));
}

#[test]
fn chapter_reads_the_readers_ratings() {
    let dir = temp_dir("ch5-mine");
    let mine = dir.join("mine.txt");
    std::fs::write(&mine, "# ids of the synthetic table\n1,5\n2,4\n3,1\n").unwrap();
    let o = run(CH5, "ch5-mine-a", &["--quick", "--my-ratings", mine.to_str().unwrap()]);
    assert_ok(&o);
    assert!(stdout(&o).contains("Top 10 for you"));
    std::fs::write(&mine, "1,5\nNo Such Film (2042),4\n").unwrap();
    let o = run(CH5, "ch5-mine-b", &["--quick", "--my-ratings", mine.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("mine.txt:2: unknown title"), "{err}");
}

#[test]
fn chapter_flag_errors() {
    for args in
        [&["--split", "u9"][..], &["--threads", "3"], &["--weight-decay", "-1"], &["--load", "x", "--my-ratings", "y"]]
    {
        let o = std::process::Command::new(CH5).args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
    let o = std::process::Command::new(CH5).args(["--quick", "--user", "100000"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let o = std::process::Command::new(CH5).args(["--data", "/nonexistent"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: /nonexistent"), "{}", stderr(&o));
}

#[test]
fn chapter_on_real_ml100k_with_the_readers_titles() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/ml-100k");
    if !Path::new(data).join("u.item").is_file() {
        println!("skipped: ../shared/data/ml-100k not found");
        return;
    }
    let dir = temp_dir("ch5-real-input");
    let mine = dir.join("mine.txt");
    std::fs::write(&mine, "Star Wars (1977),5\nShawshank Redemption, The (1994),5\nToy Story (1995),4\n").unwrap();
    let o = run(CH5, "ch5-real", &["--quick", "--data", data, "--my-ratings", mine.to_str().unwrap()]);
    assert_ok(&o);
    let s = stdout(&o);
    assert!(s.contains("Top 10 for you") && s.contains("plus you: 3 ratings"), "{s}");
}
