//! `ch4_deep`'s spec: its flags, its exercises, what they and the README promise, and the
//! article's claims it tests.

use crate::workbook::claims::Verdict::{Corrected, Extended, Reproduced};
use crate::workbook::claims::{Check, Claim};
use crate::workbook::cli::{Expect, Opt, Spec};
use crate::workbook::ledger::{k, n, x};

pub const SPEC: Spec = Spec {
    name: "ch4_deep",
    section: "§4.5",
    about: "a stack of RBMs, unrolled into a deep autoencoder and fine-tuned, against random initialisation and PCA",
    data: Some("a folder with MNIST IDX files (3/4 train, 1/4 held out) instead of the built-in digits"),
    options: &[
        Opt { name: "code", value: Some("N"), help: "code size of all three methods (default 30)" },
        Opt {
            name: "hidden",
            value: Some("A,B,C"),
            help: "hidden widths between pixels and code (default 256,128,64: 4 RBMs, as §4.5)",
        },
        Opt { name: "rbm-epochs", value: Some("N"), help: "CD-1 epochs per RBM (default 5, quick 1)" },
        Opt {
            name: "lr",
            value: Some("RATE"),
            help: "Adam learning rate of fine-tuning (default 0.005, × 0.8 each epoch)",
        },
        Opt { name: "mse", value: None, help: "fine-tune on squared error instead of cross-entropy" },
        Opt { name: "sigmoid-code", value: None, help: "binary code units instead of Gaussian (linear) ones" },
    ],
    exercises: &[
        "the real digits (pretrained 13.49, random start 44.25, PCA-30 14.00): cargo run --bin ch4_deep -- --data DATA/mnist",
        "a 10-number code: which of the three methods loses most (PCA: 20.16, from 9.59)? cargo run --bin ch4_deep -- --code 10",
        "Bernoulli code units instead of linear ones: the pretrained network no longer beats PCA (10.29 against 9.59): \
         cargo run --bin ch4_deep -- --sigmoid-code",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "sq_error_per_image_pretrained", 9.15, 0.005),
        Expect::near(&[], "sq_error_per_image_random_init", 32.34, 0.005),
        Expect::near(&[], "sq_error_per_image_pca", 9.59, 0.005),
        Expect::near(&[], "sq_error_per_image_unrolled", 20.58, 0.005),
        Expect::is(&[], "rbms", "4"),
        Expect::near(&[], "tied_gap_before_finetuning", 0.00, 0.005),
        Expect::near(&[], "tied_gap_after_finetuning", 1.17, 0.005),
        Expect::is(&["--hidden", "256,64"], "rbms", "3"),
        Expect::near(&["--hidden", "256,64"], "sq_error_per_image_pretrained", 8.03, 0.005),
        Expect::near(&["--hidden", "256,64"], "sq_error_per_image_random_init", 21.35, 0.005),
        Expect::near(&["--code", "10"], "sq_error_per_image_pretrained", 10.28, 0.005),
        Expect::near(&["--code", "10"], "sq_error_per_image_random_init", 27.59, 0.005),
        Expect::near(&["--code", "10"], "sq_error_per_image_pca", 20.16, 0.005),
        Expect::near(&["--sigmoid-code"], "sq_error_per_image_pretrained", 10.29, 0.005),
        Expect::near(&["--sigmoid-code"], "sq_error_per_image_random_init", 35.32, 0.005),
        Expect::is(&["--sigmoid-code"], "pretrained_beats_pca", "false"),
        Expect::near(&["--data", "DATA/mnist"], "sq_error_per_image_pretrained", 13.49, 0.005),
        Expect::near(&["--data", "DATA/mnist"], "sq_error_per_image_random_init", 44.25, 0.005),
        Expect::near(&["--data", "DATA/mnist"], "sq_error_per_image_pca", 14.00, 0.005),
    ],
};

/// The article's claims this chapter tests, each with the Results keys and the condition
/// that decide its verdict on every run (see [`crate::workbook::claims`]).
pub const CLAIMS: &[Claim] = &[
    Claim {
        id: "four-rbms",
        section: "§4.5",
        claim: "the 784-pixel deep autoencoder is pretrained as a stack of 4 RBMs, unrolled, then fine-tuned by backpropagation",
        verdict: Reproduced,
        finding: "4 RBMs by CD-1, unrolled; fine-tuning cuts the unrolled network's error",
        evidence: &[
            Check::is("rbms", "4"),
            Check::lt(k("sq_error_per_image_pretrained"), k("sq_error_per_image_unrolled")),
        ],
    },
    Claim {
        id: "pretraining",
        section: "§4.5",
        claim: "unsupervised layer-by-layer pretraining is how a deep autoencoder is trained",
        verdict: Reproduced,
        finding: "the same network and fine-tuning from random weights ends with more than twice the error",
        evidence: &[Check::lt(k("sq_error_per_image_pretrained"), x(0.5, "sq_error_per_image_random_init"))],
    },
    Claim {
        id: "erratum-h",
        section: "§4.5",
        claim: "a deep autoencoder is two identical deep belief networks, one to encode and one to decode",
        verdict: Corrected,
        finding: "it is one stack used twice: the decoder starts as the encoder's weights transposed, and fine-tuning \
                  moves the two apart",
        evidence: &[
            Check::le(k("tied_gap_before_finetuning"), n(0.0)),
            Check::gt(k("tied_gap_after_finetuning"), n(0.05)),
        ],
    },
    Claim {
        id: "compact-code",
        section: "§4.5",
        claim: "(beyond the article) the deep code is compact and good: 30 numbers reconstruct better than 30 PCA components",
        verdict: Extended,
        finding: "the pretrained, fine-tuned network's held-out error is below PCA's at the same code size",
        evidence: &[Check::lt(k("sq_error_per_image_pretrained"), k("sq_error_per_image_pca"))],
    },
];
