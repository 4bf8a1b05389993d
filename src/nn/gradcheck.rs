//! Numeric gradients, the check every differentiable piece of the workbook passes.
//!
//! The numeric derivative is built from central differences,
//!
//! ```text
//! D(h) = (f(θ + h) − f(θ − h)) / 2h                 error O(h²)
//! ∂f/∂θ ≈ (4·D(h/2) − D(h)) / 3                     Richardson: error O(h⁴)
//! ```
//!
//! with h = [`STEP`]. The Richardson step cancels the h² term, so in f64 the numeric value is
//! good to about 1e-11 absolute, and the comparison can ask for a relative error of 1e-6
//! ([`TOLERANCE`]) even where a gradient entry is small.
//!
//! ```text
//! relative error = |analytic − numeric| / max(|analytic| + |numeric|, FLOOR)
//! ```
//!
//! [`FLOOR`] keeps the ratio meaningful where both are essentially zero.

/// The difference step h.
pub const STEP: f64 = 1e-3;
/// Denominator floor of the relative error.
pub const FLOOR: f64 = 1e-6;
/// The relative error every gradient in the workbook must stay under.
pub const TOLERANCE: f64 = 1e-6;

/// The numeric gradient of `f` at `theta`, one coordinate at a time.
pub fn numeric_gradient(theta: &[f64], mut f: impl FnMut(&[f64]) -> f64) -> Vec<f64> {
    let mut t = theta.to_vec();
    let mut central = |t: &mut Vec<f64>, i: usize, h: f64| {
        let orig = t[i];
        t[i] = orig + h;
        let plus = f(t);
        t[i] = orig - h;
        let minus = f(t);
        t[i] = orig;
        (plus - minus) / (2.0 * h)
    };
    (0..theta.len())
        .map(|i| {
            let d_h = central(&mut t, i, STEP);
            let d_half = central(&mut t, i, STEP / 2.0);
            (4.0 * d_half - d_h) / 3.0
        })
        .collect()
}

pub fn relative_error(analytic: f64, numeric: f64) -> f64 {
    (analytic - numeric).abs() / (analytic.abs() + numeric.abs()).max(FLOOR)
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
        // A NaN must fail the check, so it counts as an infinite error.
        let r = relative_error(a, n);
        let r = if r.is_nan() { f64::INFINITY } else { r };
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
