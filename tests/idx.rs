//! IDX files: round trips, one test per way a file can be wrong (each error names the file),
//! finding and loading an MNIST folder, the real shared MNIST digits when they are present,
//! and arbitrary bytes that must never panic the parser.

use std::fs;
use std::path::{Path, PathBuf};

use autoencoders::data::idx::{
    self, IMAGES_MAGIC, LABELS_MAGIC, encode_images, encode_labels, find_mnist, load_mnist, parse_images, parse_labels,
    read_images, read_labels, write_images, write_labels,
};
use autoencoders::data::images::Images;
use proptest::prelude::*;

/// A fresh, empty folder under Cargo's scratch space for integration tests.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("idx_test").join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// `count` tiny `rows × cols` images whose pixels count up, so order mistakes show.
fn counting_images(count: usize, rows: usize, cols: usize) -> Images {
    Images { count, rows, cols, pixels: (0..count * rows * cols).map(|i| (i % 251) as u8).collect() }
}

fn header(magic: u32, dims: &[u32]) -> Vec<u8> {
    let mut b = magic.to_be_bytes().to_vec();
    for d in dims {
        b.extend_from_slice(&d.to_be_bytes());
    }
    b
}

fn err<T>(r: autoencoders::Result<T>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn images_and_labels_round_trip_through_files() {
    let dir = scratch("round_trip");
    let images = counting_images(5, 3, 4);
    let labels = vec![3, 1, 4, 1, 5];
    write_images(&dir.join("a-images-idx3-ubyte"), &images).unwrap();
    write_labels(&dir.join("a-labels-idx1-ubyte"), &labels).unwrap();
    let back = read_images(&dir.join("a-images-idx3-ubyte")).unwrap();
    assert_eq!(back, images);
    assert_eq!(read_labels(&dir.join("a-labels-idx1-ubyte")).unwrap(), labels);
    assert_eq!(back.image(1), &images.pixels[12..24]);
    let m = back.to_matrix();
    assert_eq!(m.shape(), (5, 12));
    assert!((m[(0, 1)] - 1.0 / 255.0).abs() < 1e-15);
}

#[test]
fn encoded_header_is_big_endian() {
    let bytes = encode_images(&counting_images(2, 28, 28));
    assert_eq!(&bytes[..16], &[0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28]);
    assert_eq!(bytes.len(), 16 + 2 * 784);
    assert_eq!(encode_labels(&[7, 2]), vec![0, 0, 8, 1, 0, 0, 0, 2, 7, 2]);
}

#[test]
fn wrong_magic_names_the_file_and_what_was_expected() {
    let f = Path::new("data/x-labels-idx1-ubyte");
    let e = err(parse_labels(f, &encode_images(&counting_images(1, 2, 2))));
    assert!(e.starts_with("data/x-labels-idx1-ubyte: "), "{e}");
    assert!(e.contains("0x00000803") && e.contains("expected 0x00000801"), "{e}");
    assert!(e.contains("looks like an images file"), "{e}");

    let e = err(parse_images(Path::new("x.idx"), &encode_labels(&[1, 2])));
    assert!(e.starts_with("x.idx: ") && e.contains("expected 0x00000803"), "{e}");

    let e = err(parse_images(Path::new("t.gz"), &[0x1F, 0x8B, 0x08, 0x00, 0, 0]));
    assert!(e.contains("gunzip"), "{e}");

    // A 16-bit type byte (0x0B) is IDX, but not the u8 data MNIST uses.
    let e = err(parse_images(Path::new("s.idx"), &header(0x0000_0B03, &[1, 1, 1])));
    assert!(e.contains("0x00000B03"), "{e}");
}

#[test]
fn truncated_files_name_the_file() {
    let f = Path::new("imgs");
    let e = err(parse_images(f, &[0, 0]));
    assert!(e.starts_with("imgs: truncated") && e.contains("expected u8 images"), "{e}");

    let e = err(parse_images(f, &header(IMAGES_MAGIC, &[1, 28])));
    assert!(e.starts_with("imgs: truncated header") && e.contains("16-byte header"), "{e}");

    let mut bytes = encode_images(&counting_images(3, 28, 28));
    bytes.truncate(bytes.len() - 10);
    let e = err(parse_images(f, &bytes));
    assert!(e.starts_with("imgs: truncated") && e.contains("3×28×28 = 2352") && e.contains("holds 2342"), "{e}");

    let mut labels = encode_labels(&[1, 2, 3]);
    labels.pop();
    let e = err(parse_labels(Path::new("lbl"), &labels));
    assert!(e.starts_with("lbl: truncated") && e.contains("3 = 3 data bytes"), "{e}");
}

#[test]
fn extra_bytes_are_a_size_mismatch() {
    let mut bytes = encode_labels(&[1, 2, 3]);
    bytes.extend_from_slice(&[0, 0]);
    let e = err(parse_labels(Path::new("lbl"), &bytes));
    assert!(e.starts_with("lbl: size does not match the header") && e.contains("2 extra"), "{e}");
}

#[test]
fn absurd_dimensions_are_reported_not_allocated() {
    let e = err(parse_images(Path::new("big"), &header(IMAGES_MAGIC, &[u32::MAX, u32::MAX, u32::MAX])));
    assert!(e.starts_with("big: ") && (e.contains("too large") || e.contains("truncated")), "{e}");
    let e = err(parse_images(Path::new("big"), &header(IMAGES_MAGIC, &[60_000, 28, 28])));
    assert!(e.contains("truncated") && e.contains("47040000"), "{e}");
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let e = err(read_images(Path::new("/nonexistent/dir/t10k-images-idx3-ubyte")));
    assert!(e.starts_with("/nonexistent/dir/t10k-images-idx3-ubyte: "), "{e}");
}

#[test]
fn find_mnist_pairs_files_by_prefix() {
    let dir = scratch("find");
    let imgs = encode_images(&counting_images(4, 28, 28));
    let lbls = encode_labels(&[0, 1, 2, 3]);
    fs::write(dir.join("train-images-idx3-ubyte"), &imgs).unwrap();
    fs::write(dir.join("other-labels-idx1-ubyte"), &lbls).unwrap(); // no matching images
    let e = err(find_mnist(&dir));
    assert!(e.starts_with(&format!("{}: no MNIST files", dir.display())), "{e}");

    fs::write(dir.join("train-labels-idx1-ubyte"), &lbls).unwrap();
    assert_eq!(find_mnist(&dir).unwrap(), (dir.join("train-images-idx3-ubyte"), dir.join("train-labels-idx1-ubyte")));

    // t10k- sorts before train-, and the dotted spelling counts too.
    fs::write(dir.join("t10k-images.idx3-ubyte"), &imgs).unwrap();
    fs::write(dir.join("t10k-labels.idx1-ubyte"), &lbls).unwrap();
    assert_eq!(find_mnist(&dir).unwrap().0, dir.join("t10k-images.idx3-ubyte"));

    let e = err(find_mnist(&dir.join("missing")));
    assert!(e.contains("missing"), "{e}");
}

/// Writes an MNIST-like pair into a fresh folder.
fn mnist_folder(name: &str, images: &Images, labels: &[u8]) -> PathBuf {
    let dir = scratch(name);
    write_images(&dir.join("x-images-idx3-ubyte"), images).unwrap();
    write_labels(&dir.join("x-labels-idx1-ubyte"), labels).unwrap();
    dir
}

#[test]
fn load_mnist_splits_three_quarters_in_file_order() {
    let images = counting_images(8, 28, 28);
    let labels = [0, 1, 2, 3, 4, 5, 6, 7];
    let dir = mnist_folder("load", &images, &labels);
    let set = load_mnist(&dir).unwrap();
    assert_eq!((set.train.shape(), set.test.shape()), ((6, 784), (2, 784)));
    assert_eq!(set.train_labels, &labels[..6]);
    assert_eq!(set.test_labels, &labels[6..]);
    // Test image 0 is file image 6.
    assert!((set.test[(0, 0)] - f64::from(images.image(6)[0]) / 255.0).abs() < 1e-15);
    assert!(set.source.contains("6 train, 2 test"), "{}", set.source);
}

#[test]
fn load_mnist_rejects_inconsistent_folders() {
    let dir = mnist_folder("bad_label", &counting_images(4, 28, 28), &[0, 1, 10, 3]);
    let e = err(load_mnist(&dir));
    assert!(e.contains("x-labels-idx1-ubyte: label 10 at item 2"), "{e}");

    let dir = mnist_folder("bad_count", &counting_images(4, 28, 28), &[0, 1, 2]);
    let e = err(load_mnist(&dir));
    assert!(e.contains("x-labels-idx1-ubyte: 3 labels") && e.contains("4 images"), "{e}");

    let dir = mnist_folder("bad_size", &counting_images(4, 16, 16), &[0, 1, 2, 3]);
    let e = err(load_mnist(&dir));
    assert!(e.contains("x-images-idx3-ubyte: images are 16×16, expected 28×28"), "{e}");

    let dir = mnist_folder("too_few", &counting_images(1, 28, 28), &[0]);
    let e = err(load_mnist(&dir));
    assert!(e.contains("need at least 2"), "{e}");
}

/// The shared folder beside the workspace (works from /work/main and from every worktree).
const SHARED_MNIST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/mnist");

#[test]
fn shared_mnist_digits_when_present() {
    let dir = Path::new(SHARED_MNIST);
    if !dir.exists() {
        println!("skipped: ../shared/data not found");
        return;
    }
    let (images_path, labels_path) = find_mnist(dir).unwrap();
    let images = read_images(&images_path).unwrap();
    let labels = read_labels(&labels_path).unwrap();
    assert_eq!((images.count, images.rows, images.cols), (8000, 28, 28));
    // First ten labels as documented in shared/data/SOURCES.md.
    assert_eq!(&labels[..10], &[7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    // SOURCES.md gives 33.79 (0.1325), which is the mean of MNIST's full 10000-image test
    // set; these first 8000 images (sha256 as listed there) average 33.17, measured here
    // and cross-checked with an independent byte count.
    let mean = images.pixels.iter().map(|&p| f64::from(p)).sum::<f64>() / images.pixels.len() as f64;
    assert!((mean - 33.17).abs() < 0.01, "mean pixel {mean}");

    let set = idx::load_mnist(dir).unwrap();
    assert_eq!((set.train.rows(), set.test.rows()), (6000, 2000));
    assert_eq!(set.test_labels.len(), 2000);
    assert_eq!(set.train_labels[..3], [7, 2, 1]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let f = Path::new("fuzz");
        for r in [parse_images(f, &bytes).map(|_| ()), parse_labels(f, &bytes).map(|_| ())] {
            if let Err(e) = r {
                prop_assert!(e.to_string().starts_with("fuzz: "));
            }
        }
    }

    /// A valid magic number and header, then dimensions and data of any size: the parser
    /// must get past the magic and still never panic or over-allocate.
    #[test]
    fn valid_magic_with_any_dims_never_panics(
        dims in proptest::collection::vec(prop_oneof![0u32..6, any::<u32>()], 0..4),
        data in proptest::collection::vec(any::<u8>(), 0..100),
    ) {
        for magic in [IMAGES_MAGIC, LABELS_MAGIC] {
            let mut bytes = header(magic, &dims);
            bytes.extend_from_slice(&data);
            let f = Path::new("fuzz");
            if let Ok(img) = parse_images(f, &bytes) {
                prop_assert_eq!(img.pixels.len(), img.count * img.rows * img.cols);
            }
            if let Ok(l) = parse_labels(f, &bytes) {
                // Whatever follows the 8-byte labels header may be read as labels, extra dims included.
                prop_assert!(l.len() <= bytes.len() - 8);
            }
        }
    }
}
