//! §3.1: a convolutional autoencoder — convolution, max pooling with switches, unpooling with
//! those switches, transposed convolution — trained on digit images and set beside a dense
//! autoencoder whose code holds as many numbers.

use autoencoders::conv::autoencoder::{self, Config};
use autoencoders::core::files::ensure_dir;
use autoencoders::data;
use autoencoders::data::images::SIDE;
use autoencoders::image_ae;
use autoencoders::render::png::{image_grid, write_png};
use autoencoders::workbook::cli::{self, Args, Expect, Progress, Results, Spec};

const SPEC: Spec = Spec {
    name: "ch3_conv_autoencoder",
    section: "§3.1",
    about: "a trained conv autoencoder (conv, ReLU, max pool with switches, unpool, deconv) on digit images, \
            against a dense autoencoder with a code of the same size",
    data: Some("a folder with MNIST IDX files; the first 2000 training and first 500 held-out images are used"),
    options: &[],
    exercises: &[
        "train longer: the conv autoencoder reaches 0.0192, but the dense one catches up (0.0199): \
         cargo run --bin ch3_conv_autoencoder -- --epochs 8",
        "real digits (0.0299 against the dense 0.0509): cargo run --bin ch3_conv_autoencoder -- --data ../shared/data/mnist",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "test_mse", 0.02197, 0.000005),
        Expect::near(&[], "dense_test_mse", 0.03370, 0.000005),
        Expect::near(&[], "dense_long_test_mse", 0.00740, 0.000005),
        Expect::near(&["--epochs", "8"], "test_mse", 0.01922, 0.000005),
        Expect::near(&["--epochs", "8"], "dense_test_mse", 0.01986, 0.000005),
        Expect::near(&["--epochs", "8"], "dense_long_test_mse", 0.00441, 0.000005),
        Expect::near(&["--data", "../shared/data/mnist"], "test_mse", 0.02989, 0.000005),
        Expect::near(&["--data", "../shared/data/mnist"], "dense_test_mse", 0.05093, 0.000005),
        Expect::near(&["--data", "../shared/data/mnist"], "dense_long_test_mse", 0.01239, 0.000005),
    ],
};

const TRAIN: usize = 2000;
const TEST: usize = 500;
/// The dense comparison trains this many times more epochs too (it is cheap), for context.
const DENSE_LONG: usize = 10;

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
    let dense_config =
        image_ae::Config { code, epochs: config.epochs, lr: 0.01, lr_final: 0.01, ..image_ae::Config::default() };
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
    println!("  {}", png.display());
    println!("    rows: held-out originals, the conv autoencoder's reconstructions, the dense one's");
    println!("    ({} epochs).\n", dense_config.epochs);

    let mut r = Results::new();
    r.num("test_mse", test_mse, 5);
    r.num("dense_test_mse", dense_mse, 5);
    r.num("dense_long_test_mse", dense_long.last().test_mse, 5);
    r.add("code_size", code);
    r.finish(&SPEC, args)
}
