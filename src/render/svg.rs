//! SVG 1.1 charts as plain strings: line charts (error per epoch, error against code size) and
//! scatter plots coloured by class (2-D codes of digit images).
//!
//! Output is deterministic, byte for byte: every coordinate is printed with two decimals and
//! the colours come from a fixed palette in series order. Points that are NaN or infinite
//! (and points with y ≤ 0 on a log axis) are skipped, never drawn and never a panic; the SVG
//! says how many in a comment. A constant series or a single point still gets a real axis
//! (see [`nice_ticks`]), so nothing divides by zero.
//!
//! ```
//! use autoencoders::render::svg::LineChart;
//! let svg = LineChart::new("loss", "epoch", "mse")
//!     .series("train", vec![(1.0, 0.9), (2.0, 0.5), (3.0, 0.3)])
//!     .to_svg();
//! assert!(svg.starts_with("<?xml") && svg.contains("<polyline") && svg.ends_with("</svg>\n"));
//! ```

use std::fmt::Write as _;
use std::path::Path;

use crate::core::error::Result;
use crate::core::files::write_atomic;

/// Ten colours that stay distinct from each other on white (the common "category 10" set).
pub const PALETTE: [&str; 10] =
    ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/// Tick budgets per axis: enough grid lines to read values off, few enough that the labels
/// of a 640-unit-wide chart never collide.
const X_TICKS: usize = 7;
const Y_TICKS: usize = 8;

/// Writes SVG text atomically (see [`crate::core::files::write_atomic`]).
pub fn write_svg(path: &Path, svg: &str) -> Result<()> {
    write_atomic(path, svg.as_bytes())
}

/// Text made safe for SVG content and attribute values: `& < > " '` become entities.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even as entities; drop them.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// "Nice" tick values covering [lo, hi]: a step of 1, 2 or 5 × 10^k chosen so there are at
/// most about `max_ticks` ticks, starting at the largest multiple of the step ≤ lo and ending
/// at the smallest multiple ≥ hi (so the axis spans first..last tick).
///
/// ```text
/// raw  = (hi − lo) / (max_ticks − 1)
/// step = the smallest of {1, 2, 5, 10} · 10^⌊log₁₀ raw⌋ that is ≥ raw
/// ```
///
/// An empty range (lo = hi) is widened to lo ± 10 % (± 1 around 0) so a constant series still
/// gets an axis. Non-finite bounds give no ticks.
///
/// ```
/// use autoencoders::render::svg::nice_ticks;
/// assert_eq!(nice_ticks(0.0, 10.0, 6), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
/// assert_eq!(nice_ticks(-3.0, 47.0, 6), vec![-10.0, 0.0, 10.0, 20.0, 30.0, 40.0, 50.0]);
/// assert_eq!(nice_ticks(7.0, 7.0, 6).len(), 5); // 6.6 6.8 7.0 7.2 7.4: a constant still gets an axis
/// ```
pub fn nice_ticks(lo: f64, hi: f64, max_ticks: usize) -> Vec<f64> {
    nice_step_ticks(lo, hi, max_ticks).map(|(ticks, _)| ticks).unwrap_or_default()
}

/// The ticks and the step between them.
fn nice_step_ticks(lo: f64, hi: f64, max_ticks: usize) -> Option<(Vec<f64>, f64)> {
    if !lo.is_finite() || !hi.is_finite() {
        return None;
    }
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if hi - lo <= 1e-12 * lo.abs().max(hi.abs()) {
        let d = if lo == 0.0 { 1.0 } else { 0.1 * lo.abs() };
        lo -= d;
        hi += d;
    }
    if !(hi - lo).is_finite() {
        return None;
    }
    let intervals = max_ticks.max(2) - 1;
    let raw = (hi - lo) / intervals as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * magnitude).find(|&s| s >= raw * (1.0 - 1e-9))?;
    // Ticks are k · step for integer k, so they carry no accumulated rounding drift.
    let first = (lo / step + 1e-9).floor() as i64;
    let last = (hi / step - 1e-9).ceil() as i64;
    Some(((first..=last).map(|k| k as f64 * step).collect(), step))
}

/// A tick label with as many decimals as the step needs; very large or small values in
/// scientific notation so labels stay short.
fn tick_label(v: f64, step: f64) -> String {
    let exp = step.abs().log10().floor() as i32;
    let label = if !(-6..=9).contains(&exp) {
        format!("{v:.1e}")
    } else {
        let decimals = (-exp).max(0) as usize;
        format!("{v:.decimals$}")
    };
    // "-0" and "-0.0" would look like a bug on an axis.
    if label.starts_with('-') && label[1..].chars().all(|c| c == '0' || c == '.') {
        label[1..].to_string()
    } else {
        label
    }
}

/// Ticks for a base-10 log axis over [lo, hi] (both > 0): whole decades, thinned to at most
/// ~8; within a single decade, 1-2-5 steps so the axis still has labels. Returns the ticks
/// and the axis span, all in log₁₀ units (so 10^k below the smallest f64 is still a place).
fn log_ticks(lo: f64, hi: f64) -> (Vec<(f64, String)>, f64, f64) {
    let mut a = lo.log10().floor();
    let mut b = hi.log10().ceil();
    if b <= a {
        b = a + 1.0;
    }
    let decades = (b - a) as i64;
    // v = m · 10^k with m ∈ {1, 2, 5}
    let label = |m: i64, k: i64| {
        let v = m as f64 * 10f64.powi(k as i32);
        if (-3..=5).contains(&k) { tick_label(v, 10f64.powi(k.min(0) as i32)) } else { format!("{m}e{k}") }
    };
    let mut ticks = Vec::new();
    if decades == 1 {
        let k = a as i64;
        for (m, kk) in [(1, k), (2, k), (5, k), (1, k + 1)] {
            ticks.push((kk as f64 + (m as f64).log10(), label(m, kk)));
        }
    } else {
        let stride = (decades + 7) / 8;
        // Keep the axis ends on labelled decades.
        a = (a / stride as f64).floor() * stride as f64;
        b = (b / stride as f64).ceil() * stride as f64;
        let mut k = a as i64;
        while k <= b as i64 {
            ticks.push((k as f64, label(1, k)));
            k += stride;
        }
    }
    (ticks, a, b)
}

/// One line of a [`LineChart`]: a name for the legend and its (x, y) points, drawn in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// A line chart: several series, optional log-scale y, nice ticks, title, axis labels and a
/// legend. Build with [`LineChart::new`] and [`LineChart::series`], render with
/// [`LineChart::to_svg`].
#[derive(Clone, Debug, PartialEq)]
pub struct LineChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Base-10 log scale on y; points with y ≤ 0 are then skipped.
    pub log_y: bool,
    /// Picture size in SVG user units (pixels). Default 640 × 400.
    pub width: f64,
    pub height: f64,
    pub series: Vec<Series>,
}

impl LineChart {
    pub fn new(title: impl Into<String>, x_label: impl Into<String>, y_label: impl Into<String>) -> Self {
        LineChart {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            log_y: false,
            width: 640.0,
            height: 400.0,
            series: Vec::new(),
        }
    }

    /// Adds a series (builder style).
    pub fn series(mut self, name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        self.series.push(Series { name: name.into(), points });
        self
    }

    /// Switches the y axis to a log scale (builder style).
    pub fn log_y(mut self, on: bool) -> Self {
        self.log_y = on;
        self
    }

    fn keeps(&self, (x, y): (f64, f64)) -> bool {
        drawable(x) && drawable(y) && (!self.log_y || y > 0.0)
    }

    /// The chart as an SVG 1.1 document: one `<polyline>` per series (empty if the series
    /// has no drawable point, plus a dot when it has exactly one).
    pub fn to_svg(&self) -> String {
        let kept: Vec<(f64, f64)> =
            self.series.iter().flat_map(|s| s.points.iter().copied()).filter(|&p| self.keeps(p)).collect();
        let total: usize = self.series.iter().map(|s| s.points.len()).sum();
        let longest = self.series.iter().map(|s| s.name.chars().count()).max().unwrap_or(0);
        let frame = Frame::new(self.width, self.height).with_legend_of(longest);
        let x_axis = Axis::linear(kept.iter().map(|p| p.0), X_TICKS);
        let y_axis = if self.log_y {
            Axis::log(kept.iter().map(|p| p.1))
        } else {
            Axis::linear(kept.iter().map(|p| p.1), Y_TICKS)
        };

        let mut svg = frame.open(&self.title, &self.x_label, &self.y_label);
        if total > kept.len() {
            let _ = writeln!(
                svg,
                "<!-- {} points skipped: not finite, beyond ±1e300, or y ≤ 0 on a log axis -->",
                total - kept.len()
            );
        }
        frame.draw_axes(&mut svg, &x_axis, &y_axis);

        for (i, s) in self.series.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            // After ten series the colours repeat, so the second round is dashed.
            let dash = if (i / PALETTE.len()) % 2 == 1 { " stroke-dasharray=\"6 3\"" } else { "" };
            let pts: Vec<(f64, f64)> = s
                .points
                .iter()
                .copied()
                .filter(|&p| self.keeps(p))
                .map(|(x, y)| (frame.px(x_axis.unit(x)), frame.py(y_axis.unit(y))))
                .collect();
            let coords: Vec<String> = pts.iter().map(|(x, y)| format!("{x:.2},{y:.2}")).collect();
            let _ = writeln!(
                svg,
                "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash} points=\"{}\"/>",
                coords.join(" ")
            );
            if let [(x, y)] = pts[..] {
                let _ = writeln!(svg, "<circle cx=\"{x:.2}\" cy=\"{y:.2}\" r=\"3\" fill=\"{colour}\"/>");
            }
        }

        let entries: Vec<(String, &str, &str)> = self
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let dash = if (i / PALETTE.len()) % 2 == 1 { "6 3" } else { "" };
                (s.name.clone(), PALETTE[i % PALETTE.len()], dash)
            })
            .collect();
        frame.legend(&mut svg, &entries, false);
        svg.push_str("</svg>\n");
        svg
    }
}

/// A scatter plot of labelled points, each coloured by its class (0–9 use the ten palette
/// colours; larger labels wrap around), with a legend of the classes present. For 2-D codes
/// of digit images, the label is the digit.
#[derive(Clone, Debug, PartialEq)]
pub struct ScatterPlot {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// (x, y, class label)
    pub points: Vec<(f64, f64, u8)>,
    /// Legend text per class label; a label without a name is shown as its number.
    pub class_names: Vec<String>,
    pub width: f64,
    pub height: f64,
}

impl ScatterPlot {
    pub fn new(title: impl Into<String>, x_label: impl Into<String>, y_label: impl Into<String>) -> Self {
        ScatterPlot {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            points: Vec::new(),
            class_names: Vec::new(),
            width: 640.0,
            height: 480.0,
        }
    }

    /// Sets the points (builder style). points: (x, y, label).
    pub fn points(mut self, points: Vec<(f64, f64, u8)>) -> Self {
        self.points = points;
        self
    }

    /// The plot as an SVG 1.1 document: one `<circle>` per drawable point.
    pub fn to_svg(&self) -> String {
        let kept: Vec<(f64, f64, u8)> =
            self.points.iter().copied().filter(|&(x, y, _)| drawable(x) && drawable(y)).collect();
        let frame = Frame::new(self.width, self.height);
        let x_axis = Axis::linear(kept.iter().map(|p| p.0), X_TICKS);
        let y_axis = Axis::linear(kept.iter().map(|p| p.1), Y_TICKS);
        let mut svg = frame.open(&self.title, &self.x_label, &self.y_label);
        if self.points.len() > kept.len() {
            let _ = writeln!(
                svg,
                "<!-- {} points skipped: not finite or beyond ±1e300 -->",
                self.points.len() - kept.len()
            );
        }
        frame.draw_axes(&mut svg, &x_axis, &y_axis);
        svg.push_str("<g fill-opacity=\"0.7\">\n");
        for &(x, y, label) in &kept {
            let _ = writeln!(
                svg,
                "<circle cx=\"{:.2}\" cy=\"{:.2}\" r=\"2.5\" fill=\"{}\"/>",
                frame.px(x_axis.unit(x)),
                frame.py(y_axis.unit(y)),
                PALETTE[usize::from(label) % PALETTE.len()]
            );
        }
        svg.push_str("</g>\n");
        let mut labels: Vec<u8> = kept.iter().map(|p| p.2).collect();
        labels.sort_unstable();
        labels.dedup();
        let entries: Vec<(String, &str, &str)> = labels
            .iter()
            .map(|&l| {
                let name = self.class_names.get(usize::from(l)).cloned().unwrap_or_else(|| l.to_string());
                (name, PALETTE[usize::from(l) % PALETTE.len()], "")
            })
            .collect();
        frame.legend(&mut svg, &entries, true);
        svg.push_str("</svg>\n");
        svg
    }
}

/// Scatter plots side by side in one SVG document, left to right, top-aligned: each panel is
/// the plot's own document nested as an `<svg>` at its x offset, so it keeps its axes and
/// legend. The document is as wide as the panels together and as tall as the tallest.
pub fn side_by_side(plots: &[&ScatterPlot]) -> String {
    let mut panels = String::new();
    let (mut x, mut height) = (0.0, 0.0f64);
    for plot in plots {
        let frame = Frame::new(plot.width, plot.height);
        let doc = plot.to_svg();
        let body = doc.split_once('\n').map_or(doc.as_str(), |(_, rest)| rest);
        panels.push_str(&body.replacen("<svg ", &format!("<svg x=\"{x:.0}\" y=\"0\" "), 1));
        x += frame.width;
        height = height.max(frame.height);
    }
    let mut svg = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{x:.0}\" height=\"{height:.0}\" \
         viewBox=\"0 0 {x:.0} {height:.0}\">"
    );
    let _ = writeln!(svg, "<rect x=\"0\" y=\"0\" width=\"{x:.0}\" height=\"{height:.0}\" fill=\"white\"/>");
    svg.push_str(&panels);
    svg.push_str("</svg>\n");
    svg
}

/// One axis: its span in axis units (data, or log₁₀ of data) and its labelled ticks.
struct Axis {
    lo: f64,
    hi: f64,
    log: bool,
    /// (position in axis units, label)
    ticks: Vec<(f64, String)>,
}

impl Axis {
    fn linear(values: impl Iterator<Item = f64>, max_ticks: usize) -> Axis {
        let (lo, hi) = min_max(values).unwrap_or((0.0, 1.0));
        let (ticks, step) = nice_step_ticks(lo, hi, max_ticks).unwrap_or_else(|| (vec![0.0, 1.0], 1.0));
        let (first, last) = (ticks[0], ticks[ticks.len() - 1]);
        Axis { lo: first, hi: last, log: false, ticks: ticks.iter().map(|&t| (t, tick_label(t, step))).collect() }
    }

    /// values must be > 0 (the chart filters them).
    fn log(values: impl Iterator<Item = f64>) -> Axis {
        let (lo, hi) = min_max(values).unwrap_or((1.0, 10.0));
        let (ticks, a, b) = log_ticks(lo, hi);
        Axis { lo: a, hi: b, log: true, ticks }
    }

    /// A data value as a fraction of the axis, 0 at the low end and 1 at the high end.
    fn unit(&self, v: f64) -> f64 {
        let v = if self.log { v.log10() } else { v };
        (v - self.lo) / (self.hi - self.lo)
    }

    fn unit_of_tick(&self, t: f64) -> f64 {
        (t - self.lo) / (self.hi - self.lo)
    }
}

/// Values beyond ±1e300 are skipped like NaN and ∞: an axis reaching that far would overflow
/// while its ticks are computed, and no chart of the workbook means such numbers.
const DRAWABLE_LIMIT: f64 = 1e300;

fn drawable(v: f64) -> bool {
    v.is_finite() && v.abs() <= DRAWABLE_LIMIT
}

fn min_max(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// The plotting area inside the picture: room on the left for y labels, on the right for the
/// legend, above for the title and below for x labels.
struct Frame {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Frame {
    fn new(width: f64, height: f64) -> Frame {
        // Tiny or nonsensical sizes fall back to a usable minimum instead of negative areas.
        let width = if width.is_finite() { width.max(320.0) } else { 640.0 };
        let height = if height.is_finite() { height.max(200.0) } else { 400.0 };
        Frame { width, height, left: 72.0, right: width - 150.0, top: 40.0, bottom: height - 52.0 }
    }

    /// Widens the legend's room on the right for names of up to `chars` characters (about 7
    /// pixels each at the 12-pixel font), keeping at least 40 % of the width for the plot.
    fn with_legend_of(mut self, chars: usize) -> Frame {
        let room = (40.0 + 7.0 * chars as f64).max(150.0);
        self.right = (self.width - room).max(self.left + 0.4 * self.width);
        self
    }

    fn px(&self, u: f64) -> f64 {
        self.left + u * (self.right - self.left)
    }

    fn py(&self, u: f64) -> f64 {
        self.bottom - u * (self.bottom - self.top)
    }

    /// The document head, background, title and axis labels.
    fn open(&self, title: &str, x_label: &str, y_label: &str) -> String {
        let (w, h) = (self.width, self.height);
        let mut s = String::new();
        s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{w:.0}\" height=\"{h:.0}\" \
             viewBox=\"0 0 {w:.0} {h:.0}\" font-family=\"sans-serif\" font-size=\"12\">"
        );
        let _ = writeln!(s, "<rect x=\"0\" y=\"0\" width=\"{w:.0}\" height=\"{h:.0}\" fill=\"white\"/>");
        let _ = writeln!(
            s,
            "<text x=\"{:.2}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{}</text>",
            (self.left + self.right) / 2.0,
            escape(title)
        );
        let _ = writeln!(
            s,
            "<text x=\"{:.2}\" y=\"{:.2}\" text-anchor=\"middle\">{}</text>",
            (self.left + self.right) / 2.0,
            h - 12.0,
            escape(x_label)
        );
        let (yx, yy) = (18.0, (self.top + self.bottom) / 2.0);
        let _ = writeln!(
            s,
            "<text x=\"{yx:.2}\" y=\"{yy:.2}\" text-anchor=\"middle\" transform=\"rotate(-90 {yx:.2} {yy:.2})\">{}</text>",
            escape(y_label)
        );
        s
    }

    /// Grid lines, the axis box, tick marks and tick labels.
    fn draw_axes(&self, s: &mut String, x: &Axis, y: &Axis) {
        s.push_str("<g stroke=\"#dddddd\" stroke-width=\"1\">\n");
        for (t, _) in &x.ticks {
            let px = self.px(x.unit_of_tick(*t));
            let _ =
                writeln!(s, "<line x1=\"{px:.2}\" y1=\"{:.2}\" x2=\"{px:.2}\" y2=\"{:.2}\"/>", self.top, self.bottom);
        }
        for (t, _) in &y.ticks {
            let py = self.py(y.unit_of_tick(*t));
            let _ =
                writeln!(s, "<line x1=\"{:.2}\" y1=\"{py:.2}\" x2=\"{:.2}\" y2=\"{py:.2}\"/>", self.left, self.right);
        }
        s.push_str("</g>\n");
        let _ = writeln!(
            s,
            "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\" fill=\"none\" stroke=\"black\"/>",
            self.left,
            self.top,
            self.right - self.left,
            self.bottom - self.top
        );
        s.push_str("<g text-anchor=\"middle\">\n");
        for (t, label) in &x.ticks {
            let px = self.px(x.unit_of_tick(*t));
            let _ = writeln!(
                s,
                "<line x1=\"{px:.2}\" y1=\"{b:.2}\" x2=\"{px:.2}\" y2=\"{:.2}\" stroke=\"black\"/>",
                self.bottom + 5.0,
                b = self.bottom
            );
            let _ = writeln!(s, "<text x=\"{px:.2}\" y=\"{:.2}\">{}</text>", self.bottom + 18.0, escape(label));
        }
        s.push_str("</g>\n<g text-anchor=\"end\">\n");
        for (t, label) in &y.ticks {
            let py = self.py(y.unit_of_tick(*t));
            let _ = writeln!(
                s,
                "<line x1=\"{:.2}\" y1=\"{py:.2}\" x2=\"{l:.2}\" y2=\"{py:.2}\" stroke=\"black\"/>",
                self.left - 5.0,
                l = self.left
            );
            let _ = writeln!(s, "<text x=\"{:.2}\" y=\"{:.2}\">{}</text>", self.left - 8.0, py + 4.0, escape(label));
        }
        s.push_str("</g>\n");
    }

    /// The legend to the right of the plot. entries: (name, colour, dash pattern); `dots`
    /// draws a dot (scatter) instead of a line sample.
    fn legend(&self, s: &mut String, entries: &[(String, &str, &str)], dots: bool) {
        let x = self.right + 14.0;
        s.push_str("<g>\n");
        for (i, (name, colour, dash)) in entries.iter().enumerate() {
            let y = self.top + 10.0 + 18.0 * i as f64;
            if dots {
                let _ = writeln!(s, "<circle cx=\"{:.2}\" cy=\"{y:.2}\" r=\"4\" fill=\"{colour}\"/>", x + 10.0);
            } else {
                let dash = if dash.is_empty() { String::new() } else { format!(" stroke-dasharray=\"{dash}\"") };
                let _ = writeln!(
                    s,
                    "<line x1=\"{x:.2}\" y1=\"{y:.2}\" x2=\"{:.2}\" y2=\"{y:.2}\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>",
                    x + 20.0
                );
            }
            let _ = writeln!(s, "<text x=\"{:.2}\" y=\"{:.2}\">{}</text>", x + 26.0, y + 4.0, escape(name));
        }
        s.push_str("</g>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_use_the_step_decimals() {
        assert_eq!(tick_label(0.30000000000000004, 0.1), "0.3");
        assert_eq!(tick_label(-0.0, 0.5), "0.0");
        assert_eq!(tick_label(2000.0, 500.0), "2000");
        assert_eq!(tick_label(3e-8, 1e-8), "3.0e-8");
    }

    #[test]
    fn log_ticks_within_one_decade_use_1_2_5() {
        let (ticks, a, b) = log_ticks(0.2, 0.6);
        assert_eq!((a, b), (-1.0, 0.0));
        let labels: Vec<&str> = ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["0.1", "0.2", "0.5", "1"]);
    }

    #[test]
    fn log_ticks_thin_out_many_decades() {
        let (ticks, _, _) = log_ticks(1e-12, 1e12);
        assert!(ticks.len() <= 9, "{} ticks", ticks.len());
        assert_eq!(ticks[0].1, "1e-12");
    }
}
