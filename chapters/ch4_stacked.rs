//! §4.4: stacked autoencoders trained greedily, stacked denoising autoencoders, and their
//! codes fed to softmax regression and a linear SVM, with and without fine-tuning.

use autoencoders::compare::classify::{SoftmaxConfig, SoftmaxRegression, Standardizer, SvmConfig};
use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::data;
use autoencoders::data::images::DigitSet;
use autoencoders::gradcheck::models as gradcheck_models;
use autoencoders::gradcheck::step as gradient_step;
use autoencoders::nn::gradcheck::{self, Checkable};
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::Network;
use autoencoders::nn::train::TrainConfig;
use autoencoders::render::text::{Table, vector};
use autoencoders::structure;
use autoencoders::variants::denoise;
use autoencoders::variants::stacked::{self, FineTuneConfig, Scores};
use autoencoders::workbook::cli::{self, Args, Opt, Progress, Results, Spec};
use autoencoders::{Error, Result};

const SPEC: Spec = Spec {
    name: "ch4_stacked",
    section: "§4.4",
    about: "greedy layer-wise stacked (and stacked denoising) autoencoders; their codes into softmax and an SVM",
    data: Some("a folder with MNIST IDX files (3/4 train, 1/4 held out) instead of the built-in digits"),
    options: &[
        Opt { name: "hidden", value: Some("A,B"), help: "widths of the stacked layers (default 128,64)" },
        Opt { name: "noise", value: Some("P"), help: "masking probability of the denoising stack (default 0.25)" },
    ],
    exercises: &[
        "heavier corruption: does the denoising stack still help? cargo run --bin ch4_stacked -- --noise 0.5",
        "a third, narrower layer: cargo run --bin ch4_stacked -- --hidden 128,64,16",
        "real handwriting: cargo run --bin ch4_stacked -- --data ../shared/data/mnist",
    ],
};

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
    let check = check_gradients(&data, &widths, pre_loss, noise, args)?;
    let pre = TrainConfig { epochs: args.epochs_or(5, 1), batch_size: 32, lr: 5e-3, lr_decay: 1.0, loss: pre_loss };
    println!("Step 1: greedy layer-wise pretraining of {arch}: one sigmoid autoencoder per layer,");
    println!(
        "cross-entropy, Adam lr {}, batches of {}, {} epochs each. Training loss per epoch:",
        pre.lr, pre.batch_size, pre.epochs
    );
    // The chapter's six trainings (two stacks, then four feature sets scored) are its steps of
    // progress; their epoch loops run inside the library.
    let mut progress = Progress::new("ch4_stacked: training", 6);
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
    let kinds: [(&str, Option<&Network>); 4] = [
        ("raw pixels", None),
        ("one autoencoder", Some(&one_layer)),
        ("stacked autoencoder", Some(&stack)),
        ("stacked denoising autoencoder", Some(&dae_stack)),
    ];
    let mut scores: Vec<Scores> = Vec::new();
    let mut t = Table::new(&["features", "width", "softmax", "linear SVM", "softmax, fine-tuned"]);
    for (i, (name, net)) in kinds.iter().enumerate() {
        let s = stacked::score_features(*net, &data, &soft, &svm, Some(&tune), &mut rng.fork(10 + i as u64))?;
        progress.tick(3 + i);
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
    gradient_step::add_results(&mut res, &check);
    res.finish(&SPEC, args)
}

/// The gradient check: training digits it runs on and entries it draws per tensor (fewer of
/// both in a quick run, so that the check stays a small part of it), and the spread of the
/// fine-tuning check's softmax head (at zero the stack below would get no gradient at all,
/// and the check would compare zeros).
const CHECK_DIGITS: usize = 4;
const QUICK_CHECK_DIGITS: usize = 1;
const SCALER_DIGITS: usize = 16;
const SAMPLE: usize = 10;
const QUICK_SAMPLE: usize = 2;
const HEAD_SPREAD: f64 = 0.1;

/// Every objective the chapter trains, on networks fresh from the initialisers its trainers
/// use (drawn by the check's own generator): each layer's autoencoder, plain and denoising
/// (masking drawn once and held fixed) on the codes of the fresh layers below; the softmax on
/// standardised top codes; and the fine-tuning of the whole stack under a softmax head.
fn check_gradients(
    data: &DigitSet,
    widths: &[usize],
    loss: LossKind,
    noise: f64,
    args: &Args,
) -> Result<autoencoders::nn::gradcheck::Summary> {
    let (seed, sample) = (args.seed, if args.quick { QUICK_SAMPLE } else { SAMPLE });
    let mut rng = gradcheck::sampler(seed).fork(1);
    let digits = if args.quick { QUICK_CHECK_DIGITS } else { CHECK_DIGITS };
    let x = data.train.slice_rows(0, digits.min(data.train.rows()));
    let labels: Vec<usize> = data.train_labels[..x.rows()].iter().map(|&l| usize::from(l)).collect();
    let on = if x.rows() == 1 {
        "the first training digit".to_string()
    } else {
        format!("the first {} training digits", x.rows())
    };
    let mut objectives: Vec<Box<dyn Checkable>> = Vec::new();
    let mut names = Vec::new();
    let mut input = x.clone();
    let mut layers = Vec::new();
    for (l, pair) in widths.windows(2).enumerate() {
        let mut ae = structure::sigmoid_autoencoder(pair[0], pair[1], &mut rng);
        structure::start_output_at_mean(&mut ae, &input);
        let masked = denoise::mask_noise(&input, noise, &mut rng).x;
        let arch = format!("{}-{}-{}", pair[0], pair[1], pair[0]);
        names.push(format!("layer {} ({arch}), cross-entropy", l + 1));
        objectives.push(Box::new(gradcheck_models::autoencoder(ae.clone(), input.clone(), input.clone(), loss)));
        names.push(format!("layer {} ({arch}), denoising from a fixed masking ν = {noise}", l + 1));
        objectives.push(Box::new(gradcheck_models::autoencoder(ae.clone(), masked, input.clone(), loss)));
        input = ae.encode(&input);
        layers.push(ae.encoder.layers.remove(0));
    }
    let stack = Network::new(layers);
    // Standardised with statistics of more digits than the check runs on, as the chapter
    // standardises with the whole training set's (one digit alone would standardise to 0).
    let scaler = Standardizer::fit(&stack.infer(&data.train.slice_rows(0, SCALER_DIGITS.min(data.train.rows()))));
    let z = scaler.transform(&input);
    let soft_l2 = SoftmaxConfig::default().l2;
    names.push("softmax on the standardised top codes, cross-entropy + L2".into());
    let top = SoftmaxRegression::zeros(input.cols(), 10);
    objectives.push(Box::new(gradcheck_models::softmax(top, z, labels.clone(), soft_l2)));
    let mut head = SoftmaxRegression::zeros(input.cols(), 10);
    head.w = Matrix::uniform(10, input.cols(), -HEAD_SPREAD, HEAD_SPREAD, &mut rng);
    names.push("fine-tuning: softmax head on the stack, cross-entropy + L2".into());
    objectives.push(Box::new(gradcheck_models::finetune(stack, head, x, labels, FineTuneConfig::default().l2)));
    let mut named: Vec<(&str, &mut dyn Checkable)> =
        names.iter().zip(objectives.iter_mut()).map(|(n, o)| (n.as_str(), &mut **o as &mut dyn Checkable)).collect();
    let reports = gradcheck::check_all(&mut named, sample, seed);
    let at = format!("at freshly initialised weights (the trainers' initialisers), on {on}");
    gradient_step::print(SPEC.name, &at, &reports)
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
