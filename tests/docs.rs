//! The docs cannot drift from the output:
//!
//! - the README's claims table is the ledger's, and `contents --claims` prints the same table;
//! - every exercise in a chapter's `--help` is one of its expectations (the spec's flags, a
//!   Results key, a value and a tolerance; `tests/exercises.rs` runs them), and every number
//!   its text states is the value of one of them;
//! - every number with a decimal point or a % in a chapter's README section is the value of
//!   one of that chapter's expectations, at the precision written, or a setting its `--help`
//!   names, or (for §5) a figure of the PyTorch reference.
//!
//! On a mismatch the test prints what the docs should say.

mod common;
use common::*;

use std::path::PathBuf;
use std::process::Command;

use autoencoders::recommender::experiment::PUBLISHED_U1;
use autoencoders::workbook::catalog::CHAPTERS;
use autoencoders::workbook::claims::ledger_table;
use autoencoders::workbook::cli::Expectation;
use autoencoders::workbook::ledger::LEDGER;

fn exe(name: &str) -> PathBuf {
    let me = std::env::current_exe().unwrap();
    me.parent().unwrap().parent().unwrap().join(name)
}

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

fn output_of(chapter: &str, arg: &str) -> String {
    let o = Command::new(exe(chapter)).arg(arg).output().unwrap();
    assert_ok(&o);
    stdout(&o)
}

fn expectations(chapter: &str) -> Vec<Expectation> {
    output_of(chapter, "--expectations").lines().map(|l| Expectation::parse(l).unwrap()).collect()
}

const CLAIMS_BEGIN: &str = "<!-- claims:begin (generated from src/workbook/ledger.rs; tests/docs.rs checks it) -->\n";
const CLAIMS_END: &str = "<!-- claims:end -->";

#[test]
fn the_readme_carries_the_ledger_and_contents_prints_it() {
    let table = ledger_table(LEDGER);
    let text = readme();
    let block = text
        .split_once(CLAIMS_BEGIN)
        .and_then(|(_, rest)| rest.split_once(CLAIMS_END))
        .map(|(b, _)| b)
        .unwrap_or_else(|| panic!("README.md has no block between {CLAIMS_BEGIN:?} and {CLAIMS_END:?}"));
    assert!(
        block == table,
        "README.md's claims table differs from the ledger; between the markers it should read:\n{table}"
    );
    let printed = output_of("contents", "--claims");
    let rows: String = printed.lines().filter(|l| l.starts_with('|')).map(|l| format!("{l}\n")).collect();
    assert_eq!(rows, table, "`contents --claims` does not print the ledger's table");
}

#[test]
fn the_ledger_covers_the_article_and_its_errata() {
    let all: Vec<(&str, &autoencoders::workbook::claims::Claim)> =
        LEDGER.iter().flat_map(|(ch, cs)| cs.iter().map(move |c| (*ch, c))).collect();
    assert!(all.len() >= 40, "{} claims", all.len());
    for section in ["§1", "§2", "§3", "§3.1", "§4.1", "§4.2", "§4.3", "§4.4", "§4.5", "§5"] {
        assert!(all.iter().any(|(_, c)| c.section == section), "no claim of {section}");
    }
    for sub in ["§5 1.3", "§5 1.5", "§5 2.1", "§5 3", "§5 4"] {
        assert!(all.iter().any(|(_, c)| c.section == sub), "no claim of {sub}");
    }
    for letter in 'a'..='h' {
        let id = format!("erratum-{letter}");
        let found: Vec<_> = all.iter().filter(|(_, c)| c.id == id).collect();
        assert_eq!(found.len(), 1, "{id}");
        assert_eq!(found[0].1.verdict, autoencoders::workbook::claims::Verdict::Corrected, "{id}");
    }
    let mut ids: Vec<&str> = all.iter().map(|(_, c)| c.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "a claim id is used twice");
    for (chapter, _) in LEDGER {
        assert!(CHAPTERS.iter().any(|c| c.name == *chapter), "the ledger names an unknown chapter {chapter}");
    }
    for c in CHAPTERS.iter().filter(|c| c.name != "contents") {
        assert!(!autoencoders::workbook::catalog::claims(c.name).is_empty(), "{} tests no claim", c.name);
    }
}

/// A number as the docs write it: its digits, how many decimals, and whether a % follows.
#[derive(Debug)]
struct Token {
    text: String,
    decimals: usize,
    percent: bool,
}

/// The numbers in `text` worth checking: those with a decimal point or a % after them. Skips
/// numbers inside `code spans`, section marks (§4.1) and durations (`18 s`).
fn numbers(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut in_code = false;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            i += 1;
            continue;
        }
        // A sub-step of the article's §5 is written `§5 1.3`: a section mark, not a number.
        let sub_step = i >= 3 && chars[i - 1] == ' ' && chars[i - 2].is_ascii_digit() && chars[i - 3] == '§';
        let starts = c.is_ascii_digit()
            && !sub_step
            && (i == 0 || !(chars[i - 1].is_alphanumeric() || matches!(chars[i - 1], '_' | '.' | '§' | '/')));
        if in_code || !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '.') {
            j += 1;
        }
        let mut token: String = chars[i..j].iter().collect();
        while token.ends_with('.') {
            token.pop();
        }
        // A range such as 0.019–0.022 s is a duration as a whole.
        let mut end = j;
        if chars.get(end) == Some(&'–') {
            end += 1;
            while end < chars.len() && (chars[end].is_ascii_digit() || chars[end] == '.') {
                end += 1;
            }
        }
        let rest: String = chars[j..chars.len().min(j + 3)].iter().collect();
        let after: String = chars[end..chars.len().min(end + 3)].iter().collect();
        let percent = rest.starts_with(" %") || rest.starts_with('%');
        let duration = after.starts_with(" s") && !after.chars().nth(2).is_some_and(char::is_alphanumeric);
        let decimals = token.split_once('.').map_or(0, |(_, d)| d.len());
        if !duration && (decimals > 0 || percent) {
            out.push(Token { text: token, decimals, percent });
        }
        i = j;
    }
    out
}

/// Whether an expectation's value, written as the token is (same decimals, ×100 for a %),
/// reads as the token.
fn renders_as(e: &Expectation, t: &Token) -> bool {
    e.number().is_some_and(|v| format!("{:.*}", t.decimals, if t.percent { 100.0 * v } else { v }) == t.text)
}

/// Every token of `text` that neither an expectation in `scope` nor one of `settings` accounts for.
fn unexplained(text: &str, scope: &[&Expectation], settings: &[String]) -> Vec<String> {
    numbers(text)
        .into_iter()
        .filter(|t| !scope.iter().any(|e| renders_as(e, t)) && !settings.contains(&t.text))
        .map(|t| if t.percent { format!("{} %", t.text) } else { t.text })
        .collect()
}

/// Every number written in `text`, with or without decimals (the settings a help text names).
fn all_numbers(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map(|s| s.trim_end_matches('.'))
        .filter(|s| s.starts_with(|c: char| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

/// The flags of an exercise's command: what follows `cargo run --bin <chapter> --`, up to the
/// end or a word that ends with a comma.
fn exercise_args(exercise: &str, chapter: &str) -> Option<Vec<String>> {
    let command = format!("cargo run --bin {chapter}");
    let after = &exercise[exercise.find(&command)? + command.len()..];
    let Some(flags) = after.strip_prefix(" -- ") else { return Some(Vec::new()) };
    let mut args = Vec::new();
    for word in flags.split_whitespace() {
        match word.strip_suffix(',') {
            Some(w) => {
                args.push(w.to_string());
                break;
            }
            None => args.push(word.trim_end_matches('`').to_string()),
        }
    }
    Some(args)
}

fn without_quick(args: &[String]) -> Vec<String> {
    args.iter().filter(|a| *a != "--quick").cloned().collect()
}

#[test]
fn every_exercise_is_an_expectation_and_its_numbers_are_their_values() {
    let mut problems = Vec::new();
    for c in CHAPTERS.iter().filter(|c| c.name != "contents") {
        let help = output_of(c.name, "--help");
        let all = expectations(c.name);
        let exercises = help.split("\nexercises:\n").nth(1).unwrap_or("");
        for line in exercises.lines() {
            let text = line.trim_start().trim_start_matches("- ");
            let Some(args) = exercise_args(text, c.name) else {
                problems.push(format!("{}: exercise without its command: {text}", c.name));
                continue;
            };
            let own: Vec<&Expectation> = all.iter().filter(|e| without_quick(&e.args) == args).collect();
            if own.is_empty() {
                problems.push(format!("{}: no expectation runs the exercise {:?}", c.name, args.join(" ")));
            }
            let scope: Vec<&Expectation> =
                own.iter().copied().chain(all.iter().filter(|e| e.args.is_empty())).collect();
            let prose = &text[..text.find("cargo run").unwrap_or(text.len())];
            let bad = unexplained(prose, &scope, &all_numbers(&args.join(" ")));
            if !bad.is_empty() {
                problems
                    .push(format!("{}: exercise {:?} states {bad:?}, which no expectation of it has", c.name, prose));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Figures of the PyTorch reference runs that the README quotes beside the workbook's, from
/// `../shared/reference/README.md` (checked against it when that file is there).
const REFERENCE: &[&str] = &["0.9127", "0.9557", "0.9765", "0.7600", "3.7293", "3.71", "0.955", "0.755", "0.0368"];

/// The README's section of each chapter: from its `### `name`` heading to the next heading.
fn sections(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in text.split("\n### `").skip(1) {
        let Some((name, rest)) = part.split_once('`') else { continue };
        let body = rest.split("\n## ").next().unwrap_or(rest);
        out.push((name.to_string(), body.to_string()));
    }
    out
}

#[test]
fn every_number_in_the_readmes_chapter_sections_is_an_expected_value() {
    let text = readme();
    let reference = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference/README.md"));
    if let Ok(r) = &reference {
        for f in REFERENCE {
            assert!(r.contains(f), "the reference README does not say {f}");
        }
    }
    let mut problems = Vec::new();
    let found = sections(&text);
    for c in CHAPTERS.iter().filter(|c| c.name != "contents") {
        let Some((_, body)) = found.iter().find(|(n, _)| n == c.name) else {
            problems.push(format!("README.md has no section for {}", c.name));
            continue;
        };
        let all = expectations(c.name);
        let scope: Vec<&Expectation> = all.iter().collect();
        // The settings its help names (the options and their defaults, not the exercises).
        let help = output_of(c.name, "--help");
        let mut settings = all_numbers(help.split("\nexercises:\n").next().unwrap_or(""));
        settings.extend(REFERENCE.iter().map(|s| s.to_string()));
        // Published u1 figures, as ch5 prints them beside its own (cited there and in the README).
        settings.extend(PUBLISHED_U1.iter().map(|(_, v)| v.to_string()));
        let bad = unexplained(body, &scope, &settings);
        if !bad.is_empty() {
            problems.push(format!("{}: the README states {bad:?}, which none of its expectations has", c.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn numbers_are_found_as_written() {
    let t = numbers(
        "codes 86.3 %, pixels 93.50 %, `--lr 0.001`, §4.1, §5 1.3, 12 epochs, 0.0223. (18 s), 0.69 s; 7 %, 0.1–0.2 s",
    );
    let got: Vec<(&str, usize, bool)> = t.iter().map(|t| (t.text.as_str(), t.decimals, t.percent)).collect();
    assert_eq!(got, [("86.3", 1, true), ("93.50", 2, true), ("0.0223", 4, false), ("7", 0, true)]);
    assert_eq!(
        exercise_args("try it: cargo run --bin ch3_unpooling -- --out /tmp/u, then open", "ch3_unpooling").unwrap(),
        ["--out", "/tmp/u"]
    );
    assert_eq!(exercise_args("cargo run --bin ch1_identity", "ch1_identity").unwrap(), Vec::<String>::new());
}
