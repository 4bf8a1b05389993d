//! `ch4_stacked`'s spec: its flags, its exercises, what they and the README promise, and the
//! article's claims it tests.

use crate::workbook::claims::Verdict::{Corrected, Extended, Reproduced};
use crate::workbook::claims::{Check, Claim};
use crate::workbook::cli::{Expect, Opt, Spec};
use crate::workbook::ledger::{k, n, x};

pub const SPEC: Spec = Spec {
    name: "ch4_stacked",
    section: "§4.4",
    about: "greedy layer-wise stacked (and stacked denoising) autoencoders; their codes into softmax and an SVM",
    data: Some("a folder with MNIST IDX files (3/4 train, 1/4 held out) instead of the built-in digits"),
    options: &[
        Opt { name: "hidden", value: Some("A,B"), help: "widths of the stacked layers (default 128,64)" },
        Opt { name: "noise", value: Some("P"), help: "masking probability of the denoising stack (default 0.25)" },
    ],
    exercises: &[
        "heavier corruption: does the denoising stack still help? cargo run --bin ch4_stacked -- --noise 0.5",
        "a third, narrower layer: cargo run --bin ch4_stacked -- --hidden 128,64,16",
        "real handwriting: cargo run --bin ch4_stacked -- --data DATA/mnist",
    ],
    expectations: &[
        Expect::is(&[], "claims_not_shown", "0"),
        Expect::near(&[], "accuracy_pixels", 0.9450, 0.00005),
        Expect::near(&[], "accuracy_one_ae", 0.9470, 0.00005),
        Expect::near(&[], "accuracy_stacked", 0.9310, 0.00005),
        Expect::near(&[], "accuracy_stacked_denoising", 0.9360, 0.00005),
        Expect::near(&[], "accuracy_stacked_sparse", 0.9360, 0.00005),
        Expect::near(&[], "accuracy_one_ae_finetuned", 0.9570, 0.00005),
        Expect::near(&[], "accuracy_stacked_finetuned", 0.9470, 0.00005),
        Expect::near(&[], "accuracy_finetuned", 0.9570, 0.00005),
        Expect::near(&[], "accuracy_stacked_sparse_finetuned", 0.9490, 0.00005),
        Expect::near(&[], "near_zero_fraction_stacked", 0.1533, 0.00005),
        Expect::near(&[], "near_zero_fraction_stacked_sparse", 0.3741, 0.00005),
        Expect::near(&[], "receptive_radius_layer1", 9.44, 0.005),
        Expect::near(&[], "receptive_radius_layer2", 8.76, 0.005),
        Expect::near(&[], "receptive_radius_uniform", 11.42, 0.005),
        Expect::near(&["--noise", "0.5"], "accuracy_stacked_denoising", 0.9370, 0.00005),
        Expect::near(&["--noise", "0.5"], "accuracy_stacked", 0.9310, 0.00005),
        Expect::near(&["--hidden", "128,64,16"], "accuracy_stacked", 0.8610, 0.00005),
        Expect::near(&["--hidden", "128,64,16"], "accuracy_stacked_denoising", 0.8860, 0.00005),
        Expect::near(&["--hidden", "128,64,16"], "accuracy_stacked_finetuned", 0.9480, 0.00005),
        Expect::near(&["--hidden", "128,64,16"], "accuracy_finetuned", 0.9460, 0.00005),
        Expect::near(&["--data", "DATA/mnist"], "accuracy_pixels", 0.8740, 0.00005),
        Expect::near(&["--data", "DATA/mnist"], "accuracy_one_ae", 0.9045, 0.00005),
        Expect::near(&["--data", "DATA/mnist"], "accuracy_stacked", 0.8945, 0.00005),
        Expect::near(&["--data", "DATA/mnist"], "accuracy_stacked_denoising", 0.8970, 0.00005),
        Expect::near(&["--data", "DATA/mnist"], "accuracy_stacked_sparse", 0.9010, 0.00005),
        Expect::near(&["--data", "DATA/mnist"], "accuracy_one_ae_finetuned", 0.9210, 0.00005),
        Expect::near(&["--data", "DATA/mnist"], "accuracy_stacked_finetuned", 0.9260, 0.00005),
        Expect::near(&["--data", "DATA/mnist"], "accuracy_finetuned", 0.9270, 0.00005),
        Expect::near(&["--data", "DATA/mnist"], "accuracy_stacked_sparse_finetuned", 0.9390, 0.00005),
    ],
};

/// The article's claims this chapter tests, each with the Results keys and the condition
/// that decide its verdict on every run (see [`crate::workbook::claims`]).
pub const CLAIMS: &[Claim] = &[
    Claim {
        id: "levels",
        section: "§1",
        claim: "stacked layers build features level by level: borders first, then traces made of them",
        verdict: Corrected,
        finding: "not seen here: first-layer units already reach across most of the digit, and second-layer units \
                  reach no further",
        evidence: &[
            Check::gt(k("receptive_radius_layer1"), x(0.7, "receptive_radius_uniform")),
            Check::le(k("receptive_radius_layer2"), k("receptive_radius_layer1")),
        ],
    },
    Claim {
        id: "stack-of-sparse",
        section: "§4.4",
        claim: "a stacked autoencoder is several layers of sparse autoencoders, trained one at a time",
        verdict: Reproduced,
        finding: "a greedy stack with a KL penalty on every code has sparser top codes than the plain stack and \
                  classifies at least as well",
        evidence: &[
            Check::gt(k("near_zero_fraction_stacked_sparse"), k("near_zero_fraction_stacked")),
            Check::ge(k("accuracy_stacked_sparse"), k("accuracy_stacked")),
        ],
    },
    Claim {
        id: "compact-layers",
        section: "§4.4",
        claim: "each added layer makes a more compact code that still keeps the important features",
        verdict: Reproduced,
        finding: "the 64-number top code classifies within a few points of the 784 raw pixels",
        evidence: &[Check::gt(k("accuracy_stacked"), x(0.97, "accuracy_pixels"))],
    },
    Claim {
        id: "denoising-stack",
        section: "§4.4",
        claim: "corrupting each layer's input while it is trained helps the stack learn useful features",
        verdict: Reproduced,
        finding: "the stacked denoising codes classify at least as well as the plain stack's (a gap within sampling noise)",
        evidence: &[Check::ge(k("accuracy_stacked_denoising"), k("accuracy_stacked"))],
    },
    Claim {
        id: "codes-to-svm",
        section: "§4.4",
        claim: "the stack's output can feed a separate SVM or multi-class logistic regression",
        verdict: Reproduced,
        finding: "both classifiers on the stacked denoising codes get most held-out digits right",
        evidence: &[
            Check::gt(k("accuracy_stacked_denoising"), n(0.85)),
            Check::gt(k("accuracy_stacked_denoising_svm"), n(0.85)),
        ],
    },
    Claim {
        id: "fine-tuning",
        section: "§4.4",
        claim: "(not in the article) fine-tuning the whole stack with the classifier on top adds the most",
        verdict: Extended,
        finding: "fine-tuned by backpropagation, both stacks beat their frozen codes",
        evidence: &[
            Check::gt(k("accuracy_finetuned"), k("accuracy_stacked_denoising")),
            Check::gt(k("accuracy_stacked_finetuned"), k("accuracy_stacked")),
        ],
    },
];
