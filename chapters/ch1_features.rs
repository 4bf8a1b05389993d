//! §1: an autoencoder's codes are features: a classifier on 25 code numbers, on the 784 pixels
//! and on 25 PCA components.

use autoencoders::compare::classify::{SoftmaxConfig, SoftmaxRegression, Standardizer};
use autoencoders::compare::features::{Scored, softmax_accuracy};
use autoencoders::compare::pca::Pca;
use autoencoders::core::rng::Rng;
use autoencoders::data;
use autoencoders::data::images::{DigitSet, PIXELS};
use autoencoders::gradcheck::models as gradcheck_models;
use autoencoders::gradcheck::step as gradient_step;
use autoencoders::image_ae::{self, Config};
use autoencoders::image_ae_fast;
use autoencoders::nn::gradcheck;
use autoencoders::render::text::Table;
use autoencoders::workbook::cli::{self, Args, Progress, Results};
use autoencoders::workbook::specs::ch1_features::SPEC;

/// Autoencoder epochs (at ch1_mnist's constant rate 0.01): built-in digits, MNIST (which
/// leaves its plateau later, see `image_ae`), quick.
const EPOCHS: usize = 60;
const EPOCHS_MNIST: usize = 120;
const QUICK_EPOCHS: usize = 10;
/// Code width by default, as §1's 784-25-784 network.
const CODE: usize = 25;

/// The gradient check: training images it runs on, entries it draws per tensor (fewer in a
/// quick run, so that the check stays a small part of it).
const CHECK_IMAGES: usize = 2;
const SCALER_IMAGES: usize = 16;
const SAMPLE: usize = 20;
const QUICK_SAMPLE: usize = 5;

fn main() {
    cli::run(&SPEC, body);
}

fn body(args: &Args) -> autoencoders::Result<()> {
    let full_epochs = if args.data.is_some() { EPOCHS_MNIST } else { EPOCHS };
    let code = args.positive_count("code", CODE)?;
    if code > PIXELS {
        return Err(autoencoders::Error::Usage(format!("--code must be at most the {PIXELS} pixels")));
    }
    let config = Config {
        code,
        epochs: args.epochs_or(full_epochs, QUICK_EPOCHS),
        lr: 0.01,
        lr_final: 0.01,
        ..Config::default()
    };
    let softmax =
        if args.quick { SoftmaxConfig { epochs: 10, ..SoftmaxConfig::default() } } else { SoftmaxConfig::default() };
    println!("{} ({}): codes as features\n", SPEC.name, SPEC.section);
    let (n_train, n_test) = if args.quick { (1000, 300) } else { (6000, 2000) };
    let set = data::digit_set(args.data.as_deref(), n_train, n_test, args.seed)?;
    image_ae::check_set(&set)?;
    println!("Step 1. The data: {}\n", set.source);
    let check = check_gradients(&set, &config, &softmax, args)?;

    println!(
        "Step 2. Train the 784-{code}-784 autoencoder (as ch1_mnist: Adam 0.01, batch 64), {} epochs",
        config.epochs
    );
    println!("  (with the model's fast twin, src/image_ae_fast.rs, as ch1_mnist: same network and batches)");
    let mut progress = Progress::new("ch1_features: epoch", config.epochs);
    let run = image_ae_fast::train(&set, &config, args.seed, |s| progress.tick(s.epoch))?;
    drop(progress);
    println!("  held-out reconstruction MSE per pixel: {:.5}\n", run.last().test_mse);

    println!("Step 3. Three descriptions of every image");
    let codes_train = image_ae::encode_all(&run.ae, &set.train);
    let codes_test = image_ae::encode_all(&run.ae, &set.test);
    println!("  codes:  the {code} code numbers h = σ(W₁x + b₁)");
    println!("  pixels: the 784 pixels themselves");
    let pca = Pca::fit(&set.train, code)?;
    let explained: f64 = pca.explained_variance_ratio().iter().sum();
    println!(
        "  PCA:    the top {code} principal components of the training pixels ({:.1} % of their variance)\n",
        100.0 * explained
    );
    let (pca_train, pca_test) = (pca.transform(&set.train), pca.transform(&set.test));

    println!("Step 4. Softmax regression on each, standardised with training statistics ({} epochs,", softmax.epochs);
    println!("  batch {}, L2 {}), scored on the held-out images", softmax.batch_size, softmax.l2);
    let mut rng = Rng::new(args.seed).fork(3);
    let (tl, sl) = (&set.train_labels, &set.test_labels);
    let scored: Vec<Scored> = vec![
        softmax_accuracy("autoencoder codes", &codes_train, tl, &codes_test, sl, &softmax, &mut rng)?,
        softmax_accuracy("raw pixels", &set.train, tl, &set.test, sl, &softmax, &mut rng)?,
        softmax_accuracy("PCA components", &pca_train, tl, &pca_test, sl, &softmax, &mut rng)?,
    ];
    let mut t = Table::new(&["features", "numbers per image", "train accuracy", "held-out accuracy"]);
    for s in &scored {
        t.row(vec![
            s.name.into(),
            s.dims.to_string(),
            format!("{:.2} %", 100.0 * s.train_accuracy),
            format!("{:.2} %", 100.0 * s.test_accuracy),
        ]);
    }
    print!("{}", t.render());
    let (codes, pixels, pcs) = (&scored[0], &scored[1], &scored[2]);
    println!();
    println!(
        "The codes were learned without a single label. A linear classifier on those {code} numbers gets {:.1} %",
        100.0 * codes.test_accuracy
    );
    println!(
        "of the held-out digits right, against {:.1} % on all 784 pixels and {:.1} % on {code} PCA components.",
        100.0 * pixels.test_accuracy,
        100.0 * pcs.test_accuracy
    );
    if codes.test_accuracy < pcs.test_accuracy {
        println!("Here the codes do NOT beat PCA: what helps reconstruction need not help a linear");
        println!("classifier, and §1's \"better than the points themselves\" holds only in some cases.");
    } else {
        println!("Here the codes beat PCA's linear summary of the same size.");
    }
    println!();

    let mut r = Results::new();
    r.num("accuracy_codes", codes.test_accuracy, 4);
    r.num("accuracy_pixels", pixels.test_accuracy, 4);
    r.num("accuracy_pca", pcs.test_accuracy, 4);
    r.add("code_width", code);
    r.add("output_width", PIXELS);
    gradient_step::add_results(&mut r, &check);
    r.finish(&SPEC, args)
}

/// Both objectives the chapter trains, before it trains them: the autoencoder at the weights
/// image_ae::train starts from, and the softmax at its zero start on standardised pixels.
fn check_gradients(
    set: &DigitSet,
    config: &Config,
    softmax: &SoftmaxConfig,
    args: &Args,
) -> autoencoders::Result<gradcheck::Summary> {
    let (seed, sample) = (args.seed, if args.quick { QUICK_SAMPLE } else { SAMPLE });
    let x = set.train.slice_rows(0, CHECK_IMAGES);
    let init = image_ae::new_autoencoder(config.code, &mut Rng::new(seed).fork(1));
    let mut ae = gradcheck_models::image_autoencoder(init, x.clone());
    // Standardised with statistics of more images than the check runs on, as the chapter
    // standardises with the whole training set's.
    let z = Standardizer::fit(&set.train.slice_rows(0, SCALER_IMAGES.min(set.train.rows()))).transform(&x);
    let labels = set.train_labels[..CHECK_IMAGES].iter().map(|&l| usize::from(l)).collect();
    let mut soft = gradcheck_models::softmax(SoftmaxRegression::zeros(PIXELS, 10), z, labels, softmax.l2);
    let reports = gradcheck::check_all(
        &mut [("autoencoder MSE, the trainer's fast step", &mut ae), ("softmax cross-entropy + L2", &mut soft)],
        sample,
        seed,
    );
    let at =
        format!("at the initial weights, on the first {CHECK_IMAGES} training images (standardised for the softmax)");
    gradient_step::print(SPEC.name, &at, &reports)
}
