//! §1: the 784-25-784 autoencoder on digit images, originals beside reconstructions.

use autoencoders::core::files::ensure_dir;
use autoencoders::core::rng::Rng;
use autoencoders::data::{self, images};
use autoencoders::gradcheck::models as gradcheck_models;
use autoencoders::gradcheck::step as gradient_step;
use autoencoders::image_ae::{self, Config};
use autoencoders::image_ae_fast;
use autoencoders::nn::gradcheck;
use autoencoders::render::png::write_png;
use autoencoders::render::svg::write_svg;
use autoencoders::variants::sparse;
use autoencoders::workbook::captions;
use autoencoders::workbook::cli::{self, Args, Progress, Results};
use autoencoders::workbook::specs::ch1_mnist::SPEC;

/// Default epochs on the built-in digits and on MNIST (`--data`); see the module doc of
/// `image_ae` for the measurements behind them. The built-in digits leave their plateau
/// sooner (held-out 0.019 after 100 epochs), MNIST needs the extra epochs for every seed.
const EPOCHS: usize = 80;
const EPOCHS_MNIST: usize = 120;
const QUICK_EPOCHS: usize = 10;
/// A code value below this counts as near zero (as in ch4_sparse).
const NEAR_ZERO: f64 = 0.05;
/// The gradient check: training images it runs on, entries it draws per tensor (fewer in a
/// quick run, so that the check stays a small part of it).
const CHECK_IMAGES: usize = 2;
const SAMPLE: usize = 20;
const QUICK_SAMPLE: usize = 5;
/// Each pixel of the comparison picture becomes a SCALE × SCALE block.
const SCALE: usize = 3;

fn main() {
    cli::run(&SPEC, body);
}

/// Tiles in the interpolation strip, both ends included.
const INTERPOLATION_STEPS: usize = 10;
/// The two digits the strip travels between, when the held-out set has both.
const INTERPOLATION_DIGITS: (u8, u8) = (3, 8);

fn body(args: &Args) -> autoencoders::Result<()> {
    let full_epochs = if args.data.is_some() { EPOCHS_MNIST } else { EPOCHS };
    let mut config = Config { epochs: args.epochs_or(full_epochs, QUICK_EPOCHS), ..Config::default() };
    config.lr = args.positive_f64("lr", 0.01)?;
    config.lr_final = args.positive_f64("lr-final", config.lr)?;
    if args.value("hidden").is_some() && args.value("code").is_some() {
        return Err(autoencoders::Error::Usage("--hidden and --code name the same width: give one".into()));
    }
    let width_flag = if args.value("code").is_some() { "code" } else { "hidden" };
    config.code = args.width(width_flag, config.code)?;

    println!(
        "{} ({}): an autoencoder gives back digit images through a {}-number code\n",
        SPEC.name, SPEC.section, config.code
    );
    let (n_train, n_test) = if args.quick { (1000, 200) } else { (6000, 2000) };
    let set = data::digit_set(args.data.as_deref(), n_train, n_test, args.seed)?;
    image_ae::check_set(&set)?;
    println!("Step 1. The data");
    println!("  {}", set.source);
    println!("  each image is 28×28 = 784 pixels in [0, 1]; the held-out images are never trained on.\n");

    println!("Step 2. The network");
    println!("  784 → {} → 784, sigmoid code and sigmoid output, mean squared error per pixel;", config.code);
    if config.lr_final == config.lr {
        println!("  Adam on shuffled mini-batches of {}, learning rate {},", config.batch, config.lr);
    } else {
        println!(
            "  Adam on shuffled mini-batches of {}, learning rate {} falling along a cosine to {},",
            config.batch, config.lr, config.lr_final
        );
    }
    println!("  {} epochs, seed {}. (The PyTorch reference uses a rate of 0.001.)", config.epochs, args.seed);
    println!(
        "  Training runs the fast twin of this model (src/image_ae_fast.rs): same network and batches, a fused step.\n"
    );

    // The network image_ae::train starts from, and the step it trains with.
    let sample = if args.quick { QUICK_SAMPLE } else { SAMPLE };
    let init = image_ae::new_autoencoder(config.code, &mut Rng::new(args.seed).fork(1));
    let mut objective = gradcheck_models::image_autoencoder(init, set.train.slice_rows(0, CHECK_IMAGES));
    let reports =
        gradcheck::check_all(&mut [("MSE per pixel, the trainer's fast step", &mut objective)], sample, args.seed);
    let at = format!("at the initial weights, on the first {CHECK_IMAGES} training images");
    let check = gradient_step::print(SPEC.name, &at, &reports)?;

    println!("Step 3. Training: reconstruction MSE per pixel after each epoch");
    println!("  {:>5}  {:>9}  {:>10}  {:>12}", "epoch", "lr", "train MSE", "held-out MSE");
    let mut progress = Progress::new("ch1_mnist: epoch", config.epochs);
    let run = image_ae_fast::train(&set, &config, args.seed, |s| {
        progress.clear();
        println!("  {:>5}  {:>9.6}  {:>10.5}  {:>12.5}", s.epoch, s.lr, s.train_mse, s.test_mse);
        progress.tick(s.epoch);
    })?;
    drop(progress);
    let last = run.last().clone();
    let mean_image_mse = mean_image_baseline(&set);
    println!();
    println!("  For scale: drawing every held-out image as the mean training image scores {mean_image_mse:.5}.");
    println!(
        "  After {} epochs the {}-number code scores {:.5} ({:.2} times that). A long flat stretch near",
        config.epochs,
        config.code,
        last.test_mse,
        last.test_mse / mean_image_mse
    );
    println!("  the mean image's score is normal: the code units first learn the average digit, and only");
    println!("  later start telling digits apart.");
    let codes = run.ae.encode(&set.test);
    let code_zero = sparse::near_zero_fraction(&codes, NEAR_ZERO);
    println!(
        "  The code is not sparse: {:.1} % of the held-out codes' values are below {NEAR_ZERO} (mean {:.3}). No sparsity",
        100.0 * code_zero,
        codes.sum() / codes.len().max(1) as f64
    );
    println!("  penalty was used, and none is needed: the narrow code is what keeps it from copying.\n");

    println!("Step 4. Pictures");
    ensure_dir(&args.out)?;
    let picks = image_ae::one_of_each_digit(&set.test_labels);
    let originals = set.test.select_rows(&picks);
    let reconstructions = run.ae.reconstruct(&originals);
    let png = args.out.join("reconstructions.png");
    write_png(&png, &image_ae::comparison_image(&originals, &reconstructions, SCALE))?;
    let caption = format!(
        "Top row: one held-out image of each digit 0 to 9; bottom row: what the network draws back from its \
         {} numbers. Look for which strokes come back and which are blurred away.",
        config.code
    );
    captions::caption(&args.out, "reconstructions.png", &caption)?;
    println!("  {}", png.display());
    println!("    top row: one held-out image of each digit; bottom row: what the network draws");
    println!("    back from its {} numbers.", config.code);
    let svg = args.out.join("loss.svg");
    let chart = image_ae::loss_chart(&format!("784-{}-784 autoencoder: MSE per pixel", config.code), &run.log);
    write_svg(&svg, &chart.to_svg())?;
    captions::caption(
        &args.out,
        "loss.svg",
        "Mean squared error per pixel on the training and held-out images \
        after each epoch (log scale). A held-out curve rising above the training one would mean overfitting.",
    )?;
    println!("  {}", svg.display());
    println!("    train and held-out MSE against the epoch (log scale).");
    let (from, to) = interpolation_ends(&set.test_labels);
    let strip = image_ae::interpolate(&run.ae, set.test.row(from), set.test.row(to), INTERPOLATION_STEPS);
    let interpolation_png = args.out.join("interpolation.png");
    write_png(&interpolation_png, &image_ae::image_row(&strip, SCALE))?;
    let caption = format!(
        "A held-out {} (left) turning into a held-out {} (right): the decoder's drawings of {} codes evenly spaced \
         on the straight line between their two codes. The middle frames show what lies between two digits in \
         code space.",
        set.test_labels[from], set.test_labels[to], INTERPOLATION_STEPS
    );
    captions::caption(&args.out, "interpolation.png", &caption)?;
    println!("  {}", interpolation_png.display());
    println!(
        "    a held-out {} (left) turning into a held-out {} (right): the decoder's drawings of {} codes",
        set.test_labels[from], set.test_labels[to], INTERPOLATION_STEPS
    );
    println!("    evenly spaced on the straight line between their two codes, both ends included.\n");

    println!("Step 5. Speed (these lines change from run to run)");
    println!(
        "  training steps took {:.2} s of wall time: {:.0} samples/s",
        run.train_seconds,
        run.samples_per_second()
    );
    if let Some(cpu) = run.samples_per_cpu_second() {
        println!("  counting only the time this thread was on a CPU: {cpu:.0} samples/s");
    }
    println!("  (the PyTorch reference: about 80000 samples/s, one thread, batch 64)\n");

    let mut r = Results::new();
    r.num("train_mse", last.train_mse, 5);
    r.num("test_mse", last.test_mse, 5);
    r.num("samples_per_second", run.samples_per_second(), 0);
    r.num("mean_image_mse", mean_image_mse, 5);
    r.num("code_near_zero_fraction", code_zero, 4);
    r.add("interpolation_png", interpolation_png.display());
    gradient_step::add_results(&mut r, &check);
    r.finish(&SPEC, args)
}

/// The held-out images the interpolation strip runs between: the first 3 and the first 8, or
/// if one is missing, the first image and the first one of another digit (else itself).
fn interpolation_ends(labels: &[u8]) -> (usize, usize) {
    let first = |d: u8| labels.iter().position(|&l| l == d);
    match (first(INTERPOLATION_DIGITS.0), first(INTERPOLATION_DIGITS.1)) {
        (Some(a), Some(b)) => (a, b),
        _ => (0, labels.iter().position(|&l| l != labels[0]).unwrap_or(0)),
    }
}

/// MSE per pixel of predicting every held-out image by the mean training image.
fn mean_image_baseline(set: &images::DigitSet) -> f64 {
    let n = set.train.rows().max(1) as f64;
    let mean: Vec<f64> = set.train.col_sums().iter().map(|s| s / n).collect();
    let mut sum = 0.0;
    for r in 0..set.test.rows() {
        sum += set.test.row(r).iter().zip(&mean).map(|(x, m)| (x - m) * (x - m)).sum::<f64>();
    }
    sum / set.test.len().max(1) as f64
}
