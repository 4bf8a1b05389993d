//! `ch3_training_steps`'s spec: its flags, its exercises, and what they and the README promise.

use crate::workbook::cli::{Expect, Opt, Spec};

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
