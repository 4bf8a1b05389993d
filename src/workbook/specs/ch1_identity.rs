//! `ch1_identity`'s spec: its flags, its exercises, what they and the README promise, and the
//! article's claims it tests.

use crate::workbook::claims::Verdict::Reproduced;
use crate::workbook::claims::{Check, Claim};
use crate::workbook::cli::{Expect, Opt, Spec};
use crate::workbook::ledger::{k, n};

pub const SPEC: Spec = Spec {
    name: "ch1_identity",
    section: "§1",
    about: "a 4-2-4 autoencoder learns to copy the four one-hot vectors through a 2-number code",
    data: None,
    options: &[
        Opt { name: "code", value: Some("N"), help: "code width (default 2)" },
        Opt { name: "lr", value: Some("RATE"), help: "learning rate (default 0.05 for Adam)" },
        Opt { name: "sgd", value: None, help: "plain gradient descent instead of Adam (try --lr 3)" },
    ],
    exercises: &[
        "squeeze the code to one number: the argmax may survive, but two inputs come back blurred: cargo run --bin ch1_identity -- --code 1",
        "widen it to three and watch the codes stop looking like bits: cargo run --bin ch1_identity -- --code 3",
        "plain gradient descent needs a bigger step and more epochs: cargo run --bin ch1_identity -- --sgd --lr 3",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::is(&[], "reconstructed", "4/4"),
        Expect::near(&[], "max_error", 0.0996, 0.00005),
        Expect::is(&[], "epochs", "246"),
        Expect::is(&[], "stuck", "false"),
        Expect::is(&["--code", "1"], "stuck", "true"),
        Expect::is(&["--code", "1"], "reconstructed", "4/4"),
        Expect::near(&["--code", "1"], "max_error", 0.5932, 0.00005),
        Expect::is(&["--code", "3"], "epochs", "157"),
        Expect::is(&["--code", "3"], "stuck", "false"),
        Expect::is(&["--sgd", "--lr", "3"], "epochs", "550"),
        Expect::is(&["--sgd", "--lr", "3"], "stuck", "false"),
    ],
};

/// The article's claims this chapter tests, each with the Results keys and the condition
/// that decide its verdict on every run (see [`crate::workbook::claims`]).
pub const CLAIMS: &[Claim] = &[Claim {
    id: "one-hot-2",
    section: "§1",
    claim: "a 4-2-4 network can squeeze each of the four one-hot vectors into two numbers and give it back",
    verdict: Reproduced,
    finding: "all four come back within 0.1 of their targets, their codes near the corners of the unit square",
    evidence: &[Check::is("reconstructed", "4/4"), Check::lt(k("max_error"), n(0.1))],
}];
