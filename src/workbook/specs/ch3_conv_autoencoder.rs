//! `ch3_conv_autoencoder`'s spec: its flags, its exercises, what they and the README promise, and the
//! article's claims it tests.

use crate::workbook::claims::Verdict::Extended;
use crate::workbook::claims::{Check, Claim};
use crate::workbook::cli::{Expect, Spec};
use crate::workbook::ledger::k;

pub const SPEC: Spec = Spec {
    name: "ch3_conv_autoencoder",
    section: "§3.1",
    about: "a trained conv autoencoder (conv, ReLU, max pool with switches, unpool, deconv) on digit images, \
            against a dense autoencoder with a code of the same size",
    data: Some("a folder with MNIST IDX files; the first 2000 training and first 500 held-out images are used"),
    options: &[],
    exercises: &[
        "train longer: the conv autoencoder reaches 0.0192, but the dense one catches up (0.0199): \
         cargo run --bin ch3_conv_autoencoder -- --epochs 8",
        "real digits (0.0299 against the dense 0.0509): cargo run --bin ch3_conv_autoencoder -- --data DATA/mnist",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "test_mse", 0.02197, 0.000005),
        Expect::near(&[], "dense_test_mse", 0.03370, 0.000005),
        Expect::near(&[], "dense_long_test_mse", 0.00740, 0.000005),
        Expect::near(&["--epochs", "8"], "test_mse", 0.01922, 0.000005),
        Expect::near(&["--epochs", "8"], "dense_test_mse", 0.01986, 0.000005),
        Expect::near(&["--epochs", "8"], "dense_long_test_mse", 0.00441, 0.000005),
        Expect::near(&["--data", "DATA/mnist"], "test_mse", 0.02989, 0.000005),
        Expect::near(&["--data", "DATA/mnist"], "dense_test_mse", 0.05093, 0.000005),
        Expect::near(&["--data", "DATA/mnist"], "dense_long_test_mse", 0.01239, 0.000005),
    ],
};

/// The article's claims this chapter tests, each with the Results keys and the condition
/// that decide its verdict on every run (see [`crate::workbook::claims`]).
pub const CLAIMS: &[Claim] = &[Claim {
    id: "conv-ae",
    section: "§3.1",
    claim: "(not in the article, which only works the example by hand) convolution, pooling with switches, unpooling \
            and deconvolution train together as an autoencoder",
    verdict: Extended,
    finding: "trained as long, it reconstructs held-out digits better than a dense autoencoder with a code of the \
              same size (its decoder also reads the switches)",
    evidence: &[Check::lt(k("test_mse"), k("dense_test_mse"))],
}];
