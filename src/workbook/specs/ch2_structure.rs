//! `ch2_structure`'s spec: its flags, its exercises, what they and the README promise, and the
//! article's claims it tests.

use crate::workbook::claims::Verdict::{Corrected, Extended, Reproduced};
use crate::workbook::claims::{Check, Claim};
use crate::workbook::cli::{Expect, Opt, Spec};
use crate::workbook::ledger::{k, n};

pub const SPEC: Spec = Spec {
    name: "ch2_structure",
    section: "§2",
    about: "encoder and decoder around a bottleneck: error against code size; a linear autoencoder finds PCA's subspace",
    data: Some("a folder with MNIST IDX files (3/4 train, 1/4 held out) instead of the built-in digits"),
    options: &[Opt {
        name: "k",
        value: Some("N"),
        help: "code width of the linear autoencoder compared with PCA (default 6)",
    }],
    exercises: &[
        "a 10-number linear code, where λ₁₀ and λ₁₁ lie close: the largest angle jumps to 53.09°, yet the test MSE \
         stays at PCA's (0.025216 against 0.025138): cargo run --bin ch2_structure -- --k 10",
        "real handwriting (MNIST: largest angle 0.17°, the sigmoid AE just ahead of PCA): cargo run --bin ch2_structure -- --data DATA/mnist",
        "another seed mixes the components differently (units from 30.1° off the axes), the subspace stays (largest \
         angle 0.49°): cargo run --bin ch2_structure -- --seed 2",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "ae_test_mse_code_2", 0.04464, 0.000005),
        Expect::near(&[], "ae_test_mse_code_5", 0.03301, 0.000005),
        Expect::near(&[], "ae_test_mse_code_10", 0.02426, 0.000005),
        Expect::near(&[], "ae_test_mse_code_25", 0.01288, 0.000005),
        Expect::near(&[], "ae_test_mse_code_50", 0.00701, 0.000005),
        Expect::near(&[], "pca_test_mse_code_50", 0.00726, 0.000005),
        Expect::near(&[], "max_principal_angle_degrees", 0.45, 0.005),
        Expect::near(&[], "min_unit_angle_degrees", 36.0, 0.05),
        Expect::near(&[], "linear_ae_test_mse", 0.031096, 0.0000005),
        Expect::near(&[], "pca_test_mse", 0.031075, 0.0000005),
        Expect::near(&[], "two_number_ae_test_mse", 0.03403, 0.000005),
        Expect::near(&[], "two_number_pca_test_mse", 0.04449, 0.000005),
        Expect::near(&["--k", "10"], "max_principal_angle_degrees", 53.09, 0.005),
        Expect::near(&["--k", "10"], "linear_ae_test_mse", 0.025216, 0.0000005),
        Expect::near(&["--k", "10"], "pca_test_mse", 0.025138, 0.0000005),
        Expect::near(&["--data", "DATA/mnist"], "max_principal_angle_degrees", 0.17, 0.005),
        Expect::near(&["--data", "DATA/mnist"], "ae_test_mse_code_5", 0.04632, 0.000005),
        Expect::near(&["--data", "DATA/mnist"], "pca_test_mse_code_5", 0.04700, 0.000005),
        Expect::near(&["--data", "DATA/mnist"], "ae_test_mse_code_25", 0.01861, 0.000005),
        Expect::near(&["--data", "DATA/mnist"], "pca_test_mse_code_25", 0.02061, 0.000005),
        Expect::near(&["--data", "DATA/mnist"], "ae_test_mse_code_50", 0.01021, 0.000005),
        Expect::near(&["--data", "DATA/mnist"], "pca_test_mse_code_50", 0.01176, 0.000005),
        Expect::near(&["--seed", "2"], "max_principal_angle_degrees", 0.49, 0.005),
        Expect::near(&["--seed", "2"], "min_unit_angle_degrees", 30.1, 0.05),
    ],
};

/// The article's claims this chapter tests, each with the Results keys and the condition
/// that decide its verdict on every run (see [`crate::workbook::claims`]).
pub const CLAIMS: &[Claim] = &[
    Claim {
        id: "exact-copy",
        section: "§2",
        claim: "once trained, an autoencoder's output is exactly its input",
        verdict: Corrected,
        finding: "never exactly: the held-out error stays above zero at every code size, 50 numbers included",
        evidence: &[Check::gt(k("ae_test_mse_code_50"), n(0.001))],
    },
    Claim {
        id: "bottleneck",
        section: "§2",
        claim: "a code shorter than the input forces dimensionality reduction: the narrower the code, the more is lost",
        verdict: Reproduced,
        finding: "the held-out error falls at every step as the code widens from 2 to 50 numbers",
        evidence: &[
            Check::gt(k("ae_test_mse_code_2"), k("ae_test_mse_code_5")),
            Check::gt(k("ae_test_mse_code_5"), k("ae_test_mse_code_10")),
            Check::gt(k("ae_test_mse_code_10"), k("ae_test_mse_code_25")),
            Check::gt(k("ae_test_mse_code_25"), k("ae_test_mse_code_50")),
        ],
    },
    Claim {
        id: "linear-is-pca",
        section: "§2",
        claim: "(not in the article) a linear autoencoder learns PCA's subspace, though not PCA's axes",
        verdict: Extended,
        finding: "its decoder spans the top principal components to within 2°, yet each unit lies far from every axis",
        evidence: &[
            Check::lt(k("max_principal_angle_degrees"), n(2.0)),
            Check::gt(k("min_unit_angle_degrees"), n(20.0)),
        ],
    },
    Claim {
        id: "two-numbers",
        section: "§2",
        claim: "(not in the article) with only 2 numbers, a nonlinear encoder and decoder keep more than PCA's first two components",
        verdict: Extended,
        finding: "the 784-64-2-64-784 network reconstructs held-out digits better than 2 principal components",
        evidence: &[Check::lt(k("two_number_ae_test_mse"), k("two_number_pca_test_mse"))],
    },
];
