//! §4.5: a deep autoencoder from a stack of RBMs, unrolled and fine-tuned, against the same
//! network from random weights and against PCA with the same code size.

use autoencoders::compare::pca::Pca;
use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::data;
use autoencoders::data::images::{DigitSet, SIDE};
use autoencoders::gradcheck::models as gradcheck_models;
use autoencoders::gradcheck::step as gradient_step;
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::train::{self, Plain, TrainConfig};
use autoencoders::render::png::{image_grid, write_png};
use autoencoders::render::text::{Table, fmt_num, vector};
use autoencoders::structure::{self, squared_error_per_image};
use autoencoders::variants::rbm::{self, RbmConfig, RbmStack};
use autoencoders::workbook::captions;
use autoencoders::workbook::cli::{self, Args, Progress, Results};
use autoencoders::workbook::specs::ch4_deep::SPEC;
use autoencoders::{Error, Result};

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

    let loss = if args.flag("mse") { LossKind::Mse } else { LossKind::BinaryCrossEntropy };
    println!("Contrastive divergence, which pretrains the RBMs below, follows no gradient: its update is");
    println!("not the derivative of any objective, so there is none to check. What is checked is the");
    println!("fine-tuning objective, and the exact gradient CD-1 approximates, on an RBM of 4 pixels.\n");
    let (at, reports) = gradcheck_models::deep_checks(train_x, &widths, linear_code, loss, args.seed, args.quick);
    let check = gradient_step::print(SPEC.name, &at, &reports)?;

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
    let gap_before = rbm::tied_gap(&pretrained);
    println!("\nStep 2: unroll into {arch}: encoder layers (W, b_h), decoder layers (Wᵀ, b_v).");
    println!("  before any fine-tuning: {} per image\n", fmt_num(unrolled_error, 2));

    // Step 3.
    let tune = TrainConfig { epochs, batch_size: 32, lr, lr_decay: DECAY, loss };
    println!(
        "Step 3: fine-tune every layer by backprop: {}, Adam lr {} (× {} each epoch), batches of {},\n{} epochs.",
        if loss == LossKind::Mse { "squared error" } else { "cross-entropy" },
        tune.lr,
        tune.lr_decay,
        tune.batch_size,
        tune.epochs
    );
    let losses = train::train_observed(&mut pretrained, train_x, &Plain, &tune, &mut rng.fork(2), &mut |e| {
        progress.tick(rbm_total + e)
    })?;
    progress.clear();
    println!("  training loss per epoch: {}", vector(&losses, 4));
    let pretrained_error = squared_error_per_image(&pretrained.reconstruct(test_x), test_x);
    println!("  held-out: {} per image", fmt_num(pretrained_error, 2));
    let gap_after = rbm::tied_gap(&pretrained);
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
    let losses = train::train_observed(&mut random, train_x, &Plain, &tune, &mut random_rng, &mut |e| {
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
        let caption = format!(
            "Top row: held-out digits; bottom row: their reconstructions by {} from a {code}-number code.",
            match name {
                "pretrained" => "the deep autoencoder pretrained as a stack of RBMs and fine-tuned",
                "random_init" => "the same deep network trained from a random start",
                _ => "PCA",
            }
        );
        captions::caption(&args.out, &format!("reconstructions_{name}.png"), &caption)?;
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
    gradient_step::add_results(&mut res, &check);
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
