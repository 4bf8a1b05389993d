//! The workbook's table of contents (the default binary: `cargo run`).

use autoencoders::render::text::Table;
use autoencoders::workbook::catalog::{CHAPTERS, command};
use autoencoders::workbook::claims::{ledger_table, ledger_tally};
use autoencoders::workbook::cli::{self, Args, Opt, Results, Spec};
use autoencoders::workbook::gallery;
use autoencoders::workbook::ledger::LEDGER;

const SPEC: Spec = Spec {
    name: "contents",
    section: "all",
    about: "the chapters of the workbook and the command that runs each",
    data: None,
    options: &[Opt {
        name: "claims",
        value: None,
        help: "the article's claims in its order, each with the workbook's verdict and the chapter that shows it",
    }],
    exercises: &["start with the first chapter: cargo run --bin ch1_identity"],
    expectations: &[],
};

fn main() {
    cli::run(&SPEC, body);
}

fn body(args: &Args) -> autoencoders::Result<()> {
    if args.flag("claims") {
        return claims();
    }
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

/// `--claims`: the whole ledger as one Markdown table (the README carries the same table).
fn claims() -> autoencoders::Result<()> {
    println!("The article's claims in its order: what it says (in our words), the verdict the workbook");
    println!("reaches, what running code shows, and the chapter whose Results decide it. Each chapter works");
    println!("its verdicts out again from its own run and prints them in a Claims block.\n");
    print!("{}", ledger_table(LEDGER));
    println!();
    let mut r = Results::new();
    ledger_tally(LEDGER).add_to(&mut r);
    r.print();
    Ok(())
}
