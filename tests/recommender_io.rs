//! The recommender's files: the model file (round trip, every truncation, corruption) and the
//! reader's `--my-ratings` file; then the chapter end to end.

mod common;
use common::*;

use autoencoders::core::rng::Rng;
use autoencoders::data::movielens::{Fold, RatingTable, Split, Titles};
use autoencoders::data::synthetic_ratings::{self, SyntheticConfig};
use autoencoders::recommender::autorec::{self, Recommender};
use autoencoders::recommender::autorec_fast;
use autoencoders::recommender::baselines::{Baselines, BiasConfig};
use autoencoders::recommender::faithful_fast::Sae;
use autoencoders::recommender::model_file::{self, Models, Tensor};
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

/// Two small trained models on a small synthetic split, AutoRec with an input offset other than
/// the default's, so a file that saved the default would be caught.
fn trained(seed: u64) -> (Split, Baselines, Sae, Recommender) {
    let config = SyntheticConfig { n_users: 30, n_movies: 40, n_ratings: 600, min_per_user: 5, ..Default::default() };
    let split = synthetic_ratings::split(&config, Fold::default(), seed).unwrap();
    let sae = Sae::new(split.n_movies(), &mut Rng::new(seed));
    let ar = autorec::Config { hidden: 6, epochs: 2, batch: 8, input_offset: 1.25, ..autorec::Config::default() };
    let rec = autorec::train_epochs::<autorec_fast::Trainer>(&split.train, &ar, seed, |_, _, _| {});
    let base = Baselines::fit(&split.train, &BiasConfig::default());
    (split, base, sae, rec)
}

/// Every (user, movie) prediction of the AutoRec, to compare two copies of it.
fn predictions(rec: &Recommender, train: &RatingTable) -> Vec<u64> {
    let mut p = Vec::new();
    for u in 0..train.n_users() {
        for m in 0..train.n_movies() {
            p.push(rec.predict(u, m).to_bits());
        }
    }
    p
}

#[test]
fn saved_models_load_as_they_were() {
    let (split, base, sae, rec) = trained(3);
    let file = temp_dir("models-round-trip").join("models.bin");
    model_file::save_models(&file, &sae, &rec).unwrap();
    let Models { faithful, autorec } = model_file::load_models(&file, &split.train, &base).unwrap();
    assert_eq!(faithful, sae, "the article's model, bit for bit");
    assert_eq!(autorec.model, rec.model, "AutoRec's weights, bit for bit");
    assert_eq!((autorec.residual, autorec.input_offset), (rec.residual, 1.25), "the trained model's settings");
    assert_eq!(predictions(&autorec, &split.train), predictions(&rec, &split.train), "the same predictions");
}

#[test]
fn a_corrupted_or_truncated_model_file_is_an_error() {
    let (split, base, sae, rec) = trained(4);
    let file = temp_dir("models-corrupt").join("models.bin");
    model_file::save_models(&file, &sae, &rec).unwrap();
    let bytes = std::fs::read(&file).unwrap();
    let mut flipped = bytes.clone();
    flipped[bytes.len() / 2] ^= 0x10;
    std::fs::write(&file, &flipped).unwrap();
    let e = model_file::load_models(&file, &split.train, &base).unwrap_err().to_string();
    assert!(e.contains("models.bin") && e.contains("checksum mismatch"), "{e}");
    std::fs::write(&file, &bytes[..bytes.len() - 9]).unwrap();
    let e = model_file::load_models(&file, &split.train, &base).unwrap_err().to_string();
    assert!(e.contains("models.bin") && e.contains("checksum mismatch"), "{e}");
    std::fs::write(&file, &bytes[..10]).unwrap();
    let e = model_file::load_models(&file, &split.train, &base).unwrap_err().to_string();
    assert!(e.contains("truncated"), "{e}");
}

#[test]
fn models_for_other_data_or_with_a_tensor_missing_are_errors() {
    let (split, base, sae, rec) = trained(5);
    let file = Path::new("models.bin");
    let tensors = model_file::models_to_tensors(&sae, &rec);
    // Other data: one movie more, then one user more (the same ratings in a larger table).
    let ratings = |t: &RatingTable| {
        t.iter()
            .map(|e| autoencoders::data::movielens::Rating {
                user: e.user as u32 + 1,
                movie: e.movie as u32 + 1,
                rating: e.rating,
                timestamp: 0,
            })
            .collect::<Vec<_>>()
    };
    let (nu, nm) = (split.n_users(), split.n_movies());
    let wider = RatingTable::from_ratings(nu, nm + 1, &ratings(&split.train)).unwrap();
    let e = model_file::models_from_tensors(file, &tensors, &wider, &base).unwrap_err().to_string();
    assert!(e.contains(&format!("trained on {nm} movies, this data has {}", nm + 1)), "{e}");
    let taller = RatingTable::from_ratings(nu + 1, nm, &ratings(&split.train)).unwrap();
    let e = model_file::models_from_tensors(file, &tensors, &taller, &base).unwrap_err().to_string();
    assert!(e.contains("\"autorec.b\" has shape") && e.contains(&format!("needs [{}]", nu + 1)), "{e}");
    // A tensor of the wrong shape, and one left out.
    let mut bad = tensors.clone();
    bad[3] = Tensor::new("autorec.mu", &[2, 3], vec![0.0; 6]);
    let e = model_file::models_from_tensors(file, &bad, &split.train, &base).unwrap_err().to_string();
    assert!(e.contains("\"autorec.mu\" has shape [2, 3]"), "{e}");
    let theta_short = Tensor::new("faithful.theta", &[3], vec![0.0; 3]);
    let bad: Vec<Tensor> =
        tensors.iter().map(|t| if t.name == "faithful.theta" { theta_short.clone() } else { t.clone() }).collect();
    let e = model_file::models_from_tensors(file, &bad, &split.train, &base).unwrap_err().to_string();
    assert!(e.contains("\"faithful.theta\" has shape [3]"), "{e}");
    for name in ["faithful.theta", "autorec.w", "autorec.input_offset"] {
        let fewer: Vec<Tensor> = tensors.iter().filter(|t| t.name != name).cloned().collect();
        let e = model_file::models_from_tensors(file, &fewer, &split.train, &base).unwrap_err().to_string();
        assert!(e.starts_with("models.bin: ") && e.contains(&format!("no tensor named {name:?}")), "{e}");
    }
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
