//! §1: the 4-2-4 autoencoder of the four one-hot vectors.

use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::gradcheck::models as gradcheck_models;
use autoencoders::gradcheck::step as gradient_step;
use autoencoders::identity::{self, Config, TARGET_MAX_ERROR};
use autoencoders::nn::activation::Activation::Sigmoid;
use autoencoders::nn::gradcheck;
use autoencoders::nn::loss::LossKind;
use autoencoders::nn::network::Autoencoder;
use autoencoders::render::figures;
use autoencoders::render::text::{Table, fmt_num, vector};
use autoencoders::workbook::captions;
use autoencoders::workbook::cli::{self, Args, Results};
use autoencoders::workbook::specs::ch1_identity::SPEC;

fn main() {
    cli::run(&SPEC, body);
}

fn body(args: &Args) -> autoencoders::Result<()> {
    let mut config = Config::default();
    config.code = args.width("code", config.code)?;
    config.sgd = args.flag("sgd");
    config.lr = args.positive_f64("lr", if config.sgd { 3.0 } else { config.lr })?;
    if let Some(e) = args.epochs {
        config.max_epochs = e;
    }

    println!("§1: an autoencoder tries to give back its own input.");
    println!("Network {}-{}-{}: sigmoid code, sigmoid output, binary cross-entropy,", config.n, config.code, config.n);
    println!(
        "full-batch {} with learning rate {}, seed {}.\n",
        if config.sgd { "gradient descent" } else { "Adam" },
        config.lr,
        args.seed
    );
    let x = identity::one_hots(config.n);
    // The network identity::train starts from: the first draws of the seed's generator.
    let init = Autoencoder::single(config.n, config.code, Sigmoid, Sigmoid, &mut Rng::new(args.seed));
    let mut objective = gradcheck_models::autoencoder(init, x.clone(), x.clone(), config.loss);
    let reports = gradcheck::check_all(&mut [(loss_name(config.loss), &mut objective)], SAMPLE, args.seed);
    let check = gradient_step::print(SPEC.name, "at the initial weights, on the four one-hot inputs", &reports)?;
    let run = identity::train(&config, args.seed)?;

    println!("Training (stops when every output entry is within {TARGET_MAX_ERROR} of its target):");
    for (epoch, loss) in &run.log {
        println!("  epoch {epoch:>5}  loss {}", fmt_num(*loss, 6));
    }
    println!();

    let code = run.ae.encode(&x);
    let out = run.ae.decode(&code);
    print_table(&x, &code, &out);
    let names: Vec<String> = (0..x.rows()).map(|r| vector(x.row(r), 0)).collect();
    let (w1, w2) = (&run.ae.encoder.layers[0].w, &run.ae.decoder.layers[0].w);
    let network = captions::save_figure(&args.out, "network.svg", &figures::network_diagram(w1, w2, &code, &names))?;
    println!("\nThe network, its weights and each input's code drawn in {}", network.display());

    let q = &run.quality;
    println!();
    if config.code == 2 {
        println!("What two numbers can carry: four patterns need log2(4) = 2 bits, so a 2-unit code is");
        println!("just wide enough. Round each code to 0 or 1 and every input should own one of the four");
        println!("corners (0,0), (0,1), (1,0), (1,1); the decoder turns each corner back into its vector.");
    } else if config.code < 2 {
        println!("A {}-number code is narrower than the 2 bits four patterns need: some inputs must", config.code);
        println!("share a region of code space, and the decoder cannot tell them apart.");
    } else {
        println!("A {}-number code has room to spare: the codes need not sit at corners any more.", config.code);
    }
    if run.stuck() {
        let missed: Vec<String> = (0..x.rows())
            .filter(|&r| out.argmax_row(r) != x.argmax_row(r))
            .map(|r| format!("input {}", r + 1))
            .collect();
        println!();
        println!(
            "This run did NOT reconstruct every input within {} epochs (largest error {}).",
            run.epochs,
            fmt_num(q.max_error, 4)
        );
        if missed.is_empty() {
            println!("Every argmax is right, but the outputs are not yet within {TARGET_MAX_ERROR} of the targets.");
        } else {
            println!("Wrong argmax for {}: their codes sit where the decoder cannot separate them.", missed.join(", "));
        }
        if config.code >= 2 {
            println!("Training stalled in a local minimum or on a long plateau; another --seed or more --epochs");
            println!("may escape it. The run is reported as it is, not retried behind your back.");
        }
    } else {
        println!("\nAll {} inputs came back after {} epochs.", x.rows(), run.epochs);
    }
    println!();

    let mut r = Results::new();
    r.add("reconstructed", format!("{}/{}", q.reconstructed, x.rows()));
    r.num("max_error", q.max_error, 4);
    r.add("epochs", run.epochs);
    r.add("stuck", run.stuck());
    gradient_step::add_results(&mut r, &check);
    r.finish(&SPEC, args)
}

/// Entries per tensor the gradient check draws: every entry of this small network.
const SAMPLE: usize = 20;

fn loss_name(loss: LossKind) -> &'static str {
    match loss {
        LossKind::Mse => "mean squared error",
        LossKind::BinaryCrossEntropy => "binary cross-entropy",
    }
}

fn print_table(x: &Matrix, code: &Matrix, out: &Matrix) {
    let mut t = Table::new(&["input", "code h", "bits", "reconstruction", "argmax ok"]);
    for r in 0..x.rows() {
        let bits: String = code.row(r).iter().map(|&h| if h >= 0.5 { '1' } else { '0' }).collect();
        t.row(vec![
            vector(x.row(r), 0),
            vector(code.row(r), 3),
            bits,
            vector(out.row(r), 3),
            (out.argmax_row(r) == x.argmax_row(r)).to_string(),
        ]);
    }
    print!("{}", t.render());
}
