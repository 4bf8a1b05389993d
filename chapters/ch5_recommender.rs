//! §5: the practical recommender. The article's stacked autoencoder on MovieLens, reproduced
//! faithfully, measured honestly, its erratum demonstrated, set beside baselines, done better,
//! and asked for recommendations — even for you.

use std::path::{Path, PathBuf};
use std::time::Instant;

use autoencoders::core::error::{Error, Result};
use autoencoders::core::rng::Rng;
use autoencoders::data::movielens::{self, Fold, Rating, RatingTable, Split};
use autoencoders::data::synthetic_ratings::{self, SyntheticConfig};
use autoencoders::recommender::autorec::{self, AutoRec, Recommender};
use autoencoders::recommender::baselines::{Baseline, Baselines, BiasConfig};
use autoencoders::recommender::faithful::{self, Sae, Trainer};
use autoencoders::recommender::model_file::{self, Tensor};
use autoencoders::recommender::my_ratings::{self, MyRating};
use autoencoders::recommender::{Metrics, errata, evaluate, ranking, top_n};
use autoencoders::render::svg::{LineChart, write_svg};
use autoencoders::render::text::{Table, fmt_num};
use autoencoders::workbook::cli::{self, Args, Expect, Opt, Progress, Results, Spec};

const SPEC: Spec = Spec {
    name: "ch5_recommender",
    section: "§5",
    about: "the article's stacked-autoencoder recommender on MovieLens: faithful, measured honestly, then done better",
    data: Some(
        "MovieLens folder: ml-100k (uN.base/uN.test or u.data; u.item for titles) or ml-1m (ratings.dat, movies.dat)",
    ),
    options: &[
        Opt {
            name: "split",
            value: Some("uN|all"),
            help: "which train/test split, u1 … u5 (default u1); all = every split",
        },
        Opt { name: "user", value: Some("ID"), help: "print this user's top 10 unseen movies" },
        Opt {
            name: "my-ratings",
            value: Some("FILE"),
            help: "add yourself as a new user (lines `title or id,rating`) and get your top 10",
        },
        Opt { name: "save", value: Some("PATH"), help: "save the trained models" },
        Opt { name: "load", value: Some("PATH"), help: "load trained models instead of training" },
        Opt { name: "zero-grad", value: None, help: "train the article's model with gradients reset each step" },
        Opt {
            name: "weight-decay",
            value: Some("W"),
            help: "the article's model's RMSprop weight decay (default 0.5)",
        },
        Opt {
            name: "threads",
            value: Some("N"),
            help: "1 or 2 threads for the article's model (default 2; same results)",
        },
    ],
    exercises: &[
        "reset the gradients as any PyTorch tutorial would, and watch the article's model collapse (test RMSE 3.6900): \
         cargo run --bin ch5_recommender -- --zero-grad --epochs 20",
        "then take away the weight decay too, and watch it learn again (test RMSE 0.9709): \
         cargo run --bin ch5_recommender -- --zero-grad --weight-decay 0 --epochs 20",
        "rate movies you know, as examples/my-ratings.txt does, and get ten more from each model: \
         cargo run --bin ch5_recommender -- --data ../shared/data/ml-100k --my-ratings examples/my-ratings.txt",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "train_loss", 0.9175, 0.00005),
        Expect::near(&[], "train_loss_epoch_1", 1.6303, 0.00005),
        Expect::near(&[], "test_loss_article", 0.9328, 0.00005),
        Expect::near(&[], "test_loss_absolute_mean", 0.7656, 0.00005),
        Expect::near(&[], "test_rmse", 0.9942, 0.00005),
        Expect::near(&[], "bias_baseline_rmse", 0.9624, 0.00005),
        Expect::near(&[], "global_mean_rmse", 1.1248, 0.00005),
        Expect::near(&[], "improved_test_rmse", 0.7270, 0.00005),
        Expect::near(&[], "zero_grad_test_rmse", 3.6900, 0.00005),
        Expect::is(&[], "course_lost_ratings", "2"),
        Expect::near(&[], "course_test_loss_article", 0.9456, 0.00005),
        Expect::near(&[], "top_pick_rating_article", 4.209, 0.0005),
        Expect::near(&[], "top_pick_rating_autorec", 4.621, 0.0005),
        Expect::near(&[], "top_pick_rating_random", 3.627, 0.0005),
        Expect::near(&["--zero-grad", "--epochs", "20"], "train_loss", 3.7697, 0.00005),
        Expect::near(&["--zero-grad", "--epochs", "20"], "train_loss_epoch_1", 3.7698, 0.00005),
        Expect::near(&["--zero-grad", "--epochs", "20"], "test_rmse", 3.6900, 0.00005),
        Expect::near(&["--zero-grad", "--epochs", "20"], "bias_baseline_rmse", 0.9624, 0.00005),
        Expect::near(&["--zero-grad", "--weight-decay", "0", "--epochs", "20"], "train_loss", 0.8723, 0.00005),
        Expect::near(&["--zero-grad", "--weight-decay", "0", "--epochs", "20"], "test_rmse", 0.9709, 0.00005),
        Expect::is(
            &["--quick", "--data", "../shared/data/ml-100k", "--my-ratings", "examples/my-ratings.txt"],
            "my_ratings",
            "5",
        ),
        Expect::near(&["--data", "../shared/data/ml-100k"], "train_loss_epoch_1", 1.7712, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "train_loss", 0.9111, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "test_loss_article", 0.9502, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "test_rmse", 0.9680, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "test_mae", 0.7655, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "zero_grad_first_loss", 3.7294, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "zero_grad_last_loss", 3.7293, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "zero_grad_test_rmse", 3.7148, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "bias_baseline_rmse", 0.9550, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "bias_baseline_mae", 0.7550, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "improved_test_rmse", 0.8942, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "improved_test_mae", 0.7003, 0.00005),
        Expect::is(&["--data", "../shared/data/ml-100k"], "course_lost_ratings", "2"),
        Expect::near(&["--data", "../shared/data/ml-100k"], "course_test_loss_article", 0.9490, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "test_loss_absolute_mean", 0.7754, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "top_pick_rating_article", 4.262, 0.0005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "top_pick_rating_autorec", 4.376, 0.0005),
        Expect::near(&["--data", "../shared/data/ml-100k"], "top_pick_rating_random", 3.621, 0.0005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "2"], "train_loss", 0.9169, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "2"], "test_loss_article", 0.9493, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "2"], "test_rmse", 0.9711, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "2"], "test_mae", 0.7638, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "2"], "improved_test_rmse", 0.8933, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "3"], "train_loss", 0.9146, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "3"], "test_loss_article", 0.9512, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "3"], "test_rmse", 0.9733, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "3"], "test_mae", 0.7662, 0.00005),
        Expect::near(&["--data", "../shared/data/ml-100k", "--seed", "3"], "improved_test_rmse", 0.8943, 0.00005),
    ],
};

/// Movies with fewer training ratings than this are never recommended: one enthusiastic
/// rating should not put an obscure film at the top of everyone's list.
const MIN_RATINGS_TO_RECOMMEND: usize = 20;
/// Epochs of each short run in the gradient-reset demonstration.
const ERRATUM_EPOCHS: usize = 20;
/// Epochs at which the article's course code prints its loss.
const PRINTED_EPOCHS: [usize; 7] = [1, 2, 10, 50, 100, 150, 200];

fn main() {
    cli::run(&SPEC, body);
}

fn usage(msg: impl Into<String>) -> Error {
    Error::Usage(msg.into())
}

fn body(args: &Args) -> Result<()> {
    let threads = args.parsed::<usize>("threads")?.unwrap_or(2);
    if !(1..=2).contains(&threads) {
        return Err(usage("--threads must be 1 or 2"));
    }
    let weight_decay = args.parsed::<f64>("weight-decay")?.unwrap_or(0.5);
    if !(weight_decay >= 0.0 && weight_decay.is_finite()) {
        return Err(usage("--weight-decay must be a number ≥ 0"));
    }
    let load_path = args.value("load").map(PathBuf::from);
    let my_path = args.value("my-ratings").map(PathBuf::from);
    if load_path.is_some() && my_path.is_some() {
        return Err(usage("--my-ratings trains with your ratings included, so it cannot be combined with --load"));
    }
    let split_arg = args.value("split").unwrap_or("u1");
    if split_arg == "all" {
        return all_splits(args);
    }
    let fold =
        Fold::parse(split_arg).map_err(|_| usage(format!("--split: expected u1 … u5 or all, not {split_arg:?}")))?;

    let mut split = load_split(args, fold)?;
    let mine = match &my_path {
        Some(p) => Some(my_ratings::read(p, &split.titles, split.n_movies())?),
        None => None,
    };
    if let Some(m) = &mine {
        split = with_reader(&split, m)?;
    }
    let user = match args.parsed::<usize>("user")? {
        Some(u) if u == 0 || u > split.n_users() => {
            return Err(Error::Invalid(format!("--user {u}: this data has users 1 to {}", split.n_users())));
        }
        other => other,
    };

    println!("§5: a recommender from a stacked autoencoder.\n");
    println!("Data (the article's Part 1): {}", split.source);
    println!(
        "  {} users × {} movies (the largest ids in train and test, as 1.4 counts them)",
        split.n_users(),
        split.n_movies()
    );
    println!(
        "  {} training ratings, {} test ratings; the users × movies matrix of 1.5 is {:.1}% filled, 0 elsewhere",
        split.train.len(),
        split.test.len(),
        100.0 * split.train.density()
    );
    if let Some(m) = &mine {
        println!(
            "  plus you: {} ratings from {}, as user {}",
            m.len(),
            my_path.as_ref().unwrap().display(),
            split.n_users()
        );
    }
    println!();

    let epochs = args.epochs_or(200, 3);
    let base = Baselines::fit(&split.train, &BiasConfig::default());
    let mut res = Results::new();
    let mut faithful_curve = Vec::new();
    let mut improved_curves = [Vec::new(), Vec::new()];

    // Part 1: the article's model, as the course code trains it.
    let (sae, ar) = if let Some(path) = &load_path {
        println!("Loading trained models from {} (no training).\n", path.display());
        load_models(path, &split, &base)?
    } else {
        let zero_grad = args.flag("zero-grad");
        let config = faithful::Config { zero_grad, weight_decay, threads, ..faithful::Config::default() };
        println!("Step 1. The article's model (its 2.1), trained as the course code trains it (its Part 3)");
        println!(
            "  {}-20-10-20-{}, sigmoid on the first three layers, linear output.",
            split.n_movies(),
            split.n_movies()
        );
        println!(
            "  RMSprop lr {}, weight decay {}, one user per step in id order, {} epochs;",
            config.lr, config.weight_decay, epochs
        );
        println!(
            "  unrated outputs are set to 0 before an MSELoss over all {} movies; gradients {}.",
            split.n_movies(),
            if zero_grad { "RESET every step (--zero-grad)" } else { "never reset, as in the course code" }
        );
        println!("  Train loss per epoch, the article's way: √(loss · n_movies / n_rated), averaged over users.");
        let mut t = Trainer::new(Sae::new(split.n_movies(), &mut Rng::new(args.seed)), config);
        let start = Instant::now();
        let mut progress = Progress::new("article's model: epoch", epochs);
        for epoch in 1..=epochs {
            let loss = t.epoch(&split.train);
            progress.tick(epoch);
            if !loss.is_finite() {
                return Err(diverged(epoch, split.train.rated_users().count(), &format!("the train loss is {loss}")));
            }
            faithful_curve.push((epoch as f64, loss));
            if PRINTED_EPOCHS.contains(&epoch) || epoch == epochs {
                println!("    epoch {epoch:>4}  loss {}", fmt_num(loss, 4));
            }
        }
        let seconds_per_epoch = start.elapsed().as_secs_f64() / epochs as f64;
        res.num("train_loss", faithful_curve.last().map_or(f64::NAN, |p| p.1), 4);
        res.num("train_loss_epoch_1", faithful_curve[0].1, 4);
        println!(
            "  ({:.4} seconds per epoch on {threads} thread(s); the PyTorch reference takes 0.69)\n",
            seconds_per_epoch
        );

        let ar = train_improved(&split, args.seed, args.quick, &mut improved_curves)?;
        res.num("seconds_per_epoch", seconds_per_epoch, 4);
        (t.sae, ar)
    };

    let article = faithful::test_metrics(&sae, &split.train, &split.test);
    let article_predict = |u: usize, r: &[(u32, u8)]| -> Vec<f64> {
        let h = sae.hidden(split.train.row(u));
        r.iter().map(|&(m, _)| sae.output(&h, m as usize)).collect()
    };
    println!(
        "The article's test (its Part 4): each user's training row goes in; the outputs at their test movies are scored."
    );
    println!("  article's test loss (mean over users of each user's RMSE): {}", fmt_num(article.article_loss, 4));
    println!("  global test RMSE over all {} test ratings:               {}", article.n, fmt_num(article.rmse, 4));
    println!("  global test MAE:                                           {}", fmt_num(article.mae, 4));
    println!("  The article's number gives every user one vote, however few test ratings they have; the");
    println!("  global RMSE gives every rating one vote and is what published results report. Only the");
    println!("  second can be compared with the literature or with the baselines below.");
    let absolute_mean = errata::mean_user_mae(&split.test, article_predict);
    println!("  Part 4 calls its figure an absolute mean, but it is a mean of per-user RMSEs; the mean over users");
    println!("  of each user's mean absolute error is {}, a different number.\n", fmt_num(absolute_mean, 4));
    res.num("test_loss_article", article.article_loss, 4);
    res.num("test_loss_absolute_mean", absolute_mean, 4);
    res.num("matrix_filled_percent", 100.0 * split.train.density(), 1);
    res.num("test_rmse", article.rmse, 4);
    res.num("test_mae", article.mae, 4);

    // Part 2: the erratum.
    if load_path.is_none() {
        let e = args.epochs.map_or(if args.quick { 2 } else { ERRATUM_EPOCHS }, |x| x.min(ERRATUM_EPOCHS));
        let (zero_rmse, zero_losses) = erratum(&split, args.seed, threads, e)?;
        res.num("zero_grad_test_rmse", zero_rmse, 4);
        res.num("zero_grad_first_loss", zero_losses.0, 4);
        res.num("zero_grad_last_loss", zero_losses.1, 4);
        if let Some(files) = errata::course_files(args.data.as_deref(), fold, &split)? {
            let course = errata::course_split(&files, split.titles.clone())?;
            let config =
                faithful::Config { zero_grad: args.flag("zero-grad"), weight_decay, threads, ..Default::default() };
            let m = errata::train_and_test(&course.split, config, epochs, args.seed)?;
            println!("Step 2b. The course code reads each file with pandas' read_csv and no header=None (its 1.3),");
            println!("  so the first line of each becomes the column names and its rating is lost:");
            for (f, r) in files.iter().zip(&course.lost) {
                println!("    {}: user {} rated movie {} a {}", f.0, r.user, r.movie, r.rating);
            }
            println!(
                "  Trained on the rest ({} ratings) for {epochs} epochs and tested on {} ratings, the article's test",
                course.split.train.len(),
                course.split.test.len()
            );
            println!(
                "  loss is {} instead of {}, the global RMSE {} instead of {}: the lost ratings change the training path.\n",
                fmt_num(m.article_loss, 4),
                fmt_num(article.article_loss, 4),
                fmt_num(m.rmse, 4),
                fmt_num(article.rmse, 4)
            );
            res.add("course_lost_ratings", course.lost.len());
            res.num("course_test_loss_article", m.article_loss, 4);
        }
    }

    // Part 3: baselines and the better model, on the same split and the same metrics.
    println!("Step 3. Baselines and a better autoencoder, same split, same metrics");
    let predictor = ar;
    let mut table = Table::new(&["model", "article's loss", "RMSE", "MAE"]);
    let row = |name: &str, m: &Metrics| {
        vec![name.to_string(), fmt_num(m.article_loss, 4), fmt_num(m.rmse, 4), fmt_num(m.mae, 4)]
    };
    let (mut bias, mut global_rmse) = (Metrics::default(), f64::NAN);
    for b in Baseline::ALL {
        let m = evaluate(&split.test, |u, r| r.iter().map(|&(i, _)| base.predict(b, u, i as usize)).collect());
        if b == Baseline::Bias {
            bias = m;
        }
        if b == Baseline::GlobalMean {
            global_rmse = m.rmse;
        }
        table.row(row(b.name(), &m));
    }
    table.row(row("the article's autoencoder", &article));
    let improved = evaluate(&split.test, |u, r| r.iter().map(|&(i, _)| predictor.predict(u, i as usize)).collect());
    table.row(row("item-based AutoRec", &improved));
    let bias_rmse = bias.rmse;
    print!("{}", table.render());
    println!("  (bias baseline: λ = 5; baselines and AutoRec clip predictions to 1–5, the article's model does not)");
    println!(
        "  The article's autoencoder {} the user + item bias baseline, a model of one number per user and one",
        if article.rmse > bias_rmse { "does WORSE than" } else { "beats" }
    );
    println!("  per movie (RMSE {} against {}).", fmt_num(article.rmse, 4), fmt_num(bias_rmse, 4));
    let pick_article = ranking::top_pick(&split.test, article_predict);
    let pick_autorec =
        ranking::top_pick(&split.test, |u, r| r.iter().map(|&(i, _)| predictor.predict(u, i as usize)).collect());
    println!(
        "  Ranking (§5: rank the predictions, recommend the top): each of {} users' test movie ranked first was",
        pick_article.users
    );
    println!(
        "  rated {} on average by the article's model's order, {} by AutoRec's, {} for a random pick.\n",
        fmt_num(pick_article.top, 3),
        fmt_num(pick_autorec.top, 3),
        fmt_num(pick_article.random, 3)
    );
    res.num("bias_baseline_rmse", bias_rmse, 4);
    res.num("global_mean_rmse", global_rmse, 4);
    res.num("bias_baseline_mae", bias.mae, 4);
    res.num("improved_test_rmse", improved.rmse, 4);
    res.num("improved_test_mae", improved.mae, 4);
    res.num("top_pick_rating_article", pick_article.top, 3);
    res.num("top_pick_rating_autorec", pick_autorec.top, 3);
    res.num("top_pick_rating_random", pick_article.random, 3);

    if !faithful_curve.is_empty() {
        let path = args.out.join("loss_curves.svg");
        let chart = LineChart::new("Training curves of §5's two models", "epoch", "RMSE")
            .series("article's model", faithful_curve.clone())
            .series("AutoRec, train", improved_curves[0].clone())
            .series("AutoRec, held-out", improved_curves[1].clone());
        write_svg(&path, &chart.to_svg())?;
        println!("Training curves of both models: {}", path.display());
        println!("  (the article's model: its printed train loss; AutoRec: training RMSE and RMSE on the");
        println!("  held-out tenth of the training ratings, in its epoch-choosing run)\n");
    }

    // Part 4: recommendations.
    let popular = popular_movies(&split.train);
    let show = |u: usize, who: &str| {
        let known = |m: usize| split.train.get(u, m).is_some() || split.test.get(u, m).is_some();
        let scores = sae.predict_row(split.train.row(u));
        let picks = top_n(split.n_movies(), 10, |m| scores[m], known, |m| popular[m]);
        let better = top_n(split.n_movies(), 10, |m| predictor.predict(u, m), known, |m| popular[m]);
        println!("Top 10 for {who} (movies with at least {MIN_RATINGS_TO_RECOMMEND} ratings, not yet rated):");
        let mut t = Table::new(&["rank", "the article's model", "predicted", "item-based AutoRec", "predicted"]);
        for (i, ((m, p), (b, q))) in picks.iter().zip(&better).enumerate() {
            t.row(vec![(i + 1).to_string(), split.title(*m), fmt_num(*p, 2), split.title(*b), fmt_num(*q, 2)]);
        }
        print!("{}", t.render());
        println!();
    };
    if let Some(u) = user {
        show(u - 1, &format!("user {u}"));
    }
    if let Some(m) = &mine {
        show(split.n_users() - 1, "you");
        res.add("my_ratings", m.len());
    }
    if user.is_none() && mine.is_none() {
        println!("For recommendations, add --user ID, or --my-ratings FILE to rate movies yourself.\n");
    }

    if let Some(path) = args.value("save") {
        save_models(Path::new(path), &sae, &predictor)?;
        println!("Saved both trained models to {path}\n");
    }

    res.finish(&SPEC, args)
}

fn load_split(args: &Args, fold: Fold) -> Result<Split> {
    match &args.data {
        Some(dir) => movielens::load(dir, fold, args.seed),
        None => {
            let config = if args.quick {
                SyntheticConfig { n_users: 200, n_movies: 300, n_ratings: 12_000, ..SyntheticConfig::default() }
            } else {
                SyntheticConfig::default()
            };
            synthetic_ratings::split(&config, fold, args.seed)
        }
    }
}

/// The split with the reader appended to the training data as one more user.
fn with_reader(split: &Split, mine: &[MyRating]) -> Result<Split> {
    let reader = split.n_users() as u32 + 1;
    let as_ratings = |t: &RatingTable| -> Vec<Rating> {
        t.iter()
            .map(|e| Rating { user: e.user as u32 + 1, movie: e.movie as u32 + 1, rating: e.rating, timestamp: 0 })
            .collect()
    };
    let mut train = as_ratings(&split.train);
    train.extend(mine.iter().map(|m| Rating { user: reader, movie: m.movie, rating: m.rating, timestamp: 0 }));
    let test = as_ratings(&split.test);
    let mut s = Split::from_ratings(&train, &test, split.titles.clone(), split.source.clone())?;
    if s.n_movies() < split.n_movies() {
        s = Split::new(
            RatingTable::from_ratings(reader as usize, split.n_movies(), &train)?,
            RatingTable::from_ratings(reader as usize, split.n_movies(), &test)?,
            split.titles.clone(),
            split.source.clone(),
        )?;
    }
    Ok(s)
}

fn popular_movies(train: &RatingTable) -> Vec<bool> {
    let mut count = vec![0usize; train.n_movies()];
    for e in train.iter() {
        count[e.movie] += 1;
    }
    count.iter().map(|&c| c >= MIN_RATINGS_TO_RECOMMEND).collect()
}

fn improved_config(quick: bool) -> autorec::Config {
    let c = autorec::Config::default();
    if quick { autorec::Config { hidden: 32, epochs: 6, ..c } } else { c }
}

/// Trains the item-based AutoRec by its own procedure (epochs chosen on a held-out share of
/// the training ratings, then a final run on all of them); logs the held-out run's training
/// and held-out RMSE per epoch into `curves`.
fn train_improved(split: &Split, seed: u64, quick: bool, curves: &mut [Vec<(f64, f64)>; 2]) -> Result<Recommender> {
    let config = improved_config(quick);
    println!("Step 1b. A better autoencoder: item-based AutoRec (src/recommender/autorec.rs)");
    println!("  Each movie's column of ratings goes in (what the user+item bias baseline leaves over, plus");
    println!(
        "  an offset of {} that marks who rated), {} sigmoid units, linear out; gradients reset every",
        config.input_offset, config.hidden
    );
    println!(
        "  step; only observed ratings scored; AdamW (decay {}), lr {} × {} per epoch, batches of {} movies.",
        config.weight_decay, config.lr, config.lr_decay, config.batch
    );
    println!(
        "  The number of epochs (at most {}) is chosen on a held-out {}% of the TRAINING ratings, never",
        config.epochs,
        config.holdout * 100.0
    );
    println!("  on the test set; then the model is retrained on all training ratings for that many epochs.");
    let trained = autorec::train_with_validation(&split.train, &config, seed);
    let steps_per_epoch = split.n_movies().div_ceil(config.batch.max(1));
    if let Some(bad) = trained.curve.iter().find(|l| !(l.train_rmse.is_finite() && l.validation.rmse.is_finite())) {
        return Err(diverged(bad.epoch, steps_per_epoch, "AutoRec's training RMSE is not finite"));
    }
    if !trained.recommender.model.all_finite() {
        return Err(diverged(trained.final_epochs, steps_per_epoch, "an AutoRec weight is not finite"));
    }
    for log in &trained.curve {
        curves[0].push((log.epoch as f64, log.train_rmse));
        curves[1].push((log.epoch as f64, log.validation.rmse));
        if log.epoch <= 2 || log.epoch % 5 == 0 || log.epoch == trained.curve.len() {
            println!(
                "    epoch {:>4}  training RMSE {}  held-out RMSE {}",
                log.epoch,
                fmt_num(log.train_rmse, 4),
                fmt_num(log.validation.rmse, 4)
            );
        }
    }
    println!(
        "  best held-out epoch: {}; final run: {} epochs on all training ratings\n",
        trained.best_epoch, trained.final_epochs
    );
    Ok(trained.recommender)
}

fn diverged(epoch: usize, step: usize, what: &str) -> Error {
    Error::Diverged { chapter: SPEC.name.into(), epoch, step, what: what.into() }
}

/// The erratum: the same model with gradients reset each step, at the article's weight decay
/// and at smaller ones. Returns the test RMSE of the reset run at weight decay 0.5, and its
/// train loss after the first and the last epoch.
fn erratum(split: &Split, seed: u64, threads: usize, epochs: usize) -> Result<(f64, (f64, f64))> {
    println!("Step 2. The erratum (its Part 3): the course code never resets its gradients");
    println!("  Each step adds the new gradient to the sum of all earlier ones. Reset them, as every");
    println!("  PyTorch tutorial does, and keep everything else: {epochs} epochs each.");
    let global = Baselines::fit(&split.train, &BiasConfig::default());
    let global_rmse = evaluate(&split.test, |u, r| {
        r.iter().map(|&(i, _)| global.predict(Baseline::GlobalMean, u, i as usize)).collect()
    })
    .rmse;
    let header = format!("loss epoch {epochs}");
    let mut table = Table::new(&["gradients", "weight decay", "loss epoch 1", &header, "test RMSE", "verdict"]);
    let (mut zero_rmse, mut zero_losses) = (f64::NAN, (f64::NAN, f64::NAN));
    let (mut collapsed, mut learned) = (Vec::new(), Vec::new());
    for (zero_grad, wd) in [(false, 0.5), (true, 0.5), (true, 1e-3), (true, 1e-5), (true, 0.0)] {
        let config = faithful::Config { zero_grad, weight_decay: wd, threads, ..faithful::Config::default() };
        let mut t = Trainer::new(Sae::new(split.n_movies(), &mut Rng::new(seed)), config);
        let losses: Vec<f64> = (0..epochs).map(|_| t.epoch(&split.train)).collect();
        if let Some(e) = losses.iter().position(|l| !l.is_finite()) {
            let what = format!("with gradient reset {zero_grad} and weight decay {wd} the train loss is not finite");
            return Err(diverged(e + 1, split.train.rated_users().count(), &what));
        }
        let m = faithful::test_metrics(&t.sae, &split.train, &split.test);
        // Worse than always predicting the mean rating: the network has learned nothing usable.
        let failed = m.rmse.is_nan() || m.rmse > global_rmse;
        if zero_grad {
            if wd == 0.5 {
                zero_rmse = m.rmse;
                zero_losses = (losses[0], *losses.last().expect("at least one epoch"));
            }
            if failed { collapsed.push(wd) } else { learned.push(wd) }
        }
        table.row(vec![
            if zero_grad { "reset each step" } else { "never reset" }.into(),
            format!("{wd}"),
            fmt_num(losses[0], 4),
            fmt_num(*losses.last().expect("at least one epoch"), 4),
            fmt_num(m.rmse, 4),
            if failed { "collapsed" } else { "learns" }.into(),
        ]);
    }
    print!("{}", table.render());
    let list = |v: &[f64]| {
        if v.is_empty() { "none".to_string() } else { v.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(", ") }
    };
    println!("  (\"collapsed\": test RMSE worse than predicting the global mean, {})", fmt_num(global_rmse, 4));
    println!(
        "  With the reset, these weight decays collapsed: {}; these learned: {}.",
        list(&collapsed),
        list(&learned)
    );
    println!("  The PyTorch reference, reset at weight decay 0.5: loss 3.7293 from epoch 1 to 200.");
    println!("  Why: RMSprop divides each step by √v. For a weight whose gradient is zero on most steps");
    println!("  (the weights of every movie the current user did not rate), the decay term λθ is the only");
    println!("  force, and RMSprop turns it into a step of about lr·sign(θ) whatever λ is, so even a small λ");
    println!("  drags those weights toward 0 one user at a time. Without the reset, the running sum of past");
    println!("  gradients is large and never zero; it outweighs λθ, and that accident is what lets the");
    println!("  course code train at all.\n");
    Ok((zero_rmse, zero_losses))
}

fn save_models(path: &Path, sae: &Sae, rec: &Recommender) -> Result<()> {
    let ar = &rec.model;
    let (n, k) = (ar.n_users as u64, ar.hidden as u64);
    let config = improved_config(false);
    model_file::save(
        path,
        &[
            Tensor::new("faithful.theta", &[sae.params().len() as u64], sae.params().to_vec()),
            Tensor::new("faithful.n_movies", &[1], vec![sae.n_movies() as f64]),
            Tensor::new("autorec.v", &[n, k], ar.v.clone()),
            Tensor::new("autorec.mu", &[k], ar.mu.clone()),
            Tensor::new("autorec.w", &[n, k], ar.w.clone()),
            Tensor::new("autorec.b", &[n], ar.b.clone()),
            Tensor::new("autorec.residual", &[1], vec![if rec.residual { 1.0 } else { 0.0 }]),
            Tensor::new("autorec.input_offset", &[1], vec![config.input_offset]),
        ],
    )
}

fn load_models(path: &Path, split: &Split, base: &Baselines) -> Result<(Sae, Recommender)> {
    let tensors = model_file::load(path)?;
    let scalar = |name: &str| model_file::find(path, &tensors, name, &[1]).map(|t| t.values[0]);
    let n_movies = scalar("faithful.n_movies")?;
    if n_movies != split.n_movies() as f64 {
        return Err(Error::format(
            path,
            format!("the model was trained on {n_movies} movies, this data has {}", split.n_movies()),
        ));
    }
    let theta = tensors.iter().find(|t| t.name == "faithful.theta").map(|t| t.values.clone()).unwrap_or_default();
    let sae = Sae::from_params(split.n_movies(), theta)
        .ok_or_else(|| Error::format(path, "faithful.theta does not fit the data's number of movies"))?;
    let n = split.n_users() as u64;
    let b = model_file::find(path, &tensors, "autorec.b", &[n])?;
    let mu = tensors
        .iter()
        .find(|t| t.name == "autorec.mu")
        .ok_or_else(|| Error::format(path, "no tensor named \"autorec.mu\" in the model file"))?;
    let k = mu.values.len() as u64;
    let v = model_file::find(path, &tensors, "autorec.v", &[n, k])?;
    let w = model_file::find(path, &tensors, "autorec.w", &[n, k])?;
    let residual = scalar("autorec.residual")? != 0.0;
    let offset = scalar("autorec.input_offset")?;
    let model = AutoRec {
        n_users: n as usize,
        hidden: k as usize,
        v: v.values.clone(),
        mu: mu.values.clone(),
        w: w.values.clone(),
        b: b.values.clone(),
    };
    let inputs = autorec::encoder_inputs(&autorec::columns_for(&split.train, base, residual), offset);
    Ok((sae, Recommender::new(model, &inputs, base.clone(), residual)))
}

/// `--split all`: the bias baseline and the better model on all five splits.
fn all_splits(args: &Args) -> Result<()> {
    println!("§5 on all five splits: the bias baseline and item-based AutoRec, global test RMSE.\n");
    let mut table = Table::new(&["split", "bias RMSE", "AutoRec RMSE", "AutoRec MAE"]);
    let (mut sum_bias, mut sum_ar) = (0.0, 0.0);
    let mut res = Results::new();
    for fold in Fold::all() {
        let split = load_split(args, fold)?;
        let base = Baselines::fit(&split.train, &BiasConfig::default());
        let bias =
            evaluate(&split.test, |u, r| r.iter().map(|&(i, _)| base.predict(Baseline::Bias, u, i as usize)).collect());
        let mut curves = [Vec::new(), Vec::new()];
        let m = train_improved(&split, args.seed, args.quick, &mut curves)?.evaluate(&split.test);
        table.row(vec![fold.to_string(), fmt_num(bias.rmse, 4), fmt_num(m.rmse, 4), fmt_num(m.mae, 4)]);
        sum_bias += bias.rmse;
        sum_ar += m.rmse;
    }
    table.row(vec!["mean".into(), fmt_num(sum_bias / 5.0, 4), fmt_num(sum_ar / 5.0, 4), String::new()]);
    print!("{}", table.render());
    println!();
    res.num("bias_baseline_rmse_mean", sum_bias / 5.0, 4);
    res.num("improved_test_rmse_mean", sum_ar / 5.0, 4);
    res.finish(&SPEC, args)
}
