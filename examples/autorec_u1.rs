//! Re-measures the §5 AutoRec figure on ml-100k u1: the validation curve on a seeded 10 % of
//! u1.base, the chosen epoch count, then one score on u1.test.
//!
//! ```text
//! cargo run --example autorec_u1 [-- [DATA_DIR] [key=value ...]]
//! ```
//!
//! DATA_DIR defaults to ../shared/data/ml-100k; keys are Config fields (hidden, lambda,
//! weight_decay, lr, lr_decay, batch, epochs, masking_noise, residual, input_offset, holdout) and
//! seed. `validate_only=1` prints the held-out curve and never scores u1.test: that is the
//! mode for trying settings.

use autoencoders::data::movielens::{Fold, load};
use autoencoders::recommender::autorec::{Config, holdout, train_with_validation, validation_curve};
use autoencoders::recommender::autorec_fast::Trainer;
use autoencoders::recommender::baselines::{Baseline, Baselines, BiasConfig};
use autoencoders::recommender::evaluate;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/ml-100k"));
    let mut config = Config::default();
    let (mut seed, mut validate_only) = (1u64, false);
    for arg in std::env::args().skip(1) {
        let Some((k, v)) = arg.split_once('=') else {
            dir = PathBuf::from(arg);
            continue;
        };
        let f = || v.parse::<f64>().unwrap_or_else(|_| panic!("{k}={v}: not a number"));
        match k {
            "hidden" => config.hidden = f() as usize,
            "lambda" => config.lambda = f(),
            "weight_decay" => config.weight_decay = f(),
            "lr" => config.lr = f(),
            "lr_decay" => config.lr_decay = f(),
            "batch" => config.batch = f() as usize,
            "epochs" => config.epochs = f() as usize,
            "masking_noise" => config.masking_noise = f(),
            "residual" => config.residual = f() != 0.0,
            "holdout" => config.holdout = f(),
            "input_offset" => config.input_offset = f(),
            "seed" => seed = f() as u64,
            "validate_only" => validate_only = f() != 0.0,
            _ => panic!("unknown key {k}"),
        }
    }
    let split = load(&dir, Fold::default(), seed).unwrap_or_else(|e| panic!("{e}"));
    println!("{}", split.source);
    println!("{config:?} seed {seed}");
    let (fit, held) = holdout(&split.train, config.holdout, seed ^ autoencoders::recommender::autorec::HOLDOUT_SEED);
    let base = Baselines::fit(&fit, &BiasConfig::default());
    let b = evaluate(&held, |u, row| row.iter().map(|&(m, _)| base.predict(Baseline::Bias, u, m as usize)).collect());
    println!("bias baseline on the held-out share: RMSE {:.4}  MAE {:.4}  over {} ratings", b.rmse, b.mae, b.n);
    let start = Instant::now();
    if validate_only {
        for l in validation_curve::<Trainer>(&split.train, &config, seed) {
            println!(
                "epoch {:3}  train {:.4}  validation RMSE {:.4}  MAE {:.4}",
                l.epoch, l.train_rmse, l.validation.rmse, l.validation.mae
            );
        }
        println!("time {:.1} s", start.elapsed().as_secs_f64());
        return;
    }
    let trained = train_with_validation::<Trainer>(&split.train, &config, seed);
    for l in &trained.curve {
        println!(
            "epoch {:3}  train {:.4}  validation RMSE {:.4}  MAE {:.4}",
            l.epoch, l.train_rmse, l.validation.rmse, l.validation.mae
        );
    }
    let best = &trained.curve[trained.best_epoch - 1];
    println!(
        "best epoch {} (validation RMSE {:.4}, MAE {:.4}); final run {} epochs on all of u1.base",
        trained.best_epoch, best.validation.rmse, best.validation.mae, trained.final_epochs
    );
    println!("training time {:.1} s", start.elapsed().as_secs_f64());
    let m = trained.recommender.evaluate(&split.test);
    println!("u1.test: RMSE {:.4}  MAE {:.4}  article loss {:.4}  over {} ratings", m.rmse, m.mae, m.article_loss, m.n);
}
