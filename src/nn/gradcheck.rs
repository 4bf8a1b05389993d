//! Numeric gradients: the check every differentiable piece of the workbook passes, and the one
//! every chapter runs on its own objective before it trains.
//!
//! The numeric derivative of the loss L with respect to one parameter θ is built from central
//! differences,
//!
//! ```text
//! D(h) = (L(θ + h) − L(θ − h)) / 2h                 error O(h²)
//! ∂L/∂θ ≈ (4·D(h/2) − D(h)) / 3                     Richardson: error O(h⁴)
//! ```
//!
//! with h = [`STEP`], and compared with the analytic value backprop gives by one definition:
//!
//! ```text
//! relative error = |analytic − numeric| / max(|analytic| + |numeric|, FLOOR)
//! ```
//!
//! # Why the floor is 1e-4 and the tolerance 1e-6
//!
//! The numeric side is not exact. In f64 (ε ≈ 1.1e-16) a loss summed over thousands of
//! terms carries a rounding error of a few ε·|L|, and each difference divides it by h; the
//! Richardson step leaves a truncation error of order h⁴ times the loss's fifth derivative.
//! Measured on the workbook's objectives, the numeric value is off by 1e-14 to 1e-12
//! absolutely, mostly from rounding.
//!
//! The workbook's losses are means over every pixel of a batch, so many gradient entries are
//! 1e-7 to 1e-5. Against such an entry 1e-12 of noise is a relative error of 1e-7 to 1e-5: a
//! purely relative comparison would fail correct code. [`FLOOR`] makes the comparison absolute
//! below 1e-4: there it asks |analytic − numeric| ≤ TOLERANCE·FLOOR = 1e-10, a hundred times
//! the noise, while any entry above 1e-4 is compared relatively.
//!
//! [`TOLERANCE`] = 1e-6 then sits in a wide gap:
//!
//! - correct code: over every objective the chapters check, at seeds 1, 2 and 3, drawing four
//!   times the entries of a `--quick` run, the largest error measured is 2.6e-8 (with a floor
//!   of 1e-6 instead it reached 1.7e-6, and the check would have failed correct code);
//! - a wrong derivative: the smallest mistake the tests plant, a backward scaled by 1.001,
//!   gives 5e-4 on every entry above the floor (and exceeds 1e-6 on any entry above 1e-7);
//!   a σ' 0.1 % too large gives 5e-4 to 1e-3; a sign flipped in a penalty or a forgotten
//!   mask gave 0.2 to 1 in every planted test.
//!
//! A tolerance of 1e-3, common for float32 code, would let the 1.001 scaling through; one of
//! 1e-9 would fail correct code on its rounding.
//!
//! # Checking a model's objective
//!
//! [`check_objective`] checks a model through the [`Checkable`] trait: it names the model's
//! parameter tensors, gives mutable access to one entry, the analytic gradient of every
//! tensor from the model's own backward pass, and the loss. The check draws entries of each
//! tensor with the seeded generator ([`sampler`]), differentiates each numerically, and
//! reports every entry it compared. The check never moves the model: each entry is restored
//! to its exact value after its four evaluations.
//!
//! Objectives with kinks (ReLU at 0, a max-pooling tie, the set top-k keeps) are smooth
//! between them. [`Checkable::piece`] names the smooth piece the loss was evaluated on; an
//! entry whose steps of ±h or ±h/2 land on another piece is skipped (counted in
//! [`Report::skipped`]) and another is drawn in its place, since a difference across a kink
//! measures the kink, not the derivative.

use std::collections::BTreeSet;

use crate::core::error::{Error, GradientFailure};
use crate::core::rng::Rng;

/// The difference step h.
pub const STEP: f64 = 1e-3;
/// Denominator floor of the relative error: below it the comparison is absolute.
pub const FLOOR: f64 = 1e-4;
/// The relative error every gradient in the workbook must stay under (see the module doc).
pub const TOLERANCE: f64 = 1e-6;

/// The workbook's one numeric derivative: `f` is the loss as a function of one coordinate,
/// evaluated at x ± h and x ± h/2 (in that order), and combined by Richardson's rule.
fn richardson(x: f64, mut f: impl FnMut(f64) -> f64) -> f64 {
    let mut central = |h: f64| {
        let plus = f(x + h);
        let minus = f(x - h);
        (plus - minus) / (2.0 * h)
    };
    let d_h = central(STEP);
    let d_half = central(STEP / 2.0);
    (4.0 * d_half - d_h) / 3.0
}

/// The numeric gradient of `f` at `theta`, one coordinate at a time.
pub fn numeric_gradient(theta: &[f64], mut f: impl FnMut(&[f64]) -> f64) -> Vec<f64> {
    let mut t = theta.to_vec();
    (0..theta.len())
        .map(|i| {
            let d = richardson(theta[i], |v| {
                t[i] = v;
                f(&t)
            });
            t[i] = theta[i];
            d
        })
        .collect()
}

/// The workbook's one definition of the relative error (see the module doc). A NaN on either
/// side is an infinite error, so it fails every check.
pub fn relative_error(analytic: f64, numeric: f64) -> f64 {
    let r = (analytic - numeric).abs() / (analytic.abs() + numeric.abs()).max(FLOOR);
    if r.is_nan() { f64::INFINITY } else { r }
}

/// The outcome of comparing two gradients.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub max_relative_error: f64,
    /// Index of the entry with the largest relative error.
    pub worst: usize,
    pub analytic_at_worst: f64,
    pub numeric_at_worst: f64,
}

impl Comparison {
    pub fn passes(&self) -> bool {
        self.max_relative_error <= TOLERANCE
    }
}

impl std::fmt::Display for Comparison {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "max relative error {:.3e} at entry {} (analytic {:.12e}, numeric {:.12e})",
            self.max_relative_error, self.worst, self.analytic_at_worst, self.numeric_at_worst
        )
    }
}

pub fn compare(analytic: &[f64], numeric: &[f64]) -> Comparison {
    assert_eq!(analytic.len(), numeric.len(), "compare: gradient lengths differ");
    let mut c = Comparison { max_relative_error: 0.0, worst: 0, analytic_at_worst: 0.0, numeric_at_worst: 0.0 };
    for (i, (&a, &n)) in analytic.iter().zip(numeric).enumerate() {
        let r = relative_error(a, n);
        if i == 0 || r > c.max_relative_error {
            c = Comparison { max_relative_error: r, worst: i, analytic_at_worst: a, numeric_at_worst: n };
        }
    }
    c
}

/// Compares `analytic` with the numeric gradient of `f` at `theta`.
pub fn check(theta: &[f64], analytic: &[f64], f: impl FnMut(&[f64]) -> f64) -> Comparison {
    compare(analytic, &numeric_gradient(theta, f))
}

/// One parameter tensor as the check sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorSpec {
    /// The name a reader knows it by: `W1`, `b2`, `V`.
    pub name: String,
    /// Its shape, row-major: (out, in) for a dense weight, (C, 1, k, k) for a kernel.
    pub shape: Vec<usize>,
    /// Check every entry, not a sample (the bias of the code layer, a tensor of a few entries).
    pub every_entry: bool,
    /// Where the examples reach only a few entries (the rows of the movies a user rated), the
    /// check samples as many again from these, so a sample of a huge tensor is not all zeros.
    pub reached: Option<Vec<usize>>,
}

impl TensorSpec {
    pub fn new(name: impl Into<String>, shape: &[usize]) -> Self {
        TensorSpec { name: name.into(), shape: shape.to_vec(), every_entry: false, reached: None }
    }

    /// The same tensor with every entry checked.
    pub fn every_entry(mut self) -> Self {
        self.every_entry = true;
        self
    }

    /// The same tensor with `entries` marked as the ones the examples reach.
    pub fn reached(mut self, entries: Vec<usize>) -> Self {
        self.reached = Some(entries);
        self
    }

    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `W1[3, 17]`: the tensor's name and the multi-index of flat entry `index`.
    pub fn entry_label(&self, index: usize) -> String {
        let mut rest = index;
        let mut idx = vec![0; self.shape.len()];
        for (k, &d) in self.shape.iter().enumerate().rev() {
            idx[k] = rest % d.max(1);
            rest /= d.max(1);
        }
        let parts: Vec<String> = idx.iter().map(usize::to_string).collect();
        format!("{}[{}]", self.name, parts.join(", "))
    }
}

/// A model and the objective it trains, as the gradient check needs them. The methods work on
/// the model's current parameters; the check changes one entry at a time through
/// [`Checkable::param`] and restores it.
pub trait Checkable {
    /// The parameter tensors, in a fixed order.
    fn tensors(&self) -> Vec<TensorSpec>;
    /// Entry `index` (flat, row-major) of tensor `tensor`.
    fn param(&mut self, tensor: usize, index: usize) -> &mut f64;
    /// ∂L/∂θ for every tensor, in the order of [`Checkable::tensors`], from the model's own
    /// backward pass: the code training runs.
    fn gradients(&mut self) -> Vec<Vec<f64>>;
    /// The objective L.
    fn loss(&mut self) -> f64;
    /// Which smooth piece of the objective the last [`Checkable::loss`] was on, for
    /// objectives with kinks (a hash of the ReLU signs, the switches, the top-k sets). The
    /// same number means the same piece. Smooth objectives keep the default.
    fn piece(&mut self) -> u64 {
        0
    }
}

/// One compared entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub tensor: usize,
    /// Flat, row-major.
    pub index: usize,
    pub analytic: f64,
    pub numeric: f64,
    pub relative_error: f64,
}

/// Everything one objective's check compared.
#[derive(Clone, Debug)]
pub struct Report {
    /// The objective's name as the chapter prints it.
    pub objective: String,
    pub tensors: Vec<TensorSpec>,
    /// Entries drawn per tensor by the seeded generator.
    pub per_tensor: usize,
    /// Every compared entry, tensor by tensor, in the order drawn.
    pub entries: Vec<Entry>,
    /// Entries drawn but not compared because a step of ±h crossed onto another smooth piece.
    pub skipped: usize,
}

impl Report {
    pub fn max_relative_error(&self) -> f64 {
        self.entries.iter().map(|e| e.relative_error).fold(0.0, f64::max)
    }

    /// The entry with the largest relative error (the first of equals).
    pub fn worst(&self) -> Option<&Entry> {
        self.entries.iter().fold(None, |w: Option<&Entry>, e| match w {
            Some(w) if w.relative_error >= e.relative_error => Some(w),
            _ => Some(e),
        })
    }

    /// True when every compared entry is within [`TOLERANCE`] and something was compared.
    pub fn passes(&self) -> bool {
        !self.entries.is_empty() && self.max_relative_error() <= TOLERANCE
    }

    /// `W1[3, 17]` for a compared entry.
    pub fn label(&self, e: &Entry) -> String {
        self.tensors[e.tensor].entry_label(e.index)
    }

    /// The error a chapter stops with when this check failed, naming the chapter, the
    /// objective, the entry and both values; `None` when it passed.
    pub fn failure(&self, chapter: &str) -> Option<Error> {
        if self.passes() {
            return None;
        }
        let Some(w) = self.worst() else {
            return Some(Error::GradientCheck(Box::new(GradientFailure {
                chapter: chapter.into(),
                objective: self.objective.clone(),
                tensor: "(none)".into(),
                index: "no entry could be compared".into(),
                analytic: f64::NAN,
                numeric: f64::NAN,
                relative_error: f64::INFINITY,
                tolerance: TOLERANCE,
            })));
        };
        let label = self.label(w);
        let index = label.strip_prefix(self.tensors[w.tensor].name.as_str()).unwrap_or(&label).to_string();
        Some(Error::GradientCheck(Box::new(GradientFailure {
            chapter: chapter.into(),
            objective: self.objective.clone(),
            tensor: self.tensors[w.tensor].name.clone(),
            index,
            analytic: w.analytic,
            numeric: w.numeric,
            relative_error: w.relative_error,
            tolerance: TOLERANCE,
        })))
    }
}

/// The check's own generator for a chapter run with `seed`: seeded from it, but apart from
/// every stream the chapter trains with, so the check changes no training draw.
pub fn sampler(seed: u64) -> Rng {
    // "gradchk" in ASCII: any constant that no chapter uses as a seed or fork label.
    Rng::new(seed ^ 0x0067_7261_6463_686B)
}

/// ∂L/∂θ of one entry by [`richardson`], or `None` if one of its four evaluations landed on
/// another smooth piece than `base`. The entry is restored exactly.
fn numeric_entry(model: &mut dyn Checkable, tensor: usize, index: usize, base: u64) -> Option<f64> {
    let orig = *model.param(tensor, index);
    let mut same_piece = true;
    let d = richardson(orig, |v| {
        *model.param(tensor, index) = v;
        let l = model.loss();
        same_piece &= model.piece() == base;
        l
    });
    *model.param(tensor, index) = orig;
    same_piece.then_some(d)
}

/// Checks `model`'s analytic gradient against central differences: for each tensor,
/// `per_tensor` entries drawn by `rng` (every entry of a tensor marked
/// [`TensorSpec::every_entry`] or smaller than the sample), plus `per_tensor` more among its
/// [`TensorSpec::reached`] entries. An entry at a kink is replaced by another draw, up to
/// three times the sample.
pub fn check_objective(objective: &str, model: &mut dyn Checkable, per_tensor: usize, rng: &mut Rng) -> Report {
    let tensors = model.tensors();
    let analytic = model.gradients();
    assert_eq!(analytic.len(), tensors.len(), "check_objective: one gradient per tensor");
    for (g, t) in analytic.iter().zip(&tensors) {
        assert_eq!(g.len(), t.len(), "check_objective: gradient of {} has the wrong length", t.name);
    }
    model.loss();
    let base = model.piece();
    let mut entries = Vec::new();
    let mut skipped = 0;
    for (t, spec) in tensors.iter().enumerate() {
        let mut seen = BTreeSet::new();
        let mut compare_one = |index: usize, entries: &mut Vec<Entry>, skipped: &mut usize| -> bool {
            match numeric_entry(model, t, index, base) {
                Some(numeric) => {
                    let a = analytic[t][index];
                    entries.push(Entry {
                        tensor: t,
                        index,
                        analytic: a,
                        numeric,
                        relative_error: relative_error(a, numeric),
                    });
                    true
                }
                None => {
                    *skipped += 1;
                    false
                }
            }
        };
        let n = spec.len();
        if spec.every_entry || n <= per_tensor {
            for index in 0..n {
                seen.insert(index);
                compare_one(index, &mut entries, &mut skipped);
            }
        } else {
            draw(n, per_tensor, rng, &mut seen, |i| compare_one(i, &mut entries, &mut skipped));
        }
        if let Some(reached) = &spec.reached {
            let fresh: Vec<usize> = reached.iter().copied().filter(|i| !seen.contains(i)).collect();
            let mut local = BTreeSet::new();
            draw(fresh.len(), per_tensor.min(fresh.len()), rng, &mut local, |k| {
                compare_one(fresh[k], &mut entries, &mut skipped)
            });
        }
    }
    Report { objective: objective.into(), tensors, per_tensor, entries, skipped }
}

/// [`check_objective`] for each named objective in turn, all drawing from one
/// [`sampler`]`(seed)`: a chapter's whole check.
pub fn check_all(objectives: &mut [(&str, &mut dyn Checkable)], per_tensor: usize, seed: u64) -> Vec<Report> {
    let mut rng = sampler(seed);
    objectives.iter_mut().map(|(name, model)| check_objective(name, &mut **model, per_tensor, &mut rng)).collect()
}

/// Draws distinct indices below `n` until `want` of them were accepted by `try_one` (which
/// returns false for an entry at a kink) or 3·want + 3 draws were made.
fn draw(n: usize, want: usize, rng: &mut Rng, seen: &mut BTreeSet<usize>, mut try_one: impl FnMut(usize) -> bool) {
    let mut accepted = 0;
    let mut tries = 0;
    while accepted < want && tries < 3 * want + 3 && seen.len() < n {
        let i = rng.below(n);
        if !seen.insert(i) {
            continue;
        }
        tries += 1;
        if try_one(i) {
            accepted += 1;
        }
    }
}

/// Largest |⟨A y, x⟩ − ⟨y, Aᵀ x⟩| an adjoint check accepts. Both sides are sums of a few
/// thousand products of numbers in [−1, 1], each rounded to about 1e-16 of its size, so
/// correct code differs by 1e-13 at most; a wrong index in either operation moves a whole
/// product, of order 0.1.
pub const ADJOINT_TOLERANCE: f64 = 1e-9;

/// The two sides of an adjoint identity ⟨A y, x⟩ = ⟨y, Aᵀ x⟩.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adjoint {
    pub left: f64,
    pub right: f64,
}

impl Adjoint {
    /// |left − right|; infinite if either side is NaN.
    pub fn abs_error(&self) -> f64 {
        let e = (self.left - self.right).abs();
        if e.is_nan() { f64::INFINITY } else { e }
    }

    pub fn passes(&self) -> bool {
        self.abs_error() <= ADJOINT_TOLERANCE
    }
}

/// What a chapter's whole check came to, over every objective it checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub max_relative_error: f64,
    pub entries: usize,
}

/// The largest relative error and the number of compared entries over `reports`.
pub fn summarize(reports: &[Report]) -> Summary {
    Summary {
        max_relative_error: reports.iter().map(Report::max_relative_error).fold(0.0, f64::max),
        entries: reports.iter().map(|r| r.entries.len()).sum(),
    }
}

/// The first failed report's error for `chapter`, if any failed.
pub fn first_failure(chapter: &str, reports: &[Report]) -> Option<Error> {
    reports.iter().find_map(|r| r.failure(chapter))
}
