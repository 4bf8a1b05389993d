//! §5: the practical recommender. The article's stacked autoencoder on MovieLens, reproduced
//! faithfully, measured honestly, its erratum demonstrated, set beside baselines, done better,
//! and asked for recommendations — even for you. The work is in `recommender::experiment`.

use std::path::PathBuf;
use std::time::Instant;

use autoencoders::core::error::{Error, Result};
use autoencoders::data::movielens::{Fold, Split};
use autoencoders::gradcheck::models as gradcheck_models;
use autoencoders::gradcheck::step as gradient_step;
use autoencoders::kernels::parallel;
use autoencoders::recommender::autorec::{self, Trained};
use autoencoders::recommender::baselines::{Baselines, BiasConfig};
use autoencoders::recommender::experiment::{self as ex, MIN_RATINGS_TO_RECOMMEND};
use autoencoders::recommender::{errata, faithful, faithful_fast, model_file, my_ratings};
use autoencoders::render::svg::write_svg;
use autoencoders::render::text::{Table, fmt_num};
use autoencoders::workbook::captions;
use autoencoders::workbook::cli::{self, Args, Progress, Results};
use autoencoders::workbook::specs::ch5_recommender::SPEC;

/// Epochs of each short run in the gradient-reset study.
const ERRATUM_EPOCHS: usize = 20;
/// Epochs at which the article's course code prints its loss.
const PRINTED_EPOCHS: [usize; 7] = [1, 2, 10, 50, 100, 150, 200];

fn main() {
    cli::run(&SPEC, body);
}

fn body(args: &Args) -> Result<()> {
    let threads = args.parsed::<usize>("threads")?.unwrap_or(2);
    if !(1..=2).contains(&threads) {
        return Err(Error::Usage("--threads must be 1 or 2".into()));
    }
    let weight_decay = args.parsed::<f64>("weight-decay")?.unwrap_or(0.5);
    if !(weight_decay >= 0.0 && weight_decay.is_finite()) {
        return Err(Error::Usage("--weight-decay must be a number ≥ 0".into()));
    }
    let (load_path, my_path) = (args.value("load").map(PathBuf::from), args.value("my-ratings").map(PathBuf::from));
    let training = ["zero-grad", "epochs", "weight-decay", "threads"];
    args.refuse_with(load_path.is_some(), "--load", &training, "it loads trained models and trains nothing")?;
    let split_arg = args.value("split").unwrap_or("u1");
    if split_arg == "all" {
        return all_splits(args);
    }
    let why = |_| Error::Usage(format!("--split: expected u1 … u5 or all, not {split_arg:?}"));
    let fold = Fold::parse(split_arg).map_err(why)?;
    let mut split = ex::load_split(args.data.as_deref(), fold, args.seed, args.quick)?;
    let mine = my_path.as_ref().map(|p| my_ratings::read(p, &split.titles, split.n_movies())).transpose()?;
    if let Some(m) = &mine {
        split = ex::with_reader(&split, m)?;
    }
    let user = args.parsed::<usize>("user")?;
    if let Some(u) = user.filter(|&u| u == 0 || u > split.n_users()) {
        return Err(Error::Invalid(format!("--user {u}: this data has users 1 to {}", split.n_users())));
    }
    let on = model_file::TrainedOn::of(&split, fold, mine.as_ref().map_or(0, Vec::len));
    let (save, inputs) = (args.value("save").map(PathBuf::from), [load_path.as_deref(), my_path.as_deref()]);
    save.as_deref().map(|p| model_file::check_save_target(p, &inputs)).transpose()?;

    let (n, nm) = (split.n_users(), split.n_movies());
    println!("§5: a recommender from a stacked autoencoder.\n\nData (the article's Part 1): {}", split.source);
    println!("  {n} users × {nm} movies (the largest ids in train and test, as 1.4 counts them)");
    let (train_n, test_n, fill) = (split.train.len(), split.test.len(), 100.0 * split.train.density());
    println!(
        "  {train_n} training ratings, {test_n} test ratings; the users × movies matrix of 1.5 is {fill:.1}% filled"
    );
    if let (Some(m), Some(p)) = (&mine, &my_path) {
        println!("  plus you: {} ratings from {}, as user {n}", m.len(), p.display());
    }

    let epochs = args.epochs_or(200, 3);
    let base = Baselines::fit(&split.train, &BiasConfig::default());
    let mut res = Results::new();
    let (mut curves, mut errata_runs) = (None, None);
    let (sae, autorec, trained) = if let Some(path) = &load_path {
        println!("\nLoading trained models from {} (no training).\n", path.display());
        let models = model_file::load_models_for(path, &on, &split.train, &base)?;
        (models.faithful, models.autorec, None)
    } else {
        let (at, reports) = gradcheck_models::recommender_checks(&split, &base, args.seed, args.quick);
        let check = gradient_step::print(SPEC.name, &at, &reports)?;
        gradient_step::add_results(&mut res, &check);
        let zero_grad = args.flag("zero-grad");
        let config = faithful::Config { zero_grad, weight_decay, ..faithful::Config::default() };
        println!("\nStep 1. The article's model (its 2.1), trained as the course code trains it (its Part 3)");
        println!("  {nm}-20-10-20-{nm}, sigmoid on the first three layers, linear output.");
        let lr = config.lr;
        println!("  RMSprop lr {lr}, weight decay {weight_decay}, one user per step in id order, {epochs} epochs;");
        let grads = if zero_grad { "RESET every step (--zero-grad)" } else { "never reset, as in the course code" };
        println!("  unrated outputs are set to 0 before an MSELoss over all {nm} movies; gradients {grads}.");
        println!("  Train loss per epoch, the article's way: √(loss · n_movies / n_rated), averaged over users.");
        println!("  (Trained by faithful_fast.rs, the fast twin of faithful.rs's plain model; tests hold them equal.)");
        // Steps 2 and 2b retrain the article's model on their own: they run alongside Steps 1
        // and 1b when the other core is free, and are printed in their turn.
        let e = args.epochs.map_or(if args.quick { 2 } else { ERRATUM_EPOCHS }, |x| x.min(ERRATUM_EPOCHS));
        let course = (config.clone(), threads, epochs, args.seed);
        let errata_job = || ex::errata_runs(args.data.as_deref(), fold, &split, course, e);
        let steps_1 = || -> Result<_> {
            let start = Instant::now();
            let mut progress = Progress::new("article's model: epoch", epochs);
            let run = ex::train_faithful(&split.train, config, threads, epochs, args.seed, |epoch, loss| {
                progress.tick(epoch);
                if PRINTED_EPOCHS.contains(&epoch) || epoch == epochs {
                    println!("    epoch {epoch:>4}  loss {}", fmt_num(loss, 4));
                }
            })?;
            let seconds_per_epoch = start.elapsed().as_secs_f64() / epochs as f64;
            println!(
                "  ({seconds_per_epoch:.4} seconds per epoch on up to {threads} thread(s); the PyTorch reference: 0.69)\n"
            );
            Ok((run, seconds_per_epoch, train_autorec(&split, args.seed, args.quick)?))
        };
        let (steps, errata) = if threads > 1 { parallel::join(steps_1, errata_job) } else { (steps_1(), errata_job()) };
        let (run, seconds_per_epoch, trained) = steps?;
        errata_runs = Some(errata?);
        res.num("train_loss", run.losses.last().copied().unwrap_or(f64::NAN), 4);
        res.num("train_loss_epoch_1", run.losses[0], 4);
        res.num("seconds_per_epoch", seconds_per_epoch, 4);
        curves = Some((run.losses, trained.curve.clone()));
        (run.sae, trained.recommender.clone(), Some(trained))
    };

    let article = faithful_fast::test_metrics(&sae, &split.train, &split.test);
    print!("{}", ex::article_test_report(&article));
    let absolute_mean =
        errata::mean_user_mae(&split.test, |u, r| faithful_fast::predict_movies(&sae, &split.train, u, r));
    println!("  Part 4 calls its figure an absolute mean, but it is a mean of per-user RMSEs; the mean over users");
    println!("  of each user's mean absolute error is {}, a different number.\n", fmt_num(absolute_mean, 4));
    res.num("test_loss_article", article.article_loss, 4);
    res.num("test_loss_absolute_mean", absolute_mean, 4);
    res.num("matrix_filled_percent", fill, 1);
    res.num("test_rmse", article.rmse, 4);
    res.num("test_mae", article.mae, 4);

    if let Some((study, course)) = errata_runs {
        println!("{}", study.report());
        let reset = study.reset_at(0.5);
        res.num("zero_grad_test_rmse", reset.map_or(f64::NAN, |r| r.test_rmse), 4);
        res.num("zero_grad_first_loss", reset.map_or(f64::NAN, |r| r.first_loss), 4);
        res.num("zero_grad_last_loss", reset.map_or(f64::NAN, |r| r.last_loss), 4);
        if let Some(run) = course {
            print!("{}", run.report(&article));
            res.add("course_lost_ratings", run.lost.len());
            res.num("course_test_loss_article", run.metrics.article_loss, 4);
        }
    }

    println!("Step 3. Baselines and a better autoencoder, same split, same metrics");
    let cmp = ex::compare(&split.test, &base, article, &autorec);
    print!("{}", cmp.table());
    println!("  (bias baseline: λ = 5; baselines and AutoRec clip predictions to 1–5, the article's model does not)");
    let (pick_article, pick_autorec) = ex::top_picks(&split, &sae, &autorec);
    println!("{}", ex::verdicts(&cmp, &pick_article, &pick_autorec));
    res.num("bias_baseline_rmse", cmp.bias.rmse, 4);
    let size = ex::blend_size(args.data.is_some(), args.quick);
    let step3b = ex::state_of_the_art(&split, trained.as_ref(), size, args.seed)?;
    print!("{}", step3b.report());
    ex::improved_keys(&cmp, step3b.sota()).into_iter().for_each(|(key, value)| res.num(&key, value, 4));
    res.num("global_mean_rmse", cmp.global_mean.rmse, 4);
    res.num("bias_baseline_mae", cmp.bias.mae, 4);
    res.num("top_pick_rating_article", pick_article.top, 3);
    res.num("top_pick_rating_autorec", pick_autorec.top, 3);
    res.num("top_pick_rating_random", pick_article.random, 3);

    if let Some((losses, curve)) = curves {
        let path = args.out.join("loss_curves.svg");
        write_svg(&path, &ex::loss_chart(&losses, &curve).to_svg())?;
        captions::caption(&args.out, "loss_curves.svg", ex::LOSS_CHART_CAPTION)?;
        println!("Training curves of both models: {}", path.display());
        println!("  (the article's model: its printed train loss; AutoRec: training RMSE and RMSE on the");
        println!("  held-out tenth of the training ratings, in its epoch-choosing run)\n");
    }

    let show = |u: usize, who: &str| {
        println!("Top 10 for {who} (movies with at least {MIN_RATINGS_TO_RECOMMEND} ratings, not yet rated):");
        let mut t = Table::new(&["rank", "the article's model", "predicted", "item-based AutoRec", "predicted"]);
        let (picks, better) = (ex::recommend_article(&split, &sae, u), ex::recommend(&split, &autorec, u));
        for (i, (p, q)) in picks.iter().zip(&better).enumerate() {
            let (a, b) = (split.title(p.movie), split.title(q.movie));
            t.row(vec![(i + 1).to_string(), a, fmt_num(p.predicted, 2), b, fmt_num(q.predicted, 2)]);
        }
        println!("{}", t.render());
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
    let [(arch_file, arch), (boxes_file, boxes)] = ex::figures(&split, &sae, &autorec);
    captions::save_figure(&args.out, arch_file, &arch)?;
    println!("Figures: {}\n", captions::save_figure(&args.out, boxes_file, &boxes)?.display());
    if let Some(path) = &save {
        model_file::save_models_for(path, &sae, &autorec, &on)?;
        println!("Saved both trained models to {}\n", path.display());
    }
    res.finish(&SPEC, args)
}

/// Step 1b: AutoRec by its own procedure, its settings and held-out curve printed.
fn train_autorec(split: &Split, seed: u64, quick: bool) -> Result<Trained> {
    let config = ex::autorec_config(quick);
    let autorec::Config { hidden: k, weight_decay: wd, lr, lr_decay, batch, epochs, .. } = config;
    let (c, held) = (config.input_offset, config.holdout * 100.0);
    println!("Step 1b. A better autoencoder: item-based AutoRec (src/recommender/autorec.rs)");
    println!("  Each movie's column of ratings goes in (what the user+item bias baseline leaves over, plus");
    println!("  an offset of {c} that marks who rated), {k} sigmoid units, linear out; gradients reset every");
    println!("  step; only observed ratings scored; AdamW (decay {wd}), lr {lr} × {lr_decay} per epoch,");
    println!("  batches of {batch} movies. The number of epochs (at most {epochs}) is chosen on a held-out");
    println!("  {held}% of the TRAINING ratings, never on the test set; then the model is retrained on all");
    println!("  training ratings for that many epochs.");
    println!("  (Trained by autorec_fast.rs, the f32 twin of the plain trainer in autorec.rs; tests hold them equal.)");
    let trained = ex::train_autorec(&split.train, &config, seed)?;
    print_autorec_log(&trained);
    Ok(trained)
}

fn print_autorec_log(trained: &Trained) {
    for log in &trained.curve {
        if log.epoch <= 2 || log.epoch % 5 == 0 || log.epoch == trained.curve.len() {
            let (t, h) = (fmt_num(log.train_rmse, 4), fmt_num(log.validation.rmse, 4));
            println!("    epoch {:>4}  training RMSE {t}  held-out RMSE {h}", log.epoch);
        }
    }
    let (best, last) = (trained.best_epoch, trained.final_epochs);
    println!("  best held-out epoch: {best}; final run: {last} epochs on all training ratings\n");
}

/// `--split all`: the bias baseline, AutoRec and the blend on all five splits.
fn all_splits(args: &Args) -> Result<()> {
    let why = "it trains the bias baseline, AutoRec and the blend on each split in turn and keeps none";
    args.refuse_with(true, "--split all", &["save", "load", "user", "my-ratings"], why)?;
    println!("§5 on all five splits: the bias baseline, item-based AutoRec and the blend, global test RMSE.\n");
    let scores = ex::all_folds(args.data.as_deref(), args.seed, args.quick, |s, trained| {
        println!("  {}:", s.fold);
        print_autorec_log(trained);
    })?;
    println!("{}", scores.table());
    let mut res = Results::new();
    scores.keys().into_iter().for_each(|(key, value)| res.num(&key, value, 4));
    res.finish(&SPEC, args)
}
