//! Aligned text: matrices as grids and tables with headers, for the chapters' printed steps.

use crate::core::matrix::Matrix;

/// Formats a number with `decimals` places, writing −0 as 0 so grids stay tidy.
pub fn fmt_num(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') { s[1..].to_string() } else { s }
}

/// A matrix as right-aligned columns, each line indented by `indent` spaces.
///
/// ```
/// use autoencoders::{core::matrix::Matrix, render::text::grid};
/// let m = Matrix::from_rows(&[&[1.0, -2.5], &[10.0, 0.0]]);
/// assert_eq!(grid(&m, 1, 2), "   1.0  -2.5\n  10.0   0.0\n");
/// ```
pub fn grid(m: &Matrix, decimals: usize, indent: usize) -> String {
    let cells: Vec<String> = m.data().iter().map(|&v| fmt_num(v, decimals)).collect();
    let width = cells.iter().map(|c| c.len()).max().unwrap_or(0);
    let mut s = String::new();
    for r in 0..m.rows() {
        s.push_str(&" ".repeat(indent));
        let row: Vec<String> = (0..m.cols()).map(|c| format!("{:>width$}", cells[r * m.cols() + c])).collect();
        s.push_str(&row.join("  "));
        s.push('\n');
    }
    s
}

/// A vector as one bracketed row: `[0.10, 0.90]`.
pub fn vector(v: &[f64], decimals: usize) -> String {
    let parts: Vec<String> = v.iter().map(|&x| fmt_num(x, decimals)).collect();
    format!("[{}]", parts.join(", "))
}

/// Several grids side by side under titles, for "input | output" displays.
pub fn side_by_side(blocks: &[(&str, String)], gap: usize) -> String {
    let lines: Vec<Vec<&str>> = blocks.iter().map(|(_, b)| b.lines().collect()).collect();
    let widths: Vec<usize> = blocks
        .iter()
        .zip(&lines)
        .map(|((t, _), ls)| ls.iter().map(|l| l.chars().count()).max().unwrap_or(0).max(t.chars().count()))
        .collect();
    let height = lines.iter().map(Vec::len).max().unwrap_or(0);
    let mut s = String::new();
    let pad = " ".repeat(gap);
    let titles: Vec<String> = blocks.iter().zip(&widths).map(|((t, _), &w)| format!("{t:<w$}")).collect();
    s.push_str(titles.join(&pad).trim_end());
    s.push('\n');
    for i in 0..height {
        let row: Vec<String> =
            lines.iter().zip(&widths).map(|(ls, &w)| format!("{:<w$}", ls.get(i).copied().unwrap_or(""))).collect();
        s.push_str(row.join(&pad).trim_end());
        s.push('\n');
    }
    s
}

/// A table with a header row; text columns align left, everything else right.
#[derive(Clone, Debug, Default)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Self {
        Table { headers: headers.iter().map(|h| h.to_string()).collect(), rows: Vec::new() }
    }

    pub fn row(&mut self, cells: Vec<String>) -> &mut Self {
        assert_eq!(
            cells.len(),
            self.headers.len(),
            "Table::row: {} cells for {} columns",
            cells.len(),
            self.headers.len()
        );
        self.rows.push(cells);
        self
    }

    pub fn render(&self) -> String {
        let n = self.headers.len();
        let width: Vec<usize> = (0..n)
            .map(|c| {
                self.rows
                    .iter()
                    .map(|r| r[c].chars().count())
                    .chain([self.headers[c].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let numeric: Vec<bool> = (0..n)
            .map(|c| {
                !self.rows.is_empty()
                    && self.rows.iter().all(|r| {
                        r[c].trim_start_matches(['-', '+']).chars().next().is_some_and(|ch| ch.is_ascii_digit())
                    })
            })
            .collect();
        let line = |cells: &[String]| {
            let parts: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(c, v)| {
                    let pad = width[c] - v.chars().count();
                    if numeric[c] { format!("{}{v}", " ".repeat(pad)) } else { format!("{v}{}", " ".repeat(pad)) }
                })
                .collect();
            format!("  {}\n", parts.join("  ").trim_end())
        };
        let mut s = line(&self.headers);
        let rule: Vec<String> = width.iter().map(|&w| "-".repeat(w)).collect();
        s.push_str(&line(&rule));
        for r in &self.rows {
            s.push_str(&line(r));
        }
        s
    }
}
