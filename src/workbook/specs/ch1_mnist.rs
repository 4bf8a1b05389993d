//! `ch1_mnist`'s spec: its flags, its exercises, what they and the README promise, and the
//! article's claims it tests.

use crate::workbook::claims::Verdict::{Corrected, Reproduced};
use crate::workbook::claims::{Check, Claim};
use crate::workbook::cli::{Expect, Opt, Spec};
use crate::workbook::ledger::{k, n, x};

pub const SPEC: Spec = Spec {
    name: "ch1_mnist",
    section: "§1",
    about: "a 784-25-784 autoencoder squeezes digit images through 25 numbers and draws them again \
            (the timing lines differ from run to run; everything else is the same for a seed)",
    data: Some(
        "a folder with MNIST IDX files (*images-idx3-ubyte, *labels-idx1-ubyte): first 3/4 train, last 1/4 held out",
    ),
    options: &[
        Opt { name: "lr", value: Some("RATE"), help: "Adam's learning rate at the first epoch (default 0.01)" },
        Opt {
            name: "lr-final",
            value: Some("RATE"),
            help: "learning rate at the last epoch, reached along a cosine (default: the same, a constant rate)",
        },
        Opt { name: "hidden", value: Some("N"), help: "hidden units, which are the code (default 25, as §1)" },
        Opt { name: "code", value: Some("N"), help: "the same as --hidden" },
    ],
    exercises: &[
        "the reference's rate, ten times smaller: the error falls more slowly and ends higher \
         (held-out 0.0254 against 0.0223 with seed 1): cargo run --bin ch1_mnist -- --lr 0.001",
        "squeeze to 5 hidden units: with seed 1 the code never leaves the mean-image plateau and every \
         digit comes back as the same grey blur: cargo run --bin ch1_mnist -- --hidden 5",
        "real MNIST (held-out 0.0195 after 120 epochs): cargo run --bin ch1_mnist -- --data DATA/mnist",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "test_mse", 0.02229, 0.000005),
        Expect::near(&[], "mean_image_mse", 0.05530, 0.000005),
        Expect::near(&[], "code_near_zero_fraction", 0.0158, 0.00005),
        Expect::near(&["--lr", "0.001"], "test_mse", 0.02536, 0.000005),
        Expect::near(&["--hidden", "5"], "test_mse", 0.05543, 0.000005),
        Expect::above(&["--hidden", "5"], "test_mse", "mean_image_mse"),
        Expect::near(&["--data", "DATA/mnist"], "test_mse", 0.01954, 0.000005),
    ],
};

/// The article's claims this chapter tests, each with the Results keys and the condition
/// that decide its verdict on every run (see [`crate::workbook::claims`]).
pub const CLAIMS: &[Claim] = &[
    Claim {
        id: "mnist-25",
        section: "§1",
        claim: "25 hidden units are enough to redraw 784-pixel digits, recognisably if not perfectly",
        verdict: Reproduced,
        finding: "the held-out error is under half that of drawing every digit as the mean image, and not zero",
        evidence: &[Check::lt(k("test_mse"), x(0.5, "mean_image_mse")), Check::gt(k("test_mse"), n(0.0))],
    },
    Claim {
        id: "sparse-by-default",
        section: "§1",
        claim: "when people speak of autoencoders they really mean sparse autoencoders",
        verdict: Corrected,
        finding: "§1's own 784-25-784 example uses no sparsity penalty, most of its code values are far from 0, \
                  and it reconstructs: its narrow code is the constraint",
        evidence: &[
            Check::lt(k("code_near_zero_fraction"), n(0.5)),
            Check::lt(k("test_mse"), x(0.5, "mean_image_mse")),
        ],
    },
];
