//! Every number the `ch3_unpooling` chapter prints, pinned through the library calls it makes,
//! and the binary itself: its Results block, its determinism and its usage error.
//!
//! The worked example's numbers are small multiples of ½, so f64 computes them exactly and the
//! grids can be compared with `==` on purpose.

use std::path::{Path, PathBuf};
use std::process::Command;

use autoencoders::conv::convolution::Kernel;
use autoencoders::workbook::cli::result_value;

use autoencoders::conv::pool::{
    Switches, decode, max_pool2d, placed_products, stamp, unpool2d, unpool2d_copy,
    worked::{self, WINDOW},
};
use autoencoders::core::matrix::Matrix;
use autoencoders::core::tensor3::Tensor3;

fn t(rows: &[&[f64]]) -> Tensor3 {
    Tensor3::from_matrix(&Matrix::from_rows(rows))
}

fn input() -> Tensor3 {
    Tensor3::from_matrix(&worked::input())
}

fn kernel() -> Kernel {
    Kernel::from_matrix(&worked::kernel())
}

#[test]
fn step_2_pooling_finds_each_blob_centre() {
    let p = max_pool2d(&input(), WINDOW);
    assert_eq!(p.y, t(&[&[8.0, 4.0], &[2.0, 6.0]]));
    assert_eq!(p.switches.indices(), &[0, 6, 9, 15]);
    let positions: Vec<(usize, usize)> = (0..4).map(|n| p.switches.position(n)).collect();
    assert_eq!(positions, [(0, 0), (1, 2), (2, 1), (3, 3)]);
}

#[test]
fn step_4_the_four_unpooled_matrices() {
    let p = max_pool2d(&input(), WINDOW);
    let parts = placed_products(&p.y, &p.switches, &kernel());
    let expected = [
        // 8 × kernel centred on (0, 0): the arms above and left fall off the grid.
        t(&[&[8.0, 4.0, 0.0, 0.0], &[4.0, 0.0, 0.0, 0.0], &[0.0; 4], &[0.0; 4]]),
        // 4 × kernel centred on (1, 2).
        t(&[&[0.0, 0.0, 2.0, 0.0], &[0.0, 2.0, 4.0, 2.0], &[0.0, 0.0, 2.0, 0.0], &[0.0; 4]]),
        // 2 × kernel centred on (2, 1).
        t(&[&[0.0; 4], &[0.0, 1.0, 0.0, 0.0], &[1.0, 2.0, 1.0, 0.0], &[0.0, 1.0, 0.0, 0.0]]),
        // 6 × kernel centred on (3, 3).
        t(&[&[0.0; 4], &[0.0; 4], &[0.0, 0.0, 0.0, 3.0], &[0.0, 0.0, 3.0, 6.0]]),
    ];
    assert_eq!(parts, expected);
}

#[test]
fn step_5_the_sum_is_the_input_and_overlaps_add() {
    let x = input();
    let p = max_pool2d(&x, WINDOW);
    let parts = placed_products(&p.y, &p.switches, &kernel());
    let sum = parts.iter().fold(Tensor3::zeros(1, 4, 4), |acc, q| acc.add(q));
    assert_eq!(sum, x);
    assert_eq!(decode(&p.y, &p.switches, &kernel()), x);
    // (1, 1) = 2 from matrix 2 + 1 from matrix 3, and (2, 2) likewise; no other cell is shared.
    let shared: Vec<(usize, usize)> = (0..4)
        .flat_map(|r| (0..4).map(move |q| (r, q)))
        .filter(|&(r, q)| parts.iter().filter(|m| m[(0, r, q)] != 0.0).count() > 1)
        .collect();
    assert_eq!(shared, [(1, 1), (2, 2)]);
    assert_eq!((parts[1][(0, 1, 1)], parts[2][(0, 1, 1)]), (2.0, 1.0));
    assert_eq!((parts[1][(0, 2, 2)], parts[2][(0, 2, 2)]), (2.0, 1.0));
}

#[test]
fn step_5_the_second_input_decodes_to_the_first() {
    let first = max_pool2d(&input(), WINDOW);
    let lossy = Tensor3::from_matrix(&worked::lossy_input());
    let p = max_pool2d(&lossy, WINDOW);
    assert_eq!(p, first);
    let out = decode(&p.y, &p.switches, &kernel());
    assert_eq!(out, input());
    let thrown_away = lossy.sub(&unpool2d(&p.y, &p.switches));
    assert_eq!(
        thrown_away,
        t(&[&[0.0, 6.0, 1.0, 0.0], &[7.0, 5.0, 0.0, 3.0], &[1.0, 0.0, 0.0, 5.0], &[0.0, 1.0, 5.0, 0.0]])
    );
    // (output − input)² = 2² + 1² + 3² + 2² + 1² + 3² + 2² + 2²
    assert_eq!(out.sum_squared_diff(&lossy), 36.0);
}

#[test]
fn step_6_unpooling_without_switches() {
    let x = input();
    let p = max_pool2d(&x, WINDOW);

    let corner = Switches::fixed(1, (4, 4), WINDOW, (0, 0));
    assert_eq!(corner.indices(), &[0, 2, 8, 10]);
    assert_eq!(unpool2d(&p.y, &corner), t(&[&[8.0, 0.0, 4.0, 0.0], &[0.0; 4], &[2.0, 0.0, 6.0, 0.0], &[0.0; 4]]));
    let corner_out = decode(&p.y, &corner, &kernel());
    assert_eq!(
        corner_out,
        t(&[&[8.0, 6.0, 4.0, 2.0], &[5.0, 0.0, 5.0, 0.0], &[2.0, 4.0, 6.0, 3.0], &[1.0, 0.0, 3.0, 0.0]])
    );
    assert_eq!(corner_out.sum_squared_diff(&x), 79.0);

    let copied = unpool2d_copy(&p.y, WINDOW, (4, 4));
    assert_eq!(
        copied,
        t(&[&[8.0, 8.0, 4.0, 4.0], &[8.0, 8.0, 4.0, 4.0], &[2.0, 2.0, 6.0, 6.0], &[2.0, 2.0, 6.0, 6.0]])
    );
    let copy_out = stamp(&copied, &kernel());
    assert_eq!(
        copy_out,
        t(&[&[16.0, 18.0, 12.0, 8.0], &[17.0, 19.0, 15.0, 11.0], &[8.0, 11.0, 15.0, 14.0], &[4.0, 7.0, 13.0, 12.0]])
    );
    assert_eq!(copy_out.sum_squared_diff(&x), 1634.0);
}

fn out_dir(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("autoencoders-ch3_unpooling-{tag}-{}", std::process::id())).join("out")
}

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ch3_unpooling")).args(args).output().expect("the chapter binary runs")
}

#[test]
fn the_binary_prints_the_results_and_is_deterministic() {
    let dir = out_dir("quick");
    let dir = dir.to_str().expect("a UTF-8 temp path");
    let first = run(&["--quick", "--out", dir]);
    assert!(first.status.success(), "stderr: {}", String::from_utf8_lossy(&first.stderr));
    let text = String::from_utf8(first.stdout.clone()).expect("UTF-8 output");
    assert_eq!(result_value(&text, "exact_reconstruction"), Some("true"));
    assert_eq!(result_value(&text, "lossy_example_error"), Some("36.0000"));
    assert_eq!(result_value(&text, "switchless_corner_error"), Some("79.0000"));
    assert_eq!(result_value(&text, "switchless_copy_error"), Some("1634.0000"));
    for step in ["Step 1.", "Step 2.", "Step 3.", "Step 4.4", "Step 5.", "Step 6."] {
        assert!(text.contains(step), "missing {step}");
    }
    assert!(text.contains("workbook's own"));
    let again = run(&["--quick", "--out", dir]);
    assert_eq!(again.stdout, first.stdout, "two runs printed different text");
    let _ = std::fs::remove_dir_all(Path::new(dir).parent().unwrap());
}

#[test]
fn a_bad_flag_is_a_usage_error() {
    let out = run(&["--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: unknown option --no-such-flag"), "stderr: {err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn help_exits_cleanly() {
    let out = run(&["--help"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ch3_unpooling (§3.1)"));
}

/// The README shows `chapters/figures/unpooling.svg`; it must be exactly what the chapter
/// draws at seed 1, so the picture in the README can never drift from the code. After a
/// deliberate change to the figure, copy the new one over it:
/// `cargo run --bin ch3_unpooling -- --out /tmp/u && cp /tmp/u/unpooling.svg chapters/figures/`.
#[test]
fn the_readme_figure_is_what_the_chapter_draws() {
    let out = out_dir("readme-figure");
    let o = run(&["--seed", "1", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let drawn = std::fs::read(out.join("unpooling.svg")).unwrap();
    let committed = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/chapters/figures/unpooling.svg")).unwrap();
    assert!(drawn == committed, "chapters/figures/unpooling.svg differs from what ch3_unpooling draws at seed 1");
}
