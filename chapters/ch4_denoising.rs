//! §4.2: denoising autoencoders. A plain autoencoder and denoising ones trained with masking
//! corruption, compared on held-out digits corrupted the same way, against the clean digits.

use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::data::{self, images};
use autoencoders::nn::activation::Activation;
use autoencoders::nn::dense::Dense;
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::{Autoencoder, Network};
use autoencoders::nn::optim::Adam;
use autoencoders::render::png::{image_grid, write_png};
use autoencoders::render::text::{Table, fmt_num};
use autoencoders::variants::denoise::{self, Corruption};
use autoencoders::variants::denoise_readings;
use autoencoders::workbook::cli::{self, Args, Expect, Opt, Progress, Results, Spec};
use autoencoders::{Error, Result};

const SPEC: Spec = Spec {
    name: "ch4_denoising",
    section: "§4.2",
    about: "masking corruption: a plain autoencoder against denoising ones, on corrupted held-out digits",
    data: Some("a folder with MNIST IDX files (default: built-in procedural digits)"),
    options: &[
        Opt {
            name: "noise",
            value: Some("NU"),
            help: "masking level ν of the test corruption and of the headline denoising model (default 0.5)",
        },
        Opt { name: "code", value: Some("N"), help: "code width (default 64)" },
    ],
    exercises: &[
        "drop three quarters of every input: the plain model's error is 0.05395, the denoising one's 0.0234, the \
         input's own 0.0784: cargo run --bin ch4_denoising -- --noise 0.75",
        "does a wider code help or hurt the plain network on masked digits (0.0446, the input's own 0.0525)? \
         cargo run --bin ch4_denoising -- --code 256",
        "train longer: does the plain model ever learn to fill the holes (0.0518 against the DAE's 0.0151)? \
         cargo run --bin ch4_denoising -- --epochs 30",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "corrupted_test_mse_plain", 0.032219, 0.0000005),
        Expect::near(&[], "corrupted_test_mse_denoising", 0.018269, 0.0000005),
        Expect::near(&[], "corrupted_input_mse", 0.052391, 0.0000005),
        Expect::near(&[], "clean_test_mse_plain", 0.015401, 0.0000005),
        Expect::near(&[], "clean_test_mse_denoising", 0.019283, 0.0000005),
        Expect::near(&[], "corrupted_target_test_mse", 0.043606, 0.0000005),
        Expect::near(&[], "ink_level_denoising", 0.698, 0.0005),
        Expect::near(&[], "ink_level_corrupted_target", 0.345, 0.0005),
        Expect::near(&[], "ink_level_input", 0.439, 0.0005),
        Expect::near(&["--noise", "0.75"], "corrupted_test_mse_plain", 0.053950, 0.0000005),
        Expect::near(&["--noise", "0.75"], "corrupted_test_mse_denoising", 0.023448, 0.0000005),
        Expect::near(&["--noise", "0.75"], "corrupted_input_mse", 0.078444, 0.0000005),
        Expect::near(&["--code", "256"], "clean_test_mse_plain", 0.002809, 0.0000005),
        Expect::near(&["--code", "256"], "corrupted_test_mse_plain", 0.044609, 0.0000005),
        Expect::near(&["--code", "256"], "corrupted_input_mse", 0.052497, 0.0000005),
        Expect::near(&["--code", "256"], "corrupted_test_mse_denoising", 0.011865, 0.0000005),
        Expect::near(&["--epochs", "30"], "corrupted_test_mse_plain", 0.051811, 0.0000005),
        Expect::near(&["--epochs", "30"], "corrupted_test_mse_denoising", 0.015099, 0.0000005),
        Expect::near(&["--epochs", "30"], "corrupted_input_mse", 0.052391, 0.0000005),
    ],
};

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
            last = denoise::train_epoch(&mut ae, &train, BATCH, *corruption, LossKind::Mse, &mut opt, &mut train_rng);
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
    println!("  wrote {} (restored rows: {})\n", path.display(), names.join(", "));

    println!("Step 5: §4.2 also says the loss compares the output with the corrupted input. Trained that");
    println!("way (same start, same batches, masking ν = {noise}), the network is asked to copy the holes:");
    let mut copier = init.clone();
    let (mut opt, mut train_rng, masking) = (Adam::new(LR), train_stream.clone(), Corruption::Mask { nu: noise });
    for epoch in 1..=epochs {
        let l = denoise_readings::train_epoch_corrupted_target(
            &mut copier,
            &train,
            BATCH,
            masking,
            LossKind::Mse,
            &mut opt,
            &mut train_rng,
        );
        copier.check_finite(SPEC.name, epoch, train.rows().div_ceil(BATCH), l)?;
    }
    let masked = &tests[col].1;
    let copier_err = denoise::restoration_loss(&copier, masked, &test, LossKind::Mse);
    let ink = |ae: &Autoencoder| denoise_readings::ink_level(&ae.reconstruct(masked), &test, INK);
    let (ink_dae, ink_copier) = (ink(&trained[dae].1), ink(&copier));
    let ink_input = denoise_readings::ink_level(masked, &test, INK);
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
    res.finish(&SPEC, args)
}
