//! The gradient-check step every training chapter prints before it trains, and its two
//! Results keys. The numbers come from [`crate::nn::gradcheck`]; this module only lays them
//! out and turns a failed check into the chapter's one error line.
//!
//! ```text
//! Gradient check, before any training: backprop against central differences
//!   at the initial weights, on 4 training patches
//!   sampled: 20 entries per tensor drawn by the seeded generator, plus every entry of b1
//!   numeric: (4·D(h/2) − D(h))/3, D(h) = (L(θ + h) − L(θ − h))/2h, h = 1e-3
//!   relative error = |a − n| / max(|a| + |n|, 1e-6), tolerance 1e-6
//!     entry        analytic             numeric
//!     W1[12, 3]    1.234567890123e-04   1.234567890121e-04
//!     …
//!   plain MSE    84 entries   largest relative error 3.21e-10 at W1[12, 3]   ✓
//! ```

use crate::core::error::Error;
use crate::core::error::Result;
use crate::nn::gradcheck::{
    ADJOINT_TOLERANCE, Adjoint, FLOOR, Report, STEP, Summary, TOLERANCE, first_failure, summarize,
};
use crate::workbook::cli::Results;

/// Sampled entries shown as analytic beside numeric.
const SHOWN: usize = 4;

/// Prints `reports` as the chapter's gradient-check step; `at` says where the check was taken
/// ("at the initial weights, on 4 training digits"). Returns the summary for the Results, or
/// the first failure as the error the chapter stops with (after printing the step, so the
/// reader sees every line that was checked).
pub fn print(chapter: &str, at: &str, reports: &[Report]) -> Result<Summary> {
    print!("{}", render(at, reports));
    match first_failure(chapter, reports) {
        Some(e) => Err(e),
        None => Ok(summarize(reports)),
    }
}

/// The text of the step (see the module doc).
pub fn render(at: &str, reports: &[Report]) -> String {
    let mut s = String::from("Gradient check, before any training: backprop against central differences\n");
    s.push_str(&format!("  {at}\n"));
    s.push_str(&format!("  sampled: {}\n", sampled(reports)));
    s.push_str(&format!("  numeric: (4·D(h/2) − D(h))/3, D(h) = (L(θ + h) − L(θ − h))/2h, h = {STEP:.0e}\n"));
    s.push_str(&format!("  relative error = |a − n| / max(|a| + |n|, {FLOOR:.0e}), tolerance {TOLERANCE:.0e}\n"));
    let skipped: usize = reports.iter().map(|r| r.skipped).sum();
    if skipped > 0 {
        s.push_str(&format!(
            "  {skipped} drawn entries sat within h of a kink (a ReLU at 0, a pooling tie, a top-k swap) and were redrawn\n"
        ));
    }
    if let Some(first) = reports.first() {
        let rows = shown(first);
        let label_w = rows.iter().map(|e| first.label(e).chars().count()).max().unwrap_or(5).max(5);
        let title = if reports.len() > 1 { format!(" ({})", first.objective) } else { String::new() };
        s.push_str(&format!("    {:<label_w$}   {:>20}   {:>20}{title}\n", "entry", "analytic", "numeric"));
        for e in rows {
            s.push_str(&format!("    {:<label_w$}   {:>20.12e}   {:>20.12e}\n", first.label(e), e.analytic, e.numeric));
        }
    }
    let name_w = reports.iter().map(|r| r.objective.chars().count()).max().unwrap_or(0);
    for r in reports {
        let worst = r.worst().map_or_else(|| "no entry compared".to_string(), |w| format!("at {}", r.label(w)));
        s.push_str(&format!(
            "  {:<name_w$}   {:>4} entries   largest relative error {:.2e} {}   {}\n",
            r.objective,
            r.entries.len(),
            r.max_relative_error(),
            worst,
            if r.passes() { "✓" } else { "✗" }
        ));
    }
    s.push('\n');
    s
}

/// "20 entries per tensor drawn by the seeded generator, plus every entry of b1, …".
fn sampled(reports: &[Report]) -> String {
    let per = reports.iter().map(|r| r.per_tensor).max().unwrap_or(0);
    let mut every: Vec<String> = Vec::new();
    let mut reached: Vec<String> = Vec::new();
    for r in reports {
        for t in &r.tensors {
            if t.every_entry && !every.contains(&t.name) {
                every.push(t.name.clone());
            }
            if t.reached.is_some() && !reached.contains(&t.name) {
                reached.push(t.name.clone());
            }
        }
    }
    let mut s = format!("{per} entries per tensor drawn by the seeded generator (all of a smaller one)");
    if !every.is_empty() {
        s.push_str(&format!(", plus every entry of {}", every.join(", ")));
    }
    if !reached.is_empty() {
        s.push_str(&format!(", plus {per} among the entries the examples reach in {}", reached.join(", ")));
    }
    s
}

/// Up to [`SHOWN`] entries of a report, taking the first drawn of each tensor in turn; entries
/// the examples reach (a nonzero gradient) first, as they say more.
fn shown(r: &Report) -> Vec<&crate::nn::gradcheck::Entry> {
    let mut order: Vec<&crate::nn::gradcheck::Entry> = r.entries.iter().filter(|e| e.analytic != 0.0).collect();
    order.extend(r.entries.iter().filter(|e| e.analytic == 0.0));
    let mut picked = Vec::new();
    let mut round = 0;
    while picked.len() < SHOWN && picked.len() < r.entries.len() {
        let before = picked.len();
        for t in 0..r.tensors.len() {
            if let Some(&e) = order.iter().filter(|e| e.tensor == t).nth(round)
                && picked.len() < SHOWN
            {
                picked.push(e);
            }
        }
        if picked.len() == before {
            break;
        }
        round += 1;
    }
    picked
}

/// The two Results keys of every checked chapter: `gradient_check_max_rel_error` (scientific
/// notation) and `gradient_check_entries`.
pub fn add_results(res: &mut Results, s: &Summary) {
    res.add("gradient_check_max_rel_error", format!("{:.2e}", s.max_relative_error));
    res.add("gradient_check_entries", s.entries);
}

/// The step a chapter that trains nothing prints instead: each adjoint identity's two sides
/// side by side. Returns the largest |left − right|, or an error naming the chapter when one
/// exceeds the tolerance.
pub fn print_adjoints(chapter: &str, checks: &[(&str, Adjoint)]) -> Result<f64> {
    println!("Adjoint checks (this chapter trains nothing, so it checks the adjoints backprop relies on)");
    println!(
        "  y and x uniform in [−1, 1], drawn by the seeded generator; tolerance |left − right| ≤ {ADJOINT_TOLERANCE:.0e}"
    );
    let mut worst: f64 = 0.0;
    for (what, a) in checks {
        worst = worst.max(a.abs_error());
        let mark = if a.passes() { "✓" } else { "✗" };
        println!("  {what}");
        println!("    {:>20.15}   {:>20.15}   |difference| {:.1e}   {mark}", a.left, a.right, a.abs_error());
    }
    println!();
    if checks.iter().any(|(_, a)| !a.passes()) {
        return Err(Error::Invalid(format!(
            "{chapter}: adjoint check failed: |left − right| = {worst:.2e} > {ADJOINT_TOLERANCE:.0e}"
        )));
    }
    Ok(worst)
}
