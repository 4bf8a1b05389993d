//! §4.2: denoising autoencoders. A plain autoencoder and denoising ones trained with masking
//! corruption, compared on held-out digits corrupted the same way, against the clean digits.

use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::data::{self, images};
use autoencoders::gradcheck::models as gradcheck_models;
use autoencoders::gradcheck::step as gradient_step;
use autoencoders::nn::activation::Activation;
use autoencoders::nn::dense::Dense;
use autoencoders::nn::gradcheck::{self, Checkable};
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::{Autoencoder, Network};
use autoencoders::nn::optim::Adam;
use autoencoders::nn::train;
use autoencoders::render::png::{image_grid, write_png};
use autoencoders::render::text::{Table, fmt_num};
use autoencoders::variants::denoise::{self, CorruptedTarget, Corruption};
use autoencoders::workbook::captions;
use autoencoders::workbook::cli::{self, Args, Progress, Results};
use autoencoders::workbook::specs::ch4_denoising::SPEC;
use autoencoders::{Error, Result};

const GAUSSIAN_SIGMA: f64 = 0.3;
const BATCH: usize = 16;
const LR: f64 = 0.005;
const SHOWN: usize = 10;
/// A clean pixel at least this dark counts as ink when measuring how bright strokes come back.
const INK: f64 = 0.5;

fn main() {
    cli::run(&SPEC, body);
}

fn body(args: &Args) -> Result<()> {
    let noise = match args.parsed::<f64>("noise")? {
        Some(v) if !(v > 0.0 && v < 1.0) => {
            return Err(Error::Usage("--noise must lie strictly between 0 and 1".into()));
        }
        Some(v) => v,
        None => 0.5,
    };
    let code = args.width("code", 64)?;
    let (n_train, n_test) = if args.quick { (1000, 200) } else { (3000, 1000) };
    let epochs = args.epochs_or(10, 8);

    println!("§4.2: denoising autoencoders. Some inputs are set to 0 on purpose; the network must");
    println!("give back the clean digit, so copying its input is no longer enough.\n");

    println!("Step 1: the digits.");
    let set = data::digit_set(args.data.as_deref(), n_train, n_test, args.seed)?;
    let train = set.train.slice_rows(0, set.train.rows().min(n_train));
    let test = set.test.slice_rows(0, set.test.rows().min(n_test));
    println!("  source: {}; using {} training and {} held-out digits.\n", set.source, train.rows(), test.rows());

    let mut levels = vec![0.25, 0.5];
    if !levels.iter().any(|&l: &f64| (l - noise).abs() < 1e-12) {
        levels.push(noise);
    }
    let mut models: Vec<(String, Corruption)> = vec![("plain AE".into(), Corruption::None)];
    models.extend(levels.iter().map(|&nu| (format!("DAE ν = {nu}"), Corruption::Mask { nu })));

    println!("Step 2: train 784-{code}-784 (sigmoid code and output, mean squared error, Adam lr {LR},");
    println!("mini-batches of {BATCH}, {epochs} epochs) from the same initial weights. Each DAE step masks a");
    println!("fresh random subset of its inputs and scores the output against the clean digit.");
    let mut rng = Rng::new(args.seed);
    let init = Autoencoder::new(
        Network::new(vec![Dense::xavier(images::PIXELS, code, Activation::Sigmoid, &mut rng)]),
        Network::new(vec![Dense::xavier(code, images::PIXELS, Activation::Sigmoid, &mut rng)]),
    );
    let check = check_gradients(&init, &train, &models, args)?;
    // Every model sees the same mini-batch order; the held-out corruption is drawn apart from
    // training, so adding a model (--noise) leaves it unchanged.
    let (train_stream, mut test_rng) = (rng.fork(2), rng.fork(3));
    let mut trained = Vec::new();
    let mut progress = Progress::new("ch4_denoising: epoch", models.len() * epochs);
    for (m, (label, corruption)) in models.iter().enumerate() {
        let mut ae = init.clone();
        let mut opt = Adam::new(LR);
        let mut train_rng = train_stream.clone();
        let mut last = f64::NAN;
        for epoch in 1..=epochs {
            last = train::epoch(&mut ae, &train, corruption, LossKind::Mse, BATCH, &mut opt, &mut train_rng);
            ae.check_finite(SPEC.name, epoch, train.rows().div_ceil(BATCH), last)?;
            progress.tick(m * epochs + epoch);
        }
        progress.clear();
        println!("  {label:<14} ({}): training loss after the last epoch {}", corruption.name(), fmt_num(last, 5));
        trained.push((label.clone(), ae));
    }
    drop(progress);
    println!();

    println!("Step 3: corrupt the held-out digits once (the same corruption for every model) and measure");
    println!("the mean squared error of each model's output against the CLEAN digits. The row \"no model\"");
    println!("is the corrupted input itself, the error a network that copies perfectly would make.");
    let mut tests: Vec<(String, Matrix)> = vec![("clean".into(), test.clone())];
    for &nu in &levels {
        tests.push((format!("masked ν = {nu}"), denoise::mask_noise(&test, nu, &mut test_rng).x));
    }
    tests.push((
        format!("gaussian σ = {GAUSSIAN_SIGMA}"),
        denoise::gaussian_noise(&test, GAUSSIAN_SIGMA, &mut test_rng),
    ));
    let mut headers = vec!["model".to_string()];
    headers.extend(tests.iter().map(|(t, _)| t.clone()));
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut table = Table::new(&header_refs);
    let mut row = vec!["no model".to_string()];
    row.extend(tests.iter().map(|(_, x)| fmt_num(LossKind::Mse.eval(x, &test).value, 5)));
    table.row(row);
    let mut errors: Vec<Vec<f64>> = Vec::new();
    for (label, ae) in &trained {
        let errs: Vec<f64> =
            tests.iter().map(|(_, x)| denoise::restoration_loss(ae, x, &test, LossKind::Mse)).collect();
        let mut row = vec![label.clone()];
        row.extend(errs.iter().map(|&e| fmt_num(e, 5)));
        table.row(row);
        errors.push(errs);
    }
    print!("{}", table.render());
    // tests[0] is the clean set and trained[0] the plain AE, so level i sits at i + 1 in both.
    let at = levels.iter().position(|&l| (l - noise).abs() < 1e-12).expect("noise is a level");
    let (col, dae) = (1 + at, 1 + at);
    let (plain_err, dae_err) = (errors[0][col], errors[dae][col]);
    println!(
        "  At ν = {noise}: the plain AE's error is {}, the DAE trained at ν = {noise} makes {} ({:.0} % {}).",
        fmt_num(plain_err, 5),
        fmt_num(dae_err, 5),
        100.0 * (plain_err - dae_err).abs() / plain_err,
        if dae_err < plain_err { "less" } else { "MORE" }
    );
    let verdict = if errors[dae][0] > errors[0][0] {
        "the DAE pays for its robustness on clean input"
    } else {
        "the DAE is better even on clean input: in this run the plain one is the less trained"
    };
    println!(
        "  On clean digits the plain AE makes {} and the DAE {}: {verdict}.\n",
        fmt_num(errors[0][0], 5),
        fmt_num(errors[dae][0], 5)
    );

    println!("Step 4: pictures. Rows: clean, masked at ν = {noise}, restored by each model.");
    fn as_row(m: &Matrix) -> Vec<&[f64]> {
        (0..m.rows()).map(|r| m.row(r)).collect()
    }
    let picked: Vec<usize> =
        (0..10u8).filter_map(|d| set.test_labels[..test.rows()].iter().position(|&l| l == d)).take(SHOWN).collect();
    let clean = test.select_rows(&picked);
    let corrupted = tests[col].1.select_rows(&picked);
    let restored: Vec<Matrix> = trained.iter().map(|(_, ae)| ae.reconstruct(&corrupted)).collect();
    let mut rows = vec![as_row(&clean), as_row(&corrupted)];
    rows.extend(restored.iter().map(|m| as_row(m)));
    std::fs::create_dir_all(&args.out).map_err(|e| Error::io(&args.out, e))?;
    let path = args.out.join("denoising.png");
    write_png(&path, &image_grid(&rows, images::SIDE, images::SIDE, 2, 2))?;
    let names: Vec<&str> = trained.iter().map(|(l, _)| l.as_str()).collect();
    let caption = format!(
        "Top row: clean held-out digits; second row: the same with a share ν = {noise} of the pixels set to 0; \
         below, each model's restoration of the second row ({}). Look for the removed strokes coming back.",
        names.join(", ")
    );
    captions::caption(&args.out, "denoising.png", &caption)?;
    println!("  wrote {} (restored rows: {})\n", path.display(), names.join(", "));

    println!("Step 5: §4.2 also says the loss compares the output with the corrupted input. Trained that");
    println!("way (same start, same batches, masking ν = {noise}), the network is asked to copy the holes:");
    let (mut copier, mut opt, mut train_rng) = (init.clone(), Adam::new(LR), train_stream.clone());
    let reading = CorruptedTarget(Corruption::Mask { nu: noise });
    for epoch in 1..=epochs {
        let l = train::epoch(&mut copier, &train, &reading, LossKind::Mse, BATCH, &mut opt, &mut train_rng);
        copier.check_finite(SPEC.name, epoch, train.rows().div_ceil(BATCH), l)?;
    }
    let masked = &tests[col].1;
    let copier_err = denoise::restoration_loss(&copier, masked, &test, LossKind::Mse);
    let ink = |ae: &Autoencoder| denoise::ink_level(&ae.reconstruct(masked), &test, INK);
    let (ink_dae, ink_copier) = (ink(&trained[dae].1), ink(&copier));
    let ink_input = denoise::ink_level(masked, &test, INK);
    println!(
        "  on digits masked at ν = {noise}, its error against the clean digits is {} (clean target: {}, plain AE: {});",
        fmt_num(copier_err, 5),
        fmt_num(dae_err, 5),
        fmt_num(plain_err, 5)
    );
    println!(
        "  where the clean digit has ink (≥ {INK}) it draws {:.2} on average, the clean-target DAE {:.2}",
        ink_copier, ink_dae
    );
    println!("  (the masked input itself: {ink_input:.2}):");
    println!("  it learned faded, holed strokes. Only the clean target makes a denoising autoencoder.\n");

    let mut res = Results::new();
    res.num("noise", noise, 2);
    res.num("corrupted_test_mse_plain", plain_err, 6);
    res.num("corrupted_test_mse_denoising", dae_err, 6);
    res.num("corrupted_input_mse", LossKind::Mse.eval(&tests[col].1, &test).value, 6);
    res.num("clean_test_mse_plain", errors[0][0], 6);
    res.num("clean_test_mse_denoising", errors[dae][0], 6);
    res.num("corrupted_target_test_mse", copier_err, 6);
    res.num("ink_level_denoising", ink_dae, 3);
    res.num("ink_level_corrupted_target", ink_copier, 3);
    res.num("ink_level_input", ink_input, 3);
    gradient_step::add_results(&mut res, &check);
    res.finish(&SPEC, args)
}

/// The gradient check: training digits it runs on, entries it draws per tensor (fewer in a
/// quick run, so that the check stays a small part of it).
const CHECK_DIGITS: usize = 4;
const SAMPLE: usize = 20;
const QUICK_SAMPLE: usize = 5;

/// Every model's objective at the initial weights they all start from; a denoising one on
/// digits masked once by the check's generator and then held fixed, so the objective is a
/// function of the weights alone.
fn check_gradients(
    init: &Autoencoder,
    train: &Matrix,
    models: &[(String, Corruption)],
    args: &Args,
) -> Result<autoencoders::nn::gradcheck::Summary> {
    let (seed, sample) = (args.seed, if args.quick { QUICK_SAMPLE } else { SAMPLE });
    let x = train.slice_rows(0, CHECK_DIGITS.min(train.rows()));
    let mut noise = gradcheck::sampler(seed).fork(1);
    let mut objectives: Vec<_> = models
        .iter()
        .map(|(_, c)| {
            let input = c.apply(&x, &mut noise).x;
            gradcheck_models::autoencoder(init.clone(), input, x.clone(), LossKind::Mse)
        })
        .collect();
    let names: Vec<String> = models
        .iter()
        .map(|(label, c)| match c {
            Corruption::None => format!("{label}, MSE"),
            _ => format!("{label}, MSE from a fixed masking"),
        })
        .collect();
    let mut named: Vec<(&str, &mut dyn Checkable)> =
        names.iter().zip(objectives.iter_mut()).map(|(n, o)| (n.as_str(), o as &mut dyn Checkable)).collect();
    let reports = gradcheck::check_all(&mut named, sample, seed);
    let at = format!("at the initial weights, on the first {CHECK_DIGITS} training digits");
    gradient_step::print(SPEC.name, &at, &reports)
}
