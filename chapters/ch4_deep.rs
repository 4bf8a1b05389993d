//! §4.5: a deep autoencoder from a stack of RBMs, unrolled and fine-tuned, against the same
//! network from random weights and against PCA with the same code size.

use autoencoders::compare::pca::Pca;
use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::data;
use autoencoders::data::images::{DigitSet, SIDE};
use autoencoders::nn::loss::LossKind;
use autoencoders::render::png::{image_grid, write_png};
use autoencoders::render::text::{Table, fmt_num, vector};
use autoencoders::structure::{self, TrainConfig, squared_error_per_image};
use autoencoders::variants::rbm::{self, RbmConfig, RbmStack};
use autoencoders::variants::rbm_unrolled;
use autoencoders::workbook::cli::{self, Args, Expect, Opt, Progress, Results, Spec};
use autoencoders::{Error, Result};

const SPEC: Spec = Spec {
    name: "ch4_deep",
    section: "§4.5",
    about: "a stack of RBMs, unrolled into a deep autoencoder and fine-tuned, against random initialisation and PCA",
    data: Some("a folder with MNIST IDX files (3/4 train, 1/4 held out) instead of the built-in digits"),
    options: &[
        Opt { name: "code", value: Some("N"), help: "code size of all three methods (default 30)" },
        Opt {
            name: "hidden",
            value: Some("A,B,C"),
            help: "hidden widths between pixels and code (default 256,128,64: 4 RBMs, as §4.5)",
        },
        Opt { name: "rbm-epochs", value: Some("N"), help: "CD-1 epochs per RBM (default 5, quick 1)" },
        Opt {
            name: "lr",
            value: Some("RATE"),
            help: "Adam learning rate of fine-tuning (default 0.005, × 0.8 each epoch)",
        },
        Opt { name: "mse", value: None, help: "fine-tune on squared error instead of cross-entropy" },
        Opt { name: "sigmoid-code", value: None, help: "binary code units instead of Gaussian (linear) ones" },
    ],
    exercises: &[
        "the real digits (pretrained 13.49, random start 44.25, PCA-30 14.00): cargo run --bin ch4_deep -- --data ../shared/data/mnist",
        "a 10-number code: which of the three methods loses most (PCA: 20.16, from 9.59)? cargo run --bin ch4_deep -- --code 10",
        "Bernoulli code units instead of linear ones: the pretrained network no longer beats PCA (10.29 against 9.59): \
         cargo run --bin ch4_deep -- --sigmoid-code",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "sq_error_per_image_pretrained", 9.15, 0.005),
        Expect::near(&[], "sq_error_per_image_random_init", 32.34, 0.005),
        Expect::near(&[], "sq_error_per_image_pca", 9.59, 0.005),
        Expect::near(&[], "sq_error_per_image_unrolled", 20.58, 0.005),
        Expect::is(&[], "rbms", "4"),
        Expect::near(&[], "tied_gap_before_finetuning", 0.00, 0.005),
        Expect::near(&[], "tied_gap_after_finetuning", 1.17, 0.005),
        Expect::is(&["--hidden", "256,64"], "rbms", "3"),
        Expect::near(&["--hidden", "256,64"], "sq_error_per_image_pretrained", 8.03, 0.005),
        Expect::near(&["--hidden", "256,64"], "sq_error_per_image_random_init", 21.35, 0.005),
        Expect::near(&["--code", "10"], "sq_error_per_image_pretrained", 10.28, 0.005),
        Expect::near(&["--code", "10"], "sq_error_per_image_random_init", 27.59, 0.005),
        Expect::near(&["--code", "10"], "sq_error_per_image_pca", 20.16, 0.005),
        Expect::near(&["--sigmoid-code"], "sq_error_per_image_pretrained", 10.29, 0.005),
        Expect::near(&["--sigmoid-code"], "sq_error_per_image_random_init", 35.32, 0.005),
        Expect::is(&["--sigmoid-code"], "pretrained_beats_pca", "false"),
        Expect::near(&["--data", "../shared/data/mnist"], "sq_error_per_image_pretrained", 13.49, 0.005),
        Expect::near(&["--data", "../shared/data/mnist"], "sq_error_per_image_random_init", 44.25, 0.005),
        Expect::near(&["--data", "../shared/data/mnist"], "sq_error_per_image_pca", 14.00, 0.005),
    ],
};

/// Fine-tuning's learning rate is multiplied by this after every epoch.
const DECAY: f64 = 0.8;

/// Digits shown in the reconstruction pictures.
const SHOWN: usize = 12;

fn main() {
    cli::run(&SPEC, body);
}

fn body(args: &Args) -> Result<()> {
    let code = args.width("code", 30)?;
    let hidden: Vec<usize> = args.widths("hidden", &[256, 128, 64])?;
    let rbm_epochs = args.epoch_count("rbm-epochs", if args.quick { 1 } else { 5 })?;
    let epochs = args.epochs_or(8, 2);
    let linear_code = !args.flag("sigmoid-code");
    let lr = args.positive_f64("lr", 5e-3)?;
    let data = load(args)?;
    let (train_x, test_x) = (&data.train, &data.test);
    if code > train_x.cols() {
        return Err(Error::Usage(format!("--code {code} is wider than the {} pixels", train_x.cols())));
    }
    let mut widths = vec![train_x.cols()];
    widths.extend(&hidden);
    widths.push(code);
    let arch = widths.iter().chain(widths.iter().rev().skip(1)).map(|w| w.to_string()).collect::<Vec<_>>().join("-");
    let mut rng = Rng::new(args.seed);

    println!("§4.5: a deep autoencoder is two mirror-image stacks, pretrained one RBM at a time, unrolled,");
    println!("then fine-tuned end to end by backprop (Hinton & Salakhutdinov, 2006).");
    println!("Data: {}.", data.source);
    let code_units = if linear_code { "linear (Gaussian) code units" } else { "sigmoid code units" };
    println!("Network {arch}, sigmoid units, {code_units}; code size {code} for every method.");
    println!("Error: squared error per held-out image, Σ over 784 pixels in [0, 1], averaged over images.\n");

    // Step 1.
    let rbm_cfg = RbmConfig { epochs: rbm_epochs, ..RbmConfig::default() };
    println!(
        "Step 1: pretrain {} RBMs greedily with CD-{} (lr {}, momentum {}, weight decay {}, batches of {},",
        widths.len() - 1,
        rbm_cfg.k,
        rbm_cfg.lr,
        rbm_cfg.momentum,
        rbm_cfg.weight_decay,
        rbm_cfg.batch_size
    );
    println!("{} epochs each); each RBM learns from the hidden probabilities of the one below.", rbm_cfg.epochs);
    if linear_code {
        println!("The top RBM has Gaussian hidden units (a linear code) and a tenth of the learning rate.");
    }
    println!("Per-pixel squared error of each RBM's one-step reconstruction, epoch by epoch:");
    // Progress counts epochs: every RBM's, then both fine-tunings'.
    let rbm_total = rbm_cfg.epochs * (widths.len() - 1);
    let mut progress = Progress::new("ch4_deep: epoch", rbm_total + 2 * epochs);
    let (stack, rbm_errors) =
        RbmStack::pretrain_observed(train_x, &widths, &rbm_cfg, linear_code, &mut rng.fork(1), &mut |e| {
            progress.tick(e)
        })?;
    progress.clear();
    for (i, errs) in rbm_errors.iter().enumerate() {
        println!("  RBM {} ({}-{}): {}", i + 1, widths[i], widths[i + 1], vector(errs, 4));
    }

    // Step 2.
    let mut pretrained = stack.unroll();
    let unrolled_error = squared_error_per_image(&pretrained.reconstruct(test_x), test_x);
    let gap_before = rbm_unrolled::tied_gap(&pretrained);
    println!("\nStep 2: unroll into {arch}: encoder layers (W, b_h), decoder layers (Wᵀ, b_v).");
    println!("  before any fine-tuning: {} per image\n", fmt_num(unrolled_error, 2));

    // Step 3.
    let loss = if args.flag("mse") { LossKind::Mse } else { LossKind::BinaryCrossEntropy };
    let tune = TrainConfig { epochs, batch_size: 32, lr, lr_decay: DECAY, loss };
    println!(
        "Step 3: fine-tune every layer by backprop: {}, Adam lr {} (× {} each epoch), batches of {},\n{} epochs.",
        if loss == LossKind::Mse { "squared error" } else { "cross-entropy" },
        tune.lr,
        tune.lr_decay,
        tune.batch_size,
        tune.epochs
    );
    let losses = structure::train_observed(&mut pretrained, train_x, &tune, &mut rng.fork(2), None, &mut |e| {
        progress.tick(rbm_total + e)
    })?;
    progress.clear();
    println!("  training loss per epoch: {}", vector(&losses, 4));
    let pretrained_error = squared_error_per_image(&pretrained.reconstruct(test_x), test_x);
    println!("  held-out: {} per image", fmt_num(pretrained_error, 2));
    let gap_after = rbm_unrolled::tied_gap(&pretrained);
    println!("  §4.5's \"two identical deep belief networks\" are this one stack used twice: each decoder layer");
    println!(
        "  started as the transpose of its encoder layer (largest relative gap {gap_before:.2}); fine-tuning moved"
    );
    println!("  them apart (largest gap ‖D − Wᵀ‖/‖W‖ now {gap_after:.2}).\n");

    // Step 4.
    println!("Step 4: the same network and fine-tuning from random weights (Xavier-uniform, zero biases,");
    println!("the output bias started at the mean image).");
    let mut random_rng = rng.fork(3);
    let mut random = rbm::random_deep_autoencoder(&widths, linear_code, &mut random_rng);
    structure::start_output_at_mean(&mut random, train_x);
    let losses = structure::train_observed(&mut random, train_x, &tune, &mut random_rng, None, &mut |e| {
        progress.tick(rbm_total + epochs + e)
    })?;
    drop(progress);
    println!("  training loss per epoch: {}", vector(&losses, 4));
    let random_error = squared_error_per_image(&random.reconstruct(test_x), test_x);
    println!("  held-out: {} per image\n", fmt_num(random_error, 2));

    // Step 5.
    let pca = Pca::fit(train_x, code)?;
    let pca_recon = pca.reconstruct(test_x);
    let pca_error = squared_error_per_image(&pca_recon, test_x);
    println!(
        "Step 5: PCA with {code} components fitted on the training digits: {} per image.\n",
        fmt_num(pca_error, 2)
    );

    let mut t = Table::new(&["method", "squared error per image"]);
    t.row(vec!["deep AE, RBM-pretrained".into(), fmt_num(pretrained_error, 2)]);
    t.row(vec!["deep AE, random start".into(), fmt_num(random_error, 2)]);
    t.row(vec![format!("PCA-{code}"), fmt_num(pca_error, 2)]);
    t.row(vec!["(unrolled, not fine-tuned)".into(), fmt_num(unrolled_error, 2)]);
    print!("{}", t.render());
    println!("For scale: Hinton & Salakhutdinov report 3.00 (deep AE, 784-1000-500-250-30, full MNIST) and");
    println!("13.87 (PCA-30), with far bigger networks and far longer training than this chapter's.");
    let verdict = if pretrained_error < pca_error { "beats" } else { "does NOT beat" };
    println!("Here the pretrained deep autoencoder {verdict} PCA at code size {code}.\n");

    let shown: Vec<usize> = (0..SHOWN.min(test_x.rows())).collect();
    let originals = test_x.select_rows(&shown);
    let mut paths = Vec::new();
    for (name, recon) in [
        ("pretrained", pretrained.reconstruct(&originals)),
        ("random_init", random.reconstruct(&originals)),
        ("pca", pca_recon.select_rows(&shown)),
    ] {
        let path = args.out.join(format!("reconstructions_{name}.png"));
        write_png(&path, &grid_of(&originals, &recon))?;
        paths.push(path);
    }
    println!("Originals (top row) above each method's reconstructions:");
    for p in &paths {
        println!("  {}", p.display());
    }
    println!();

    let mut res = Results::new();
    res.add("code_size", code);
    res.add("network", arch);
    res.num("sq_error_per_image_pretrained", pretrained_error, 2);
    res.num("sq_error_per_image_random_init", random_error, 2);
    res.num("sq_error_per_image_pca", pca_error, 2);
    res.num("sq_error_per_image_unrolled", unrolled_error, 2);
    res.add("pretrained_beats_pca", pretrained_error < pca_error);
    res.add("rbms", widths.len() - 1);
    res.num("tied_gap_before_finetuning", gap_before, 2);
    res.num("tied_gap_after_finetuning", gap_after, 2);
    res.add("reconstructions_png", paths[0].display());
    res.finish(&SPEC, args)
}

/// Originals above reconstructions, 28×28 tiles scaled ×2.
fn grid_of(originals: &Matrix, recon: &Matrix) -> autoencoders::render::png::GrayImage {
    image_grid(&[rows_of(originals), rows_of(recon)], SIDE, SIDE, 2, 2)
}

fn rows_of(m: &Matrix) -> Vec<&[f64]> {
    (0..m.rows()).map(|r| m.row(r)).collect()
}

fn load(args: &Args) -> Result<DigitSet> {
    let (n_train, n_test) = if args.quick { (600, 200) } else { (6000, 2000) };
    let set = data::digit_set(args.data.as_deref(), n_train, n_test, args.seed)?;
    Ok(if args.quick { set.keep_train(1000) } else { set })
}
