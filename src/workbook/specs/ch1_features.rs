//! `ch1_features`'s spec: its flags, its exercises, and what they and the README promise.

use crate::workbook::cli::{Expect, Opt, Spec};

pub const SPEC: Spec = Spec {
    name: "ch1_features",
    section: "§1",
    about: "the autoencoder's 25-number codes fed to softmax regression, against raw pixels and 25 PCA components",
    data: Some(
        "a folder with MNIST IDX files (*images-idx3-ubyte, *labels-idx1-ubyte): first 3/4 train, last 1/4 held out",
    ),
    options: &[Opt {
        name: "code",
        value: Some("N"),
        help: "code width, and the number of PCA components beside it (default 25, as §1)",
    }],
    exercises: &[
        "train the autoencoder twice as long: the codes climb from 86.25 % to 89.80 %, still below the pixels' \
         93.50 %: cargo run --bin ch1_features -- --epochs 120",
        "50-number codes catch up with the pixels but do not pass them (93.45 % against 93.50 %), and PCA-50 edges \
         ahead (93.85 %): cargo run --bin ch1_features -- --code 50",
        "real digits (codes 85.65 %, pixels 88.55 %, PCA 89.20 %): cargo run --bin ch1_features -- --data ../shared/data/mnist",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "accuracy_codes", 0.8625, 0.00005),
        Expect::near(&[], "accuracy_pixels", 0.9350, 0.00005),
        Expect::near(&[], "accuracy_pca", 0.9270, 0.00005),
        Expect::below(&[], "accuracy_codes", "accuracy_pca"),
        Expect::near(&["--epochs", "120"], "accuracy_codes", 0.8980, 0.00005),
        Expect::below(&["--epochs", "120"], "accuracy_codes", "accuracy_pixels"),
        Expect::near(&["--code", "50"], "accuracy_codes", 0.9345, 0.00005),
        Expect::near(&["--code", "50"], "accuracy_pixels", 0.9350, 0.00005),
        Expect::near(&["--code", "50"], "accuracy_pca", 0.9385, 0.00005),
        Expect::below(&["--code", "50"], "accuracy_codes", "accuracy_pixels"),
        Expect::near(&["--data", "../shared/data/mnist"], "accuracy_codes", 0.8565, 0.00005),
        Expect::near(&["--data", "../shared/data/mnist"], "accuracy_pixels", 0.8855, 0.00005),
        Expect::near(&["--data", "../shared/data/mnist"], "accuracy_pca", 0.8920, 0.00005),
    ],
};
