//! `ch1_features`'s spec: its flags, its exercises, what they and the README promise, and the
//! article's claims it tests.

use crate::workbook::claims::Verdict::{Corrected, Reproduced};
use crate::workbook::claims::{Check, Claim};
use crate::workbook::cli::{Expect, Opt, Spec};
use crate::workbook::ledger::{k, n};

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
        "real digits (codes 85.65 %, pixels 88.55 %, PCA 89.20 %): cargo run --bin ch1_features -- --data DATA/mnist",
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
        Expect::near(&["--data", "DATA/mnist"], "accuracy_codes", 0.8565, 0.00005),
        Expect::near(&["--data", "DATA/mnist"], "accuracy_pixels", 0.8855, 0.00005),
        Expect::near(&["--data", "DATA/mnist"], "accuracy_pca", 0.8920, 0.00005),
    ],
};

/// The article's claims this chapter tests, each with the Results keys and the condition
/// that decide its verdict on every run (see [`crate::workbook::claims`]).
pub const CLAIMS: &[Claim] = &[
    Claim {
        id: "codes-as-features",
        section: "§1",
        claim: "an autoencoder extracts features that another algorithm, a classifier for one, can use",
        verdict: Reproduced,
        finding: "softmax regression on the 25 codes, learned without labels, gets most held-out digits right",
        evidence: &[Check::gt(k("accuracy_codes"), n(0.8))],
    },
    Claim {
        id: "codes-beat-points",
        section: "§1",
        claim: "in some cases the codes describe the data better than the data points themselves",
        verdict: Corrected,
        finding: "not in this case: as classifier input the 25 codes lose to the raw pixels and to 25 PCA components",
        evidence: &[
            Check::lt(k("accuracy_codes"), k("accuracy_pixels")),
            Check::lt(k("accuracy_codes"), k("accuracy_pca")),
        ],
    },
    Claim {
        id: "output-is-code",
        section: "§1",
        claim: "the output of an autoencoder is its middle layer, the representation of each point",
        verdict: Corrected,
        finding: "the network's output is the reconstruction, as wide as the input; the narrow middle layer is read \
                  from inside the network, and that is what the classifier gets",
        evidence: &[Check::lt(k("code_width"), k("output_width")), Check::gt(k("accuracy_codes"), n(0.8))],
    },
];
