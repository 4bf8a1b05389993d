//! §2: the encoder/decoder pair around a bottleneck. Error against code size, a linear
//! autoencoder against PCA, and 2-number codes drawn as points.

use autoencoders::compare::pca::Pca;
use autoencoders::core::rng::Rng;
use autoencoders::data;
use autoencoders::data::images::DigitSet;
use autoencoders::render::svg::{LineChart, ScatterPlot, side_by_side, write_svg};
use autoencoders::render::text::{Table, fmt_num, grid, vector};
use autoencoders::structure::{self, TrainConfig};
use autoencoders::workbook::cli::{self, Args, Expect, Opt, Progress, Results, Spec};
use autoencoders::{Error, Result};

const SPEC: Spec = Spec {
    name: "ch2_structure",
    section: "§2",
    about: "encoder and decoder around a bottleneck: error against code size; a linear autoencoder finds PCA's subspace",
    data: Some("a folder with MNIST IDX files (3/4 train, 1/4 held out) instead of the built-in digits"),
    options: &[Opt {
        name: "k",
        value: Some("N"),
        help: "code width of the linear autoencoder compared with PCA (default 6)",
    }],
    exercises: &[
        "a 10-number linear code, where λ₁₀ and λ₁₁ lie close: the largest angle jumps to 53.09°, yet the test MSE \
         stays at PCA's (0.025216 against 0.025138): cargo run --bin ch2_structure -- --k 10",
        "real handwriting (MNIST: largest angle 0.17°, the sigmoid AE just ahead of PCA): cargo run --bin ch2_structure -- --data ../shared/data/mnist",
        "another seed mixes the components differently (units from 30.1° off the axes), the subspace stays (largest \
         angle 0.49°): cargo run --bin ch2_structure -- --seed 2",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "ae_test_mse_code_2", 0.04464, 0.000005),
        Expect::near(&[], "ae_test_mse_code_5", 0.03301, 0.000005),
        Expect::near(&[], "ae_test_mse_code_10", 0.02426, 0.000005),
        Expect::near(&[], "ae_test_mse_code_25", 0.01288, 0.000005),
        Expect::near(&[], "ae_test_mse_code_50", 0.00701, 0.000005),
        Expect::near(&[], "pca_test_mse_code_50", 0.00726, 0.000005),
        Expect::near(&[], "max_principal_angle_degrees", 0.45, 0.005),
        Expect::near(&[], "min_unit_angle_degrees", 36.0, 0.05),
        Expect::near(&[], "linear_ae_test_mse", 0.031096, 0.0000005),
        Expect::near(&[], "pca_test_mse", 0.031075, 0.0000005),
        Expect::near(&[], "two_number_ae_test_mse", 0.03403, 0.000005),
        Expect::near(&[], "two_number_pca_test_mse", 0.04449, 0.000005),
        Expect::near(&["--k", "10"], "max_principal_angle_degrees", 53.09, 0.005),
        Expect::near(&["--k", "10"], "linear_ae_test_mse", 0.025216, 0.0000005),
        Expect::near(&["--k", "10"], "pca_test_mse", 0.025138, 0.0000005),
        Expect::near(&["--data", "../shared/data/mnist"], "max_principal_angle_degrees", 0.17, 0.005),
        Expect::near(&["--data", "../shared/data/mnist"], "ae_test_mse_code_5", 0.04632, 0.000005),
        Expect::near(&["--data", "../shared/data/mnist"], "pca_test_mse_code_5", 0.04700, 0.000005),
        Expect::near(&["--data", "../shared/data/mnist"], "ae_test_mse_code_25", 0.01861, 0.000005),
        Expect::near(&["--data", "../shared/data/mnist"], "pca_test_mse_code_25", 0.02061, 0.000005),
        Expect::near(&["--data", "../shared/data/mnist"], "ae_test_mse_code_50", 0.01021, 0.000005),
        Expect::near(&["--data", "../shared/data/mnist"], "pca_test_mse_code_50", 0.01176, 0.000005),
        Expect::near(&["--seed", "2"], "max_principal_angle_degrees", 0.49, 0.005),
        Expect::near(&["--seed", "2"], "min_unit_angle_degrees", 30.1, 0.05),
    ],
};

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
    structure::train_observed(&mut two, train_x, &two_cfg, &mut two_rng, None, &mut |e| progress.tick(done + e))?;
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
    println!("  drawn in {}:", latent_path.display());
    println!("    left, the autoencoder's code of each of the {} held-out digits; right, its first two", codes.rows());
    println!("    principal components; one colour per digit label, the legend beside each panel.\n");

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
    res.finish(&SPEC, args)
}

fn load(args: &Args) -> Result<DigitSet> {
    let (n_train, n_test) = if args.quick { (1000, 300) } else { (3000, 1000) };
    let set = data::digit_set(args.data.as_deref(), n_train, n_test, args.seed)?;
    Ok(if args.quick { set.keep_train(1000) } else { set })
}
