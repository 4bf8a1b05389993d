//! `ch4_contractive`'s spec: its flags, its exercises, what they and the README promise, and the
//! article's claims it tests.

use crate::workbook::claims::Verdict::{Corrected, Extended, Reproduced};
use crate::workbook::claims::{Check, Claim};
use crate::workbook::cli::{Expect, Opt, Spec};
use crate::workbook::ledger::{k, x};

pub const SPEC: Spec = Spec {
    name: "ch4_contractive",
    section: "§4.3",
    about: "the Jacobian penalty: plain, weight-decay, denoising and contractive autoencoders side by side",
    data: Some("a folder with MNIST IDX files (default: built-in procedural digits)"),
    options: &[
        Opt { name: "lambda", value: Some("L"), help: "contractive penalty weight λ (default 0.01)" },
        Opt { name: "decay", value: Some("D"), help: "weight decay of the weight-decay model (default 0.00002)" },
        Opt { name: "noise", value: Some("NU"), help: "masking level of the denoising model (default 0.25)" },
        Opt { name: "code", value: Some("N"), help: "code width of all four models (default 64)" },
    ],
    exercises: &[
        "how much further does a ten times stronger penalty contract, and what does it cost? cargo run --bin ch4_contractive -- --lambda 0.1",
        "weight decay strong enough to match the CAE's Jacobian: what does it cost? cargo run --bin ch4_contractive -- --decay 0.0001",
        "does the verdict survive another seed? cargo run --bin ch4_contractive -- --seed 2",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "jacobian_norm_plain", 4.1059, 0.00005),
        Expect::near(&[], "jacobian_norm_weight_decay", 1.8124, 0.00005),
        Expect::near(&[], "jacobian_norm_denoising", 4.7092, 0.00005),
        Expect::near(&[], "jacobian_norm_contractive", 0.6667, 0.00005),
        Expect::near(&[], "accuracy_plain", 0.9180, 0.00005),
        Expect::near(&[], "accuracy_weight_decay", 0.9300, 0.00005),
        Expect::near(&[], "accuracy_denoising", 0.9210, 0.00005),
        Expect::near(&[], "accuracy_contractive", 0.9150, 0.00005),
        Expect::near(&[], "test_mse_contractive", 0.022012, 0.0000005),
        Expect::near(&[], "noise_pairs_ratio_contractive", 0.152, 0.0005),
        Expect::near(&[], "noise_pairs_ratio_weight_decay", 0.179, 0.0005),
        Expect::near(&["--lambda", "0.1"], "jacobian_norm_contractive", 0.2062, 0.00005),
        Expect::near(&["--lambda", "0.1"], "test_mse_contractive", 0.038024, 0.0000005),
        Expect::near(&["--lambda", "0.1"], "accuracy_contractive", 0.8150, 0.00005),
        Expect::near(&["--decay", "0.0001"], "jacobian_norm_weight_decay", 0.7649, 0.00005),
        Expect::near(&["--decay", "0.0001"], "test_mse_weight_decay", 0.045768, 0.0000005),
        Expect::near(&["--decay", "0.0001"], "accuracy_weight_decay", 0.8650, 0.00005),
        Expect::near(&["--seed", "2"], "jacobian_norm_plain", 4.5234, 0.00005),
        Expect::near(&["--seed", "2"], "jacobian_norm_weight_decay", 1.8596, 0.00005),
        Expect::near(&["--seed", "2"], "jacobian_norm_denoising", 5.0495, 0.00005),
        Expect::near(&["--seed", "2"], "jacobian_norm_contractive", 0.6752, 0.00005),
        Expect::near(&["--seed", "2"], "accuracy_plain", 0.9210, 0.00005),
        Expect::near(&["--seed", "2"], "accuracy_weight_decay", 0.9420, 0.00005),
        Expect::near(&["--seed", "2"], "accuracy_denoising", 0.9290, 0.00005),
        Expect::near(&["--seed", "2"], "accuracy_contractive", 0.9200, 0.00005),
        Expect::below(&["--seed", "2"], "noise_pairs_ratio_contractive", "noise_pairs_ratio_weight_decay"),
    ],
};

/// The article's claims this chapter tests, each with the Results keys and the condition
/// that decide its verdict on every run (see [`crate::workbook::claims`]).
pub const CLAIMS: &[Claim] = &[
    Claim {
        id: "cae-insensitive",
        section: "§4.3",
        claim: "the Jacobian penalty makes the code less sensitive to small variations of the input",
        verdict: Reproduced,
        finding: "the contractive code's Jacobian norm and its response to small random input noise are both several \
                  times smaller than the plain code's",
        evidence: &[
            Check::lt(k("jacobian_norm_contractive"), x(0.5, "jacobian_norm_plain")),
            Check::lt(k("noise_sensitivity_contractive"), x(0.5, "noise_sensitivity_plain")),
        ],
    },
    Claim {
        id: "cae-contracts-most",
        section: "§4.3",
        claim: "the penalty contracts the data more strongly than weight decay or denoising do",
        verdict: Reproduced,
        finding: "its Jacobian norm is the smallest of the four models",
        evidence: &[
            Check::lt(k("jacobian_norm_contractive"), k("jacobian_norm_weight_decay")),
            Check::lt(k("jacobian_norm_contractive"), k("jacobian_norm_denoising")),
        ],
    },
    Claim {
        id: "cae-better-features",
        section: "§4.3",
        claim: "the contractive autoencoder beats weight decay and denoising at learning useful features",
        verdict: Corrected,
        finding: "not on these digits: a classifier on its codes does no better than on the weight-decay or the \
                  denoising codes",
        evidence: &[
            Check::le(k("accuracy_contractive"), k("accuracy_weight_decay")),
            Check::le(k("accuracy_contractive"), k("accuracy_denoising")),
        ],
    },
    Claim {
        id: "cae-selective",
        section: "§4.3",
        claim: "(not in the article) the contraction is selective: small random moves shrink more than moves between digits",
        verdict: Extended,
        finding: "its ratio of noise sensitivity to digit-to-digit sensitivity is the lowest of the four models",
        evidence: &[
            Check::lt(k("noise_pairs_ratio_contractive"), k("noise_pairs_ratio_plain")),
            Check::lt(k("noise_pairs_ratio_contractive"), k("noise_pairs_ratio_weight_decay")),
            Check::lt(k("noise_pairs_ratio_contractive"), k("noise_pairs_ratio_denoising")),
        ],
    },
];
