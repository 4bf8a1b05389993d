//! §3: the seven steps of training, every number printed, on a customer × product table.

use autoencoders::core::files::ensure_dir;
use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::data::baskets;
use autoencoders::nn::activation::Activation;
use autoencoders::nn::gradcheck;
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::{Autoencoder, flatten_grads};
use autoencoders::nn::optim::Sgd;
use autoencoders::render::svg::{LineChart, write_svg};
use autoencoders::render::text::{Table, fmt_num, grid, side_by_side, vector};
use autoencoders::workbook::cli::{self, Args, Expect, Results, Spec};

const SPEC: Spec = Spec {
    name: "ch3_training_steps",
    section: "§3",
    about: "the seven training steps on a customer × product table: every number, and a numeric check of backprop \
            (writes the loss curve as loss.svg into --out)",
    data: None,
    options: &[
        autoencoders::workbook::cli::Opt { name: "lr", value: Some("RATE"), help: "SGD learning rate (default 0.5)" },
        autoencoders::workbook::cli::Opt { name: "code", value: Some("N"), help: "code width (default 3)" },
    ],
    exercises: &[
        "a learning rate ten times smaller crawls: cargo run --bin ch3_training_steps -- --lr 0.05",
        "a 1-number code must merge the three kinds of shopper: cargo run --bin ch3_training_steps -- --code 1",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "gradient_max_relative_error", 0.0, 1e-6),
        Expect::near(&[], "first_epoch_loss", 0.264328, 5e-7),
        Expect::near(&[], "final_loss", 0.008040, 5e-7),
        Expect::near(&["--lr", "0.05"], "final_loss", 0.078586, 5e-7),
        Expect::near(&["--code", "1"], "final_loss", 0.110019, 5e-7),
    ],
};

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
    let g = ae.gradients(&x, &x, loss_kind);
    let analytic = flatten_grads(&[g.encoder.clone(), g.decoder.clone()].concat());
    let theta = ae.flat_params();
    let mut probe = ae.clone();
    let numeric = gradcheck::numeric_gradient(&theta, |t| {
        probe.set_flat_params(t);
        probe.loss(&x, loss_kind)
    });
    let shapes = [("dL/dW1", code, products), ("dL/db1", code, 1), ("dL/dW2", products, code), ("dL/db2", products, 1)];
    let mut at = 0;
    let mut max_rel: f64 = 0.0;
    for (name, rows, cols) in shapes {
        let n = rows * cols;
        let a = Matrix::from_vec(rows, cols, analytic[at..at + n].to_vec());
        let num = Matrix::from_vec(rows, cols, numeric[at..at + n].to_vec());
        let cmp = gradcheck::compare(a.data(), num.data());
        max_rel = max_rel.max(cmp.max_relative_error);
        println!("  {name}: max relative error {:.2e}", cmp.max_relative_error);
        print!(
            "{}",
            side_by_side(
                &[("    analytic", grid(&a.scale(1e3), 4, 4)), ("numeric (both × 10³)", grid(&num.scale(1e3), 4, 0))],
                3
            )
        );
        at += n;
    }
    println!(
        "  largest relative error over all {} parameters: {:.2e} (tolerance {:.0e})\n",
        theta.len(),
        max_rel,
        gradcheck::TOLERANCE
    );

    println!("  Then the update W ← W − η·dL/dW with learning rate η = {lr}:");
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
    println!("  the loss on this customer went from {} to {}.\n", fmt_num(loss, 6), fmt_num(ae.loss(&x, loss_kind), 6));

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
    println!("  the loss curve: {}", svg.display());
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
