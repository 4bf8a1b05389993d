//! The pictures two existing chapters draw: ch3_training_steps's loss curve and
//! ch3_unpooling's grids.

mod common;
use common::*;

#[test]
fn ch3_training_steps_writes_its_loss_curve() {
    let out = temp_dir("pictures-ch3-steps");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ch3_training_steps"))
        .args(["--quick", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_ok(&o);
    let path = out.join("loss.svg");
    assert!(stdout(&o).contains(&path.display().to_string()));
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"), "{}", &svg[..80.min(svg.len())]);
    // One polyline with a point per epoch (--quick trains 200).
    let line = svg.lines().find(|l| l.starts_with("<polyline")).expect("a polyline");
    assert_eq!(line.matches(',').count(), 200);
}

#[test]
fn ch3_unpooling_draws_its_seven_grids() {
    let out = temp_dir("pictures-ch3-unpool");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_ch3_unpooling")).arg("--out").arg(&out).output().unwrap();
    assert_ok(&o);
    let path = out.join("unpooling.png");
    assert!(stdout(&o).contains(&path.display().to_string()));
    let bytes = std::fs::read(&path).unwrap();
    let png = autoencoders::render::png::decode(&path, &bytes).unwrap();
    // Six 4×4 grids and one 2×2, cells of 24 px with 1-px lines, 24-px gaps.
    let grid4 = 4 * 25 + 1;
    let grid2 = 2 * 25 + 1;
    assert_eq!(png.width, 24 + 6 * (grid4 + 24) + (grid2 + 24));
    assert_eq!(png.height, 2 * 24 + grid4);
    // The input's top-left cell holds its largest value, 8: white.
    assert_eq!(png.pixels[(24 + 1) * png.width + 24 + 1], 255);
}

#[test]
fn hstack_places_images_top_aligned() {
    use autoencoders::render::{panels::hstack, png::GrayImage};
    let row = hstack(&[GrayImage::filled(2, 1, 7), GrayImage::filled(1, 3, 9)], 1);
    assert_eq!((row.width(), row.height()), (1 + (2 + 1) + (1 + 1), 2 + 3));
    assert_eq!(row.get(1, 1), 7);
    assert_eq!(row.get(1, 2), autoencoders::render::png::GRID_GAP_GRAY);
    assert_eq!(row.get(4, 3), 9);
}
