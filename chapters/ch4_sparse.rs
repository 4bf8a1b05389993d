//! §4.1: an overcomplete autoencoder on digit patches, trained plain and with each sparsity
//! method (KL penalty, L1 penalty, top-k); how sparse each code is, and the learned features.

use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::data::{self, images};
use autoencoders::gradcheck::models as gradcheck_models;
use autoencoders::gradcheck::step as gradient_step;
use autoencoders::nn::activation::Activation;
use autoencoders::nn::dense::Dense;
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::{Autoencoder, Network};
use autoencoders::nn::optim::Adam;
use autoencoders::nn::train;
use autoencoders::render::png::{image_grid, write_png};
use autoencoders::render::text::{Table, fmt_num};
use autoencoders::variants::sparse::{self, Sparsity};
use autoencoders::variants::sparse_checks;
use autoencoders::workbook::captions;
use autoencoders::workbook::cli::{self, Args, Progress, Results};
use autoencoders::workbook::specs::ch4_sparse::SPEC;
use autoencoders::{Error, Result};

const SIDE: usize = 8;
const INPUTS: usize = SIDE * SIDE;
const MIN_INK: f64 = 0.1;
const NEAR_ZERO: f64 = 0.05;
const BATCH: usize = 64;
const LR: f64 = 0.005;
/// Encoder weights start at this fraction of Xavier's scale. Directions in which the patches
/// never vary get no gradient, so their weights keep whatever they started with; at full
/// scale that noise hides the learned strokes in the feature pictures. (Seed 1: the test
/// errors change by under 15 % either way.)
const ENCODER_INIT_SCALE: f64 = 0.1;

fn main() {
    cli::run(&SPEC, body);
}

fn body(args: &Args) -> Result<()> {
    let rho = args.positive_f64("rho", 0.05)?;
    if rho >= 1.0 {
        return Err(Error::Usage("--rho must lie strictly between 0 and 1".into()));
    }
    let beta = args.positive_f64("beta", 0.01)?;
    let l1 = args.positive_f64("l1", 0.002)?;
    let hidden = args.width("hidden", 128)?;
    let k = args.parsed::<usize>("k")?.unwrap_or(10);
    if k == 0 || k > hidden {
        return Err(Error::Usage(format!("--k must be between 1 and the {hidden} hidden units")));
    }
    let (n_digits, n_test_digits, n_patches, n_test_patches) =
        if args.quick { (300, 100, 2000, 500) } else { (2000, 500, 10000, 2000) };
    let epochs = args.epochs_or(12, 4);

    println!("§4.1: sparse autoencoders, {hidden} hidden units for {INPUTS} inputs.");
    if hidden > INPUTS {
        println!("With more units than inputs, nothing stops the layer from simply copying its input;");
    } else {
        println!("With no more units than inputs the bottleneck already limits copying;");
    }
    println!("each sparsity method constrains the code its own way.\n");

    println!("Step 1: cut {SIDE}×{SIDE} patches with some ink (mean intensity ≥ {MIN_INK}) from the digits.");
    let set = data::digit_set(args.data.as_deref(), n_digits, n_test_digits, args.seed)?;
    let train_digits = set.train.slice_rows(0, set.train.rows().min(n_digits));
    let test_digits = set.test.slice_rows(0, set.test.rows().min(n_test_digits));
    let mut rng = Rng::new(args.seed);
    let mut patch_rng = rng.fork(1);
    let train = sparse::patches(&train_digits, images::SIDE, images::SIDE, SIDE, n_patches, MIN_INK, &mut patch_rng);
    let test = sparse::patches(&test_digits, images::SIDE, images::SIDE, SIDE, n_test_patches, MIN_INK, &mut patch_rng);
    println!("  source: {}", set.source);
    println!(
        "  {} training patches from {} digits, {} test patches from {} held-out digits.\n",
        train.rows(),
        train_digits.rows(),
        test.rows(),
        test_digits.rows()
    );
    if train.rows() == 0 || test.rows() == 0 {
        return Err(Error::Invalid("no patch with enough ink was found in the digits".into()));
    }

    let methods = [
        ("plain", Sparsity::None),
        ("KL", Sparsity::Kl { rho, beta }),
        ("L1", Sparsity::L1 { lambda: l1 }),
        ("top-k", Sparsity::TopK { k }),
    ];
    println!("Step 2: train {INPUTS}-{hidden}-{INPUTS} (sigmoid code and output, mean squared error, Adam lr {LR},");
    println!("mini-batches of {BATCH}, {epochs} epochs) once per method, from the same initial weights");
    println!("(Xavier-uniform, the encoder's scaled down by {ENCODER_INIT_SCALE} so unused directions stay quiet).");
    let mut encoder = Dense::xavier(INPUTS, hidden, Activation::Sigmoid, &mut rng);
    encoder.w = encoder.w.scale(ENCODER_INIT_SCALE);
    let init = Autoencoder::new(
        Network::new(vec![encoder]),
        Network::new(vec![Dense::xavier(hidden, INPUTS, Activation::Sigmoid, &mut rng)]),
    );
    let (at, reports) = gradcheck_models::sparse_checks(&init, &train, &methods, args.seed, args.quick);
    let check = gradient_step::print(SPEC.name, &at, &reports)?;
    let printed: Vec<String> = (1..=epochs).filter(|&e| is_printed(e, epochs)).map(|e| format!("{e:>8}")).collect();
    println!("  training objective (loss + penalty) after epoch {}", printed.join(""));
    // Every method sees the same mini-batch order.
    let order_stream = rng.fork(2);
    let mut trained = Vec::new();
    let mut progress = Progress::new("ch4_sparse: epoch", methods.len() * epochs);
    for (m, (label, method)) in methods.into_iter().enumerate() {
        let mut ae = init.clone();
        let mut opt = Adam::new(LR);
        let mut order_rng = order_stream.clone();
        let mut line = format!("  {:<6} {:<24}", label, method.name());
        for epoch in 1..=epochs {
            let l = train::epoch(&mut ae, &train, &method, LossKind::Mse, BATCH, &mut opt, &mut order_rng);
            ae.check_finite(SPEC.name, epoch, train.rows().div_ceil(BATCH), l)?;
            progress.tick(m * epochs + epoch);
            if is_printed(epoch, epochs) {
                line.push_str(&format!(" {:>8}", fmt_num(l, 4)));
            }
        }
        progress.clear();
        println!("{line}");
        trained.push((label, method, ae));
    }
    drop(progress);
    println!();

    println!("Step 3: on the held-out patches, how active is each code, and how well does it reconstruct?");
    println!("(mean activation: of every unit over every patch; near zero: activations below {NEAR_ZERO};");
    println!("units used: units whose average activation is at least {NEAR_ZERO})");
    let mut table = Table::new(&["method", "mean activation", "near zero", "units used", "test MSE"]);
    let stats: Vec<_> =
        trained.iter().map(|(_, method, ae)| sparse::code_stats(ae, &test, *method, NEAR_ZERO)).collect();
    for ((label, _, _), st) in trained.iter().zip(&stats) {
        table.row(vec![
            label.to_string(),
            fmt_num(st.mean_activation, 4),
            format!("{:.1} %", 100.0 * st.near_zero),
            format!("{}/{hidden}", st.units_used),
            fmt_num(st.test_mse, 5),
        ]);
    }
    print!("{}", table.render());
    let [plain, kl, l1, topk] = &stats[..] else { unreachable!("one entry per method") };
    println!(
        "  KL asked for an average activation of {rho} and got {}; {:.0} % of its activations are near 0",
        fmt_num(kl.mean_activation, 4),
        100.0 * kl.near_zero
    );
    println!("  against {:.0} % for the plain autoencoder.", 100.0 * plain.near_zero);
    println!(
        "  Top-k keeps {k} of {hidden} units per patch by construction, so at least {:.1} % are exactly 0.\n",
        100.0 * (hidden - k) as f64 / hidden as f64
    );

    println!("Step 4: each hidden unit's incoming weights (a row of W1) drawn as an {SIDE}×{SIDE} picture,");
    println!("each rescaled to its own [0, 1] range.");
    std::fs::create_dir_all(&args.out).map_err(|e| Error::io(&args.out, e))?;
    for (label, _, ae) in &trained {
        let filters = sparse::normalised_filters(&ae.encoder.layers[0].w);
        let per_row = 16;
        let rows: Vec<Vec<&[f64]>> = (0..hidden)
            .collect::<Vec<_>>()
            .chunks(per_row)
            .map(|c| c.iter().map(|&j| filters.row(j)).collect())
            .collect();
        let path = args.out.join(format!("features_{}.png", label.replace('-', "").to_lowercase()));
        write_png(&path, &image_grid(&rows, SIDE, SIDE, 3, 1))?;
        let caption = format!(
            "The {label} autoencoder's {hidden} hidden units, 16 to a row: each tile is one unit's incoming weights \
             as an {SIDE}×{SIDE} picture, rescaled to its own range. A tile like a stroke or an edge is a unit \
             that found a feature; a noisy tile is one that did not."
        );
        captions::caption(&args.out, &path.file_name().unwrap_or_default().to_string_lossy(), &caption)?;
        println!("  wrote {}", path.display());
    }
    let sample: Vec<&[f64]> = (0..test.rows().min(16)).map(|r| test.row(r)).collect();
    let recon: Vec<Matrix> =
        trained.iter().map(|(_, m, ae)| sparse::reconstruct(ae, &test.slice_rows(0, sample.len()), *m)).collect();
    let mut rows = vec![sample];
    for r in &recon {
        rows.push((0..r.rows()).map(|i| r.row(i)).collect());
    }
    let path = args.out.join("reconstructions.png");
    write_png(&path, &image_grid(&rows, SIDE, SIDE, 3, 1))?;
    captions::caption(
        &args.out,
        "reconstructions.png",
        "Top row: held-out patches; then their reconstructions \
        by the plain, KL, L1 and top-k autoencoders, one row each. The sparse ones pay for sparsity with some detail.",
    )?;
    println!("  wrote {} (rows: test patches, then plain, KL, L1, top-k reconstructions)\n", path.display());

    println!("Step 5: three of §4.1's claims, tested on the models above and one more.");
    let recipe = sparse_checks::Recipe { batch: BATCH, lr: LR, epochs, encoder_init_scale: ENCODER_INIT_SCALE };
    let noise = sparse_checks::random_inputs(test.rows(), INPUTS, &mut rng.fork(5));
    let copied: Vec<f64> = trained.iter().map(|(_, m, ae)| sparse_checks::copied_variance(ae, &noise, *m)).collect();
    let overfit: Vec<f64> =
        trained.iter().map(|(_, m, ae)| sparse_checks::overfit_ratio(ae, &train, &test, *m)).collect();
    let narrow_kl = Sparsity::Kl { rho, beta };
    let narrow =
        sparse_checks::narrow_sparse(&train, &test, INPUTS / 2, narrow_kl, NEAR_ZERO, &recipe, &mut rng.fork(6))?;
    let shares: Vec<String> = trained.iter().zip(&copied).map(|((l, _, _), c)| format!("{l} {:.2}", c)).collect();
    println!("  copying: share of the variance of random patches (never seen) that comes back: {}", shares.join(", "));
    let ratios: Vec<String> = trained.iter().zip(&overfit).map(|((l, _, _), r)| format!("{l} {:.3}", r)).collect();
    println!("  overfitting: held-out MSE over training MSE: {}", ratios.join(", "));
    println!(
        "  width: a {INPUTS}-{}-{INPUTS} layer with the KL penalty, fewer units than inputs: {:.1} % of its activations near 0\n",
        narrow.hidden,
        100.0 * narrow.near_zero
    );

    let mut res = Results::new();
    res.num("mean_activation_kl", kl.mean_activation, 4);
    res.num("target_rho", rho, 4);
    res.num("near_zero_fraction_kl", kl.near_zero, 4);
    res.num("near_zero_fraction_plain", plain.near_zero, 4);
    res.num("near_zero_fraction_l1", l1.near_zero, 4);
    res.num("near_zero_fraction_topk", topk.near_zero, 4);
    res.num("test_mse_plain", plain.test_mse, 6);
    res.num("test_mse_kl", kl.test_mse, 6);
    res.num("test_mse_l1", l1.test_mse, 6);
    res.num("test_mse_topk", topk.test_mse, 6);
    res.add("hidden", hidden);
    res.num("topk_zero_floor", (hidden - k) as f64 / hidden as f64, 4);
    res.num("mean_activation_plain", plain.mean_activation, 4);
    for (((label, _, _), (c, o)), st) in trained.iter().zip(copied.iter().zip(&overfit)).zip(&stats) {
        let key = label.replace('-', "").to_lowercase();
        res.add(&format!("units_used_{key}"), st.units_used);
        res.num(&format!("noise_copied_{key}"), *c, 3);
        res.num(&format!("overfit_ratio_{key}"), *o, 3);
    }
    res.add("narrow_hidden", narrow.hidden);
    res.num("near_zero_fraction_kl_narrow", narrow.near_zero, 4);
    gradient_step::add_results(&mut res, &check);
    res.finish(&SPEC, args)
}

/// The first, the last and every fourth epoch.
fn is_printed(epoch: usize, epochs: usize) -> bool {
    epoch == 1 || epoch == epochs || epoch.is_multiple_of(4)
}
