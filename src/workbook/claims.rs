//! The article's claims, each with the verdict a run's own numbers support.
//!
//! A [`Claim`] restates one thing the article says (in our words, citing its section), the
//! verdict the workbook reaches on it, and the evidence: Results keys and a condition on their
//! values. A chapter does not type its verdicts in. At the end of every run
//! ([`crate::workbook::cli::Results`] finishing, see [`conclude`]) each claim of that chapter's
//! ledger ([`crate::workbook::ledger`]) is checked against the Results the run just produced:
//!
//! ```text
//! every check holds           → the claim's verdict (reproduced, corrected or extended)
//! a check fails, a key absent → "not shown in this run", with the values that failed
//! ```
//!
//! so a flag or a seed that changes the outcome changes what is printed, never into a verdict
//! the run did not see. The counts go into the Results as `claims`, `claims_reproduced`,
//! `claims_corrected`, `claims_extended` and `claims_not_shown`.
//!
//! ```
//! use autoencoders::workbook::claims::{Check, Claim, Outcome, Term, Verdict, evaluate};
//! const C: Claim = Claim {
//!     id: "demo",
//!     section: "§1",
//!     claim: "the code beats the pixels",
//!     verdict: Verdict::Corrected,
//!     finding: "the pixels win",
//!     evidence: &[Check::lt(Term::key("codes"), Term::key("pixels"))],
//! };
//! let lines = |c: &str| vec![("codes".to_string(), c.to_string()), ("pixels".to_string(), "0.93".to_string())];
//! assert_eq!(evaluate(&C, &lines("0.86")).outcome, Outcome::Shown(Verdict::Corrected));
//! assert!(matches!(evaluate(&C, &lines("0.95")).outcome, Outcome::NotShown(_)));
//! ```

use std::fmt::Write as _;

use crate::workbook::cli::Results;

/// What running code says about a claim of the article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The run shows what the article says.
    Reproduced,
    /// The run shows the article is wrong, or vague in a way that matters.
    Corrected,
    /// The run shows something the article does not do or say.
    Extended,
}

impl Verdict {
    pub const ALL: [Verdict; 3] = [Verdict::Reproduced, Verdict::Corrected, Verdict::Extended];

    pub fn name(self) -> &'static str {
        match self {
            Verdict::Reproduced => "reproduced",
            Verdict::Corrected => "corrected",
            Verdict::Extended => "extended",
        }
    }
}

/// One side of a comparison: a Results value, a constant, or a constant times a value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Term {
    Key(&'static str),
    Num(f64),
    Times(f64, &'static str),
}

impl Term {
    pub const fn key(k: &'static str) -> Term {
        Term::Key(k)
    }

    pub const fn num(v: f64) -> Term {
        Term::Num(v)
    }

    pub const fn times(c: f64, k: &'static str) -> Term {
        Term::Times(c, k)
    }

    fn value(self, lines: &[(String, String)]) -> Result<f64, String> {
        let read = |k: &str| -> Result<f64, String> {
            let v = lookup(lines, k).ok_or_else(|| format!("{k} is not among this run's Results"))?;
            v.parse::<f64>().map_err(|_| format!("{k} is {v:?}, not a number"))
        };
        match self {
            Term::Key(k) => read(k),
            Term::Num(v) => Ok(v),
            Term::Times(c, k) => Ok(c * read(k)?),
        }
    }

    fn describe(self) -> String {
        match self {
            Term::Key(k) => k.to_string(),
            Term::Num(v) => number(v),
            Term::Times(c, k) => format!("{}·{k}", number(c)),
        }
    }

    /// The term with its value, as the Claims block prints it: `accuracy_codes 0.8625`,
    /// `0.5·(mean_image_mse 0.05530)`.
    fn with_value(self, lines: &[(String, String)]) -> String {
        match self {
            Term::Key(k) => format!("{k} {}", lookup(lines, k).unwrap_or("(absent)")),
            Term::Num(v) => number(v),
            Term::Times(c, k) => format!("{}·({k} {})", number(c), lookup(lines, k).unwrap_or("(absent)")),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "≤",
            Op::Gt => ">",
            Op::Ge => "≥",
        }
    }

    fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
        }
    }
}

/// One condition on a run's Results. A claim's evidence holds when all of its checks do.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Check {
    /// A comparison of two numbers.
    Cmp(Term, Op, Term),
    /// A key whose value is exactly this text (`stuck: false`, `reconstructed: 4/4`).
    Is(&'static str, &'static str),
}

impl Check {
    pub const fn lt(a: Term, b: Term) -> Check {
        Check::Cmp(a, Op::Lt, b)
    }

    pub const fn le(a: Term, b: Term) -> Check {
        Check::Cmp(a, Op::Le, b)
    }

    pub const fn gt(a: Term, b: Term) -> Check {
        Check::Cmp(a, Op::Gt, b)
    }

    pub const fn ge(a: Term, b: Term) -> Check {
        Check::Cmp(a, Op::Ge, b)
    }

    pub const fn is(key: &'static str, text: &'static str) -> Check {
        Check::Is(key, text)
    }

    /// The condition without values: `accuracy_codes < accuracy_pixels`.
    pub fn describe(&self) -> String {
        match *self {
            Check::Cmp(a, op, b) => format!("{} {} {}", a.describe(), op.symbol(), b.describe()),
            Check::Is(k, t) => format!("{k} = {t}"),
        }
    }

    /// The Results keys this check reads.
    pub fn keys(&self) -> Vec<&'static str> {
        let of = |t: Term| match t {
            Term::Key(k) | Term::Times(_, k) => Some(k),
            Term::Num(_) => None,
        };
        match *self {
            Check::Cmp(a, _, b) => of(a).into_iter().chain(of(b)).collect(),
            Check::Is(k, _) => vec![k],
        }
    }

    /// Whether the check holds on these Results, and the check with this run's values
    /// (`accuracy_codes 0.8625 < accuracy_pixels 0.9350`), or why it could not be read.
    pub fn eval(&self, lines: &[(String, String)]) -> Result<(bool, String), String> {
        match *self {
            Check::Cmp(a, op, b) => {
                let (x, y) = (a.value(lines)?, b.value(lines)?);
                let ok = op.holds(x, y);
                let sym = if ok { op.symbol().to_string() } else { format!("is not {}", op.symbol()) };
                Ok((ok, format!("{} {sym} {}", a.with_value(lines), b.with_value(lines))))
            }
            Check::Is(k, t) => {
                let v = lookup(lines, k).ok_or_else(|| format!("{k} is not among this run's Results"))?;
                Ok((v == t, if v == t { format!("{k} = {v}") } else { format!("{k} = {v}, not {t}") }))
            }
        }
    }
}

/// One claim of the article and the evidence that decides it.
#[derive(Clone, Copy, Debug)]
pub struct Claim {
    /// Short and stable: `erratum-a` … `erratum-h` for the errata, otherwise free.
    pub id: &'static str,
    /// The article's section, and for §5 its sub-step: `§4.2`, `§5 1.3`.
    pub section: &'static str,
    /// What the article says, in our words.
    pub claim: &'static str,
    /// The verdict when every check of `evidence` holds.
    pub verdict: Verdict,
    /// What the running code shows, in a phrase.
    pub finding: &'static str,
    pub evidence: &'static [Check],
}

impl Claim {
    /// The evidence condition without values, checks joined by "and".
    pub fn condition(&self) -> String {
        self.evidence.iter().map(Check::describe).collect::<Vec<_>>().join(" and ")
    }

    /// Every Results key the evidence reads, each once, in order.
    pub fn keys(&self) -> Vec<&'static str> {
        let mut keys: Vec<&'static str> = Vec::new();
        for k in self.evidence.iter().flat_map(Check::keys) {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        keys
    }
}

/// What one run shows about a claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Shown(Verdict),
    /// Why not: the first check that failed, with its values, or the key that is missing.
    NotShown(String),
}

/// A claim checked against one run's Results.
#[derive(Clone, Debug)]
pub struct Judged {
    pub outcome: Outcome,
    /// Every check with this run's values (the ones read before a missing key).
    pub evidence: Vec<String>,
}

/// Checks `claim` against a run's `key: value` lines.
pub fn evaluate(claim: &Claim, lines: &[(String, String)]) -> Judged {
    let mut evidence = Vec::new();
    for check in claim.evidence {
        match check.eval(lines) {
            Ok((true, text)) => evidence.push(text),
            Ok((false, text)) => {
                evidence.push(text.clone());
                return Judged { outcome: Outcome::NotShown(text), evidence };
            }
            Err(why) => return Judged { outcome: Outcome::NotShown(why), evidence },
        }
    }
    if claim.evidence.is_empty() {
        return Judged { outcome: Outcome::NotShown("the ledger names no evidence".into()), evidence };
    }
    Judged { outcome: Outcome::Shown(claim.verdict), evidence }
}

/// How many claims ended in each verdict, and how many were not shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub claims: usize,
    pub reproduced: usize,
    pub corrected: usize,
    pub extended: usize,
    pub not_shown: usize,
}

impl Tally {
    pub fn count(&mut self, outcome: &Outcome) {
        self.claims += 1;
        match outcome {
            Outcome::Shown(Verdict::Reproduced) => self.reproduced += 1,
            Outcome::Shown(Verdict::Corrected) => self.corrected += 1,
            Outcome::Shown(Verdict::Extended) => self.extended += 1,
            Outcome::NotShown(_) => self.not_shown += 1,
        }
    }

    /// The five `claims*` Results keys.
    pub fn add_to(&self, r: &mut Results) {
        r.add("claims", self.claims);
        r.add("claims_reproduced", self.reproduced);
        r.add("claims_corrected", self.corrected);
        r.add("claims_extended", self.extended);
        r.add("claims_not_shown", self.not_shown);
    }
}

/// Where the text under a claim starts, and how wide it may run.
const INDENT: &str = "                ";
const WIDTH: usize = 84;

/// The Claims block a chapter prints before its Results, and its tally.
pub fn block(chapter: &str, claims: &[Claim], lines: &[(String, String)]) -> (String, Tally) {
    let mut tally = Tally::default();
    let mut s = String::new();
    if claims.is_empty() {
        return (s, tally);
    }
    let _ = writeln!(s, "Claims: what the article says, and what this run of {chapter} shows");
    let _ = writeln!(s, "(verdicts worked out from the Results below; the whole ledger: cargo run -- --claims)");
    for c in claims {
        let j = evaluate(c, lines);
        tally.count(&j.outcome);
        let label = match &j.outcome {
            Outcome::Shown(v) => v.name(),
            Outcome::NotShown(_) => "not shown",
        };
        let _ = writeln!(s, "  {label:<10}  {} ({})", c.id, c.section);
        let _ = writeln!(s, "      article   {}", wrap(c.claim, WIDTH, INDENT));
        match &j.outcome {
            Outcome::Shown(_) => {
                let _ = writeln!(s, "      run       {}", wrap(c.finding, WIDTH, INDENT));
                let _ = writeln!(s, "      evidence  {}", wrap(&j.evidence.join("; "), WIDTH, INDENT));
            }
            Outcome::NotShown(why) => {
                let _ =
                    writeln!(s, "      run       {}", wrap(&format!("not shown in this run: {why}"), WIDTH, INDENT));
            }
        }
    }
    (s, tally)
}

/// The end of every chapter run, called as its Results finish: prints the Claims block of
/// `chapter`'s ledger against the Results so far and adds the `claims*` keys to them. Returns
/// one line per claim for the book's page (`verdict: id (§): what the run shows`, or why it
/// was not shown), empty when the chapter tests no claim.
pub fn conclude(chapter: &str, results: &mut Results) -> Vec<String> {
    let claims = crate::workbook::catalog::claims(chapter);
    if claims.is_empty() {
        return Vec::new();
    }
    let (text, tally) = block(chapter, claims, results.lines());
    println!("{text}");
    let page = claims
        .iter()
        .map(|c| match evaluate(c, results.lines()).outcome {
            Outcome::Shown(v) => format!("{}: {} ({}): {}", v.name(), c.id, c.section, c.finding),
            Outcome::NotShown(why) => format!("not shown in this run: {} ({}): {why}", c.id, c.section),
        })
        .collect();
    tally.add_to(results);
    page
}

/// A constant as the ledger shows it: `0.5`, `1e-6`.
fn number(v: f64) -> String {
    if v != 0.0 && v.abs() < 1e-3 { format!("{v:e}") } else { format!("{v}") }
}

/// `text` broken into lines of at most `width` characters (longer words stay whole), each
/// after the first starting with `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            out.push_str(indent);
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out
}

/// The last value of `key` in the lines, as [`crate::workbook::cli::result_value`] reads output.
fn lookup<'a>(lines: &'a [(String, String)], key: &str) -> Option<&'a str> {
    lines.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// An article section as numbers for sorting: `§5 1.3` → [5, 1, 3], `§4.2` → [4, 2].
pub fn section_rank(section: &str) -> Vec<u32> {
    section.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).filter_map(|p| p.parse().ok()).collect()
}

/// Escapes `|` for a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The whole ledger as a Markdown table, in the article's order (a stable sort by section,
/// so claims of one section keep the ledger's order): what `contents --claims` prints and the
/// README carries.
pub fn ledger_table(ledger: &[(&str, &[Claim])]) -> String {
    let mut rows: Vec<(&str, &Claim)> = ledger.iter().flat_map(|(ch, cs)| cs.iter().map(move |c| (*ch, c))).collect();
    rows.sort_by_key(|(_, c)| section_rank(c.section));
    let mut s = String::from("| id | § | the article says | verdict | what the run shows | chapter | evidence |\n");
    s.push_str("|---|---|---|---|---|---|---|\n");
    for (chapter, c) in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | `{}` | {} |",
            c.id,
            c.section,
            cell(c.claim),
            c.verdict.name(),
            cell(c.finding),
            chapter,
            cell(&c.condition())
        );
    }
    s
}

/// The ledger's declared verdicts counted, as `contents --claims` reports them (no run, so
/// nothing is "not shown").
pub fn ledger_tally(ledger: &[(&str, &[Claim])]) -> Tally {
    let mut t = Tally::default();
    for c in ledger.iter().flat_map(|(_, cs)| cs.iter()) {
        t.count(&Outcome::Shown(c.verdict));
    }
    t
}
