//! §1: an autoencoder's codes are features: a classifier on 25 code numbers, on the 784 pixels
//! and on 25 PCA components.

use autoencoders::compare::classify::SoftmaxConfig;
use autoencoders::compare::features::{Scored, softmax_accuracy};
use autoencoders::compare::pca::Pca;
use autoencoders::core::rng::Rng;
use autoencoders::data::{self, images::PIXELS};
use autoencoders::image_ae::{self, Config};
use autoencoders::render::text::Table;
use autoencoders::workbook::cli::{self, Args, Expect, Opt, Progress, Results, Spec};

const SPEC: Spec = Spec {
    name: "ch1_features",
    section: "§1",
    about: "the autoencoder's 25-number codes fed to softmax regression, against raw pixels and 25 PCA components",
    data: Some(
        "a folder with MNIST IDX files (*images-idx3-ubyte, *labels-idx1-ubyte): first 3/4 train, last 1/4 held out",
    ),
    options: &[Opt {
        name: "code",
        value: Some("N"),
        help: "code width, and the number of PCA components beside it (default 25, as §1)",
    }],
    exercises: &[
        "train the autoencoder twice as long: the codes climb from 86.25 % to 89.80 %, still below the pixels' \
         93.50 %: cargo run --bin ch1_features -- --epochs 120",
        "50-number codes catch up with the pixels but do not pass them (93.45 % against 93.50 %), and PCA-50 edges \
         ahead (93.85 %): cargo run --bin ch1_features -- --code 50",
        "real digits (codes 85.65 %, pixels 88.55 %, PCA 89.20 %): cargo run --bin ch1_features -- --data ../shared/data/mnist",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "accuracy_codes", 0.8625, 0.00005),
        Expect::near(&[], "accuracy_pixels", 0.9350, 0.00005),
        Expect::near(&[], "accuracy_pca", 0.9270, 0.00005),
        Expect::below(&[], "accuracy_codes", "accuracy_pca"),
        Expect::near(&["--epochs", "120"], "accuracy_codes", 0.8980, 0.00005),
        Expect::below(&["--epochs", "120"], "accuracy_codes", "accuracy_pixels"),
        Expect::near(&["--code", "50"], "accuracy_codes", 0.9345, 0.00005),
        Expect::near(&["--code", "50"], "accuracy_pixels", 0.9350, 0.00005),
        Expect::near(&["--code", "50"], "accuracy_pca", 0.9385, 0.00005),
        Expect::below(&["--code", "50"], "accuracy_codes", "accuracy_pixels"),
        Expect::near(&["--data", "../shared/data/mnist"], "accuracy_codes", 0.8565, 0.00005),
        Expect::near(&["--data", "../shared/data/mnist"], "accuracy_pixels", 0.8855, 0.00005),
        Expect::near(&["--data", "../shared/data/mnist"], "accuracy_pca", 0.8920, 0.00005),
    ],
};

/// Autoencoder epochs (at ch1_mnist's constant rate 0.01): built-in digits, MNIST (which
/// leaves its plateau later, see `image_ae`), quick.
const EPOCHS: usize = 60;
const EPOCHS_MNIST: usize = 120;
const QUICK_EPOCHS: usize = 10;
/// Code width by default, as §1's 784-25-784 network.
const CODE: usize = 25;

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

    println!(
        "Step 2. Train the 784-{code}-784 autoencoder (as ch1_mnist: Adam 0.01, batch 64), {} epochs",
        config.epochs
    );
    let mut progress = Progress::new("ch1_features: epoch", config.epochs);
    let run = image_ae::train(&set, &config, args.seed, |s| progress.tick(s.epoch))?;
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
    r.finish(&SPEC, args)
}
