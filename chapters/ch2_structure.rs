//! §2: the encoder/decoder pair around a bottleneck. Error against code size, a linear
//! autoencoder against PCA, and 2-number codes drawn as points.

use autoencoders::compare::pca::Pca;
use autoencoders::core::rng::Rng;
use autoencoders::data;
use autoencoders::data::images::DigitSet;
use autoencoders::gradcheck::models as gradcheck_models;
use autoencoders::gradcheck::step as gradient_step;
use autoencoders::nn::gradcheck;
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::train::{self, Plain, TrainConfig};
use autoencoders::render::figures::{Stack, layer_diagram};
use autoencoders::render::svg::{LineChart, ScatterPlot, side_by_side, write_svg};
use autoencoders::render::text::{Table, fmt_num, grid, vector};
use autoencoders::structure;
use autoencoders::workbook::captions;
use autoencoders::workbook::cli::{self, Args, Progress, Results};
use autoencoders::workbook::specs::ch2_structure::SPEC;
use autoencoders::{Error, Result};

/// The code widths of the error-against-code-size table.
const CODES: [usize; 5] = [2, 5, 10, 25, 50];

fn main() {
    cli::run(&SPEC, body);
}

fn body(args: &Args) -> Result<()> {
    let k = match args.parsed::<usize>("k")? {
        Some(k) if !(1..=50).contains(&k) => return Err(Error::Usage("--k must be between 1 and 50".into())),
        Some(k) => k,
        None => 6,
    };
    let data = load(args)?;
    let (train_x, test_x) = (&data.train, &data.test);
    let mut rng = Rng::new(args.seed);
    println!("§2: an autoencoder is an encoder that squeezes x into a narrow code h and a decoder that");
    println!("expands h back into x̂. How narrow can the code be, and what does it keep?");
    println!("Data: {}.\n", data.source);
    let check = check_gradients(train_x, k, args)?;

    let sweep_cfg = TrainConfig { epochs: args.epochs_or(15, 4), lr: 0.01, batch_size: 32, ..TrainConfig::default() };
    let lin_cfg = TrainConfig {
        epochs: args.epochs_or(40, 30),
        lr: 0.03,
        lr_decay: 0.88,
        batch_size: if args.quick { 32 } else { 64 },
        ..TrainConfig::default()
    };
    let two_cfg = TrainConfig { epochs: args.epochs_or(20, 5), lr: 5e-3, batch_size: 32, ..TrainConfig::default() };
    // Progress counts epochs over all the chapter's trainings, in the order they run.
    let mut progress =
        Progress::new("ch2_structure: epoch", CODES.len() * sweep_cfg.epochs + lin_cfg.epochs + two_cfg.epochs);

    // Step 1.
    println!("Step 1: error against code size. For each width k, a 784-k-784 autoencoder (sigmoid code and");
    println!(
        "output started at the mean image, squared error, Adam lr {}, batches of {}, {} epochs)\nbeside PCA with k components.",
        sweep_cfg.lr, sweep_cfg.batch_size, sweep_cfg.epochs
    );
    println!("Mean squared error per pixel on the held-out digits:");
    // One width at a time, for the progress line: the same draws as all widths in one call.
    let mut sweep_rng = rng.fork(1);
    let mut rows = Vec::new();
    for (i, &code) in CODES.iter().enumerate() {
        rows.extend(structure::code_size_sweep(train_x, test_x, &[code], &sweep_cfg, &mut sweep_rng)?);
        progress.tick((i + 1) * sweep_cfg.epochs);
    }
    progress.clear();
    let mut t = Table::new(&["code k", "autoencoder", "PCA", "variance PCA keeps"]);
    for r in &rows {
        t.row(vec![
            r.code.to_string(),
            fmt_num(r.ae_test_mse, 5),
            fmt_num(r.pca_test_mse, 5),
            format!("{:.1} %", 100.0 * r.pca_explained),
        ]);
    }
    print!("{}", t.render());
    println!("The error falls as the code widens. One sigmoid layer each side barely beats PCA's linear");
    println!("projection: the gain from a nonlinear code shows with depth (step 3, and ch4_deep).");
    let chart = LineChart::new("Reconstruction error against code size", "code size k", "test MSE per pixel")
        .series("sigmoid autoencoder", rows.iter().map(|r| (r.code as f64, r.ae_test_mse)).collect())
        .series("PCA", rows.iter().map(|r| (r.code as f64, r.pca_test_mse)).collect())
        .log_y(true);
    let curve_path = args.out.join("error_vs_code_size.svg");
    write_svg(&curve_path, &chart.to_svg())?;
    captions::caption(
        &args.out,
        "error_vs_code_size.svg",
        "Held-out error per pixel (log scale) against the code size k, for a 784-k-784 sigmoid autoencoder \
         and for PCA with k components, as k grows.",
    )?;
    println!("  drawn in {}\n", curve_path.display());

    // Step 2.
    println!("Step 2: a linear autoencoder (identity activations, squared error) with a {k}-number code,");
    println!(
        "{} epochs of Adam (lr {} × {} each epoch), against PCA with {k} components.",
        lin_cfg.epochs, lin_cfg.lr, lin_cfg.lr_decay
    );
    let (_, _, cmp) = structure::linear_vs_pca(train_x, test_x, k, &lin_cfg, &mut rng.fork(2))?;
    let done = CODES.len() * sweep_cfg.epochs + lin_cfg.epochs;
    progress.tick(done);
    progress.clear();
    println!(
        "  test MSE per pixel: linear autoencoder {}, PCA {}",
        fmt_num(cmp.ae_test_mse, 6),
        fmt_num(cmp.pca_test_mse, 6)
    );
    println!(
        "  train MSE per pixel: linear autoencoder {}, PCA {}",
        fmt_num(cmp.ae_train_mse, 6),
        fmt_num(cmp.pca_train_mse, 6)
    );
    println!("  principal angles between span(decoder W) and span(top {k} components), degrees:");
    println!("    {}", vector(&cmp.principal_angles, 2));
    println!("  The subspaces agree. The units do not: |cos| between decoder column i (rows) and");
    println!("  principal component j (columns):");
    print!("{}", grid(&cmp.cosines, 2, 4));
    println!("  each decoder column's angle to its nearest component, degrees:");
    println!("    {}", vector(&cmp.unit_angles, 1));
    println!("  Any invertible mix of the components reconstructs equally well, and training lands on one");
    println!("  of them: the autoencoder learns PCA's subspace, not PCA's axes.\n");

    // Step 3.
    println!("Step 3: a 2-number code. A 784-64-2-64-784 autoencoder (sigmoid hidden layers, linear code,");
    println!("{} epochs) and the first two PCA components, every held-out digit drawn as a point.", two_cfg.epochs);
    let mut two_rng = rng.fork(3);
    let mut two = structure::two_number_autoencoder(train_x.cols(), 64, &mut two_rng);
    structure::start_output_at_mean(&mut two, train_x);
    train::train_observed(&mut two, train_x, &Plain, &two_cfg, &mut two_rng, &mut |e| progress.tick(done + e))?;
    drop(progress);
    let codes = two.encode(test_x);
    let pca2 = Pca::fit(train_x, 2)?;
    let pcs = pca2.transform(test_x);
    let two_mse = structure::mse_per_entry(&two.reconstruct(test_x), test_x);
    let pca2_mse = pca2.reconstruction_mse(test_x);
    println!("  test MSE per pixel from 2 numbers: autoencoder {}, PCA {}", fmt_num(two_mse, 5), fmt_num(pca2_mse, 5));
    let points = |m: &autoencoders::Matrix| -> Vec<(f64, f64, u8)> {
        (0..m.rows()).map(|r| (m[(r, 0)], m[(r, 1)], data.test_labels[r])).collect()
    };
    let latent_path = args.out.join("latent_2d.svg");
    let ae_panel = ScatterPlot::new("2-number autoencoder codes", "h₁", "h₂").points(points(&codes));
    let pca_panel = ScatterPlot::new("First two principal components", "PC 1", "PC 2").points(points(&pcs));
    write_svg(&latent_path, &side_by_side(&[&ae_panel, &pca_panel]))?;
    captions::caption(
        &args.out,
        "latent_2d.svg",
        "Every held-out digit as a point coloured by its label: left, its code in the 784-64-2-64-784 \
         autoencoder; right, its first two principal components. Look for how cleanly each keeps the digits apart.",
    )?;
    println!("  drawn in {}:", latent_path.display());
    println!("    left, the autoencoder's code of each of the {} held-out digits; right, its first two", codes.rows());
    println!("    principal components; one colour per digit label, the legend beside each panel.\n");

    let d = train_x.cols();
    let stacks = [
        Stack::new(&format!("Step 1: {d}-k-{d}, k = 2, 5, 10, 25, 50 (drawn at k = 10)"), &[d, 10, d]),
        Stack::new(&format!("Step 2: linear, k = {k}"), &[d, k, d]).labels(&["", "identity", "identity"]),
        Stack::new("Step 3: a 2-number code", &[d, 64, 2, 64, d]).labels(&["", "sigmoid", "linear", "sigmoid", ""]),
    ];
    let arch = captions::save_figure(&args.out, "structure.svg", &layer_diagram("§2 networks", &stacks))?;
    println!("The three networks of this chapter drawn in {}\n", arch.display());

    let mut res = Results::new();
    for r in &rows {
        res.num(&format!("ae_test_mse_code_{}", r.code), r.ae_test_mse, 5);
        res.num(&format!("pca_test_mse_code_{}", r.code), r.pca_test_mse, 5);
    }
    res.add("error_vs_code_svg", curve_path.display());
    res.add("k", k);
    res.num("max_principal_angle_degrees", cmp.principal_angles.iter().fold(0.0, |m: f64, &a| m.max(a)), 2);
    res.num("min_unit_angle_degrees", cmp.unit_angles.iter().fold(90.0, |m: f64, &a| m.min(a)), 1);
    res.num("linear_ae_test_mse", cmp.ae_test_mse, 6);
    res.num("pca_test_mse", cmp.pca_test_mse, 6);
    res.num("two_number_ae_test_mse", two_mse, 5);
    res.num("two_number_pca_test_mse", pca2_mse, 5);
    res.add("latent_2d_svg", latent_path.display());
    gradient_step::add_results(&mut res, &check);
    res.finish(&SPEC, args)
}

/// The gradient check: training digits it runs on, entries it draws per tensor (fewer in a
/// quick run, so that the check stays a small part of it), and the code
/// width of the sweep's model it checks (one width: they share every line of code).
const CHECK_DIGITS: usize = 4;
const SAMPLE: usize = 20;
const QUICK_SAMPLE: usize = 10;
const CHECK_CODE: usize = 25;

/// The three objectives the chapter trains, each on a network fresh from the initialiser its
/// trainer uses (drawn by the check's own generator, so training draws nothing less).
fn check_gradients(train_x: &autoencoders::Matrix, k: usize, args: &Args) -> Result<gradcheck::Summary> {
    let (seed, sample) = (args.seed, if args.quick { QUICK_SAMPLE } else { SAMPLE });
    let mut rng = gradcheck::sampler(seed).fork(1);
    let x = train_x.slice_rows(0, CHECK_DIGITS.min(train_x.rows()));
    let d = train_x.cols();
    let mut sigmoid = structure::sigmoid_autoencoder(d, CHECK_CODE, &mut rng);
    structure::start_output_at_mean(&mut sigmoid, train_x);
    let linear = structure::linear_autoencoder(d, k, &mut rng);
    let mut two = structure::two_number_autoencoder(d, 64, &mut rng);
    structure::start_output_at_mean(&mut two, train_x);
    let mse = LossKind::Mse;
    let mut objectives = [
        gradcheck_models::autoencoder(sigmoid, x.clone(), x.clone(), mse),
        gradcheck_models::autoencoder(linear, x.clone(), x.clone(), mse),
        gradcheck_models::autoencoder(two, x.clone(), x.clone(), mse),
    ];
    let [a, b, c] = &mut objectives;
    let names = [
        format!("step 1: {d}-{CHECK_CODE}-{d} sigmoid, MSE"),
        format!("step 2: {d}-{k}-{d} linear, MSE"),
        format!("step 3: {d}-64-2-64-{d}, MSE"),
    ];
    let reports = gradcheck::check_all(&mut [(&names[0], a), (&names[1], b), (&names[2], c)], sample, seed);
    let at = format!(
        "at freshly initialised weights (the trainers' initialisers), on the first {CHECK_DIGITS} training digits"
    );
    gradient_step::print(SPEC.name, &at, &reports)
}

fn load(args: &Args) -> Result<DigitSet> {
    let (n_train, n_test) = if args.quick { (1000, 300) } else { (3000, 1000) };
    let set = data::digit_set(args.data.as_deref(), n_train, n_test, args.seed)?;
    Ok(if args.quick { set.keep_train(1000) } else { set })
}
