//! `ch4_sparse`'s spec: its flags, its exercises, what they and the README promise, and the
//! article's claims it tests.

use crate::workbook::claims::Verdict::{Corrected, Extended, Reproduced};
use crate::workbook::claims::{Check, Claim};
use crate::workbook::cli::{Expect, Opt, Spec};
use crate::workbook::ledger::{k, n, x};

pub const SPEC: Spec = Spec {
    name: "ch4_sparse",
    section: "§4.1",
    about: "an overcomplete autoencoder on 8×8 digit patches, plain and with KL, L1 and top-k sparsity",
    data: Some("a folder with MNIST IDX files to cut patches from (default: built-in procedural digits)"),
    options: &[
        Opt { name: "rho", value: Some("R"), help: "KL target average activation ρ (default 0.05)" },
        Opt { name: "beta", value: Some("B"), help: "KL penalty weight β (default 0.01)" },
        Opt { name: "l1", value: Some("L"), help: "L1 penalty weight λ (default 0.002)" },
        Opt { name: "k", value: Some("K"), help: "units kept per patch by top-k (default 10)" },
        Opt {
            name: "hidden",
            value: Some("N"),
            help: "hidden units (default 128; sparsity does not need more than the 64 inputs)",
        },
    ],
    exercises: &[
        "ask the KL units to fire twice as often; their mean activation follows (0.107 with seed 1): cargo run --bin ch4_sparse -- --rho 0.1",
        "a ten times larger β holds the average nearer ρ and costs reconstruction (test MSE 0.015 → 0.050): cargo run --bin ch4_sparse -- --beta 0.1",
        "keep only 3 units per patch: 97.7 % of activations are 0, and the error grows from 0.0166 to 0.0561: \
         cargo run --bin ch4_sparse -- --k 3",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "mean_activation_plain", 0.5004, 0.00005),
        Expect::near(&[], "mean_activation_kl", 0.0632, 0.00005),
        Expect::near(&[], "near_zero_fraction_plain", 0.0200, 0.00005),
        Expect::near(&[], "near_zero_fraction_kl", 0.6629, 0.00005),
        Expect::near(&[], "near_zero_fraction_l1", 0.8376, 0.00005),
        Expect::near(&[], "near_zero_fraction_topk", 0.9219, 0.00005),
        Expect::near(&[], "test_mse_plain", 0.002143, 0.0000005),
        Expect::near(&[], "test_mse_kl", 0.014665, 0.0000005),
        Expect::near(&[], "test_mse_topk", 0.016580, 0.0000005),
        Expect::near(&[], "noise_copied_plain", 0.428, 0.0005),
        Expect::near(&[], "noise_copied_kl", -0.064, 0.0005),
        Expect::near(&[], "noise_copied_topk", 0.034, 0.0005),
        Expect::near(&[], "overfit_ratio_plain", 1.073, 0.0005),
        Expect::near(&[], "overfit_ratio_kl", 1.065, 0.0005),
        Expect::near(&[], "near_zero_fraction_kl_narrow", 0.5838, 0.00005),
        Expect::near(&["--rho", "0.1"], "mean_activation_kl", 0.1073, 0.00005),
        Expect::near(&["--rho", "0.1"], "test_mse_kl", 0.007621, 0.0000005),
        Expect::near(&["--beta", "0.1"], "mean_activation_kl", 0.0529, 0.00005),
        Expect::near(&["--beta", "0.1"], "test_mse_kl", 0.049574, 0.0000005),
        Expect::near(&["--k", "3"], "near_zero_fraction_topk", 0.9766, 0.00005),
        Expect::near(&["--k", "3"], "test_mse_topk", 0.056130, 0.0000005),
    ],
};

/// The article's claims this chapter tests, each with the Results keys and the condition
/// that decide its verdict on every run (see [`crate::workbook::claims`]).
pub const CLAIMS: &[Claim] = &[
    Claim {
        id: "freedom-overfits",
        section: "§1",
        claim: "an autoencoder has so much freedom that it overfits, and a sparsity penalty is what reins it in",
        verdict: Corrected,
        finding: "the overcomplete plain layer does not overfit here (held-out error within 15 % of training error), \
                  and the penalties leave that ratio where it was",
        evidence: &[
            Check::lt(k("overfit_ratio_plain"), n(1.15)),
            Check::gt(k("overfit_ratio_kl"), x(0.95, "overfit_ratio_plain")),
        ],
    },
    Claim {
        id: "erratum-g",
        section: "§4.1",
        claim: "a sparse autoencoder is one with more hidden units than inputs",
        verdict: Corrected,
        finding: "width is neither needed nor enough: the 128-unit plain layer is not sparse, a layer of half as many \
                  units as inputs with the KL penalty is",
        evidence: &[
            Check::lt(k("near_zero_fraction_plain"), n(0.1)),
            Check::lt(k("narrow_hidden"), n(64.0)),
            Check::gt(k("near_zero_fraction_kl_narrow"), n(0.5)),
        ],
    },
    Claim {
        id: "sparse-no-copy",
        section: "§4.1",
        claim: "the sparsity constraint keeps the output layer from copying the input",
        verdict: Reproduced,
        finding: "the plain overcomplete layer gives back a large share of the variance of random patches it never \
                  saw; with the KL or top-k constraint almost none comes back",
        evidence: &[
            Check::gt(k("noise_copied_plain"), n(0.25)),
            Check::lt(k("noise_copied_kl"), n(0.1)),
            Check::lt(k("noise_copied_topk"), n(0.1)),
        ],
    },
    Claim {
        id: "penalty-near-zero",
        section: "§4.1",
        claim: "a sparsity penalty on the hidden layer holds its activations at a small value near zero",
        verdict: Reproduced,
        finding: "the KL units' mean activation settles near the target ρ, a fraction of the plain layer's",
        evidence: &[
            Check::lt(k("mean_activation_kl"), x(2.0, "target_rho")),
            Check::lt(k("mean_activation_kl"), x(0.25, "mean_activation_plain")),
        ],
    },
    Claim {
        id: "sparse-overfitting",
        section: "§4.1",
        claim: "the sparsity penalty prevents overfitting",
        verdict: Corrected,
        finding: "held-out and training errors differ by the same few per cent with and without the penalty: nothing \
                  here overfits",
        evidence: &[
            Check::lt(k("overfit_ratio_plain"), n(1.15)),
            Check::lt(k("overfit_ratio_kl"), n(1.15)),
            Check::gt(k("overfit_ratio_kl"), x(0.95, "overfit_ratio_plain")),
        ],
    },
    Claim {
        id: "top-k",
        section: "§4.1",
        claim: "a sparse autoencoder can keep the highest activations of each example and zero out the rest",
        verdict: Reproduced,
        finding: "top-k leaves at least the share of units it drops at zero on every held-out patch",
        evidence: &[Check::ge(k("near_zero_fraction_topk"), k("topk_zero_floor"))],
    },
    Claim {
        id: "every-unit-a-feature",
        section: "§4.1",
        claim: "switching hidden units on and off per example makes every hidden unit extract a feature",
        verdict: Corrected,
        finding: "with top-k or L1 most units never switch on at all, on average: well under three quarters of them \
                  are ever used",
        evidence: &[
            Check::lt(k("units_used_topk"), x(0.75, "hidden")),
            Check::lt(k("units_used_l1"), x(0.75, "hidden")),
        ],
    },
    Claim {
        id: "sparsity-costs",
        section: "§4.1",
        claim: "(not in the article) sparsity is paid for in reconstruction",
        verdict: Extended,
        finding: "every sparse code reconstructs held-out patches worse than the plain one",
        evidence: &[
            Check::gt(k("test_mse_kl"), k("test_mse_plain")),
            Check::gt(k("test_mse_l1"), k("test_mse_plain")),
            Check::gt(k("test_mse_topk"), k("test_mse_plain")),
        ],
    },
];
