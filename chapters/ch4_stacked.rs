//! §4.4: stacked autoencoders trained greedily, stacked denoising autoencoders, and their
//! codes fed to softmax regression and a linear SVM, with and without fine-tuning.

use autoencoders::compare::classify::{SoftmaxConfig, SvmConfig};
use autoencoders::core::rng::Rng;
use autoencoders::data;
use autoencoders::data::images::{DigitSet, SIDE};
use autoencoders::gradcheck::models as gradcheck_models;
use autoencoders::gradcheck::step as gradient_step;
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::Network;
use autoencoders::nn::train::TrainConfig;
use autoencoders::render::text::{Table, vector};
use autoencoders::variants::sparse::{self, Sparsity};
use autoencoders::variants::stacked::{self, FineTuneConfig, Scores};
use autoencoders::variants::stacked_levels;
use autoencoders::workbook::cli::{self, Args, Progress, Results};
use autoencoders::workbook::specs::ch4_stacked::SPEC;
use autoencoders::{Error, Result};

/// The KL penalty of the sparse stack (§4.1's target activation, a weight that keeps accuracy).
const SPARSE_RHO: f64 = 0.05;
const SPARSE_BETA: f64 = 0.001;
/// Activations below this count as near zero.
const NEAR_ZERO: f64 = 0.05;
/// Held-out digits averaged over when measuring how far each unit reaches.
const LEVEL_IMAGES: usize = 200;

fn main() {
    cli::run(&SPEC, body);
}

fn body(args: &Args) -> Result<()> {
    let hidden: Vec<usize> = args.widths("hidden", &[128, 64])?;
    let noise = match args.parsed::<f64>("noise")? {
        Some(p) if !(0.0..1.0).contains(&p) || p == 0.0 => {
            return Err(Error::Usage("--noise must be above 0 and below 1".into()));
        }
        Some(p) => p,
        None => 0.25,
    };
    let data = load(args)?;
    let mut widths = vec![data.train.cols()];
    widths.extend(&hidden);
    let arch = widths.iter().map(|w| w.to_string()).collect::<Vec<_>>().join("-");
    let mut rng = Rng::new(args.seed);

    println!("§4.4: stack autoencoders by training one at a time, each on the codes of the one below;");
    println!("corrupt each layer's own input while it learns for a stacked denoising autoencoder; feed the");
    println!("top codes to softmax regression or a linear SVM.");
    println!("Data: {}.\n", data.source);

    // Step 1.
    let pre_loss = LossKind::BinaryCrossEntropy;
    let sparsity = Sparsity::Kl { rho: SPARSE_RHO, beta: SPARSE_BETA };
    let (at, reports) =
        gradcheck_models::stacked_checks(&data, &widths, pre_loss, (noise, sparsity), args.seed, args.quick);
    let check = gradient_step::print(SPEC.name, &at, &reports)?;
    let pre = TrainConfig { epochs: args.epochs_or(5, 1), batch_size: 32, lr: 5e-3, lr_decay: 1.0, loss: pre_loss };
    println!("Step 1: greedy layer-wise pretraining of {arch}: one sigmoid autoencoder per layer,");
    println!(
        "cross-entropy, Adam lr {}, batches of {}, {} epochs each. Training loss per epoch:",
        pre.lr, pre.batch_size, pre.epochs
    );
    // The chapter's eight trainings (three stacks, then five feature sets scored) are its steps
    // of progress; their epoch loops run inside the library.
    let mut progress = Progress::new("ch4_stacked: training", 8);
    let (stack, losses) = stacked::pretrain(&data.train, &widths, &pre, 0.0, &mut rng.fork(1))?;
    progress.tick(1);
    progress.clear();
    print_losses(&widths, &losses);

    // Step 2.
    println!("\nStep 2: the same, denoising: each layer sees its input with a fraction {noise} of entries");
    println!("set to 0 (masking noise) and reconstructs the clean input; the next layer reads clean codes.");
    let (dae_stack, losses) = stacked::pretrain(&data.train, &widths, &pre, noise, &mut rng.fork(2))?;
    progress.tick(2);
    progress.clear();
    print_losses(&widths, &losses);

    println!("\nStep 2b: the same, sparse, as §4.4 words it: each layer's code carries §4.1's KL penalty");
    println!("(ρ = {SPARSE_RHO}, β = {SPARSE_BETA}; a larger β costs the classifier several points here).");
    // A copy of the generator, so every run below draws what it drew before this stack existed.
    let (sparse_stack, losses) =
        stacked::pretrain_with(&data.train, &widths, &pre, &sparsity, &mut rng.clone().fork(3))?;
    progress.tick(3);
    progress.clear();
    print_losses(&widths, &losses);

    // Step 3.
    let soft = SoftmaxConfig { epochs: if args.quick { 5 } else { 20 }, ..SoftmaxConfig::default() };
    let svm = SvmConfig { epochs: if args.quick { 5 } else { 15 }, ..SvmConfig::default() };
    let tune = FineTuneConfig { epochs: args.epochs_or(4, 1), ..FineTuneConfig::default() };
    println!(
        "\nStep 3: classifiers on standardised features: softmax regression ({} epochs of Adam) and a",
        soft.epochs
    );
    println!(
        "one-vs-rest linear SVM (Pegasos, λ = {}, {} epochs). Then the softmax on top of the stack,",
        svm.lambda, svm.epochs
    );
    println!("every weight fine-tuned by backprop of the cross-entropy ({} epochs, Adam lr {}).", tune.epochs, tune.lr);
    let one_layer = Network::new(vec![stack.layers[0].clone()]);
    let kinds: [(&str, Option<&Network>); 5] = [
        ("raw pixels", None),
        ("one autoencoder", Some(&one_layer)),
        ("stacked autoencoder", Some(&stack)),
        ("stacked denoising autoencoder", Some(&dae_stack)),
        ("stacked sparse autoencoder", Some(&sparse_stack)),
    ];
    let mut scores: Vec<Scores> = Vec::new();
    let mut t = Table::new(&["features", "width", "softmax", "linear SVM", "softmax, fine-tuned"]);
    for (i, (name, net)) in kinds.iter().enumerate() {
        let s = stacked::score_features(*net, &data, &soft, &svm, Some(&tune), &mut rng.fork(10 + i as u64))?;
        progress.tick(4 + i);
        let width = net.map_or(data.train.cols(), |n| n.outputs());
        t.row(vec![
            name.to_string(),
            width.to_string(),
            pct(s.softmax),
            pct(s.svm),
            s.finetuned.map_or_else(|| "—".into(), pct),
        ]);
        scores.push(s);
    }
    drop(progress);
    println!("Accuracy on the {} held-out digits:", data.test.rows());
    print!("{}", t.render());
    println!("The codes are far narrower than the 784 pixels; fine-tuning turns the unsupervised stack");
    println!("into a supervised network, which is where it usually gains most.\n");
    let near_zero = |net: &Network| sparse::near_zero_fraction(&net.infer(&data.test), NEAR_ZERO);
    let (zero_plain, zero_sparse) = (near_zero(&stack), near_zero(&sparse_stack));
    println!(
        "Top codes near zero (< {NEAR_ZERO}): {:.1} % for the plain stack, {:.1} % for the sparse one.\n",
        100.0 * zero_plain,
        100.0 * zero_sparse
    );

    println!("Step 4: do the levels build up, small parts first (§1)? Each unit's mean sensitivity to the");
    println!("pixels, ∂h/∂x over {LEVEL_IMAGES} held-out digits, and how far across the image it reaches (radius in");
    let radii =
        stacked_levels::median_radii(&stack, &data.test.slice_rows(0, LEVEL_IMAGES.min(data.test.rows())), SIDE);
    let uniform = stacked_levels::uniform_radius(SIDE);
    println!(
        "pixels; a unit weighing all {SIDE}×{SIDE} pixels alike: {uniform:.2}). Median by layer: {}",
        vector(&radii, 2)
    );
    let grows = radii.windows(2).all(|w| w[1] > w[0]);
    println!(
        "Growth from layer to layer would show parts combined into larger ones; here it {}.\n",
        if grows { "grows" } else { "does not: the first layer already reaches across most of the digit" }
    );

    let mut res = Results::new();
    res.add("network", &arch);
    res.num("accuracy_pixels", scores[0].softmax, 4);
    res.num("accuracy_pixels_svm", scores[0].svm, 4);
    res.num("accuracy_one_ae", scores[1].softmax, 4);
    res.num("accuracy_stacked", scores[2].softmax, 4);
    res.num("accuracy_stacked_svm", scores[2].svm, 4);
    res.num("accuracy_stacked_denoising", scores[3].softmax, 4);
    res.num("accuracy_stacked_denoising_svm", scores[3].svm, 4);
    res.num("accuracy_one_ae_finetuned", scores[1].finetuned.unwrap_or(f64::NAN), 4);
    res.num("accuracy_stacked_finetuned", scores[2].finetuned.unwrap_or(f64::NAN), 4);
    res.num("accuracy_finetuned", scores[3].finetuned.unwrap_or(f64::NAN), 4);
    res.num("accuracy_stacked_sparse", scores[4].softmax, 4);
    res.num("accuracy_stacked_sparse_svm", scores[4].svm, 4);
    res.num("accuracy_stacked_sparse_finetuned", scores[4].finetuned.unwrap_or(f64::NAN), 4);
    res.num("near_zero_fraction_stacked", zero_plain, 4);
    res.num("near_zero_fraction_stacked_sparse", zero_sparse, 4);
    for (l, r) in radii.iter().enumerate() {
        res.num(&format!("receptive_radius_layer{}", l + 1), *r, 2);
    }
    res.num("receptive_radius_uniform", uniform, 2);
    gradient_step::add_results(&mut res, &check);
    res.finish(&SPEC, args)
}

fn pct(a: f64) -> String {
    format!("{:.1} %", 100.0 * a)
}

fn print_losses(widths: &[usize], losses: &[Vec<f64>]) {
    for (i, l) in losses.iter().enumerate() {
        println!("  layer {} ({}-{}-{}): {}", i + 1, widths[i], widths[i + 1], widths[i], vector(l, 4));
    }
}

fn load(args: &Args) -> Result<DigitSet> {
    let (n_train, n_test) = if args.quick { (500, 200) } else { (3000, 1000) };
    let set = data::digit_set(args.data.as_deref(), n_train, n_test, args.seed)?;
    Ok(if args.quick { set.keep_train(600) } else { set })
}
