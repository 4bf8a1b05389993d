//! §3: the seven steps of training, every number printed, on a customer × product table.

use autoencoders::core::files::ensure_dir;
use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::data::baskets;
use autoencoders::gradcheck::models as gradcheck_models;
use autoencoders::gradcheck::step as gradient_step;
use autoencoders::nn::activation::Activation;
use autoencoders::nn::gradcheck;
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::Autoencoder;
use autoencoders::nn::optim::Sgd;
use autoencoders::render::figures;
use autoencoders::render::svg::{LineChart, write_svg};
use autoencoders::render::text::{Table, fmt_num, grid, side_by_side, vector};
use autoencoders::workbook::captions;
use autoencoders::workbook::cli::{self, Args, Results};
use autoencoders::workbook::specs::ch3_training_steps::SPEC;

const LR: f64 = 0.5;
const CODE: usize = 3;

fn main() {
    cli::run(&SPEC, body);
}

fn body(args: &Args) -> autoencoders::Result<()> {
    let lr = args.positive_f64("lr", LR)?;
    let code = args.width("code", CODE)?;
    let epochs = args.epochs_or(2000, 200);
    let table = baskets::purchases();
    let (customers, products) = table.shape();
    let mut rng = Rng::new(args.seed);
    let mut ae = Autoencoder::single(products, code, Activation::Sigmoid, Activation::Sigmoid, &mut rng);
    let loss_kind = LossKind::Mse;

    println!("§3: the seven steps, on the workbook's own table of {customers} customers × {products} products");
    println!("(1 = bought). Products: {}.", baskets::PRODUCTS.join(", "));
    println!(
        "Network {products}-{code}-{products}, sigmoid code and output, mean squared error, seed {}.\n",
        args.seed
    );

    // Step 1.
    let x = table.slice_rows(0, 1);
    println!("Step 1: take the first customer's row as the input x.");
    println!("  x = {}\n", vector(x.row(0), 0));

    // Step 2.
    let enc = &ae.encoder.layers[0];
    let dec = &ae.decoder.layers[0];
    println!("Step 2: encode, h = sigmoid(W1·x + b1). W1 is ({code}, {products}), b1 is ({code}).");
    print!("{}", side_by_side(&[("  W1", grid(&enc.w, 3, 2)), ("b1", grid(&col(&enc.b), 3, 0))], 3));
    let h = ae.encode(&x);
    println!("  h = {}\n", vector(h.row(0), 4));

    // Step 3.
    println!("Step 3: decode, x̂ = sigmoid(W2·h + b2). W2 is ({products}, {code}), b2 is ({products}).");
    print!("{}", side_by_side(&[("  W2", grid(&dec.w, 3, 2)), ("b2", grid(&col(&dec.b), 3, 0))], 3));
    let out = ae.decode(&h);
    println!("  x̂ = {}\n", vector(out.row(0), 4));

    // Step 4.
    let error = x.sub(&out);
    let loss = loss_kind.eval(&out, &x).value;
    println!("Step 4: the reconstruction error x − x̂ and the loss L = mean((x̂ − x)²).");
    println!("  x − x̂ = {}", vector(error.row(0), 4));
    println!("  L = {}", fmt_num(loss, 6));
    let error_min = error.data().iter().copied().fold(f64::INFINITY, f64::min);
    let error_max = error.data().iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let error_sum: f64 = error.data().iter().sum();
    println!(
        "  The difference itself cannot be the error to minimise: its entries have both signs (sum {}),",
        fmt_num(error_sum, 4)
    );
    println!("  and too low an output would cancel too high a one. Squaring makes every miss count.\n");

    // Step 5: backprop, checked against numbers that owe nothing to it.
    println!("Step 5: backpropagate. Each analytic gradient beside its numeric central-difference");
    println!("estimate (Richardson-extrapolated, h = {}), and their largest relative error:", gradcheck::STEP);
    // Every entry of every tensor: the smallest sample that covers the largest tensor.
    let mut objective = gradcheck_models::autoencoder_whole_pass(ae.clone(), x.clone(), x.clone(), loss_kind);
    let report = gradcheck::check_objective("MSE", &mut objective, products * code, &mut gradcheck::sampler(args.seed));
    let names = ["dL/dW1", "dL/db1", "dL/dW2", "dL/db2"];
    for (t, (spec, name)) in report.tensors.iter().zip(names).enumerate() {
        let (rows, cols) = (spec.shape[0], spec.shape.get(1).copied().unwrap_or(1));
        let of = |f: fn(&gradcheck::Entry) -> f64| {
            Matrix::from_vec(rows, cols, report.entries.iter().filter(|e| e.tensor == t).map(f).collect())
        };
        let (a, num) = (of(|e| e.analytic), of(|e| e.numeric));
        let cmp = gradcheck::compare(a.data(), num.data());
        println!("  {name}: max relative error {:.2e}", cmp.max_relative_error);
        print!(
            "{}",
            side_by_side(
                &[("    analytic", grid(&a.scale(1e3), 4, 4)), ("numeric (both × 10³)", grid(&num.scale(1e3), 4, 0))],
                3
            )
        );
    }
    let summary = gradcheck::summarize(std::slice::from_ref(&report));
    let max_rel = summary.max_relative_error;
    let theta_len = summary.entries;
    println!(
        "  largest relative error over all {} parameters: {:.2e} (tolerance {:.0e}) {}\n",
        theta_len,
        max_rel,
        gradcheck::TOLERANCE,
        if report.passes() { "✓" } else { "✗" }
    );
    if let Some(e) = report.failure(SPEC.name) {
        return Err(e);
    }

    println!("  Then the update W ← W − η·dL/dW with learning rate η = {lr}:");
    let mut steps = figures::TrainingSteps {
        x: x.row(0).to_vec(),
        h: h.row(0).to_vec(),
        x_hat: out.row(0).to_vec(),
        loss,
        lr,
        ..Default::default()
    };
    let g = ae.gradients(&x, &x, loss_kind);
    let norm = |v: &[f64]| v.iter().map(|g| g * g).sum::<f64>().sqrt();
    for (name, d) in [
        ("∂L/∂W₁", g.encoder[0].d_w.data()),
        ("∂L/∂b₁", &g.encoder[0].d_b),
        ("∂L/∂W₂", g.decoder[0].d_w.data()),
        ("∂L/∂b₂", &g.decoder[0].d_b),
    ] {
        steps.gradient_norms.push((name.to_string(), norm(d)));
    }
    steps.gradient_check = max_rel;
    let mut sgd = Sgd::new(lr);
    ae.train_step(&x, &x, loss_kind, &mut sgd);
    print!(
        "{}",
        side_by_side(
            &[("  new W1", grid(&ae.encoder.layers[0].w, 3, 2)), ("new b1", grid(&col(&ae.encoder.layers[0].b), 3, 0))],
            3
        )
    );
    print!(
        "{}",
        side_by_side(
            &[("  new W2", grid(&ae.decoder.layers[0].w, 3, 2)), ("new b2", grid(&col(&ae.decoder.layers[0].b), 3, 0))],
            3
        )
    );
    steps.loss_after = ae.loss(&x, loss_kind);
    println!("  the loss on this customer went from {} to {}.\n", fmt_num(loss, 6), fmt_num(steps.loss_after, 6));

    // Steps 6 and 7.
    println!("Steps 6–7: repeat for every customer, one SGD update each (stochastic gradient descent),");
    println!("for {epochs} epochs. Loss over the whole table after each epoch:");
    let mut first_epoch_loss = f64::NAN;
    let mut final_loss = f64::NAN;
    let mut curve = Vec::with_capacity(epochs);
    for epoch in 1..=epochs {
        ae.train_epoch_per_example(&table, loss_kind, &mut sgd);
        let l = ae.loss(&table, loss_kind);
        ae.check_finite(SPEC.name, epoch, customers, l)?;
        if epoch == 1 {
            first_epoch_loss = l;
        }
        final_loss = l;
        curve.push((epoch as f64, l));
        if is_printed_epoch(epoch) || epoch == epochs {
            println!("  epoch {epoch:>5}  loss {}", fmt_num(l, 6));
        }
    }
    ensure_dir(&args.out)?;
    let svg = args.out.join("loss.svg");
    let chart = LineChart::new(
        format!("§3: {products}-{code}-{products} autoencoder, SGD lr {lr}"),
        "epoch",
        "MSE over the whole table",
    )
    .series("loss after each epoch", curve)
    .log_y(true);
    write_svg(&svg, &chart.to_svg())?;
    captions::caption(
        &args.out,
        "loss.svg",
        "The mean squared error over the whole table after each epoch (log scale): steep at first, then a long \
         slow descent as the code settles.",
    )?;
    println!("  the loss curve: {}", svg.display());
    (steps.examples, steps.epochs, steps.first_epoch_loss, steps.final_loss) =
        (customers, epochs, first_epoch_loss, final_loss);
    let flow = captions::save_figure(&args.out, "seven_steps.svg", &figures::training_steps(&steps))?;
    println!("  the seven steps with this run's numbers: {}", flow.display());
    println!();

    println!("Inputs beside their reconstructions after training (rounded to 2 places):");
    let recon = ae.reconstruct(&table);
    let codes = ae.encode(&table);
    let mut t = Table::new(&["customer", "bought", "code h", "reconstruction"]);
    for r in 0..customers {
        t.row(vec![(r + 1).to_string(), vector(table.row(r), 0), vector(codes.row(r), 2), vector(recon.row(r), 2)]);
    }
    print!("{}", t.render());
    println!();

    let mut res = Results::new();
    res.add("gradient_max_relative_error", format!("{max_rel:.2e}"));
    gradient_step::add_results(&mut res, &summary);
    res.num("first_epoch_loss", first_epoch_loss, 6);
    res.num("final_loss", final_loss, 6);
    res.num("step4_error_min", error_min, 4);
    res.num("step4_error_max", error_max, 4);
    res.num("step4_loss", loss, 6);
    res.finish(&SPEC, args)
}

/// 1–10, then 20, 30 … 100, then every 100th: denser where the loss moves fastest.
fn is_printed_epoch(epoch: usize) -> bool {
    epoch <= 10
        || (epoch <= 100 && epoch.is_multiple_of(10))
        || (epoch <= 1000 && epoch.is_multiple_of(100))
        || epoch.is_multiple_of(500)
}

/// A vector as a one-column matrix, for printing beside a weight matrix.
fn col(v: &[f64]) -> Matrix {
    Matrix::from_vec(v.len(), 1, v.to_vec())
}
