//! The chapters' small argument parser, their `--help` text and their `Results` block.
//!
//! Every chapter takes `--help`, `--seed N`, `--out DIR`, `--quick` and `--epochs N`;
//! chapters that can read real data also take `--data DIR`, and a chapter may declare a few
//! options of its own. Values come as `--flag value` or `--flag=value`. Anything unknown or
//! malformed is an [`Error::Usage`], which [`run`] prints with a usage line and exit status 2.

use std::fmt::Display;
use std::path::PathBuf;
use std::str::FromStr;

use crate::core::error::{Error, Result};
use crate::workbook::{gallery, stdout};

/// A chapter-specific option. `value` is the placeholder shown in help (`None` for a switch).
#[derive(Clone, Copy, Debug)]
pub struct Opt {
    pub name: &'static str,
    pub value: Option<&'static str>,
    pub help: &'static str,
}

/// What a chapter is and which options it takes.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// The binary's name, e.g. `ch1_identity`.
    pub name: &'static str,
    /// The article section it reproduces, e.g. `§1`.
    pub section: &'static str,
    pub about: &'static str,
    /// Help for `--data DIR`, or `None` if the chapter has no real-data mode.
    pub data: Option<&'static str>,
    pub options: &'static [Opt],
    /// "Try this and watch that" lines, each with its command.
    pub exercises: &'static [&'static str],
    /// What the exercises and the README promise, each as a run, a Results key and the value
    /// expected at seed 1: `tests/exercises.rs` runs them all, and the docs' numbers are
    /// checked against them (`tests/docs.rs`). `--expectations` prints them.
    pub expectations: &'static [Expect],
}

/// An outcome the docs promise: run the chapter with `args` (seed 1 unless they set one) and
/// the Results value of `key` meets `want`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Expect {
    /// The flags after `cargo run --bin <chapter> --`; none for the default run.
    pub args: &'static [&'static str],
    pub key: &'static str,
    pub want: Want,
}

/// What an [`Expect`] wants of its key's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Want {
    /// A number within `tol` of `value`.
    Near { value: f64, tol: f64 },
    /// Exactly this text.
    Is(&'static str),
    /// A number below the value of another key of the same run.
    Below(&'static str),
    /// A number above the value of another key of the same run.
    Above(&'static str),
}

impl Expect {
    pub const fn near(args: &'static [&'static str], key: &'static str, value: f64, tol: f64) -> Expect {
        Expect { args, key, want: Want::Near { value, tol } }
    }

    pub const fn is(args: &'static [&'static str], key: &'static str, text: &'static str) -> Expect {
        Expect { args, key, want: Want::Is(text) }
    }

    pub const fn below(args: &'static [&'static str], key: &'static str, other: &'static str) -> Expect {
        Expect { args, key, want: Want::Below(other) }
    }

    pub const fn above(args: &'static [&'static str], key: &'static str, other: &'static str) -> Expect {
        Expect { args, key, want: Want::Above(other) }
    }

    /// One tab-separated line: args (space-joined), key, relation, value and, for `near`, the
    /// tolerance. [`Expectation::parse`] reads it back.
    pub fn line(&self) -> String {
        let args = self.args.join(" ");
        match self.want {
            Want::Near { value, tol } => format!("{args}\t{}\tnear\t{value}\t{tol}", self.key),
            Want::Is(t) => format!("{args}\t{}\tis\t{t}", self.key),
            Want::Below(k) => format!("{args}\t{}\tbelow\t{k}", self.key),
            Want::Above(k) => format!("{args}\t{}\tabove\t{k}", self.key),
        }
    }
}

/// An [`Expect`] read back from its [`Expect::line`], as tests get it from a chapter binary.
#[derive(Clone, Debug, PartialEq)]
pub struct Expectation {
    pub args: Vec<String>,
    pub key: String,
    pub relation: String,
    /// The expected value, or the other key for `below` and `above`.
    pub value: String,
    pub tol: f64,
}

impl Expectation {
    pub fn parse(line: &str) -> Option<Expectation> {
        let f: Vec<&str> = line.split('\t').collect();
        let (args, key, relation, value) = (f.first()?, f.get(1)?, f.get(2)?, f.get(3)?);
        let tol = match *relation {
            "near" => f.get(4)?.parse().ok()?,
            "is" | "below" | "above" => 0.0,
            _ => return None,
        };
        Some(Expectation {
            args: args.split_whitespace().map(str::to_string).collect(),
            key: key.to_string(),
            relation: relation.to_string(),
            value: value.to_string(),
            tol,
        })
    }

    /// The expected number of a `near` expectation.
    pub fn number(&self) -> Option<f64> {
        if self.relation == "near" { self.value.parse().ok() } else { None }
    }

    /// Checks a run's printed output: `Ok` with the value found, or what is wrong.
    pub fn check(&self, output: &str) -> std::result::Result<String, String> {
        let got = result_value(output, &self.key).ok_or_else(|| format!("no `{}` in the Results", self.key))?;
        let num = |s: &str, what: &str| s.parse::<f64>().map_err(|_| format!("{what} {s:?} is not a number"));
        let ok = match self.relation.as_str() {
            "near" => (num(got, &self.key)? - num(&self.value, "expected")?).abs() <= self.tol,
            "is" => got == self.value,
            rel => {
                let other =
                    result_value(output, &self.value).ok_or_else(|| format!("no `{}` in the Results", self.value))?;
                let (a, b) = (num(got, &self.key)?, num(other, &self.value)?);
                if rel == "below" { a < b } else { a > b }
            }
        };
        let wanted = match self.relation.as_str() {
            "near" => format!("{} ± {}", self.value, self.tol),
            "is" => self.value.clone(),
            rel => format!("{rel} {} ({})", self.value, result_value(output, &self.value).unwrap_or("?")),
        };
        if ok { Ok(got.to_string()) } else { Err(format!("{} is {got}, expected {wanted}", self.key)) }
    }
}

/// The widest layer a chapter accepts: wider ones would need gigabytes and teach nothing more.
pub const MAX_WIDTH: usize = 4096;

/// The most epochs a chapter accepts (a million epochs of the smallest chapter take minutes).
pub const MAX_EPOCHS: usize = 1_000_000;

/// The default seed of every chapter.
pub const DEFAULT_SEED: u64 = 1;

#[derive(Clone, Debug)]
pub struct Args {
    pub seed: u64,
    pub out: PathBuf,
    pub quick: bool,
    pub data: Option<PathBuf>,
    pub epochs: Option<usize>,
    /// Whether `--seed` was typed (`--seed 1` too, though it is the default).
    seed_given: bool,
    extra: Vec<(&'static str, Option<String>)>,
}

pub enum Parsed {
    Help,
    /// `--expectations`: print the spec's expectations and exit.
    Expectations,
    Run(Args),
}

impl Args {
    /// Whether a chapter switch was given.
    pub fn flag(&self, name: &str) -> bool {
        self.extra.iter().any(|(n, _)| *n == name)
    }

    /// Whether the reader gave `name` on the command line: a chapter option or switch, or
    /// `epochs`, `seed` or `data`.
    pub fn given(&self, name: &str) -> bool {
        match name {
            "epochs" => self.epochs.is_some(),
            "data" => self.data.is_some(),
            "seed" => self.seed_given,
            _ => self.flag(name),
        }
    }

    /// A usage error if `mode` is `active` and any of `flags` was given with it, saying `why`
    /// it cannot be honoured there (a flag silently ignored leaves the reader believing it worked).
    pub fn refuse_with(&self, active: bool, mode: &str, flags: &[&str], why: &str) -> Result<()> {
        match flags.iter().find(|f| active && self.given(f)) {
            Some(f) => Err(Error::Usage(format!("--{f} cannot be used with {mode}: {why}"))),
            None => Ok(()),
        }
    }

    /// The raw value of a chapter option (the last one wins if repeated).
    pub fn value(&self, name: &str) -> Option<&str> {
        self.extra.iter().rev().find(|(n, _)| *n == name).and_then(|(_, v)| v.as_deref())
    }

    /// A chapter option parsed as T; a value that does not parse is a usage error.
    pub fn parsed<T: FromStr>(&self, name: &str) -> Result<Option<T>> {
        match self.value(name) {
            None => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| Error::Usage(format!("--{name}: cannot read {v:?}"))),
        }
    }

    /// A chapter option that must be a finite number above 0, or `default` when absent.
    pub fn positive_f64(&self, name: &str, default: f64) -> Result<f64> {
        match self.parsed::<f64>(name)? {
            Some(v) if !(v > 0.0 && v.is_finite()) => Err(Error::Usage(format!("--{name} must be a positive number"))),
            Some(v) => Ok(v),
            None => Ok(default),
        }
    }

    /// A chapter option that must be a whole number of at least 1, or `default` when absent.
    pub fn positive_count(&self, name: &str, default: usize) -> Result<usize> {
        match self.parsed::<usize>(name)? {
            Some(0) => Err(Error::Usage(format!("--{name} must be at least 1"))),
            Some(v) => Ok(v),
            None => Ok(default),
        }
    }

    /// A layer width: a whole number from 1 to [`MAX_WIDTH`], or `default` when absent.
    pub fn width(&self, name: &str, default: usize) -> Result<usize> {
        let w = self.positive_count(name, default)?;
        if w > MAX_WIDTH {
            return Err(Error::Usage(format!("--{name} must be at most {MAX_WIDTH}")));
        }
        Ok(w)
    }

    /// Layer widths given as a list like `128,64`, each from 1 to [`MAX_WIDTH`], or `default`.
    pub fn widths(&self, name: &str, default: &[usize]) -> Result<Vec<usize>> {
        let Some(s) = self.value(name) else { return Ok(default.to_vec()) };
        s.split(',')
            .map(|p| p.trim().parse::<usize>().ok().filter(|w| (1..=MAX_WIDTH).contains(w)))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                Error::Usage(format!("--{name}: cannot read {s:?} as widths like 128,64 (each 1 to {MAX_WIDTH})"))
            })
    }

    /// A count of epochs for a chapter option: from 1 to [`MAX_EPOCHS`], or `default`.
    pub fn epoch_count(&self, name: &str, default: usize) -> Result<usize> {
        let e = self.positive_count(name, default)?;
        if e > MAX_EPOCHS {
            return Err(Error::Usage(format!("--{name} must be at most {MAX_EPOCHS}")));
        }
        Ok(e)
    }

    /// `--epochs` if given, else `quick` in quick mode and `full` otherwise.
    pub fn epochs_or(&self, full: usize, quick: usize) -> usize {
        self.epochs.unwrap_or(if self.quick { quick } else { full })
    }
}

fn usage_line(spec: &Spec) -> String {
    let mut s = format!("usage: {} [--help] [--seed N] [--out DIR] [--quick] [--epochs N]", spec.name);
    if spec.data.is_some() {
        s.push_str(" [--data DIR]");
    }
    for o in spec.options {
        match o.value {
            Some(v) => s.push_str(&format!(" [--{} {}]", o.name, v)),
            None => s.push_str(&format!(" [--{}]", o.name)),
        }
    }
    s
}

/// The full `--help` text.
pub fn help_text(spec: &Spec) -> String {
    let mut s = format!("{} ({}): {}\n\n{}\n\noptions:\n", spec.name, spec.section, spec.about, usage_line(spec));
    let mut rows: Vec<(String, &str)> = vec![
        ("--help".into(), "print this help and exit"),
        ("--expectations".into(), "print what the exercises and the README promise, as tests/exercises.rs checks it"),
        ("--seed N".into(), "seed of every random draw (default 1); same seed, same output"),
        ("--out DIR".into(), "where pictures go (default target/chapters/<chapter>/)"),
        ("--quick".into(), "a small, fast run (what the tests use)"),
        ("--epochs N".into(), "number of training epochs"),
    ];
    // The exercises write the folder of the real data sets as DATA (src/ never names it).
    let data_note;
    if let Some(d) = spec.data {
        data_note =
            format!("{d}; the exercises write the folder of the data sets as DATA (see the README's Real data)");
        rows.push((
            "--data DIR".into(),
            if spec.exercises.iter().any(|e| e.contains("DATA/")) { &data_note } else { d },
        ));
    }
    for o in spec.options {
        let name = match o.value {
            Some(v) => format!("--{} {}", o.name, v),
            None => format!("--{}", o.name),
        };
        rows.push((name, o.help));
    }
    let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (n, h) in rows {
        s.push_str(&format!("  {n:<width$}  {h}\n"));
    }
    if !spec.exercises.is_empty() {
        s.push_str("\nexercises:\n");
        for e in spec.exercises {
            s.push_str(&format!("  - {e}\n"));
        }
    }
    s
}

fn parse_num<T: FromStr>(flag: &str, v: &str) -> Result<T> {
    v.parse().map_err(|_| Error::Usage(format!("--{flag}: cannot read {v:?} as a number")))
}

/// Parses the arguments after the program name.
pub fn parse(spec: &Spec, argv: impl IntoIterator<Item = String>) -> Result<Parsed> {
    let mut args = Args {
        seed: DEFAULT_SEED,
        out: PathBuf::from("target/chapters").join(spec.name),
        quick: false,
        data: None,
        epochs: None,
        seed_given: false,
        extra: Vec::new(),
    };
    let mut it = argv.into_iter();
    while let Some(arg) = it.next() {
        let Some(body) = arg.strip_prefix("--") else {
            return Err(Error::Usage(format!("unexpected argument {arg:?}")));
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (body.to_string(), None),
        };
        let takes_value = match name.as_str() {
            "help" | "quick" | "expectations" => false,
            "seed" | "out" | "epochs" => true,
            "data" if spec.data.is_some() => true,
            _ => match spec.options.iter().find(|o| o.name == name) {
                Some(o) => o.value.is_some(),
                None => return Err(Error::Usage(format!("unknown option --{name}"))),
            },
        };
        let value = if takes_value {
            let v = match inline {
                Some(v) => v,
                None => it.next().ok_or_else(|| Error::Usage(format!("--{name} needs a value")))?,
            };
            if v.is_empty() && !matches!(name.as_str(), "out" | "data") {
                return Err(Error::Usage(format!("--{name} needs a non-empty value")));
            }
            // `--out --quick` forgot the folder: a flag is never taken as a name or a number.
            if v.starts_with("--") {
                return Err(Error::Usage(format!(
                    "--{name} needs a value, not the flag {v:?} (a file so named can be given as ./{v})"
                )));
            }
            Some(v)
        } else {
            if inline.is_some() {
                return Err(Error::Usage(format!("--{name} takes no value")));
            }
            None
        };
        match (name.as_str(), value) {
            ("help", _) => return Ok(Parsed::Help),
            ("expectations", _) => return Ok(Parsed::Expectations),
            ("quick", _) => args.quick = true,
            ("seed", Some(v)) => {
                args.seed = parse_num("seed", &v)?;
                args.seed_given = true;
            }
            ("epochs", Some(v)) => {
                let e: usize = parse_num("epochs", &v)?;
                if e == 0 || e > MAX_EPOCHS {
                    return Err(Error::Usage(format!("--epochs must be from 1 to {MAX_EPOCHS}")));
                }
                args.epochs = Some(e);
            }
            ("out", Some(v)) | ("data", Some(v)) if v.is_empty() => {
                return Err(Error::Usage(format!("--{name} needs a non-empty path")));
            }
            ("out", Some(v)) => args.out = PathBuf::from(v),
            ("data", Some(v)) => args.data = Some(PathBuf::from(v)),
            (_, value) => {
                let o = spec.options.iter().find(|o| o.name == name).expect("checked above");
                args.extra.push((o.name, value));
            }
        }
    }
    Ok(Parsed::Run(args))
}

/// The `main` of every chapter: parse, run, and turn an error into one `error:` line and an
/// exit status (1, or 2 with the usage line for a usage error).
///
/// Stdout goes through [`stdout::install`]'s pipe, so a reader who closes it early (`| head`)
/// still gets every file the run writes, and a failed write to it (a full disk) is an error.
/// `--out` is checked by [`gallery::check_out`] before the chapter writes anything.
pub fn run(spec: &Spec, body: impl FnOnce(&Args) -> Result<()>) {
    stop_quietly_on_broken_pipe();
    let guard = stdout::install();
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match parse(spec, std::env::args().skip(1)) {
            Ok(Parsed::Help) => {
                print!("{}", help_text(spec));
                Ok(())
            }
            Ok(Parsed::Expectations) => {
                spec.expectations.iter().for_each(|e| println!("{}", e.line()));
                Ok(())
            }
            Ok(Parsed::Run(args)) => gallery::check_out(spec.name, &args.out)
                .and_then(|()| body(&args))
                .map_err(|e| name_the_chapter(e, spec.name)),
            Err(e) => Err(e),
        }));
    let copied = guard.map(stdout::Guard::finish);
    let outcome = match (outcome, copied) {
        (Err(panic), _) => std::panic::resume_unwind(panic),
        (Ok(Ok(())), Some(stdout::Copied::Failed(e))) => Err(Error::io("stdout", e)),
        (Ok(o), _) => o,
    };
    if let Err(e) = outcome {
        // Stdout is flushed (finish) or was never redirected (a terminal): flush it all the same.
        stdout::settle();
        eprintln!("error: {e}");
        if let Error::Usage(_) = e {
            eprintln!("{}", usage_line(spec));
            eprintln!("run `{} --help` for the options", spec.name);
        }
        std::process::exit(e.exit_code());
    }
}

/// Library code names the stage that diverged ("training", "fine-tuning"); the reader also
/// needs to know which chapter it was in.
pub fn name_the_chapter(e: Error, chapter: &str) -> Error {
    match e {
        Error::Diverged { chapter: stage, epoch, step, what } if stage != chapter => {
            Error::Diverged { chapter: format!("{chapter} ({stage})"), epoch, step, what }
        }
        other => other,
    }
}

/// `cargo run --bin ch1_mnist | head` closes the pipe early, and `println!` then panics on
/// the failed write. That is the reader's choice, not an error: stop at once, silently, with
/// status 0. Every other panic (a broken internal invariant) still reports as usual.
fn stop_quietly_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if msg.contains("failed printing to stdout") && msg.contains("Broken pipe") {
            std::process::exit(0);
        }
        // The message follows what was printed before the panic.
        stdout::settle();
        // Where stdout is not behind the guard: a full disk is an error line, not a backtrace.
        if let Some(why) = msg.strip_prefix("failed printing to stdout: ") {
            eprintln!("error: stdout: {why}");
            std::process::exit(1);
        }
        default(info);
    }));
}

/// The `Results` block every chapter ends with: `key: value` lines that tests and readers grep.
/// [`Results::finish`], which saves it and rebuilds the gallery page, lives in
/// [`crate::workbook::gallery`], so this module knows nothing of the page.
#[derive(Default, Debug)]
pub struct Results {
    lines: Vec<(String, String)>,
}

impl Results {
    pub fn new() -> Self {
        Results::default()
    }

    pub fn add(&mut self, key: &str, value: impl Display) {
        self.lines.push((key.to_string(), value.to_string()));
    }

    /// Replaces the value of `key` (the first line of it), or adds it.
    pub fn set(&mut self, key: &str, value: impl Display) {
        match self.lines.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value.to_string(),
            None => self.add(key, value),
        }
    }

    /// A float with a fixed number of decimals, so output is byte-stable.
    pub fn num(&mut self, key: &str, value: f64, decimals: usize) {
        self.add(key, format!("{value:.decimals$}"));
    }

    pub fn print(&self) {
        print!("{self}");
    }

    /// The `key: value` lines, in order.
    pub fn lines(&self) -> &[(String, String)] {
        &self.lines
    }
}

impl Display for Results {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "Results")?;
        for (k, v) in &self.lines {
            writeln!(f, "{k}: {v}")?;
        }
        Ok(())
    }
}

/// Reads the value of `key` from a chapter's printed output (the last `key: value` line).
pub fn result_value<'a>(output: &'a str, key: &str) -> Option<&'a str> {
    let block = &output[output.rfind("\nResults\n").map_or(0, |i| i + 1)..];
    block.lines().rev().find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix(": ")))
}

/// Progress of a long loop on stderr: `label k/N, elapsed, ETA`, rewritten in place.
///
/// It prints only when stderr is a terminal and only once the loop has run for
/// [`Progress::QUIET_FOR`], so piped output, tests and saved logs stay clean and byte-identical.
/// A loop that also prints to stdout calls [`Progress::clear`] before each line it prints, so
/// the two never share a line of the terminal; the next [`Progress::tick`] draws it again below.
pub struct Progress {
    label: String,
    total: usize,
    start: std::time::Instant,
    /// Whether the line is on the screen now.
    visible: bool,
    terminal: bool,
    last: Option<std::time::Duration>,
}

impl Progress {
    /// Loops shorter than this print nothing.
    pub const QUIET_FOR: std::time::Duration = std::time::Duration::from_secs(2);
    /// Redraws come at most this often (ten a second), unless the line was cleared.
    const REDRAW_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

    pub fn new(label: &str, total: usize) -> Self {
        use std::io::IsTerminal;
        Progress {
            label: label.to_string(),
            total,
            start: std::time::Instant::now(),
            visible: false,
            terminal: std::io::stderr().is_terminal(),
            last: None,
        }
    }

    /// Reports that `done` of the `total` steps are finished.
    pub fn tick(&mut self, done: usize) {
        let elapsed = self.start.elapsed();
        let recent = self.last.is_some_and(|t| elapsed.saturating_sub(t) < Self::REDRAW_EVERY);
        if !self.terminal || elapsed < Self::QUIET_FOR || (self.visible && recent) {
            return;
        }
        self.last = Some(elapsed);
        eprint!("\r{}   ", progress_line(&self.label, done, self.total, elapsed.as_secs_f64()));
        self.visible = true;
    }

    /// Erases the line (if it is shown), so that stdout can print on a clean line.
    pub fn clear(&mut self) {
        if self.visible {
            eprint!("\r{}\r", " ".repeat(self.label.chars().count() + 60));
            self.visible = false;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        // The next output starts on a clean line.
        self.clear();
    }
}

/// The text of a progress line: `done` of `total` steps after `elapsed` seconds, and the time
/// left if the remaining steps go as fast as the finished ones did on average.
///
/// ```
/// use autoencoders::workbook::cli::progress_line;
/// // 5 of 20 epochs in 4 s: 0.8 s each, 15 to go → 12 s.
/// assert_eq!(progress_line("epoch", 5, 20, 4.0), "epoch 5/20, 4 s elapsed, about 12 s to go");
/// ```
pub fn progress_line(label: &str, done: usize, total: usize, elapsed: f64) -> String {
    let left = total.saturating_sub(done) as f64;
    let eta = if done > 0 { elapsed / done as f64 * left } else { 0.0 };
    format!("{label} {done}/{total}, {elapsed:.0} s elapsed, about {eta:.0} s to go")
}
