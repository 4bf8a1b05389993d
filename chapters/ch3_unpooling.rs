//! §3.1 worked through on a 4×4 feature map: max pooling that keeps switches, the four decoding
//! steps that stamp the kernel at each switch, their sum against the input, and what happens
//! without switches. All arithmetic lives in `autoencoders::conv::pool` and `autoencoders::conv::convolution`.

use autoencoders::conv::convolution::Kernel;
use autoencoders::workbook::cli::{self, Expect, Opt, Results, Spec};

use autoencoders::conv::pool::{Switches, decode, max_pool2d, placed_products, stamp, unpool2d, unpool2d_copy, worked};
use autoencoders::core::files::ensure_dir;
use autoencoders::core::matrix::Matrix;
use autoencoders::core::tensor3::Tensor3;
use autoencoders::render::panels::hstack;
use autoencoders::render::png::{HeatScale, heatmap, write_png};
use autoencoders::render::text::{Table, grid, side_by_side};

const SPEC: Spec = Spec {
    name: "ch3_unpooling",
    section: "§3.1",
    about: "pooling with switches, four unpooling steps and their sum, on a 4×4 example \
            (draws the grids into unpooling.png in --out)",
    data: None,
    options: &[Opt {
        name: "centre",
        value: Some("C"),
        help: "the kernel's centre value (default 1, the value that gives the input back)",
    }],
    exercises: &[
        "make the kernel's centre 2: each maximum comes back twice as high, and exact_reconstruction turns false: \
         cargo run --bin ch3_unpooling -- --centre 2",
        "a centre of 0 draws only the arms; the maxima themselves are gone: cargo run --bin ch3_unpooling -- --centre 0",
        "see the grids drawn, one panel per step: cargo run --bin ch3_unpooling -- --out /tmp/unpooling, \
         then open /tmp/unpooling/unpooling.png",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::is(&[], "exact_reconstruction", "true"),
        Expect::near(&[], "lossy_example_error", 36.0, 0.0),
        Expect::near(&[], "switchless_corner_error", 79.0, 0.0),
        Expect::near(&[], "switchless_copy_error", 1634.0, 0.0),
        Expect::is(&["--centre", "2"], "exact_reconstruction", "false"),
        Expect::near(&["--centre", "2"], "reconstruction_error", 120.0, 0.0),
        Expect::is(&["--centre", "0"], "exact_reconstruction", "false"),
        Expect::near(&["--centre", "0"], "reconstruction_error", 120.0, 0.0),
        Expect::is(&["--out", "/tmp/unpooling"], "exact_reconstruction", "true"),
    ],
};

/// Whole numbers without decimals, everything else with one: every value here is a multiple
/// of ½, so one decimal is exact.
fn show(m: &Matrix) -> String {
    let decimals = if m.data().iter().all(|v| v.fract() == 0.0) { 0 } else { 1 };
    grid(m, decimals, 2)
}

fn plane(t: &Tensor3) -> Matrix {
    t.to_matrix(0)
}

fn cells(values: impl Iterator<Item = f64>) -> String {
    values.map(|v| format!("{v}")).collect::<Vec<_>>().join(" ")
}

/// Pixels per grid cell in the picture, and the gray of the lines between cells.
const CELL: usize = 24;
const BORDER: u8 = 160;

fn main() {
    cli::run(&SPEC, |args| {
        let win = worked::WINDOW;
        let input = worked::input();
        let x = Tensor3::from_matrix(&input);
        let (h, w) = input.shape();

        println!("{} ({}): max pooling with switches, and unpooling that uses them\n", SPEC.name, SPEC.section);
        println!("The article's figures did not survive in its text, so every number below is the");
        println!("workbook's own. Rows and columns count from 0; a cell is (row, col).\n");

        println!("Step 1. The input");
        println!("A 4×4 feature map, as a convolutional layer might hand it over: four plus-shaped blobs");
        println!("of heights 8, 4, 2 and 6, one in each 2×2 window. Where two blobs' arms meet, at (1, 1)");
        println!("and (2, 2), their values add.\n");
        print!("{}", show(&input));

        println!("\nStep 2. Max pooling, window {0}×{0}, stride {1}", win.size, win.stride);
        println!("Each window keeps its largest value and its switch: the cell that value came from.\n");
        let pooled = max_pool2d(&x, win);
        let (_, ph, pw) = pooled.y.shape();
        let mut table = Table::new(&["window", "rows", "cols", "values, row by row", "max", "switch", "flat index"]);
        for i in 0..ph {
            for j in 0..pw {
                let n = i * pw + j;
                let (rows, cols) = (win.span(i), win.span(j));
                let input = &input;
                let values = cells(rows.clone().flat_map(|r| cols.clone().map(move |q| input[(r, q)])));
                let (sr, sc) = pooled.switches.position(n);
                table.row(vec![
                    format!("({i}, {j})"),
                    format!("{}-{}", rows.start, rows.end - 1),
                    format!("{}-{}", cols.start, cols.end - 1),
                    values,
                    format!("{}", pooled.y.data()[n]),
                    format!("({sr}, {sc})"),
                    format!("{}", pooled.switches.indices()[n]),
                ]);
            }
        }
        print!("{}", table.render());
        let flat: Vec<f64> = pooled.switches.indices().iter().map(|&k| k as f64).collect();
        let switch_map = unpool2d(&pooled.y.map(|_| 1.0), &pooled.switches);
        println!();
        print!(
            "{}",
            side_by_side(
                &[
                    ("pooled", show(&plane(&pooled.y))),
                    ("switches (row·4 + col)", grid(&Matrix::from_vec(ph, pw, flat), 0, 2)),
                    ("switch map (1 = a switch)", show(&plane(&switch_map))),
                ],
                4
            )
        );
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
            print!(
                "{}",
                side_by_side(
                    &[
                        (&format!("kernel × {v}"), show(&kernel_m.scale(v))),
                        (&format!("unpooled matrix {}", n + 1), show(&plane(part))),
                    ],
                    4
                )
            );
        }

        println!("\nStep 5. The four unpooled matrices summed, against the input");
        let sum = parts.iter().fold(Tensor3::zeros(1, h, w), |acc, p| acc.add(p));
        print!(
            "{}",
            side_by_side(
                &[
                    ("sum (the output)", show(&plane(&sum))),
                    ("input", show(&input)),
                    ("output − input", show(&plane(&sum.sub(&x)))),
                ],
                4
            )
        );
        println!("\nWhere stamps overlap, their values add:");
        for r in 0..h {
            for q in 0..w {
                let from: Vec<(usize, f64)> =
                    parts.iter().enumerate().map(|(n, p)| (n + 1, p[(0, r, q)])).filter(|&(_, v)| v != 0.0).collect();
                if from.len() > 1 {
                    let terms: Vec<String> = from.iter().map(|(n, v)| format!("{v} (matrix {n})")).collect();
                    println!("  ({r}, {q}): {} = {}", terms.join(" + "), sum[(0, r, q)]);
                }
            }
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
        print!(
            "{}",
            side_by_side(
                &[
                    ("second input", show(&lossy_m)),
                    ("pooled", show(&plane(&lossy_pooled.y))),
                    ("thrown away by pooling", show(&plane(&lossy.sub(&kept)))),
                ],
                4
            )
        );
        println!();
        print!(
            "{}",
            side_by_side(
                &[("output", show(&plane(&lossy_out))), ("output − input", show(&plane(&lossy_out.sub(&lossy))))],
                4
            )
        );
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
        print!(
            "{}",
            side_by_side(
                &[
                    ("unpooled", show(&plane(&at_corner))),
                    ("output", show(&plane(&corner_out))),
                    ("output − input", show(&plane(&corner_out.sub(&x)))),
                ],
                4
            )
        );
        println!(
            "Only the stamp of {} lands where it belongs; the others are off by a cell.\nerror = {corner_error:.4}",
            if right.is_empty() { "no value".to_string() } else { right.join(", ") }
        );

        let copied = unpool2d_copy(&pooled.y, win, (h, w));
        let copy_out = stamp(&copied, &kernel);
        let copy_error = copy_out.sum_squared_diff(&x);
        println!("\n(b) Each value copied into all four cells of its window, then the stamps.");
        print!(
            "{}",
            side_by_side(
                &[
                    ("unpooled", show(&plane(&copied))),
                    ("output", show(&plane(&copy_out))),
                    ("output − input", show(&plane(&copy_out.sub(&x)))),
                ],
                4
            )
        );
        println!("Every cell of a window now claims the maximum, so each window draws four full stamps");
        println!("where the input had one: the output is smeared and far too heavy.");
        println!("error = {copy_error:.4}");

        println!("\nerror = Σ over the 16 cells of (output − input)², with 4 decimals.");

        println!("\nStep 7. The grids as a picture");
        // One gray scale for all seven grids, so equal numbers look equally bright.
        let top = input.data().iter().fold(0.0f64, |m, &v| m.max(v));
        let scale = HeatScale::Range { lo: 0.0, hi: top };
        let mut grids = vec![heatmap(&input, CELL, scale, BORDER), heatmap(&plane(&pooled.y), CELL, scale, BORDER)];
        grids.extend(parts.iter().map(|p| heatmap(&plane(p), CELL, scale, BORDER)));
        grids.push(heatmap(&plane(&sum), CELL, scale, BORDER));
        ensure_dir(&args.out)?;
        let png = args.out.join("unpooling.png");
        write_png(&png, &hstack(&grids, CELL))?;
        println!("{}", png.display());
        println!("left to right: the input, the pooled 2×2 code, unpooled matrices 1 to 4, their sum;");
        println!("black is 0, white is {top} (the input's largest value).\n");
        let mut results = Results::new();
        results.add("exact_reconstruction", exact);
        results.num("reconstruction_error", sum.sum_squared_diff(&x), 4);
        results.num("lossy_example_error", lossy_error, 4);
        results.num("switchless_corner_error", corner_error, 4);
        results.num("switchless_copy_error", copy_error, 4);
        results.finish(&SPEC, args)
    })
}
