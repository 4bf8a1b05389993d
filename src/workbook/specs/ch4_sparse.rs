//! `ch4_sparse`'s spec: its flags, its exercises, and what they and the README promise.

use crate::workbook::cli::{Expect, Opt, Spec};

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
