//! `contents`'s spec: its flags, its exercises, and what they and the README promise.

use crate::workbook::cli::{Opt, Spec};

pub const SPEC: Spec = Spec {
    name: "contents",
    section: "all",
    about: "the chapters of the workbook and the command that runs each",
    data: None,
    options: &[
        Opt {
            name: "all",
            value: None,
            help: "run every chapter in order (with --quick and --seed if given), then print the page's path",
        },
        Opt {
            name: "claims",
            value: None,
            help: "the article's claims in its order, each with the workbook's verdict and the chapter that shows it",
        },
    ],
    exercises: &[
        "start with the first chapter: cargo run --bin ch1_identity",
        "run the whole book (a few minutes; add --quick for about 10 s), then open the page it prints: cargo run -- --all",
        "every claim of the article with its verdict and the chapter that shows it: cargo run -- --claims",
    ],
    expectations: &[],
};
