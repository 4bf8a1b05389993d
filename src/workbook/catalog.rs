//! The workbook's table of contents: every chapter binary that exists, its article section and
//! what it shows. `contents` prints it; a test checks it against Cargo.toml's `[[bin]]` list.

/// One chapter binary.
#[derive(Clone, Copy, Debug)]
pub struct Chapter {
    pub name: &'static str,
    pub section: &'static str,
    pub shows: &'static str,
}

/// The chapters that exist, in the article's order.
pub const CHAPTERS: &[Chapter] = &[
    Chapter {
        name: "ch1_identity",
        section: "§1",
        shows: "a 4-2-4 autoencoder of one-hot vectors: each input's 2-number code and reconstruction",
    },
    Chapter {
        name: "ch1_mnist",
        section: "§1",
        shows: "a 784-25-784 autoencoder on digit images: reconstructions and a walk between two codes (PNG), error per epoch (SVG)",
    },
    Chapter {
        name: "ch1_features",
        section: "§1, §4.4",
        shows: "autoencoder codes fed to softmax regression, against raw pixels and 25 PCA components",
    },
    Chapter {
        name: "ch2_structure",
        section: "§2",
        shows: "encoder/decoder and the bottleneck: error against code size; a linear AE spans PCA's subspace; 2-D codes drawn",
    },
    Chapter {
        name: "ch3_training_steps",
        section: "§3",
        shows: "the seven training steps on a customer × product table, backprop beside numeric gradients",
    },
    Chapter {
        name: "ch3_unpooling",
        section: "§3.1",
        shows: "the 4×4 worked example: pooling with switches, four unpooling steps, their sum",
    },
    Chapter {
        name: "ch3_conv_autoencoder",
        section: "§3.1",
        shows: "a trained conv autoencoder (conv, pool with switches, unpool, deconv) against a dense one",
    },
    Chapter {
        name: "ch4_sparse",
        section: "§4.1",
        shows: "an overcomplete autoencoder on digit patches, plain and with KL, L1 and top-k sparsity; features as a PNG",
    },
    Chapter {
        name: "ch4_denoising",
        section: "§4.2",
        shows: "masking corruption: clean / corrupted / restored digits, a plain autoencoder against denoising ones",
    },
    Chapter {
        name: "ch4_contractive",
        section: "§4.3",
        shows: "the Jacobian penalty: plain, weight-decay, denoising and contractive codes compared on held-out digits",
    },
    Chapter {
        name: "ch4_stacked",
        section: "§4.4",
        shows: "greedy layer-wise (and stacked denoising) autoencoders; top codes into softmax and an SVM",
    },
    Chapter {
        name: "ch4_deep",
        section: "§4.5",
        shows: "a stack of RBMs unrolled into a deep autoencoder and fine-tuned, against random init and PCA",
    },
    Chapter {
        name: "ch5_recommender",
        section: "§5",
        shows: "the article's recommender on MovieLens: faithful run, honest metrics, baselines, your own top 10",
    },
];

/// The command that runs a chapter.
pub fn command(name: &str) -> String {
    format!("cargo run --bin {name}")
}

/// The article's claims a chapter tests, each with the Results keys and the condition that
/// decide it: the ledger, kept in [`crate::workbook::ledger`].
pub fn claims(chapter: &str) -> &'static [crate::workbook::claims::Claim] {
    crate::workbook::ledger::of(chapter)
}
