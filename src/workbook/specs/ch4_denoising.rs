//! `ch4_denoising`'s spec: its flags, its exercises, what they and the README promise, and the
//! article's claims it tests.

use crate::workbook::claims::Verdict::{Corrected, Extended, Reproduced};
use crate::workbook::claims::{Check, Claim};
use crate::workbook::cli::{Expect, Opt, Spec};
use crate::workbook::ledger::{k, x};

pub const SPEC: Spec = Spec {
    name: "ch4_denoising",
    section: "§4.2",
    about: "masking corruption: a plain autoencoder against denoising ones, on corrupted held-out digits",
    data: Some("a folder with MNIST IDX files (default: built-in procedural digits)"),
    options: &[
        Opt {
            name: "noise",
            value: Some("NU"),
            help: "masking level ν of the test corruption and of the headline denoising model (default 0.5)",
        },
        Opt { name: "code", value: Some("N"), help: "code width (default 64)" },
    ],
    exercises: &[
        "drop three quarters of every input: the plain model's error is 0.05395, the denoising one's 0.0234, the \
         input's own 0.0784: cargo run --bin ch4_denoising -- --noise 0.75",
        "does a wider code help or hurt the plain network on masked digits (0.0446, the input's own 0.0525)? \
         cargo run --bin ch4_denoising -- --code 256",
        "train longer: does the plain model ever learn to fill the holes (0.0518 against the DAE's 0.0151)? \
         cargo run --bin ch4_denoising -- --epochs 30",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "corrupted_test_mse_plain", 0.032219, 0.0000005),
        Expect::near(&[], "corrupted_test_mse_denoising", 0.018269, 0.0000005),
        Expect::near(&[], "corrupted_input_mse", 0.052391, 0.0000005),
        Expect::near(&[], "clean_test_mse_plain", 0.015401, 0.0000005),
        Expect::near(&[], "clean_test_mse_denoising", 0.019283, 0.0000005),
        Expect::near(&[], "corrupted_target_test_mse", 0.043606, 0.0000005),
        Expect::near(&[], "ink_level_denoising", 0.698, 0.0005),
        Expect::near(&[], "ink_level_corrupted_target", 0.345, 0.0005),
        Expect::near(&[], "ink_level_input", 0.439, 0.0005),
        Expect::near(&["--noise", "0.75"], "corrupted_test_mse_plain", 0.053950, 0.0000005),
        Expect::near(&["--noise", "0.75"], "corrupted_test_mse_denoising", 0.023448, 0.0000005),
        Expect::near(&["--noise", "0.75"], "corrupted_input_mse", 0.078444, 0.0000005),
        Expect::near(&["--code", "256"], "clean_test_mse_plain", 0.002809, 0.0000005),
        Expect::near(&["--code", "256"], "corrupted_test_mse_plain", 0.044609, 0.0000005),
        Expect::near(&["--code", "256"], "corrupted_input_mse", 0.052497, 0.0000005),
        Expect::near(&["--code", "256"], "corrupted_test_mse_denoising", 0.011865, 0.0000005),
        Expect::near(&["--epochs", "30"], "corrupted_test_mse_plain", 0.051811, 0.0000005),
        Expect::near(&["--epochs", "30"], "corrupted_test_mse_denoising", 0.015099, 0.0000005),
        Expect::near(&["--epochs", "30"], "corrupted_input_mse", 0.052391, 0.0000005),
    ],
};

/// The article's claims this chapter tests, each with the Results keys and the condition
/// that decide its verdict on every run (see [`crate::workbook::claims`]).
pub const CLAIMS: &[Claim] = &[
    Claim {
        id: "dae-restores",
        section: "§4.2",
        claim: "a denoising autoencoder learns to remove the corruption, restoring corrupted inputs",
        verdict: Reproduced,
        finding: "on masked held-out digits it lands far closer to the clean digits than a plain autoencoder does",
        evidence: &[
            Check::lt(k("corrupted_test_mse_denoising"), k("corrupted_test_mse_plain")),
            Check::lt(k("corrupted_test_mse_denoising"), k("corrupted_input_mse")),
        ],
    },
    Claim {
        id: "dae-no-copy",
        section: "§4.2",
        claim: "corrupting the input keeps the network from copying input to output without learning anything",
        verdict: Reproduced,
        finding: "where ink was masked away it draws the strokes back, far brighter than the masked input it was shown",
        evidence: &[Check::gt(k("ink_level_denoising"), x(1.3, "ink_level_input"))],
    },
    Claim {
        id: "erratum-f",
        section: "§4.2",
        claim: "the denoising loss compares the output with the clean input, and, a bullet later, with the corrupted input",
        verdict: Corrected,
        finding: "only the clean target denoises: scored against the corrupted input, the network learns faded, holed \
                  strokes and restores masked digits worse than the clean-target one",
        evidence: &[
            Check::gt(k("corrupted_target_test_mse"), k("corrupted_test_mse_denoising")),
            Check::lt(k("ink_level_corrupted_target"), x(0.75, "ink_level_denoising")),
        ],
    },
    Claim {
        id: "dae-clean-price",
        section: "§4.2",
        claim: "(not in the article) robustness to corruption costs accuracy on clean inputs",
        verdict: Extended,
        finding: "on clean held-out digits the plain autoencoder reconstructs better than the denoising one",
        evidence: &[Check::lt(k("clean_test_mse_plain"), k("clean_test_mse_denoising"))],
    },
];
