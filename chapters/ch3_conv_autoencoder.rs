//! §3.1: a convolutional autoencoder — convolution, max pooling with switches, unpooling with
//! those switches, transposed convolution — trained on digit images and set beside a dense
//! autoencoder whose code holds as many numbers.

use autoencoders::conv::autoencoder::{self, Config, ConvAe};
use autoencoders::core::files::ensure_dir;
use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::data;
use autoencoders::data::images::SIDE;
use autoencoders::gradcheck::models as gradcheck_models;
use autoencoders::gradcheck::step as gradient_step;
use autoencoders::image_ae;
use autoencoders::nn::gradcheck;
use autoencoders::render::png::{image_grid, write_png};
use autoencoders::workbook::captions;
use autoencoders::workbook::cli::{self, Args, Progress, Results};
use autoencoders::workbook::specs::ch3_conv_autoencoder::SPEC;

const TRAIN: usize = 2000;
const TEST: usize = 500;
/// The dense comparison trains this many times more epochs too (it is cheap), for context.
const DENSE_LONG: usize = 10;

/// The gradient check: training images it runs on, entries it draws per tensor (fewer in a
/// quick run, so that the check stays a small part of it).
const CHECK_IMAGES: usize = 2;
const SAMPLE: usize = 10;
const QUICK_SAMPLE: usize = 2;

fn main() {
    cli::run(&SPEC, body);
}

fn body(args: &Args) -> autoencoders::Result<()> {
    let config = Config { epochs: args.epochs_or(3, 1), ..Config::default() };
    let (n_train, n_test) = if args.quick { (200, 100) } else { (TRAIN, TEST) };
    let mut set = data::digit_set(args.data.as_deref(), n_train, n_test, args.seed)?;
    set.train = set.train.slice_rows(0, n_train.min(set.train.rows()));
    set.train_labels.truncate(set.train.rows());
    set.test = set.test.slice_rows(0, n_test.min(set.test.rows()));
    set.test_labels.truncate(set.test.rows());
    image_ae::check_set(&set)?;
    let shape = config.shape;
    let code = shape.code_size();
    let cells = shape.side / shape.pool;

    println!("{} ({}): a convolutional autoencoder, trained\n", SPEC.name, SPEC.section);
    println!("Step 1. The data: {} (using {} train, {} held out)\n", set.source, set.train.rows(), set.test.rows());
    println!("Step 2. The network, one 28×28 image at a time");
    println!(
        "  conv {0}×{0}, {1} maps, padding {2}      → ({1}, 28, 28), then {3}",
        shape.kernel,
        shape.channels,
        (shape.kernel - 1) / 2,
        shape.activation.name()
    );
    println!(
        "  max pool {0}×{0}, stride {0}, switches kept → ({1}, {2}, {2}): the code, {code} numbers",
        shape.pool, shape.channels, cells
    );
    println!("  unpool with those switches         → ({}, 28, 28), zero except at the switches", shape.channels);
    println!("  transposed conv {0}×{0} (deconvolution) → (1, 28, 28), then sigmoid", shape.kernel);
    println!(
        "  MSE per pixel; Adam lr {}, gradients averaged over batches of {}, {} epochs, seed {}.",
        config.lr, config.batch, config.epochs, args.seed
    );
    println!(
        "  The decoder also reads the {code} switches, each one of {} cells ({} bits): side information",
        shape.pool * shape.pool,
        (shape.pool * shape.pool).ilog2()
    );
    println!("  that the dense autoencoder below does not get.\n");

    let dense_config =
        image_ae::Config { code, epochs: config.epochs, lr: 0.01, lr_final: 0.01, ..image_ae::Config::default() };
    let check = check_gradients(&set.train, &config, &dense_config, args)?;

    println!("Step 3. Training (mean loss over the epoch's images, each before its batch's update)");
    // Progress counts the epochs of all three trainings: conv, dense, dense for longer.
    let mut progress = Progress::new("ch3_conv_autoencoder: epoch", (2 + DENSE_LONG) * config.epochs);
    let ae = autoencoder::train(&set.train, &config, args.seed, |epoch, loss| {
        progress.clear();
        println!("  epoch {epoch:>3}  train MSE {loss:.5}");
        progress.tick(epoch);
    })?;
    progress.clear();
    let test_mse = ae.reconstruction_mse(&set.test);
    println!("  held-out MSE per pixel: {test_mse:.5}\n");

    println!("Step 4. A dense autoencoder 784-{code}-784 with a code of the same size (sigmoid, Adam 0.01,");
    println!("  batch 64), on the same training images:");
    let dense = image_ae::train(&set, &dense_config, args.seed, |s| progress.tick(config.epochs + s.epoch))?;
    progress.clear();
    let dense_mse = dense.last().test_mse;
    println!("  {} epochs (as the conv AE):  held-out MSE {dense_mse:.5}", dense_config.epochs);
    let long_config = image_ae::Config { epochs: DENSE_LONG * config.epochs, ..dense_config.clone() };
    let dense_long = image_ae::train(&set, &long_config, args.seed, |s| progress.tick(2 * config.epochs + s.epoch))?;
    drop(progress);
    println!("  {} epochs (it is cheap):    held-out MSE {:.5}", long_config.epochs, dense_long.last().test_mse);
    println!("  Both codes hold {code} numbers, but the conv decoder also knows where in each {0}×{0}", shape.pool);
    println!("  window every maximum sat; compare the two with that in mind.\n");

    println!("Step 5. Picture");
    ensure_dir(&args.out)?;
    let picks = image_ae::one_of_each_digit(&set.test_labels);
    let originals = set.test.select_rows(&picks);
    let conv_out = ae.reconstruct_all(&originals);
    let dense_out = dense.ae.reconstruct(&originals);
    let rows: Vec<Vec<&[f64]>> =
        [&originals, &conv_out, &dense_out].iter().map(|m| (0..m.rows()).map(|r| m.row(r)).collect()).collect();
    let png = args.out.join("conv_autoencoder.png");
    write_png(&png, &image_grid(&rows, SIDE, SIDE, 3, 2))?;
    let caption = format!(
        "Rows: held-out digits, the convolutional autoencoder's reconstructions, and a dense autoencoder's with \
         the same {code}-number code ({} epochs). Compare how sharp the strokes come back.",
        dense_config.epochs
    );
    captions::caption(&args.out, "conv_autoencoder.png", &caption)?;
    println!("  {}", png.display());
    println!("    rows: held-out originals, the conv autoencoder's reconstructions, the dense one's");
    println!("    ({} epochs).\n", dense_config.epochs);

    let mut r = Results::new();
    r.num("test_mse", test_mse, 5);
    r.num("dense_test_mse", dense_mse, 5);
    r.num("dense_long_test_mse", dense_long.last().test_mse, 5);
    r.add("code_size", code);
    gradient_step::add_results(&mut r, &check);
    r.finish(&SPEC, args)
}

/// Both models the chapter trains, at the weights their trainers start from: the conv
/// autoencoder (whose ReLUs and switches make entries within h of a kink be redrawn) and the
/// dense one through its fast step.
fn check_gradients(
    train: &Matrix,
    config: &Config,
    dense: &image_ae::Config,
    args: &Args,
) -> autoencoders::Result<gradcheck::Summary> {
    let (seed, sample) = (args.seed, if args.quick { QUICK_SAMPLE } else { SAMPLE });
    let x = train.slice_rows(0, CHECK_IMAGES.min(train.rows()));
    let conv_init = ConvAe::new(config.shape, &mut Rng::new(seed).fork(1))?;
    let dense_init = image_ae::new_autoencoder(dense.code, &mut Rng::new(seed).fork(1));
    let mut conv = gradcheck_models::conv_autoencoder(conv_init, &x);
    let mut dense = gradcheck_models::image_autoencoder(dense_init, x);
    let reports = gradcheck::check_all(
        &mut [("conv autoencoder, MSE per pixel", &mut conv), ("dense autoencoder, its fast step", &mut dense)],
        sample,
        seed,
    );
    let at = format!("at the initial weights, on the first {CHECK_IMAGES} training images");
    gradient_step::print(SPEC.name, &at, &reports)
}
