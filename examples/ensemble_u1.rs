//! The search behind §5's blend ([`autoencoders::recommender::ensemble`]): trains the members
//! named on the command line on 90 % of u1.base, prints each one's held-out curve and best
//! epoch, and the blend's cross-validated RMSE on the held-out tenth, for all members and for
//! each member left out. It never reads u1.test unless given `test=1`.
//!
//! ```text
//! cargo run --example ensemble_u1 -- [DATA_DIR] [fold=N] MEMBER ... [test=1]
//! MEMBER   B                          the bias baseline
//!          I:key=v,key=v              item-based AutoRec (autorec::Config keys, and seed)
//!          U:key=v,...                user-based AutoRec
//!          M:key=v,...                biased MF (mf::Config keys, and seed)
//! ```

use autoencoders::data::movielens::{Fold, load};
use autoencoders::recommender::autorec::{self, HOLDOUT_SEED, holdout};
use autoencoders::recommender::ensemble::{self, BlendKind, Member, Support, fit_blend, pairs, validate};
use autoencoders::recommender::mf;
use std::path::PathBuf;
use std::time::Instant;

fn parse_member(spec: &str) -> Member {
    let (kind, rest) = spec.split_once(':').unwrap_or((spec, ""));
    let kv: Vec<(&str, f64)> = rest
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (k, v) = s.split_once('=').unwrap_or_else(|| panic!("{s}: expected key=value"));
            (k, v.parse::<f64>().unwrap_or_else(|_| panic!("{s}: not a number")))
        })
        .collect();
    let mut seed = 1u64;
    match kind {
        "B" => Member::Bias,
        "I" | "U" => {
            let mut c = autorec::Config::default();
            for &(k, v) in &kv {
                match k {
                    "hidden" => c.hidden = v as usize,
                    "lambda" => c.lambda = v,
                    "weight_decay" => c.weight_decay = v,
                    "lr" => c.lr = v,
                    "lr_decay" => c.lr_decay = v,
                    "batch" => c.batch = v as usize,
                    "epochs" => c.epochs = v as usize,
                    "masking_noise" => c.masking_noise = v,
                    "input_offset" => c.input_offset = v,
                    "residual" => c.residual = v != 0.0,
                    "seed" => seed = v as u64,
                    _ => panic!("unknown AutoRec key {k}"),
                }
            }
            if kind == "I" { Member::ItemAutoRec(c, seed) } else { Member::UserAutoRec(c, seed) }
        }
        "M" => {
            let mut c = mf::Config::default();
            for &(k, v) in &kv {
                match k {
                    "factors" => c.factors = v as usize,
                    "lr" => c.lr = v,
                    "lr_decay" => c.lr_decay = v,
                    "lambda" => c.lambda = v,
                    "lambda_bias" => c.lambda_bias = v,
                    "init_std" => c.init_std = v,
                    "epochs" => c.epochs = v as usize,
                    "seed" => seed = v as u64,
                    _ => panic!("unknown MF key {k}"),
                }
            }
            Member::Mf(c, seed)
        }
        _ => panic!("unknown member kind {kind}"),
    }
}

fn main() {
    let mut dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/ml-100k"));
    let (mut members, mut test, mut fold, mut curves) = (Vec::new(), false, 1usize, false);
    let mut kind = BlendKind::BySupport;
    for arg in std::env::args().skip(1) {
        if let Some(v) = arg.strip_prefix("test=") {
            test = v == "1";
        } else if let Some(v) = arg.strip_prefix("fold=") {
            fold = v.parse().expect("fold=N");
        } else if arg == "linear" {
            kind = BlendKind::Linear;
        } else if arg == "curves" {
            curves = true;
        } else if arg.contains('/') {
            dir = PathBuf::from(arg);
        } else {
            members.push(parse_member(&arg));
        }
    }
    let split = load(&dir, Fold::new(fold).expect("fold 1-5"), 1).unwrap_or_else(|e| panic!("{e}"));
    let start = Instant::now();
    let (fit, held) = holdout(&split.train, 0.1, 1 ^ HOLDOUT_SEED);
    let (held_pairs, target) = pairs(&held);
    let vals: Vec<_> = members.iter().map(|m| validate(m, &fit, &held)).collect();
    for v in &vals {
        println!(
            "{:<40} best epoch {:>3}/{:<3} held-out RMSE {:.4}  {:.1} CPU s",
            format!("{:?}", v.member).chars().take(40).collect::<String>(),
            v.best_epoch,
            v.curve.len(),
            v.best_rmse,
            v.cpu_seconds.unwrap_or(f64::NAN)
        );
        println!("    {}", v.member.name());
        if curves {
            let c: Vec<String> = v.curve.iter().map(|r| format!("{r:.4}")).collect();
            println!("    curve {}", c.join(" "));
        }
    }
    let preds: Vec<&[f64]> = vals.iter().map(|v| &v.predictions[..]).collect();
    let sup = Support::of(&fit);
    let support: Vec<(f64, f64)> = held_pairs.iter().map(|&(u, i)| (sup.user[u], sup.item[i])).collect();
    let lin = fit_blend(BlendKind::Linear, &preds, &support, &target).unwrap_or_else(|e| panic!("{e}"));
    println!("linear blend of all: CV RMSE {:.4}  α {:.2}  weights {:?}", lin.cv_rmse, lin.alpha, lin.weights);
    let all = fit_blend(kind, &preds, &support, &target).unwrap_or_else(|e| panic!("{e}"));
    println!("{kind:?} blend of all: CV RMSE {:.4}  α {:.2}", all.cv_rmse, all.alpha);
    let mean: Vec<f64> =
        (0..target.len()).map(|j| preds.iter().map(|p| p[j]).sum::<f64>() / preds.len() as f64).collect();
    let se: f64 = mean.iter().zip(&target).map(|(p, r)| (p - r).powi(2)).sum();
    println!("plain mean of all: RMSE {:.4}", (se / target.len() as f64).sqrt());
    if vals.len() > 2 {
        for (leave, v) in vals.iter().enumerate() {
            let sub: Vec<&[f64]> = preds.iter().enumerate().filter(|&(m, _)| m != leave).map(|(_, p)| *p).collect();
            println!(
                "  without {:<28} CV RMSE {:.4}",
                v.member.name(),
                fit_blend(kind, &sub, &support, &target).map_or(f64::NAN, |b| b.cv_rmse)
            );
        }
    }
    println!("validation time {:.1} s", start.elapsed().as_secs_f64());
    if test {
        let e = ensemble::train(&split.train, &members, kind, 0.1, 1, None).unwrap_or_else(|e| panic!("{e}"));
        for (m, member) in members.iter().enumerate() {
            println!("test {:<28} RMSE {:.4}", member.name(), e.evaluate_member(m, &split.test).rmse);
        }
        let t = e.evaluate(&split.test);
        println!("TEST blend RMSE {:.4} MAE {:.4}; total {:.1} s", t.rmse, t.mae, start.elapsed().as_secs_f64());
    }
}
