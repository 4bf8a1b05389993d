//! `ch3_unpooling`'s spec: its flags, its exercises, what they and the README promise, and the
//! article's claims it tests.

use crate::workbook::claims::Verdict::{Corrected, Reproduced};
use crate::workbook::claims::{Check, Claim};
use crate::workbook::cli::{Expect, Opt, Spec};
use crate::workbook::ledger::{k, n};

pub const SPEC: Spec = Spec {
    name: "ch3_unpooling",
    section: "§3.1",
    about: "pooling with switches, four unpooling steps and their sum, on a 4×4 example \
            (draws the grids, every value written in, as SVG figures in --out)",
    data: None,
    options: &[Opt {
        name: "centre",
        value: Some("C"),
        help: "the kernel's centre value (default 1, the value that gives the input back)",
    }],
    exercises: &[
        "make the kernel's centre 2: each maximum comes back twice as high, and exact_reconstruction turns false: \
         cargo run --bin ch3_unpooling -- --centre 2",
        "a centre of 0 draws only the arms; the maxima themselves are gone: cargo run --bin ch3_unpooling -- --centre 0",
        "see the grids drawn with every value: cargo run --bin ch3_unpooling -- --out /tmp/unpooling, \
         then open /tmp/unpooling/unpooling.svg",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::is(&[], "exact_reconstruction", "true"),
        Expect::near(&[], "lossy_example_error", 36.0, 0.0),
        Expect::near(&[], "switchless_corner_error", 79.0, 0.0),
        Expect::near(&[], "switchless_copy_error", 1634.0, 0.0),
        Expect::is(&["--centre", "2"], "exact_reconstruction", "false"),
        Expect::near(&["--centre", "2"], "reconstruction_error", 120.0, 0.0),
        Expect::is(&["--centre", "0"], "exact_reconstruction", "false"),
        Expect::near(&["--centre", "0"], "reconstruction_error", 120.0, 0.0),
        Expect::is(&["--out", "/tmp/unpooling"], "exact_reconstruction", "true"),
    ],
};

/// The article's claims this chapter tests, each with the Results keys and the condition
/// that decide its verdict on every run (see [`crate::workbook::claims`]).
pub const CLAIMS: &[Claim] = &[
    Claim {
        id: "switches",
        section: "§3.1",
        claim: "switches remember where each pooled maximum came from, so unpooling can put it back there",
        verdict: Reproduced,
        finding: "with switches the worked example decodes to its input; dropping them into a fixed corner does not",
        evidence: &[Check::is("exact_reconstruction", "true"), Check::gt(k("switchless_corner_error"), n(0.0))],
    },
    Claim {
        id: "pooling-forgets",
        section: "§3.1",
        claim: "pooling throws away where each value was, so without help it cannot be undone",
        verdict: Reproduced,
        finding: "unpooling without switches misplaces the maxima, and copying each into its whole window is worse still",
        evidence: &[
            Check::gt(k("switchless_corner_error"), n(0.0)),
            Check::gt(k("switchless_copy_error"), k("switchless_corner_error")),
        ],
    },
    Claim {
        id: "erratum-e",
        section: "§3.1",
        claim: "unpooling with switches and then deconvolving gives back exactly the input",
        verdict: Corrected,
        finding: "only for an input built from one kernel stamp per window; a second input with the same maxima in \
                  the same places comes back as the first",
        evidence: &[Check::is("exact_reconstruction", "true"), Check::gt(k("lossy_example_error"), n(0.0))],
    },
];
