//! `ch5_recommender`'s experiments as library calls, each returning named results, so that
//! tests can run them without the binary and the chapter only prints them.
//!
//! ```text
//! load_split        the data: MovieLens from a folder, or the built-in synthetic table
//! with_reader       the reader's own ratings appended as one more user
//! train_faithful    Step 1: the article's model, as the course code trains it (fast twin)
//! train_autorec     Step 1b: item-based AutoRec by its own procedure (fast twin)
//! zero_grad_study   Step 2: the erratum, the same model with its gradients reset each step
//! compare           Step 3: baselines, the article's model and AutoRec on the same metrics
//! state_of_the_art  Step 3b: a blend of autoencoders and MF, chosen on the held-out tenth
//! recommend         Step 4: one user's top movies among those enough people rated, by either model
//! top_picks         the ranking check: the true rating of each user's first-ranked test movie
//! all_folds         `--split all`: the bias baseline, AutoRec and the blend on the five splits
//! ```

use std::path::Path;

use crate::core::error::{Error, Result};
use crate::core::rng::Rng;
use crate::data::movielens::{self, Fold, Rating, RatingTable, Split};
use crate::data::synthetic_ratings::{self, SyntheticConfig};
use crate::recommender::autorec::{self, EpochLog, Recommender, Trained};
use crate::recommender::baselines::{Baseline, Baselines, BiasConfig};
use crate::recommender::ensemble::{self, AblationRow, BlendKind, Ensemble, Member};
use crate::recommender::faithful_fast::Sae;
use crate::recommender::my_ratings::MyRating;
use crate::recommender::ranking::{self, TopPick};
use crate::recommender::{Metrics, Pick, autorec_fast, errata, evaluate, faithful, faithful_fast, mf, sizing, top_n};
use crate::render::figures::{self, Figure};
use crate::render::svg::LineChart;
use crate::render::text::{Table, fmt_num};

/// Movies with fewer training ratings than this are never recommended: one enthusiastic
/// rating should not put an obscure film at the top of everyone's list.
pub const MIN_RATINGS_TO_RECOMMEND: usize = 20;

/// `data`'s MovieLens split `fold`, or without `data` the built-in synthetic table (ml-100k's
/// shape; 200 users × 300 movies with `quick`). Too few ratings, or ids that would make the
/// models' dense rows too large, are an error ([`sizing::check`]).
pub fn load_split(data: Option<&Path>, fold: Fold, seed: u64, quick: bool) -> Result<Split> {
    let split = load_unchecked(data, fold, seed, quick)?;
    sizing::check(&split, autorec_config(quick).hidden)?;
    Ok(split)
}

fn load_unchecked(data: Option<&Path>, fold: Fold, seed: u64, quick: bool) -> Result<Split> {
    match data {
        Some(dir) => movielens::load(dir, fold, seed),
        None => {
            let config = if quick {
                SyntheticConfig { n_users: 200, n_movies: 300, n_ratings: 12_000, ..SyntheticConfig::default() }
            } else {
                SyntheticConfig::default()
            };
            synthetic_ratings::split(&config, fold, seed)
        }
    }
}

/// The split with the reader's ratings appended to the training data as one more user, the
/// last; the table keeps at least the split's movies.
pub fn with_reader(split: &Split, mine: &[MyRating]) -> Result<Split> {
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

fn diverged(stage: &str, epoch: usize, step: usize, what: impl Into<String>) -> Error {
    Error::Diverged { chapter: stage.into(), epoch, step, what: what.into() }
}

/// What [`train_faithful`] returns.
pub struct FaithfulRun {
    pub sae: faithful_fast::Sae,
    /// The article's train loss after each epoch.
    pub losses: Vec<f64>,
}

/// The article's model from `seed`'s initialisation, trained for `epochs` epochs by the fast
/// twin on `threads` threads; `each_epoch(epoch, loss)` after every epoch. A loss that is not
/// finite stops training with an error.
pub fn train_faithful(
    train: &RatingTable,
    config: faithful::Config,
    threads: usize,
    epochs: usize,
    seed: u64,
    mut each_epoch: impl FnMut(usize, f64),
) -> Result<FaithfulRun> {
    let sae = faithful_fast::Sae::new(train.n_movies(), &mut Rng::new(seed));
    let mut t = faithful_fast::Trainer::new(sae, config, threads);
    let mut losses = Vec::with_capacity(epochs);
    for epoch in 1..=epochs {
        let loss = t.epoch(train);
        if !loss.is_finite() {
            let steps = train.rated_users().count();
            return Err(diverged("the article's model", epoch, steps, format!("the train loss is {loss}")));
        }
        losses.push(loss);
        each_epoch(epoch, loss);
    }
    Ok(FaithfulRun { sae: t.sae, losses })
}

/// AutoRec's settings in the chapter: the default, or a narrow model for 6 epochs with `quick`.
pub fn autorec_config(quick: bool) -> autorec::Config {
    let c = autorec::Config::default();
    if quick { autorec::Config { hidden: 32, epochs: 6, ..c } } else { c }
}

/// Item-based AutoRec by [`autorec::train_with_validation`] on the fast twin, with an error
/// if training diverged.
pub fn train_autorec(train: &RatingTable, config: &autorec::Config, seed: u64) -> Result<Trained> {
    let trained = autorec::train_with_validation::<autorec_fast::Trainer>(train, config, seed);
    let steps = train.n_movies().div_ceil(config.batch.max(1));
    if let Some(bad) = trained.curve.iter().find(|l| !(l.train_rmse.is_finite() && l.validation.rmse.is_finite())) {
        return Err(diverged("AutoRec", bad.epoch, steps, "the training RMSE is not finite"));
    }
    if !trained.recommender.model.all_finite() {
        return Err(diverged("AutoRec", trained.final_epochs, steps, "a weight is not finite"));
    }
    Ok(trained)
}

/// One run of the gradient-reset study.
#[derive(Clone, Debug, PartialEq)]
pub struct ZeroGradRun {
    pub zero_grad: bool,
    pub weight_decay: f64,
    /// The article's train loss after the first and after the last epoch.
    pub first_loss: f64,
    pub last_loss: f64,
    pub test_rmse: f64,
    /// Test RMSE worse than always predicting the global mean: nothing usable was learned.
    pub collapsed: bool,
}

/// What [`zero_grad_study`] returns.
#[derive(Clone, Debug)]
pub struct ZeroGradStudy {
    pub epochs: usize,
    /// The yardstick of `collapsed`.
    pub global_mean_rmse: f64,
    pub runs: Vec<ZeroGradRun>,
}

impl ZeroGradStudy {
    /// The run with gradients reset at weight decay `wd`.
    pub fn reset_at(&self, wd: f64) -> Option<&ZeroGradRun> {
        self.runs.iter().find(|r| r.zero_grad && r.weight_decay == wd)
    }

    /// The weight decays at which the reset runs collapsed (`true`) or learned (`false`).
    pub fn reset_decays(&self, collapsed: bool) -> Vec<f64> {
        self.runs.iter().filter(|r| r.zero_grad && r.collapsed == collapsed).map(|r| r.weight_decay).collect()
    }

    /// The chapter's Step 2: the runs as a table, the verdicts, and why the reset runs collapse.
    pub fn report(&self) -> String {
        let header = format!("loss epoch {}", self.epochs);
        let mut table = Table::new(&["gradients", "weight decay", "loss epoch 1", &header, "test RMSE", "verdict"]);
        for r in &self.runs {
            let grads = if r.zero_grad { "reset each step" } else { "never reset" };
            let numbers = [r.first_loss, r.last_loss, r.test_rmse].map(|x| fmt_num(x, 4));
            let verdict = if r.collapsed { "collapsed" } else { "learns" };
            table
                .row([vec![grads.into(), r.weight_decay.to_string()], numbers.to_vec(), vec![verdict.into()]].concat());
        }
        let list = |v: Vec<f64>| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.iter().map(|w| w.to_string()).collect::<Vec<_>>().join(", ")
            }
        };
        let (collapsed, learned) = (list(self.reset_decays(true)), list(self.reset_decays(false)));
        format!(
            "Step 2. The erratum (its Part 3): the course code never resets its gradients\n  \
             Each step adds the new gradient to the sum of all earlier ones. Reset them, as every\n  \
             PyTorch tutorial does, and keep everything else: {} epochs each.\n\
             {}  (\"collapsed\": test RMSE worse than predicting the global mean, {})\n  \
             With the reset, these weight decays collapsed: {collapsed}; these learned: {learned}.\n  \
             The PyTorch reference, reset at weight decay 0.5: loss 3.7293 from epoch 1 to 200.\n  \
             Why: RMSprop divides each step by √v. For a weight whose gradient is zero on most steps\n  \
             (the weights of every movie the current user did not rate), the decay term λθ is the only\n  \
             force, and RMSprop turns it into a step of about lr·sign(θ) whatever λ is, so even a small λ\n  \
             drags those weights toward 0 one user at a time. Without the reset, the running sum of past\n  \
             gradients is large and never zero; it outweighs λθ, and that accident is what lets the\n  \
             course code train at all.\n",
            self.epochs,
            table.render(),
            fmt_num(self.global_mean_rmse, 4)
        )
    }
}

/// (gradients reset, weight decay) of the study's runs: the course code, then the reset at the
/// article's decay and at smaller ones.
pub const ZERO_GRAD_RUNS: [(bool, f64); 5] = [(false, 0.5), (true, 0.5), (true, 1e-3), (true, 1e-5), (true, 0.0)];

/// The erratum: the article's model trained for `epochs` epochs as the course code does, and
/// with its gradients reset each step at the article's weight decay and smaller ones.
pub fn zero_grad_study(split: &Split, seed: u64, threads: usize, epochs: usize) -> Result<ZeroGradStudy> {
    let base = Baselines::fit(&split.train, &BiasConfig::default());
    let global_mean_rmse = score(&split.test, &base, Baseline::GlobalMean).rmse;
    let mut runs = Vec::new();
    for (zero_grad, weight_decay) in ZERO_GRAD_RUNS {
        let config = faithful::Config { zero_grad, weight_decay, ..faithful::Config::default() };
        let run = train_faithful(&split.train, config, threads, epochs, seed, |_, _| {})?;
        let m = faithful_fast::test_metrics(&run.sae, &split.train, &split.test);
        runs.push(ZeroGradRun {
            zero_grad,
            weight_decay,
            first_loss: run.losses[0],
            last_loss: *run.losses.last().expect("at least one epoch"),
            test_rmse: m.rmse,
            collapsed: m.rmse.is_nan() || m.rmse > global_mean_rmse,
        });
    }
    Ok(ZeroGradStudy { epochs, global_mean_rmse, runs })
}

/// Steps 2 and 2b, the errata that retrain the article's model: [`zero_grad_study`] for
/// `study_epochs` epochs, and the course's reading of the files ([`errata::course_reading`])
/// trained as `course` = (config, threads, epochs, seed) says. Independent of Steps 1 and 1b,
/// so the chapter runs them alongside ([`crate::kernels::parallel::join`]).
pub fn errata_runs(
    data: Option<&Path>,
    fold: Fold,
    split: &Split,
    course: (faithful::Config, usize, usize, u64),
    study_epochs: usize,
) -> Result<(ZeroGradStudy, Option<errata::CourseRun>)> {
    let (_, threads, _, seed) = course;
    let study = zero_grad_study(split, seed, threads, study_epochs)?;
    Ok((study, errata::course_reading(data, fold, split, course)?))
}

fn score(test: &RatingTable, base: &Baselines, which: Baseline) -> Metrics {
    evaluate(test, |u, r| r.iter().map(|&(i, _)| base.predict(which, u, i as usize)).collect())
}

/// Every model of the chapter on the same test ratings.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub global_mean: Metrics,
    pub user_mean: Metrics,
    pub item_mean: Metrics,
    pub bias: Metrics,
    pub article: Metrics,
    pub autorec: Metrics,
}

impl Comparison {
    /// Every model's article's loss, RMSE and MAE as a table.
    pub fn table(&self) -> String {
        let mut table = Table::new(&["model", "article's loss", "RMSE", "MAE"]);
        for (name, m) in self.rows() {
            table.row(vec![name.to_string(), fmt_num(m.article_loss, 4), fmt_num(m.rmse, 4), fmt_num(m.mae, 4)]);
        }
        table.render()
    }

    /// (name, metrics) in the order the chapter's table lists them.
    pub fn rows(&self) -> [(&'static str, &Metrics); 6] {
        [
            (Baseline::GlobalMean.name(), &self.global_mean),
            (Baseline::UserMean.name(), &self.user_mean),
            (Baseline::ItemMean.name(), &self.item_mean),
            (Baseline::Bias.name(), &self.bias),
            ("the article's autoencoder", &self.article),
            ("item-based AutoRec", &self.autorec),
        ]
    }
}

/// The baselines (fitted on the training ratings as `base`) and AutoRec scored on `test`,
/// beside the article's model's `article` metrics.
pub fn compare(test: &RatingTable, base: &Baselines, article: Metrics, autorec: &Recommender) -> Comparison {
    Comparison {
        global_mean: score(test, base, Baseline::GlobalMean),
        user_mean: score(test, base, Baseline::UserMean),
        item_mean: score(test, base, Baseline::ItemMean),
        bias: score(test, base, Baseline::Bias),
        article,
        autorec: autorec.evaluate(test),
    }
}

/// How many members the blend of [`state_of_the_art`] trains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlendSize {
    /// `--quick`: narrow members, a few epochs each.
    Quick,
    /// The built-in ratings: the bias baseline, the chapter's AutoRec and MF, so the first run
    /// of the chapter stays short.
    Small,
    /// MovieLens (`--data`): the members chosen on ml-100k u1's held-out tenth.
    Full,
}

/// [`BlendSize::Full`] on real data, [`BlendSize::Quick`] with `quick`.
pub fn blend_size(real_data: bool, quick: bool) -> BlendSize {
    match (quick, real_data) {
        (true, _) => BlendSize::Quick,
        (false, false) => BlendSize::Small,
        (false, true) => BlendSize::Full,
    }
}

/// The blend's members at `size` for a chapter run with `seed`. The first two are always the
/// bias baseline and the chapter's own item-based AutoRec ([`autorec_config`], seed `seed`:
/// Step 1b's model, which [`train_blend`] takes as it is). The seeds of the others are
/// offsets of `seed`, those the search used at seed 1 (`ensemble` module doc).
pub fn blend_members(size: BlendSize, seed: u64) -> Vec<Member> {
    let quick = size == BlendSize::Quick;
    let mut members = vec![Member::Bias, Member::ItemAutoRec(autorec_config(quick), seed)];
    match size {
        BlendSize::Quick => {
            members.push(Member::UserAutoRec(u_autorec_config(true), seed.wrapping_add(2)));
            members.push(Member::Mf(mf_config(true), seed));
        }
        BlendSize::Small => members.push(Member::Mf(mf_config(false), seed)),
        BlendSize::Full => {
            let noise = autorec::Config { hidden: 500, masking_noise: 0.3, ..autorec::Config::default() };
            members.push(Member::ItemAutoRec(noise, seed.wrapping_add(6)));
            members.push(Member::UserAutoRec(u_autorec_config(false), seed.wrapping_add(2)));
            members.push(Member::Mf(mf_config(false), seed));
        }
    }
    members
}

/// User-based AutoRec's settings in the blend (chosen on ml-100k u1's held-out tenth, see the
/// `ensemble` module doc), or a narrow model for 6 epochs with `quick`.
pub fn u_autorec_config(quick: bool) -> autorec::Config {
    let c = autorec::Config { batch: 32, epochs: 40, input_offset: 1.0, ..autorec::Config::default() };
    if quick { autorec::Config { hidden: 16, epochs: 6, batch: 16, ..c } } else { c }
}

/// MF's settings in the blend: the default, or k = 10 for 10 epochs with `quick`.
pub fn mf_config(quick: bool) -> mf::Config {
    let c = mf::Config::default();
    if quick { mf::Config { factors: 10, epochs: 10, ..c } } else { c }
}

/// [`ensemble::train`] with the members of `size`, blended by support on a tenth of `train`,
/// with an error if a member's final model is not finite on the training ratings. `autorec`,
/// if given, is the chapter's AutoRec already trained on `train` by [`train_autorec`] at
/// `seed` (the blend's second member), so it is not trained twice.
pub fn train_blend(train: &RatingTable, size: BlendSize, seed: u64, autorec: Option<&Trained>) -> Result<Ensemble> {
    let members = blend_members(size, seed);
    let known = autorec.map(|t| (1, t));
    let e = ensemble::train(train, &members, BlendKind::BySupport, BLEND_SHARE, seed, known)?;
    for (m, v) in e.validations.iter().enumerate() {
        if !v.best_rmse.is_finite() || train.iter().take(1000).any(|r| !(e.finals[m])(r.user, r.movie).is_finite()) {
            return Err(diverged(
                &v.member.name(),
                v.best_epoch,
                0,
                "the held-out or training predictions are not finite",
            ));
        }
    }
    Ok(e)
}

/// The share of the training ratings the blend is fitted on: AutoRec's own held-out share, so
/// that Step 1b's held-out run serves the blend too.
pub const BLEND_SHARE: f64 = 0.1;

/// What [`state_of_the_art`] returns: the ablation, its best row and the published figures.
#[derive(Clone, Debug)]
pub struct Sota {
    pub size: BlendSize,
    /// The final blend's weights, fitted on the held-out tenth of the training ratings.
    pub blend: ensemble::Blend,
    pub rows: Vec<AblationRow>,
    /// Seconds of the whole procedure, wall clock.
    pub seconds: f64,
}

/// Step 3b's outcome: the blend, or why there is none (a loaded model, or too few ratings).
#[derive(Clone, Debug)]
pub enum Step3b {
    Blended(Sota),
    /// `--load`: the blend is not saved.
    Loaded,
    /// The held-out tenth is too small for the blend's weights; the reason.
    TooSmall(String),
}

impl Step3b {
    pub fn sota(&self) -> Option<&Sota> {
        match self {
            Step3b::Blended(s) => Some(s),
            _ => None,
        }
    }

    /// [`Sota::report`], or the note that says why there is no blend and what
    /// `improved_test_rmse` is instead.
    pub fn report(&self) -> String {
        match self {
            Step3b::Blended(s) => s.report(),
            Step3b::Loaded => "Step 3b. The blend is not saved in the model file: with --load, improved_test_rmse \
                               is the saved AutoRec's.\n\n"
                .into(),
            Step3b::TooSmall(why) => {
                format!("Step 3b. No blend: {why}. improved_test_rmse is AutoRec's.\n\n")
            }
        }
    }
}

/// Published global test RMSE on ml-100k's u1 split, for the chapter's table.
pub const PUBLISHED_U1: [(&str, f64); 4] = [
    ("GLocal-K (Han et al., CIKM 2021)", 0.8889),
    ("Sparse FC (Muller et al., 2018)", 0.895),
    ("IGMC (Zhang & Chen, ICLR 2020)", 0.905),
    ("GC-MC (van den Berg et al., 2017)", 0.905),
];

/// Step 3b: the blend of [`blend_members`] at `size`, trained by [`ensemble::train`] (with
/// `autorec`, Step 1b's trained model, as its AutoRec member) and scored on `split.test` row by
/// row (the ablation). No blend without `autorec` (a loaded model: the blend is not saved), or
/// when the held-out tenth is too small for its weights.
pub fn state_of_the_art(split: &Split, autorec: Option<&Trained>, size: BlendSize, seed: u64) -> Result<Step3b> {
    let Some(autorec) = autorec else { return Ok(Step3b::Loaded) };
    let members = blend_members(size, seed).len();
    if let Some(why) = ensemble::too_small(split.train.len(), BLEND_SHARE, BlendKind::BySupport, members) {
        return Ok(Step3b::TooSmall(why));
    }
    let start = std::time::Instant::now();
    let e = train_blend(&split.train, size, seed, Some(autorec))?;
    let rows = e.ablation(&split.test)?;
    Ok(Step3b::Blended(Sota { size, blend: e.blend, rows, seconds: start.elapsed().as_secs_f64() }))
}

impl Sota {
    /// The final blend (the last ablation row).
    pub fn best(&self) -> &AblationRow {
        self.rows.last().expect("the ablation has rows")
    }

    /// The chapter's Step 3b: how the blend is made, the ablation table and, on MovieLens, the
    /// published figures.
    pub fn report(&self) -> String {
        let mut t = Table::new(&["ingredient", "held-out RMSE", "test RMSE", "test MAE", "CPU s"]);
        for r in &self.rows {
            let n = [r.held_rmse, r.test.rmse, r.test.mae].map(|x| fmt_num(x, 4));
            let cpu = r.seconds.map_or_else(|| "—".into(), |s| format!("{s:.1}"));
            t.row(vec![r.name.clone(), n[0].clone(), n[1].clone(), n[2].clone(), cpu]);
        }
        let mut out = String::from(
            "Step 3b. Closer to the state of the art: several recommenders, blended\n  \
             Each member is trained on 90 % of the training ratings and stopped at its best epoch on the\n  \
             other tenth; blend weights are fitted by ridge regression on that tenth (members' predictions,\n  \
             and \"by support\" adds them times ln(1 + ratings) of the user and of the movie); then every\n  \
             member is retrained on all training ratings for its chosen epochs and blended. The test\n  \
             ratings are read only to fill the two test columns (src/recommender/ensemble.rs).\n",
        );
        out += &t.render();
        out += &format!(
            "  (held-out RMSE: a member's best epoch, or a blend's 5-fold cross-validated RMSE on the tenth;\n  \
             CPU s: CPU seconds of both training runs of the members a row uses, each counted on its own\n  \
             thread, Step 1b's for its AutoRec; all of Step 3b: {:.1} s wall, up to two members at a time)\n",
            self.seconds
        );
        if self.size == BlendSize::Full {
            out += "  Published global test RMSE on ml-100k u1, for comparison (only meaningful on that split):\n";
            for (name, rmse) in PUBLISHED_U1 {
                out += &format!("    {name:<36} {rmse}\n");
            }
        }
        out + "\n"
    }
}

/// The Results lines of the better models: `improved_test_rmse` and `improved_test_mae` of the
/// best model (the blend, or AutoRec when no blend was trained), then `ablation_<key>_rmse`
/// for each ablation row.
pub fn improved_keys(cmp: &Comparison, sota: Option<&Sota>) -> Vec<(String, f64)> {
    let Some(s) = sota else {
        return vec![
            ("improved_test_rmse".into(), cmp.autorec.rmse),
            ("improved_test_mae".into(), cmp.autorec.mae),
            ("ablation_i_autorec_rmse".into(), cmp.autorec.rmse),
        ];
    };
    let best = s.best();
    let mut keys = vec![("improved_test_rmse".into(), best.test.rmse), ("improved_test_mae".into(), best.test.mae)];
    keys.extend(s.rows.iter().map(|r| (format!("ablation_{}_rmse", r.key), r.test.rmse)));
    // The score each choice was made on, beside the test score it is reported with.
    keys.extend(s.rows.iter().map(|r| (format!("ablation_{}_heldout_rmse", r.key), r.held_rmse)));
    keys
}

/// User index `user`'s 10 best movies by AutoRec, among the movies they have rated in neither
/// split and that at least [`MIN_RATINGS_TO_RECOMMEND`] users rated in training.
pub fn recommend(split: &Split, autorec: &Recommender, user: usize) -> Vec<Pick> {
    top_ten(split, user, |m| autorec.predict(user, m))
}

/// [`recommend`] by the article's model: its outputs for the user's training row, ranked, as
/// §5 says to recommend.
pub fn recommend_article(split: &Split, sae: &Sae, user: usize) -> Vec<Pick> {
    let scores = faithful_fast::predict_all(sae, &split.train, user);
    top_ten(split, user, |m| scores[m])
}

fn top_ten(split: &Split, user: usize, score: impl Fn(usize) -> f64) -> Vec<Pick> {
    let mut count = vec![0usize; split.n_movies()];
    for e in split.train.iter() {
        count[e.movie] += 1;
    }
    let known = |m: usize| split.train.get(user, m).is_some() || split.test.get(user, m).is_some();
    let popular = |m: usize| count[m] >= MIN_RATINGS_TO_RECOMMEND;
    top_n(split.n_movies(), 10, score, known, popular)
}

/// Both models' top picks on the test ratings ([`ranking::top_pick`]): the article's model,
/// then AutoRec.
pub fn top_picks(split: &Split, sae: &Sae, autorec: &Recommender) -> (TopPick, TopPick) {
    let article = ranking::top_pick(&split.test, |u, r| faithful_fast::predict_movies(sae, &split.train, u, r));
    let better =
        ranking::top_pick(&split.test, |u, r| r.iter().map(|&(i, _)| autorec.predict(u, i as usize)).collect());
    (article, better)
}

/// Erratum (c) said in a sentence, and the ranking check, as the chapter prints them below
/// its table.
pub fn verdicts(cmp: &Comparison, article: &TopPick, autorec: &TopPick) -> String {
    let verb = if cmp.article.rmse > cmp.bias.rmse { "does WORSE than" } else { "beats" };
    let (a, b) = (fmt_num(cmp.article.rmse, 4), fmt_num(cmp.bias.rmse, 4));
    let (top_a, top_b, random) = (fmt_num(article.top, 3), fmt_num(autorec.top, 3), fmt_num(article.random, 3));
    format!(
        "  The article's autoencoder {verb} the user + item bias baseline, a model of one number per user and one\n  \
         per movie (RMSE {a} against {b}).\n  \
         Ranking (§5: rank the predictions, recommend the top): each of {} users' test movie ranked first was\n  \
         rated {top_a} on average by the article's model's order, {top_b} by AutoRec's, {random} for a random pick.\n",
        article.users
    )
}

/// One split's scores under `--split all`.
#[derive(Clone, Copy, Debug)]
pub struct FoldScore {
    pub fold: Fold,
    pub bias: Metrics,
    pub autorec: Metrics,
    /// The blend of [`state_of_the_art`].
    pub blend: Metrics,
}

/// What [`all_folds`] returns.
#[derive(Clone, Debug)]
pub struct FoldScores {
    pub folds: Vec<FoldScore>,
    /// The mean over the folds of the bias baseline's, AutoRec's and the blend's RMSE.
    pub bias_rmse_mean: f64,
    pub autorec_rmse_mean: f64,
    pub blend_rmse_mean: f64,
}

impl FoldScores {
    /// One row per split, and the means.
    pub fn table(&self) -> String {
        let mut table = Table::new(&["split", "bias RMSE", "AutoRec RMSE", "AutoRec MAE", "blend RMSE", "blend MAE"]);
        for s in &self.folds {
            let numbers =
                [s.bias.rmse, s.autorec.rmse, s.autorec.mae, s.blend.rmse, s.blend.mae].map(|x| fmt_num(x, 4));
            table.row([vec![s.fold.to_string()], numbers.to_vec()].concat());
        }
        let [b, a, e] = [self.bias_rmse_mean, self.autorec_rmse_mean, self.blend_rmse_mean].map(|x| fmt_num(x, 4));
        table.row(vec!["mean".into(), b, a, String::new(), e, String::new()]);
        table.render()
    }

    /// The Results lines of `--split all`: the means, and the blend's RMSE on each split
    /// (`improved_test_rmse_u1` …).
    pub fn keys(&self) -> Vec<(String, f64)> {
        let means = [
            ("bias_baseline_rmse_mean", self.bias_rmse_mean),
            ("improved_test_rmse_mean", self.autorec_rmse_mean),
            ("improved_mean_rmse_5fold", self.blend_rmse_mean),
        ];
        let folds = self.folds.iter().map(|s| (format!("improved_test_rmse_{}", s.fold), s.blend.rmse));
        means.into_iter().map(|(k, v)| (k.to_string(), v)).chain(folds).collect()
    }
}

/// The bias baseline, AutoRec and the blend of [`state_of_the_art`] on each of the five
/// splits; `each(&score, &trained)` after each, with AutoRec's training on that split (its
/// curve and the epochs chosen).
pub fn all_folds(
    data: Option<&Path>,
    seed: u64,
    quick: bool,
    mut each: impl FnMut(&FoldScore, &Trained),
) -> Result<FoldScores> {
    let mut folds = Vec::new();
    for fold in Fold::all() {
        let split = load_split(data, fold, seed, quick)?;
        let base = Baselines::fit(&split.train, &BiasConfig::default());
        let bias = score(&split.test, &base, Baseline::Bias);
        let trained = train_autorec(&split.train, &autorec_config(quick), seed)?;
        let e = train_blend(&split.train, blend_size(data.is_some(), quick), seed, Some(&trained))?;
        let autorec = trained.recommender.evaluate(&split.test);
        let s = FoldScore { fold, bias, autorec, blend: e.evaluate(&split.test) };
        each(&s, &trained);
        folds.push(s);
    }
    let mean = |f: fn(&FoldScore) -> f64| folds.iter().map(f).sum::<f64>() / folds.len() as f64;
    let [bias_rmse_mean, autorec_rmse_mean, blend_rmse_mean] =
        [mean(|s| s.bias.rmse), mean(|s| s.autorec.rmse), mean(|s| s.blend.rmse)];
    Ok(FoldScores { folds, bias_rmse_mean, autorec_rmse_mean, blend_rmse_mean })
}

/// What the chapter's training-curve chart shows, kept beside the code that draws it.
pub const LOSS_CHART_CAPTION: &str = "RMSE against the epoch: the article's model by the train loss it prints, \
    AutoRec by its training RMSE and its RMSE on a held-out tenth of the training ratings, from which it picks \
    its epoch count.";

/// Training curves of both models: the article's printed train loss per epoch, and AutoRec's
/// training and held-out RMSE in its epoch-choosing run.
pub fn loss_chart(article_losses: &[f64], autorec_curve: &[EpochLog]) -> LineChart {
    let line = |f: fn(&EpochLog) -> f64| autorec_curve.iter().map(|l| (l.epoch as f64, f(l))).collect();
    LineChart::new("Training curves of §5's two models", "epoch", "RMSE")
        .series("article's model", article_losses.iter().enumerate().map(|(e, &l)| (e as f64 + 1.0, l)).collect())
        .series("AutoRec, train", line(|l| l.train_rmse))
        .series("AutoRec, held-out", line(|l| l.validation.rmse))
}

/// The chapter's two figures with their file names: §5's network with its masked loss, and
/// every test rating's prediction by the article's model and by AutoRec, one box per true rating.
pub fn figures(split: &Split, sae: &Sae, autorec: &Recommender) -> [(&'static str, Figure); 2] {
    let arch = figures::recommender_diagram(split.n_movies(), &[faithful::H1, faithful::H2, faithful::H3]);
    let article_pairs = faithful_fast::test_predictions(sae, &split.train, &split.test);
    let better_pairs: Vec<(u8, f64)> =
        split.test.iter().map(|e| (e.rating, autorec.predict(e.user, e.movie))).collect();
    let boxes =
        figures::rating_boxes(&[("the article's model", &article_pairs), ("item-based AutoRec", &better_pairs)]);
    [("architecture.svg", arch), ("predicted_vs_actual.svg", boxes)]
}

/// The article's test metric beside the global ones, with what sets them apart, as the
/// chapter prints it.
pub fn article_test_report(article: &Metrics) -> String {
    let (loss, rmse, mae) = (fmt_num(article.article_loss, 4), fmt_num(article.rmse, 4), fmt_num(article.mae, 4));
    let n = article.n;
    [
        "The article's test: each user's training row goes in; the outputs at their test movies are scored.".into(),
        format!("  article's test loss (mean over users of each user's RMSE): {loss}"),
        format!("  global test RMSE over all {n} test ratings:               {rmse}"),
        format!("  global test MAE:                                           {mae}"),
        "  The article's number gives every user one vote, however few test ratings they have; the".into(),
        "  global RMSE gives every rating one vote and is what published results report. Only the".into(),
        "  second can be compared with the literature or with the baselines below.\n\n".to_string(),
    ]
    .join("\n")
}
