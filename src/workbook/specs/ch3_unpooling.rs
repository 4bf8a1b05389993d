//! `ch3_unpooling`'s spec: its flags, its exercises, and what they and the README promise.

use crate::workbook::cli::{Expect, Opt, Spec};

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
