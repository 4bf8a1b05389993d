//! `ch3_training_steps`'s spec: its flags, its exercises, what they and the README promise, and the
//! article's claims it tests.

use crate::workbook::claims::Verdict::{Corrected, Reproduced};
use crate::workbook::claims::{Check, Claim};
use crate::workbook::cli::{Expect, Opt, Spec};
use crate::workbook::ledger::{k, n, x};

pub const SPEC: Spec = Spec {
    name: "ch3_training_steps",
    section: "§3",
    about: "the seven training steps on a customer × product table: every number, and a numeric check of backprop \
            (writes the loss curve as loss.svg into --out)",
    data: None,
    options: &[
        Opt { name: "lr", value: Some("RATE"), help: "SGD learning rate (default 0.5)" },
        Opt { name: "code", value: Some("N"), help: "code width (default 3)" },
    ],
    exercises: &[
        "a learning rate ten times smaller crawls: cargo run --bin ch3_training_steps -- --lr 0.05",
        "a 1-number code must merge the three kinds of shopper: cargo run --bin ch3_training_steps -- --code 1",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "gradient_max_relative_error", 0.0, 1e-6),
        Expect::near(&[], "first_epoch_loss", 0.264328, 5e-7),
        Expect::near(&[], "final_loss", 0.008040, 5e-7),
        Expect::near(&["--lr", "0.05"], "final_loss", 0.078586, 5e-7),
        Expect::near(&["--code", "1"], "final_loss", 0.110019, 5e-7),
    ],
};

/// The article's claims this chapter tests, each with the Results keys and the condition
/// that decide its verdict on every run (see [`crate::workbook::claims`]).
pub const CLAIMS: &[Claim] = &[
    Claim {
        id: "signed-error",
        section: "§3",
        claim: "step 4: the reconstruction error is the input vector minus the output vector",
        verdict: Corrected,
        finding: "that difference has entries of both signs, which would cancel; what is minimised is its mean square",
        evidence: &[
            Check::lt(k("step4_error_min"), n(0.0)),
            Check::gt(k("step4_error_max"), n(0.0)),
            Check::gt(k("step4_loss"), n(0.0)),
        ],
    },
    Claim {
        id: "backprop-share",
        section: "§3",
        claim: "step 5: backpropagation updates each weight by how much it was responsible for the error",
        verdict: Reproduced,
        finding: "every analytic gradient agrees with a numeric estimate of it to a relative error below 1e-6",
        evidence: &[Check::lt(k("gradient_max_relative_error"), n(1e-6))],
    },
    Claim {
        id: "sgd-epochs",
        section: "§3",
        claim: "steps 6–7: an update after every row, repeated for many epochs, drives the error down",
        verdict: Reproduced,
        finding: "the loss over the whole table falls to under a tenth of its first epoch's",
        evidence: &[Check::lt(k("final_loss"), x(0.1, "first_epoch_loss"))],
    },
];
