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
        shows: "a 784-25-784 autoencoder on digit images: originals beside reconstructions (PNG), error per epoch (SVG)",
    },
    Chapter {
        name: "ch1_features",
        section: "§1, §4.4",
        shows: "autoencoder codes fed to softmax regression, against raw pixels and 25 PCA components",
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
];

/// The command that runs a chapter.
pub fn command(name: &str) -> String {
    format!("cargo run --bin {name}")
}
