//! §3.1 worked through on a 4×4 feature map: max pooling that keeps switches, the four decoding
//! steps that stamp the kernel at each switch, their sum against the input, and what happens
//! without switches. All arithmetic lives in `autoencoders::conv::pool` and `autoencoders::conv::convolution`.

use autoencoders::conv::convolution::Kernel;
use autoencoders::gradcheck::models as gradcheck_models;
use autoencoders::gradcheck::step as gradient_step;
use autoencoders::workbook::cli::{self, Results};

use autoencoders::conv::pool::{Switches, decode, max_pool2d, placed_products, stamp, unpool2d, unpool2d_copy, worked};
use autoencoders::core::matrix::Matrix;
use autoencoders::core::tensor3::Tensor3;
use autoencoders::render::figures::{self, Switchless};
use autoencoders::render::text::{grid, side_by_side};
use autoencoders::workbook::captions;
use autoencoders::workbook::specs::ch3_unpooling::SPEC;

/// Whole numbers without decimals, everything else with one: every value here is a multiple
/// of ½, so one decimal is exact.
fn show(m: &Matrix) -> String {
    let decimals = if m.data().iter().all(|v| v.fract() == 0.0) { 0 } else { 1 };
    grid(m, decimals, 2)
}

/// Grids side by side, each under its label.
fn panels(items: &[(&str, Matrix)]) {
    let shown: Vec<(&str, String)> = items.iter().map(|(label, m)| (*label, show(m))).collect();
    print!("{}", side_by_side(&shown, 4));
}

fn plane(t: &Tensor3) -> Matrix {
    t.to_matrix(0)
}

fn main() {
    cli::run(&SPEC, |args| {
        let win = worked::WINDOW;
        let input = worked::input();
        let x = Tensor3::from_matrix(&input);
        let (h, w) = input.shape();

        println!("{} ({}): max pooling with switches, and unpooling that uses them\n", SPEC.name, SPEC.section);
        println!("The article's figures did not survive in its text, so every number below is the");
        println!("workbook's own. Rows and columns count from 0; a cell is (row, col).\n");
        let adjoint_error =
            gradient_step::print_adjoints(SPEC.name, &gradcheck_models::worked_example_adjoints(args.seed))?;

        println!("Step 1. The input");
        println!("A 4×4 feature map, as a convolutional layer might hand it over: four plus-shaped blobs");
        println!("of heights 8, 4, 2 and 6, one in each 2×2 window. Where two blobs' arms meet, at (1, 1)");
        println!("and (2, 2), their values add.\n");
        print!("{}", show(&input));

        println!("\nStep 2. Max pooling, window {0}×{0}, stride {1}", win.size, win.stride);
        println!("Each window keeps its largest value and its switch: the cell that value came from.\n");
        let pooled = max_pool2d(&x, win);
        let (_, ph, pw) = pooled.y.shape();
        print!("{}", worked::window_table(&input, &pooled, win));
        let flat: Vec<f64> = pooled.switches.indices().iter().map(|&k| k as f64).collect();
        let switch_map = unpool2d(&pooled.y.map(|_| 1.0), &pooled.switches);
        println!();
        panels(&[
            ("pooled", plane(&pooled.y)),
            ("switches (row·4 + col)", Matrix::from_vec(ph, pw, flat)),
            ("switch map (1 = a switch)", plane(&switch_map)),
        ]);
        println!("\nThe 2×2 pooled matrix is the code. The switches travel beside it to the decoder.");

        println!("\nStep 3. The kernel");
        let centre = args.parsed::<f64>("centre")?.unwrap_or(1.0);
        if !centre.is_finite() {
            return Err(autoencoders::Error::Usage("--centre must be a finite number".into()));
        }
        let mut kernel_m = worked::kernel();
        kernel_m[(1, 1)] = centre;
        let kernel = Kernel::from_matrix(&kernel_m);
        print!("{}", show(&kernel_m));
        println!("Decoding stamps this kernel onto the 4×4 grid with its centre cell on a switch. Its");
        if centre == 1.0 {
            println!("centre is 1, so a stamp puts the pooled value back where it was taken from; its arms");
        } else {
            println!(
                "centre is {centre} (--centre; 1 by default), so a stamp draws each pooled value {centre} times; its arms"
            );
        }
        println!("give half of it to the four neighbouring cells.");

        println!("\nStep 4. Decoding, one pooled value at a time");
        println!("Multiply the kernel by the pooled value, then lay the product on a 4×4 grid of zeros");
        println!("with its centre on that value's switch; whatever falls past the edge is dropped. Taken");
        println!("together this is unpooling followed by a transposed convolution with stride 1 and");
        println!("padding 1, the article's deconvolution (PyTorch: MaxUnpool2d, then ConvTranspose2d).");
        let parts = placed_products(&pooled.y, &pooled.switches, &kernel);
        for (n, part) in parts.iter().enumerate() {
            let v = pooled.y.data()[n];
            let (sr, sc) = pooled.switches.position(n);
            println!("\nStep 4.{}: pooled value {v}, switch ({sr}, {sc})", n + 1);
            panels(&[
                (&format!("kernel × {v}"), kernel_m.scale(v)),
                (&format!("unpooled matrix {}", n + 1), plane(part)),
            ]);
        }

        println!("\nStep 5. The four unpooled matrices summed, against the input");
        let sum = parts.iter().fold(Tensor3::zeros(1, h, w), |acc, p| acc.add(p));
        panels(&[("sum (the output)", plane(&sum)), ("input", input.clone()), ("output − input", plane(&sum.sub(&x)))]);
        println!("\nWhere stamps overlap, their values add:");
        for line in worked::overlaps(&parts, &sum) {
            println!("  {line}");
        }
        // Every number is a small multiple of ½, so f64 holds each product and sum exactly and
        // "exact" can mean bit-for-bit equal.
        let exact = sum.max_abs_diff(&x) == 0.0;
        if exact {
            println!("\nThe output is the input, exactly, as §3.1 claims. That is no accident: this input");
            println!("was built to be something the decoder can draw.");
        } else {
            println!("\nThe output is NOT the input: one of the conditions below is broken.");
        }
        println!("The output equals the input when");
        println!("  - the input is a sum of kernel stamps, one per window, each scaled by the window's");
        println!("    maximum and centred on its switch, and nothing else;");
        println!("  - each stamp's centre is strictly the largest cell of its window, so pooling finds");
        println!("    the stamp's height and place;");
        println!("  - no stamp reaches another stamp's centre, so each pooled value is one stamp's height;");
        println!("  - the kernel's centre is 1, so each stamp is drawn again at the height it had.");
        println!("With a 1×1 kernel [1] these read: the input is zero except at the window maxima.");

        println!("\nA second input, which pooling cannot tell from the first:");
        let lossy_m = worked::lossy_input();
        let lossy = Tensor3::from_matrix(&lossy_m);
        let lossy_pooled = max_pool2d(&lossy, win);
        let lossy_out = decode(&lossy_pooled.y, &lossy_pooled.switches, &kernel);
        let kept = unpool2d(&lossy_pooled.y, &lossy_pooled.switches);
        panels(&[
            ("second input", lossy_m.clone()),
            ("pooled", plane(&lossy_pooled.y)),
            ("thrown away by pooling", plane(&lossy.sub(&kept))),
        ]);
        println!();
        panels(&[("output", plane(&lossy_out)), ("output − input", plane(&lossy_out.sub(&lossy)))]);
        if lossy_pooled == pooled {
            println!("\nIts four window maxima sit at the same switches as the first input's, so pooling");
            println!("gives the same 2×2 matrix and switches, and the decoder draws the first input again.");
        } else {
            println!("\nIts pooled values or switches differ from the first input's.");
        }
        println!("Pooling kept 4 values and their places and threw away the other 12 cells; the decoder");
        println!("fills those with kernel arms, so every error sits there.");
        let lossy_error = lossy_out.sum_squared_diff(&lossy);
        println!("\nerror = Σ over the 16 cells of (output − input)²");
        println!("first input:  {:.4}", sum.sum_squared_diff(&x));
        println!("second input: {lossy_error:.4}");

        println!("\nStep 6. Unpooling without switches");
        println!("The first input's pooled values and the same stamping, but the decoder no longer knows");
        println!("where in its window each maximum was.");
        let corner = Switches::fixed(1, (h, w), win, (0, 0));
        let at_corner = unpool2d(&pooled.y, &corner);
        let corner_out = decode(&pooled.y, &corner, &kernel);
        let corner_error = corner_out.sum_squared_diff(&x);
        let right: Vec<String> = (0..pooled.y.len())
            .filter(|&n| corner.indices()[n] == pooled.switches.indices()[n])
            .map(|n| format!("{}", pooled.y.data()[n]))
            .collect();
        println!("\n(a) Each value to the top-left cell of its window, then the stamps.");
        panels(&[
            ("unpooled", plane(&at_corner)),
            ("output", plane(&corner_out)),
            ("output − input", plane(&corner_out.sub(&x))),
        ]);
        println!(
            "Only the stamp of {} lands where it belongs; the others are off by a cell.\nerror = {corner_error:.4}",
            if right.is_empty() { "no value".to_string() } else { right.join(", ") }
        );

        let copied = unpool2d_copy(&pooled.y, win, (h, w));
        let copy_out = stamp(&copied, &kernel);
        let copy_error = copy_out.sum_squared_diff(&x);
        println!("\n(b) Each value copied into all four cells of its window, then the stamps.");
        panels(&[
            ("unpooled", plane(&copied)),
            ("output", plane(&copy_out)),
            ("output − input", plane(&copy_out.sub(&x))),
        ]);
        println!("Every cell of a window now claims the maximum, so each window draws four full stamps");
        println!("where the input had one: the output is smeared and far too heavy.");
        println!("error = {copy_error:.4}");

        println!("\nerror = Σ over the 16 cells of (output − input)², with 4 decimals.");

        println!("\nStep 7. The grids as pictures");
        let stamps: Vec<Matrix> = parts.iter().map(plane).collect();
        let switches: Vec<(usize, usize)> = (0..pooled.y.len()).map(|n| pooled.switches.position(n)).collect();
        let (pooled_m, sum_m) = (Matrix::from_vec(ph, pw, pooled.y.data().to_vec()), plane(&sum));
        let example = figures::Unpooling {
            input: &input,
            window: win.size,
            pooled: &pooled_m,
            switches: &switches,
            kernel: &kernel_m,
            stamps: &stamps,
            output: &sum_m,
        };
        let (corner_u, corner_o, copy_u, copy_o) =
            (plane(&at_corner), plane(&corner_out), plane(&copied), plane(&copy_out));
        let without = [
            Switchless {
                name: "(a) top-left corner: each value to its window's top-left cell",
                unpooled: &corner_u,
                output: &corner_o,
                error: corner_error,
            },
            Switchless {
                name: "(b) copy: each value into all four cells of its window",
                unpooled: &copy_u,
                output: &copy_o,
                error: copy_error,
            },
        ];
        for (file, fig) in [
            ("unpooling.svg", figures::unpooling_overview(&example)),
            ("unpooling_steps.svg", figures::unpooling_steps(&example)),
            (
                "unpooling_without_switches.svg",
                figures::unpooling_without_switches(&input, win.size, sum.sum_squared_diff(&x), &without),
            ),
        ] {
            println!("{}", captions::save_figure(&args.out, file, &fig)?.display());
        }
        println!(
            "the example, its four decoding steps, and the contrast without switches, every value written in its cell.\n"
        );
        let mut results = Results::new();
        results.add("exact_reconstruction", exact);
        results.num("reconstruction_error", sum.sum_squared_diff(&x), 4);
        results.num("lossy_example_error", lossy_error, 4);
        results.num("switchless_corner_error", corner_error, 4);
        results.num("switchless_copy_error", copy_error, 4);
        results.add("adjoint_check_max_abs_error", format!("{adjoint_error:.2e}"));
        results.finish(&SPEC, args)
    })
}
