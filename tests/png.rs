//! The PNG writer: checksums against published values, the exact bytes of a 1×1 file, and
//! round trips through the module's own reader (which verifies every CRC and the Adler-32).

use std::path::Path;

use autoencoders::core::files::crc32;
use autoencoders::core::matrix::Matrix;
use autoencoders::core::rng::Rng;
use autoencoders::render::png::{
    self, DecodedPng, GRID_GAP_GRAY, GrayImage, HeatScale, adler32, decode, heatmap, image_grid, unit_to_gray,
    write_png,
};
use proptest::prelude::*;

fn decode_ok(bytes: &[u8]) -> DecodedPng {
    decode(Path::new("test.png"), bytes).unwrap_or_else(|e| panic!("decode failed: {e}"))
}

#[test]
fn crc32_matches_published_check_values() {
    // The "check" value of CRC-32/ISO-HDLC (the PNG and zlib CRC) is crc("123456789").
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(crc32(b""), 0);
    assert_eq!(crc32(b"The quick brown fox jumps over the lazy dog"), 0x414F_A339);
    // Every PNG's IEND chunk ends with the CRC of the bare type "IEND".
    assert_eq!(crc32(b"IEND"), 0xAE42_6082);
}

#[test]
fn adler32_matches_published_values() {
    assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    assert_eq!(adler32(b""), 1);
    // a = 1 + 97 + 98 + 99 = 295 = 0x127; b = 98 + 196 + 295 = 589 = 0x24D
    assert_eq!(adler32(b"abc"), 0x024D_0127);
}

#[test]
fn adler32_survives_long_runs_of_0xff() {
    // The deferred modulo must not overflow: compare with a byte-by-byte modulo.
    let data = vec![0xFFu8; 100_000];
    let (mut a, mut b) = (1u64, 0u64);
    for &x in &data {
        a = (a + u64::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    assert_eq!(adler32(&data), ((b << 16) | a) as u32);
}

#[test]
fn one_black_pixel_is_byte_exact() {
    let png = GrayImage::new(1, 1).to_png();
    #[rustfmt::skip]
    let expected: Vec<u8> = vec![
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A,
        // IHDR: 1×1, depth 8, gray; its CRC is the well-known one of every 1×1 8-bit gray PNG
        0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0, 0x3A, 0x7E, 0x9B, 0x55,
        // IDAT: 78 01, one final stored block of 2 bytes (filter 0, pixel 0), Adler-32 = 0x00020001
        0, 0, 0, 13, b'I', b'D', b'A', b'T', 0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0x00, 0x00,
        0x00, 0x02, 0x00, 0x01,
    ];
    assert_eq!(&png[..expected.len()], &expected[..]);
    let idat_crc = crc32(&png[37..37 + 4 + 13]);
    assert_eq!(&png[expected.len()..expected.len() + 4], &idat_crc.to_be_bytes());
    assert_eq!(&png[expected.len() + 4..], &[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]);
}

#[test]
fn large_gray_image_round_trips_through_several_stored_blocks() {
    let mut rng = Rng::new(7);
    let (w, h) = (301, 250); // 250 · 302 = 75500 raw bytes: two stored blocks
    let pixels: Vec<u8> = (0..w * h).map(|_| rng.below(256) as u8).collect();
    let img = GrayImage::from_pixels(w, h, pixels.clone());
    let d = decode_ok(&img.to_png());
    assert_eq!((d.width, d.height, d.channels), (w, h, 1));
    assert_eq!(d.pixels, pixels);
}

#[test]
fn corrupted_bytes_are_reported_with_the_file_name() {
    let good = GrayImage::filled(4, 4, 9).to_png();
    let mut bad_crc = good.clone();
    bad_crc[20] ^= 1; // inside IHDR's data
    let e = decode(Path::new("out/pic.png"), &bad_crc).unwrap_err().to_string();
    assert!(e.starts_with("out/pic.png: ") && e.contains("CRC"), "{e}");

    // Flip a pixel and fix the IDAT CRC so that only the Adler-32 can catch it.
    let mut bad_pixel = good.clone();
    let idat_start = 8 + 25; // signature + IHDR chunk
    let len = u32::from_be_bytes(bad_pixel[idat_start..idat_start + 4].try_into().unwrap()) as usize;
    bad_pixel[idat_start + 8 + 8] ^= 0x40; // a byte of the first row
    let crc = crc32(&bad_pixel[idat_start + 4..idat_start + 8 + len]);
    bad_pixel[idat_start + 8 + len..idat_start + 12 + len].copy_from_slice(&crc.to_be_bytes());
    let e = decode(Path::new("pic.png"), &bad_pixel).unwrap_err().to_string();
    assert!(e.contains("Adler-32"), "{e}");

    let e = decode(Path::new("pic.png"), &good[..good.len() - 5]).unwrap_err().to_string();
    assert!(e.contains("truncated"), "{e}");
    let e = decode(Path::new("pic.png"), b"GIF89a").unwrap_err().to_string();
    assert!(e.contains("signature"), "{e}");
}

#[test]
fn unit_to_gray_rounds_clamps_and_blackens_nan() {
    assert_eq!(unit_to_gray(0.0), 0);
    assert_eq!(unit_to_gray(1.0), 255);
    assert_eq!(unit_to_gray(0.5), 128); // 127.5 rounds away from zero
    assert_eq!(unit_to_gray(-3.0), 0);
    assert_eq!(unit_to_gray(7.0), 255);
    assert_eq!(unit_to_gray(f64::NAN), 0);
    assert_eq!(unit_to_gray(f64::INFINITY), 255);
}

#[test]
fn image_grid_places_scaled_tiles_between_gaps() {
    // Two 2×3 tiles over one: values 0..1 along the row-major order.
    let a: Vec<f64> = (0..6).map(|i| i as f64 / 5.0).collect();
    let b = [1.0; 6];
    let c = [0.0; 6];
    let img = image_grid(&[vec![&a[..], &b[..]], vec![&c[..]]], 2, 3, 2, 1);
    // width = 1 + 2·(3·2 + 1) = 15, height = 1 + 2·(2·2 + 1) = 11
    assert_eq!((img.width(), img.height()), (15, 11));
    assert_eq!(img.get(0, 0), GRID_GAP_GRAY);
    assert_eq!(img.get(1, 1), 0); // a[0], top-left of the first tile
    assert_eq!(img.get(2, 2), 0); // still a[0]: each value is a 2×2 block
    assert_eq!(img.get(6, 4), 255); // a[5] = 1.0 at the bottom right of tile 1
    assert_eq!(img.get(7, 1), GRID_GAP_GRAY); // the gap between the tiles
    assert_eq!(img.get(8, 1), 255); // b
    assert_eq!(img.get(1, 6), 0); // c, second row
    assert_eq!(img.get(8, 7), GRID_GAP_GRAY); // no second tile in the short row
    let d = decode_ok(&img.to_png());
    assert_eq!(d.pixels, img.pixels());
}

#[test]
fn image_grid_of_nothing_is_a_valid_picture() {
    let img = image_grid(&[], 28, 28, 3, 0);
    assert_eq!((img.width(), img.height()), (1, 1));
    decode_ok(&img.to_png());
}

#[test]
fn heatmap_maps_signed_values_around_mid_gray() {
    let m = Matrix::from_rows(&[&[-2.0, 0.0], &[1.0, 2.0]]);
    let img = heatmap(&m, 3, HeatScale::Signed, 200);
    // (cols·(cell+1)+1) × (rows·(cell+1)+1)
    assert_eq!((img.width(), img.height()), (9, 9));
    assert_eq!(img.get(0, 0), 200); // border
    assert_eq!(img.get(4, 2), 200); // border between the columns
    assert_eq!(img.get(1, 1), 1); // −2 = −max
    assert_eq!(img.get(5, 1), 128); // 0
    assert_eq!(img.get(1, 5), 192); // 128 + 127/2 = 191.5 → 192
    assert_eq!(img.get(7, 7), 255); // +max
}

#[test]
fn heatmap_ranges_and_degenerate_matrices() {
    let m = Matrix::from_rows(&[&[1.0, 3.0, 5.0]]);
    let auto = heatmap(&m, 1, HeatScale::Auto, 0);
    assert_eq!([auto.get(1, 1), auto.get(3, 1), auto.get(5, 1)], [0, 128, 255]);
    let m = Matrix::from_rows(&[&[2.0, 4.0, 5.0, 12.0]]);
    let fixed = heatmap(&m, 1, HeatScale::Range { lo: 0.0, hi: 10.0 }, 0);
    // 0.2·255 = 51, 0.4·255 = 102, 0.5·255 = 127.5 → 128, 1.2 clamps to 255
    assert_eq!([fixed.get(1, 1), fixed.get(3, 1), fixed.get(5, 1), fixed.get(7, 1)], [51, 102, 128, 255]);
    let constant = heatmap(&Matrix::filled(2, 2, 4.0), 2, HeatScale::Auto, 0);
    assert_eq!(constant.get(1, 1), 128);
    let zeros = heatmap(&Matrix::zeros(2, 2), 2, HeatScale::Signed, 0);
    assert_eq!(zeros.get(1, 1), 128);
    let nan = heatmap(&Matrix::from_rows(&[&[f64::NAN, 1.0]]), 2, HeatScale::Signed, 9);
    assert_eq!((nan.get(1, 1), nan.get(4, 1)), (0, 255));
}

#[test]
fn write_png_writes_a_readable_file() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("png_test");
    let path = dir.join("nested").join("grid.png");
    let img = GrayImage::from_unit(2, 2, &[0.0, 0.25, 0.75, 1.0]);
    write_png(&path, &img).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(decode_ok(&bytes).pixels, vec![0, 64, 191, 255]);
    let up = img.upscale(3);
    assert_eq!((up.width(), up.height(), up.get(5, 5)), (6, 6, 255));
    let e = png::write_png(&dir.join("no\0such").join("x.png"), &img);
    assert!(e.is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn any_gray_image_round_trips(w in 1usize..40, h in 1usize..40, seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let pixels: Vec<u8> = (0..w * h).map(|_| rng.below(256) as u8).collect();
        let d = decode_ok(&GrayImage::from_pixels(w, h, pixels.clone()).to_png());
        prop_assert_eq!((d.width, d.height), (w, h));
        prop_assert_eq!(d.pixels, pixels);
    }

    #[test]
    fn decoder_never_panics_on_mangled_files(flip in 0usize..200, byte in any::<u8>(), cut in 0usize..200) {
        let mut png = GrayImage::filled(6, 5, 77).to_png();
        let i = flip % png.len();
        png[i] = byte;
        png.truncate(png.len() - cut % png.len());
        let _ = decode(Path::new("x.png"), &png);
    }
}
