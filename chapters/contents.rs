//! The workbook's table of contents (the default binary: `cargo run`), and with `--all` the
//! whole book: every chapter run in order, then the page that shows them all.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use autoencoders::render::text::Table;
use autoencoders::workbook::catalog::{CHAPTERS, command};
use autoencoders::workbook::claims::{ledger_table, ledger_tally};
use autoencoders::workbook::cli::{self, Args, DEFAULT_SEED, Results};
use autoencoders::workbook::ledger::LEDGER;
use autoencoders::workbook::specs::contents::SPEC;
use autoencoders::workbook::{gallery, runner};

fn main() {
    cli::run(&SPEC, body);
}

fn body(args: &Args) -> autoencoders::Result<()> {
    if args.flag("claims") {
        return claims();
    }
    if args.flag("all") {
        return all(args);
    }
    println!("An autoencoder workbook: the article \"Auto Encoder with Practical Implementation\",");
    println!("rebuilt in Rust from std alone. One binary per section; add --help to any for its options.\n");
    let mut t = Table::new(&["chapter", "article", "what it shows", "command"]);
    for c in CHAPTERS {
        t.row(vec![c.name.into(), c.section.into(), c.shows.into(), command(c.name)]);
    }
    print!("{}", t.render());
    println!("\nEach chapter adds its Results and pictures to one page: {}", gallery::page_path(&args.out).display());
    println!("All of them in order, then that page: cargo run -- --all");
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

/// Every chapter in order, one progress line (on a terminal), then where the page is.
fn all(args: &Args) -> autoencoders::Result<()> {
    let root = gallery::root_of(&args.out);
    let mut extra = Vec::new();
    if args.quick {
        extra.push("--quick".to_string());
    }
    if args.seed != DEFAULT_SEED {
        extra.extend(["--seed".to_string(), args.seed.to_string()]);
    }
    runner::build_chapters()?;
    let start = Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let ran = runner::run_all(&root, &extra, |i, name| {
        if terminal {
            let line =
                format!("[{:>2}/{}] {name} ({:.0} s so far)", i + 1, CHAPTERS.len(), start.elapsed().as_secs_f64());
            eprint!("\r{line:<60}");
            let _ = std::io::stderr().flush();
        }
    });
    if terminal {
        eprint!("\r{:<60}\r", "");
    }
    let ran = ran?;
    let page = gallery::page_path(&args.out);
    println!(
        "Ran all {ran} chapters in {:.0} s; their outputs are in {}.",
        start.elapsed().as_secs_f64(),
        root.join("logs").display()
    );
    println!("The book, every chapter on one page: {}\n", page.display());
    let mut r = Results::new();
    r.add("chapters_run", ran);
    r.add("gallery", page.display());
    r.print();
    Ok(())
}
