//! The workbook's table of contents (the default binary: `cargo run`).

use autoencoders::render::text::Table;
use autoencoders::workbook::catalog::{CHAPTERS, command};
use autoencoders::workbook::cli::{self, Args, Results, Spec};
use autoencoders::workbook::gallery;

const SPEC: Spec = Spec {
    name: "contents",
    section: "all",
    about: "the chapters of the workbook and the command that runs each",
    data: None,
    options: &[],
    exercises: &["start with the first chapter: cargo run --bin ch1_identity"],
    expectations: &[],
};

fn main() {
    cli::run(&SPEC, body);
}

fn body(args: &Args) -> autoencoders::Result<()> {
    println!("An autoencoder workbook: the article \"Auto Encoder with Practical Implementation\",");
    println!("rebuilt in Rust from std alone. One binary per section; add --help to any for its options.\n");
    let mut t = Table::new(&["chapter", "article", "what it shows", "command"]);
    for c in CHAPTERS {
        t.row(vec![c.name.into(), c.section.into(), c.shows.into(), command(c.name)]);
    }
    print!("{}", t.render());
    println!("\nEach chapter adds its Results and pictures to one page: {}", gallery::page_path(&args.out).display());
    println!("The checks behind every chapter: cargo test\n");
    let mut r = Results::new();
    r.add("chapters", CHAPTERS.len());
    r.print();
    Ok(())
}
