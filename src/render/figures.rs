//! The article's lost figures, redrawn as labelled SVG: number grids (the §3.1 worked
//! example), network diagrams (§1, §2, §5), the seven training steps (§3), and predicted
//! against actual ratings (§5).
//!
//! Every function takes plain numbers and returns a [`Figure`]: the SVG text and the caption
//! that explains it, so the words that say what a panel shows live beside the code that draws
//! it. Every number a figure shows is written in it as text, never only as a colour. Output is
//! deterministic, byte for byte (coordinates with two decimals, fixed colours).
//!
//! ```
//! use autoencoders::{core::matrix::Matrix, render::figures::value_grid};
//! let fig = value_grid("kernel", &Matrix::from_rows(&[&[0.0, 0.5], &[0.5, 1.0]]));
//! assert!(fig.svg.contains(">0.5</text>") && fig.svg.ends_with("</svg>\n"));
//! assert!(!fig.caption.is_empty());
//! ```

use std::fmt::Write as _;

use crate::core::matrix::Matrix;
use crate::render::svg::{escape, nice_ticks};

/// A finished picture and its caption (one or two sentences: what each row, column or panel
/// is, and what to look for).
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub svg: String,
    pub caption: String,
}

/// Positive values shade towards this blue, negative ones towards the red.
const BLUE: (f64, f64, f64) = (33.0, 102.0, 172.0);
const RED: (f64, f64, f64) = (178.0, 24.0, 43.0);
/// Lines, marks and text.
const INK: &str = "#222222";
const GRID_LINE: &str = "#9a9a9a";
/// The encoder's, the code's and the decoder's colours in the network diagrams.
const ENCODER: &str = "#cfe0f3";
const CODE: &str = "#f6c48f";
const DECODER: &str = "#d5ecd0";

/// A value as a cell shows it: whole numbers bare, others with up to `decimals` places and
/// no trailing zeros, a true minus sign; −0 as 0.
fn number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let mut s = format!("{v:.decimals$}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    match s.strip_prefix('-') {
        Some("0") => "0".to_string(),
        Some(rest) => format!("−{rest}"),
        None => s,
    }
}

/// `rgb(…)` between white (t = 0) and `to` (t = 1).
fn shade(t: f64, to: (f64, f64, f64)) -> String {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let mix = |c: f64| (255.0 + (c - 255.0) * t).round() as u8;
    format!("rgb({},{},{})", mix(to.0), mix(to.1), mix(to.2))
}

/// How a grid colours its cells: by value over `max` (blue for positive, red for negative),
/// so panels that share a scale compare at a glance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    pub max: f64,
}

impl Scale {
    /// The scale on which the largest |value| of all `ms` is full colour.
    pub fn covering(ms: &[&Matrix]) -> Scale {
        let max = ms
            .iter()
            .flat_map(|m| m.data().iter())
            .fold(0.0f64, |a, &v| if v.is_finite() { a.max(v.abs()) } else { a });
        Scale { max: if max > 0.0 { max } else { 1.0 } }
    }

    fn fill(self, v: f64) -> String {
        let t = v.abs() / self.max;
        shade(t, if v < 0.0 { RED } else { BLUE })
    }

    /// Dark cells get white text.
    fn text_colour(self, v: f64) -> &'static str {
        if v.abs() / self.max > 0.55 { "white" } else { INK }
    }
}

/// The SVG body being drawn; [`Canvas::document`] wraps it.
#[derive(Default)]
struct Canvas {
    body: String,
}

impl Canvas {
    /// Text at (x, y) (the baseline); `anchor` is start, middle or end; `extra` more attributes.
    fn text(&mut self, x: f64, y: f64, size: f64, anchor: &str, extra: &str, s: &str) {
        let _ = writeln!(
            self.body,
            "<text x=\"{x:.2}\" y=\"{y:.2}\" font-size=\"{size}\" text-anchor=\"{anchor}\"{extra}>{}</text>",
            escape(s)
        );
    }

    /// A rectangle at (x, y) of size (w, h).
    fn rect(&mut self, (x, y): (f64, f64), (w, h): (f64, f64), fill: &str, stroke: &str, stroke_width: f64) {
        let _ = writeln!(
            self.body,
            "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{w:.2}\" height=\"{h:.2}\" fill=\"{fill}\" stroke=\"{stroke}\" \
             stroke-width=\"{stroke_width}\"/>"
        );
    }

    fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &str, width: f64, extra: &str) {
        let _ = writeln!(
            self.body,
            "<line x1=\"{x1:.2}\" y1=\"{y1:.2}\" x2=\"{x2:.2}\" y2=\"{y2:.2}\" stroke=\"{stroke}\" \
             stroke-width=\"{width:.2}\"{extra}/>"
        );
    }

    fn arrow(&mut self, from: (f64, f64), to: (f64, f64)) {
        self.line(from, to, INK, 1.5, " marker-end=\"url(#arrow)\"");
    }

    fn circle(&mut self, (cx, cy): (f64, f64), r: f64, fill: &str, stroke: &str, width: f64) {
        let _ = writeln!(
            self.body,
            "<circle cx=\"{cx:.2}\" cy=\"{cy:.2}\" r=\"{r:.2}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{width}\"/>"
        );
    }

    /// The whole SVG document: size, title, white background, arrowhead marker, body.
    fn document(self, width: f64, height: f64, title: &str) -> String {
        let (w, h) = (width.ceil(), height.ceil());
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{w:.0}\" height=\"{h:.0}\" \
             viewBox=\"0 0 {w:.0} {h:.0}\" font-family=\"sans-serif\" fill=\"{INK}\">"
        );
        let _ = writeln!(s, "<title>{}</title>", escape(title));
        s.push_str(
            "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" \
             markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#222222\"/></marker></defs>\n",
        );
        let _ = writeln!(s, "<rect x=\"0\" y=\"0\" width=\"{w:.0}\" height=\"{h:.0}\" fill=\"white\"/>");
        s.push_str(&self.body);
        s.push_str("</svg>\n");
        s
    }
}

/// About how wide `s` is at font size `size` (sans-serif averages a little over half an em).
fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.53
}

/// One grid of numbers with a title above and notes below.
#[derive(Clone, Debug)]
struct Grid {
    title: Vec<String>,
    values: Matrix,
    scale: Scale,
    cell: f64,
    /// Outline blocks of this many cells (the pooling windows).
    windows: Option<usize>,
    /// Cells ringed: switches, or where a stamp's centre sits.
    marks: Vec<(usize, usize)>,
    /// A small second line in each cell (row-major; empty: none).
    notes: Vec<String>,
    below: Vec<String>,
    decimals: usize,
}

const TITLE_SIZE: f64 = 13.0;
const LINE: f64 = 16.0;

impl Grid {
    fn new(title: &str, values: &Matrix, scale: Scale) -> Grid {
        Grid {
            title: title.split('\n').map(str::to_string).collect(),
            values: values.clone(),
            scale,
            cell: 34.0,
            windows: None,
            marks: Vec::new(),
            notes: Vec::new(),
            below: Vec::new(),
            decimals: 2,
        }
    }

    fn grid_size(&self) -> (f64, f64) {
        (self.values.cols() as f64 * self.cell, self.values.rows() as f64 * self.cell)
    }

    fn size(&self) -> (f64, f64) {
        let (gw, gh) = self.grid_size();
        let texts = self.title.iter().chain(&self.below).map(|t| text_width(t, TITLE_SIZE)).fold(0.0, f64::max);
        (gw.max(texts) + 8.0, gh + LINE * (self.title.len() + self.below.len()) as f64 + 10.0)
    }

    fn draw(&self, c: &mut Canvas, x: f64, y: f64) {
        let (w, _) = self.size();
        let (gw, gh) = self.grid_size();
        let mid = x + w / 2.0;
        for (i, t) in self.title.iter().enumerate() {
            c.text(mid, y + LINE * (i as f64 + 1.0) - 3.0, TITLE_SIZE, "middle", "", t);
        }
        let (gx, gy) = (mid - gw / 2.0, y + LINE * self.title.len() as f64 + 4.0);
        let cell = self.cell;
        let (rows, cols) = self.values.shape();
        c.body.push_str("<g class=\"cells\">\n");
        for r in 0..rows {
            for q in 0..cols {
                let v = self.values[(r, q)];
                let (cx, cy) = (gx + q as f64 * cell, gy + r as f64 * cell);
                c.rect((cx, cy), (cell, cell), &self.scale.fill(v), GRID_LINE, 1.0);
                let note = self.notes.get(r * cols + q).filter(|n| !n.is_empty());
                let ty = if note.is_some() { cy + cell * 0.45 } else { cy + cell / 2.0 + 5.0 };
                let fill = format!(" fill=\"{}\" class=\"value\"", self.scale.text_colour(v));
                c.text(cx + cell / 2.0, ty, 14.0, "middle", &fill, &number(v, self.decimals));
                if let Some(n) = note {
                    let fill = format!(" fill=\"{}\" class=\"note\"", self.scale.text_colour(v));
                    c.text(cx + cell / 2.0, cy + cell * 0.82, 10.0, "middle", &fill, n);
                }
            }
        }
        c.body.push_str("</g>\n");
        if let Some(k) = self.windows.filter(|&k| k > 0) {
            c.body.push_str("<g class=\"windows\" fill=\"none\" stroke=\"#111111\" stroke-width=\"3\">\n");
            for r in (0..rows).step_by(k) {
                for q in (0..cols).step_by(k) {
                    let (bw, bh) = ((k.min(cols - q)) as f64 * cell, (k.min(rows - r)) as f64 * cell);
                    let _ = writeln!(
                        c.body,
                        "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{bw:.2}\" height=\"{bh:.2}\"/>",
                        gx + q as f64 * cell,
                        gy + r as f64 * cell
                    );
                }
            }
            c.body.push_str("</g>\n");
        }
        for &(r, q) in &self.marks {
            let centre = (gx + (q as f64 + 0.5) * cell, gy + (r as f64 + 0.5) * cell);
            let _ = writeln!(
                c.body,
                "<circle class=\"mark\" cx=\"{:.2}\" cy=\"{:.2}\" r=\"{:.2}\" fill=\"none\" stroke=\"#e08214\" stroke-width=\"3\"/>",
                centre.0,
                centre.1,
                cell * 0.4
            );
        }
        for (i, t) in self.below.iter().enumerate() {
            c.text(mid, gy + gh + LINE * (i as f64 + 1.0), 12.0, "middle", "", t);
        }
    }
}

/// A panel in a row of a grid figure: a grid, or a symbol between grids (→, =, −).
enum Item {
    Grid(Grid),
    Symbol(String),
}

impl Item {
    fn size(&self) -> (f64, f64) {
        match self {
            Item::Grid(g) => g.size(),
            Item::Symbol(s) => (text_width(s, 22.0) + 10.0, 30.0),
        }
    }
}

/// Rows of panels, each row under a heading, drawn left to right and centred vertically.
fn grid_figure(title: &str, rows: Vec<(String, Vec<Item>)>) -> String {
    const MARGIN: f64 = 16.0;
    const GAP: f64 = 14.0;
    let mut c = Canvas::default();
    let mut y = MARGIN;
    let mut width: f64 = 0.0;
    for (heading, items) in &rows {
        if !heading.is_empty() {
            c.text(MARGIN, y + 14.0, 14.0, "start", " font-weight=\"bold\"", heading);
            width = width.max(MARGIN + text_width(heading, 14.0));
            y += 24.0;
        }
        let height = items.iter().map(|i| i.size().1).fold(0.0, f64::max);
        let mut x = MARGIN;
        for item in items {
            let (w, h) = item.size();
            match item {
                Item::Grid(g) => g.draw(&mut c, x, y + (height - h) / 2.0),
                Item::Symbol(s) => c.text(x + w / 2.0, y + height / 2.0 + 8.0, 22.0, "middle", "", s),
            }
            x += w + GAP;
        }
        width = width.max(x);
        y += height + 18.0;
    }
    c.document(width + MARGIN, y + MARGIN - 10.0, title)
}

/// One matrix as a labelled grid of numbers: the simplest figure, for a kernel or a table.
pub fn value_grid(title: &str, values: &Matrix) -> Figure {
    let g = Grid::new(title, values, Scale::covering(&[values]));
    Figure {
        svg: grid_figure(title, vec![(String::new(), vec![Item::Grid(g)])]),
        caption: format!("{title}: each cell shows its value; deeper blue is larger, red is negative."),
    }
}

/// The numbers of the §3.1 worked example, as the chapter computes them.
#[derive(Clone, Debug)]
pub struct Unpooling<'a> {
    pub input: &'a Matrix,
    /// Pooling window side (and stride).
    pub window: usize,
    pub pooled: &'a Matrix,
    /// Each pooled value's switch, (row, col) in the input, row-major over `pooled`.
    pub switches: &'a [(usize, usize)],
    pub kernel: &'a Matrix,
    /// The unpooled matrices, one per pooled value: the kernel × that value, centred on its switch.
    pub stamps: &'a [Matrix],
    /// Their sum: the decoder's output.
    pub output: &'a Matrix,
}

/// Flat index of a switch in the input, as the chapter prints it (row · width + col).
fn flat(u: &Unpooling, (r, q): (usize, usize)) -> usize {
    r * u.input.cols() + q
}

/// §3.1 in one picture: the input with its pooling windows and switches, the pooled 2×2 with
/// each switch, the kernel, and the decoder's output beside the input with their difference.
pub fn unpooling_overview(u: &Unpooling) -> Figure {
    let scale = Scale::covering(&[u.input, u.output]);
    let mut input = Grid::new("input (4×4 feature map)", u.input, scale);
    input.windows = Some(u.window);
    input.marks = u.switches.to_vec();
    input.below = vec![format!("thick lines: {0}×{0} windows; rings: switches", u.window)];
    let mut pooled = Grid::new("pooled", u.pooled, scale);
    pooled.cell = 46.0;
    pooled.notes = u.switches.iter().map(|&s| format!("at {}", flat(u, s))).collect();
    pooled.below = vec!["with each switch (row·4 + col)".into()];
    let mut kernel = Grid::new("kernel", u.kernel, Scale::covering(&[u.kernel]));
    let (kr, kc) = u.kernel.shape();
    kernel.marks = vec![(kr / 2, kc / 2)];
    kernel.below = vec!["ring: the centre, put on a switch".into()];
    let diff = u.output.sub(u.input);
    let mut out = Grid::new("output: the 4 stamps summed", u.output, scale);
    out.marks = u.switches.to_vec();
    let mut input_again = Grid::new("input", u.input, scale);
    input_again.windows = Some(u.window);
    let mut d = Grid::new("output − input", &diff, Scale::covering(&[&diff]));
    let largest = diff.data().iter().fold(0.0f64, |a, &v| a.max(v.abs()));
    d.below = vec![if largest == 0.0 {
        "all zero: exact".to_string()
    } else {
        format!("largest |difference| {}", number(largest, 2))
    }];
    let svg = grid_figure(
        "§3.1 worked example: pooling with switches, then unpooling",
        vec![
            (
                format!(
                    "Encode: max pooling, {0}×{0} windows, stride {0}, keeps each maximum and its switch",
                    u.window
                ),
                vec![
                    Item::Grid(input),
                    Item::Symbol("→".into()),
                    Item::Grid(pooled),
                    Item::Symbol("+".into()),
                    Item::Grid(kernel),
                ],
            ),
            (
                "Decode: stamp kernel × value at each switch, sum the stamps, compare with the input".into(),
                vec![
                    Item::Grid(out),
                    Item::Symbol("vs".into()),
                    Item::Grid(input_again),
                    Item::Symbol("→".into()),
                    Item::Grid(d),
                ],
            ),
        ],
    );
    let exact = if largest == 0.0 {
        "every difference is 0: the output is the input"
    } else {
        "the differences show what pooling lost"
    };
    Figure {
        svg,
        caption: format!(
            "Top row: the 4×4 input with its four {0}×{0} pooling windows outlined and each window's maximum ringed \
             (its switch), the pooled 2×2 with the flat index of each switch, and the kernel. Bottom row: the sum of \
             the four stamps the decoder lays at the switches, the input, and their difference; {exact}.",
            u.window
        ),
    }
}

/// §3.1's decoding, one pooled value at a time: kernel × value, and that product laid on a
/// grid of zeros with its centre on the value's switch.
pub fn unpooling_steps(u: &Unpooling) -> Figure {
    let scale = Scale::covering(&[u.input, u.output]);
    let mut rows = Vec::new();
    for (pair, chunk) in u.stamps.chunks(2).enumerate() {
        let mut items = Vec::new();
        for (k, stamp) in chunk.iter().enumerate() {
            let n = pair * 2 + k;
            let v = u.pooled.data()[n];
            let (sr, sc) = u.switches[n];
            let product = u.kernel.scale(v);
            let mut p = Grid::new(&format!("kernel × {}", number(v, 2)), &product, scale);
            p.marks = vec![(u.kernel.rows() / 2, u.kernel.cols() / 2)];
            let mut m = Grid::new(&format!("unpooled matrix {}", n + 1), stamp, scale);
            m.marks = vec![(sr, sc)];
            m.below = vec![format!("centre on switch ({sr}, {sc})")];
            if k > 0 {
                items.push(Item::Symbol("   ".into()));
            }
            items.push(Item::Grid(p));
            items.push(Item::Symbol("→".into()));
            items.push(Item::Grid(m));
        }
        let first = pair * 2 + 1;
        let heading =
            if chunk.len() == 2 { format!("Steps {first} and {}", first + 1) } else { format!("Step {first}") };
        rows.push((heading, items));
    }
    let mut sum_row = Vec::new();
    for (n, stamp) in u.stamps.iter().enumerate() {
        if n > 0 {
            sum_row.push(Item::Symbol("+".into()));
        }
        let mut m = Grid::new(&format!("matrix {}", n + 1), stamp, scale);
        m.cell = 26.0;
        sum_row.push(Item::Grid(m));
    }
    sum_row.push(Item::Symbol("=".into()));
    let mut out = Grid::new("output", u.output, scale);
    out.cell = 26.0;
    sum_row.push(Item::Grid(out));
    rows.push(("Where stamps overlap, their values add".into(), sum_row));
    Figure {
        svg: grid_figure("§3.1 decoding, one pooled value at a time", rows),
        caption: "Each step multiplies the kernel by one pooled value (left, its centre ringed) and lays the product \
                  on a grid of zeros with that centre on the value's switch (right, ringed); cells past the edge are \
                  dropped. The bottom row adds the four unpooled matrices: overlapping arms add up to the output."
            .into(),
    }
}

/// One way of unpooling without switches, for [`unpooling_without_switches`].
#[derive(Clone, Debug)]
pub struct Switchless<'a> {
    pub name: &'a str,
    pub unpooled: &'a Matrix,
    pub output: &'a Matrix,
    /// Σ (output − input)².
    pub error: f64,
}

/// The contrast of §3.1: the same pooled values unpooled without switches, and what the
/// decoder then draws, against the input.
pub fn unpooling_without_switches(
    input: &Matrix,
    window: usize,
    with_switches_error: f64,
    ways: &[Switchless],
) -> Figure {
    let all: Vec<&Matrix> = std::iter::once(input).chain(ways.iter().flat_map(|w| [w.unpooled, w.output])).collect();
    let scale = Scale::covering(&all);
    let mut rows = Vec::new();
    for w in ways {
        let diff = w.output.sub(input);
        let mut d = Grid::new("output − input", &diff, Scale::covering(&[&diff]));
        d.below = vec![format!("error Σ(output − input)² = {}", number(w.error, 4))];
        let mut unpooled = Grid::new("unpooled", w.unpooled, scale);
        unpooled.windows = Some(window);
        let mut input_grid = Grid::new("input", input, scale);
        input_grid.windows = Some(window);
        rows.push((
            w.name.to_string(),
            vec![
                Item::Grid(unpooled),
                Item::Symbol("→".into()),
                Item::Grid(Grid::new("output (stamped)", w.output, scale)),
                Item::Symbol("vs".into()),
                Item::Grid(input_grid),
                Item::Symbol("→".into()),
                Item::Grid(d),
            ],
        ));
    }
    let names: Vec<String> =
        ways.iter().map(|w| format!("{} {}", w.name.split(':').next().unwrap_or(w.name), number(w.error, 4))).collect();
    Figure {
        svg: grid_figure("§3.1 without switches", rows),
        caption: format!(
            "Each row unpools the same 2×2 pooled values without switches (left, windows outlined), stamps the \
             kernel as before, and sets the output beside the input and their difference (right: blue where the \
             output is too large, red where too small). The errors ({}) compare with {} when the switches are \
             kept.",
            names.join(", "),
            number(with_switches_error, 4)
        ),
    }
}

/// A small network as nodes and edges, for §1's 4-2-4: `w_enc` is (code, n), `w_dec` is
/// (n, code), `codes` is (inputs, code), one row per input in the order of `input_names`.
/// Edge colour is the weight's sign (blue +, red −), its width the weight's size.
pub fn network_diagram(w_enc: &Matrix, w_dec: &Matrix, codes: &Matrix, input_names: &[String]) -> Figure {
    let (k, n) = w_enc.shape();
    assert_eq!(w_dec.shape(), (n, k), "network_diagram: decoder weights must be (n, code)");
    assert_eq!(codes.cols(), k, "network_diagram: one code column per code unit");
    const GAP: f64 = 56.0;
    const R: f64 = 17.0;
    let top = 70.0;
    let span = (n.max(k) - 1) as f64 * GAP;
    let ys = |count: usize| -> Vec<f64> {
        let first = top + (span - (count.max(1) - 1) as f64 * GAP) / 2.0;
        (0..count).map(|i| first + i as f64 * GAP).collect()
    };
    let (xi, xh, xo) = (90.0, 330.0, 570.0);
    let (yi, yh) = (ys(n), ys(k));
    let largest = w_enc.data().iter().chain(w_dec.data()).fold(0.0f64, |a, &v| a.max(v.abs())).max(1e-12);
    let mut c = Canvas::default();
    c.text(xi, 30.0, 14.0, "middle", " font-weight=\"bold\"", "input x");
    c.text(xh, 30.0, 14.0, "middle", " font-weight=\"bold\"", "code h");
    c.text(xo, 30.0, 14.0, "middle", " font-weight=\"bold\"", "output x̂");
    c.text((xi + xh) / 2.0, 48.0, 12.0, "middle", "", "encoder W₁ (sigmoid)");
    c.text((xh + xo) / 2.0, 48.0, 12.0, "middle", "", "decoder W₂ (sigmoid)");
    let edge = |c: &mut Canvas, a: (f64, f64), b: (f64, f64), w: f64| {
        let colour = if w < 0.0 { shade(0.9, RED) } else { shade(0.9, BLUE) };
        let width = 0.6 + 6.0 * w.abs() / largest;
        c.line(a, b, &colour, width, " stroke-opacity=\"0.8\"");
    };
    c.body.push_str("<g class=\"edges\">\n");
    for j in 0..k {
        for i in 0..n {
            edge(&mut c, (xi + R, yi[i]), (xh - R, yh[j]), w_enc[(j, i)]);
            edge(&mut c, (xh + R, yh[j]), (xo - R, yi[i]), w_dec[(i, j)]);
        }
    }
    c.body.push_str("</g>\n");
    for (i, &y) in yi.iter().enumerate() {
        c.circle((xi, y), R, "white", INK, 1.5);
        c.text(xi, y + 5.0, 13.0, "middle", "", &format!("x{}", subscript(i + 1)));
        c.circle((xo, y), R, "white", INK, 1.5);
        c.text(xo, y + 5.0, 13.0, "middle", "", &format!("x̂{}", subscript(i + 1)));
    }
    for (j, &y) in yh.iter().enumerate() {
        c.circle((xh, y), R, CODE, INK, 1.5);
        c.text(xh, y + 5.0, 13.0, "middle", "", &format!("h{}", subscript(j + 1)));
    }
    // Each input's code, in a table under the code nodes.
    let table_top = top + span + 50.0;
    c.text(xh, table_top, 13.0, "middle", " font-weight=\"bold\"", "each input's code h");
    for (r, name) in input_names.iter().enumerate().take(codes.rows()) {
        let values: Vec<String> = codes.row(r).iter().map(|&v| format!("{v:.3}")).collect();
        let line = format!("{name}  →  ({})", values.join(", "));
        c.text(
            xh,
            table_top + 18.0 * (r as f64 + 1.0),
            12.0,
            "middle",
            " font-family=\"monospace\" class=\"code\"",
            &line,
        );
    }
    // The weights themselves, every one readable, as two small grids.
    let grids_top = table_top + 18.0 * (codes.rows() as f64 + 1.0) + 16.0;
    let scale = Scale { max: largest };
    let mut g1 = Grid::new("W₁ (code × input)", w_enc, scale);
    g1.cell = 46.0;
    let mut g2 = Grid::new("W₂ (output × code)", w_dec, scale);
    g2.cell = 46.0;
    let (w1, h1) = g1.size();
    let (w2, h2) = g2.size();
    g1.draw(&mut c, xh - 20.0 - w1, grids_top);
    g2.draw(&mut c, xh + 20.0, grids_top);
    let width = (xo + 80.0).max(xh + 20.0 + w2 + 16.0);
    let height = grids_top + h1.max(h2) + 16.0;
    Figure {
        svg: c.document(width, height, &format!("{n}-{k}-{n} autoencoder")),
        caption: format!(
            "The trained {n}-{k}-{n} network: inputs on the left, the {k} code units in the middle, outputs on the right. \
             Blue edges are positive weights, red negative, and thicker means larger; the table under the code \
             units gives each input's code, and the grids below list every weight."
        ),
    }
}

/// Unicode subscript digits, for node labels (x₁, h₂).
fn subscript(n: usize) -> String {
    n.to_string().chars().map(|d| char::from_u32(0x2080 + d.to_digit(10).unwrap_or(0)).unwrap_or(d)).collect()
}

/// One network drawn as layer bars, for [`layer_diagram`].
#[derive(Clone, Debug)]
pub struct Stack {
    pub title: String,
    /// Layer widths from input to output.
    pub widths: Vec<usize>,
    /// Index of the code layer in `widths`.
    pub code: usize,
    /// A label under each layer (activation, role), or empty.
    pub labels: Vec<String>,
}

impl Stack {
    /// A network of these widths, its code the middle layer, no labels under the layers.
    pub fn new(title: &str, widths: &[usize]) -> Stack {
        Stack { title: title.to_string(), widths: widths.to_vec(), code: widths.len() / 2, labels: Vec::new() }
    }

    /// Sets the labels under the layers, input first (builder style).
    pub fn labels(mut self, labels: &[&str]) -> Stack {
        self.labels = labels.iter().map(|l| l.to_string()).collect();
        self
    }
}

/// Height of a layer bar: by the logarithm of its width, so 2 and 784 both fit.
fn bar_height(width: usize, widest: usize) -> f64 {
    let t = (width.max(1) as f64).ln_1p() / (widest.max(2) as f64).ln_1p();
    14.0 + 130.0 * t
}

/// Draws one stack at (x, y); returns its (width, height).
/// Layout of a drawn stack, from its top-left corner: the bars' centre line, the first bar's
/// left edge, the distance between bars, a bar's width, and the height of the whole.
const STACK_MID: f64 = 132.0;
const STACK_FIRST: f64 = 60.0;
const STACK_STEP: f64 = 120.0;
const BAR: f64 = 26.0;
const STACK_HEIGHT: f64 = 244.0;

fn draw_stack(c: &mut Canvas, s: &Stack, x: f64, y: f64, widest: usize) -> (f64, f64) {
    let mid = y + STACK_MID;
    c.text(x, y + 14.0, 14.0, "start", " font-weight=\"bold\"", &s.title);
    let last = s.widths.len().saturating_sub(1);
    let xs: Vec<f64> = (0..s.widths.len()).map(|i| x + STACK_FIRST + i as f64 * STACK_STEP).collect();
    // Trapezoids between layers: blue while encoding, green while decoding.
    for i in 0..last {
        let (h0, h1) = (bar_height(s.widths[i], widest), bar_height(s.widths[i + 1], widest));
        let fill = if i < s.code { ENCODER } else { DECODER };
        let (a, b) = (xs[i] + BAR, xs[i + 1]);
        let _ = writeln!(
            c.body,
            "<path d=\"M{a:.2},{:.2} L{b:.2},{:.2} L{b:.2},{:.2} L{a:.2},{:.2} z\" fill=\"{fill}\" stroke=\"none\"/>",
            mid - h0 / 2.0,
            mid - h1 / 2.0,
            mid + h1 / 2.0,
            mid + h0 / 2.0
        );
    }
    for (i, &w) in s.widths.iter().enumerate() {
        let h = bar_height(w, widest);
        let fill = if i == s.code {
            CODE
        } else if i < s.code {
            "#8fb5de"
        } else {
            "#9fd196"
        };
        c.rect((xs[i], mid - h / 2.0), (BAR, h), fill, INK, 1.0);
        c.text(xs[i] + BAR / 2.0, mid - h / 2.0 - 6.0, 13.0, "middle", " class=\"width\"", &w.to_string());
        let role = if i == 0 {
            "input x".to_string()
        } else if i == last {
            "output x̂".to_string()
        } else if i == s.code {
            "code h".to_string()
        } else {
            String::new()
        };
        let below = mid + 88.0;
        if !role.is_empty() {
            c.text(xs[i] + BAR / 2.0, below, 12.0, "middle", " font-weight=\"bold\"", &role);
        }
        if let Some(l) = s.labels.get(i).filter(|l| !l.is_empty()) {
            c.text(xs[i] + BAR / 2.0, below + 15.0, 11.0, "middle", "", l);
        }
    }
    // Braces (as brackets) for the encoder and the decoder.
    let bracket = |c: &mut Canvas, from: f64, to: f64, label: &str| {
        let yb = y + 40.0;
        c.line((from, yb + 6.0), (from, yb), INK, 1.0, "");
        c.line((from, yb), (to, yb), INK, 1.0, "");
        c.line((to, yb), (to, yb + 6.0), INK, 1.0, "");
        c.text((from + to) / 2.0, yb - 3.0, 12.0, "middle", "", label);
    };
    if s.code > 0 && s.code < last {
        bracket(c, xs[0], xs[s.code] + BAR, "encoder f");
        bracket(c, xs[s.code] + BAR + 4.0, xs[last] + BAR, "decoder g");
    }
    (xs[last] + BAR - x + 70.0, STACK_HEIGHT)
}

/// Encoder, bottleneck and decoder of one or more networks as layer bars: each bar's height
/// grows with the log of its width, which is written above it.
pub fn layer_diagram(title: &str, stacks: &[Stack]) -> Figure {
    let widest = stacks.iter().flat_map(|s| s.widths.iter().copied()).max().unwrap_or(2);
    let mut c = Canvas::default();
    let (mut y, mut width) = (16.0, 320.0f64);
    for s in stacks {
        let (w, h) = draw_stack(&mut c, s, 16.0, y, widest);
        width = width.max(w + 16.0).max(16.0 + text_width(&s.title, 14.0) + 20.0);
        y += h + 10.0;
    }
    let names: Vec<String> = stacks.iter().map(|s| s.title.clone()).collect();
    Figure {
        svg: c.document(width, y + 6.0, title),
        caption: format!(
            "{}: each bar is a layer, its width (number of units) written above it and its height growing with \
             the log of that width. The encoder (blue) narrows the input to the code h (orange), the bottleneck; \
             the decoder (green) widens it back to the input's size.",
            names.join("; ")
        ),
    }
}

/// §5's network with its loss: a `n`-wide rating row through `hidden` and back, the loss
/// taken only over the movies the user rated.
pub fn recommender_diagram(n_movies: usize, hidden: &[usize]) -> Figure {
    let mut widths = vec![n_movies];
    widths.extend_from_slice(hidden);
    widths.push(n_movies);
    let code = widths.len() / 2;
    let mut labels: Vec<String> = vec!["ratings, 0 = unrated".into()];
    labels.extend(hidden.iter().map(|_| "sigmoid".to_string()));
    labels.push("linear".into());
    let arch = widths.iter().map(usize::to_string).collect::<Vec<_>>().join("-");
    let stack = Stack { title: format!("§5: the article's stacked autoencoder, {arch}"), widths, code, labels };
    let widest = n_movies.max(2);
    let mut c = Canvas::default();
    let (w, h) = draw_stack(&mut c, &stack, 16.0, 16.0, widest);
    // The masked loss: a box under the output, linked to the input and the output.
    let top = 16.0 + h + 8.0;
    let lines = [
        "masked loss: only the movies this user rated count",
        "L = (1/n) Σ over rated i of (x̂ᵢ − xᵢ)²,  n = all movies",
        "unrated outputs are set to 0, like their inputs, before the loss",
    ];
    let box_w = lines.iter().map(|l| text_width(l, 12.0)).fold(0.0, f64::max) + 24.0;
    let box_x = 16.0 + (w - 60.0 - box_w) / 2.0;
    c.rect((box_x, top), (box_w, 70.0), "#fff4e0", "#e08214", 2.0);
    for (i, l) in lines.iter().enumerate() {
        let extra = if i == 0 { " font-weight=\"bold\" class=\"mask\"" } else { "" };
        c.text(box_x + 12.0, top + 20.0 + 18.0 * i as f64, 12.0, "start", extra, l);
    }
    let in_x = 16.0 + STACK_FIRST + BAR / 2.0;
    let out_x = in_x + (stack.widths.len() - 1) as f64 * STACK_STEP;
    let from_y = 16.0 + STACK_MID + 108.0;
    c.arrow((in_x, from_y), (box_x, top + 35.0));
    c.arrow((out_x, from_y), (box_x + box_w, top + 35.0));
    let width = w.max(box_w + 40.0) + 16.0;
    Figure {
        svg: c.document(width, top + 86.0, &format!("§5 recommender {arch}")),
        caption: format!(
            "The article's recommender, {arch}: a user's row of {n_movies} ratings (0 where unrated) is encoded \
             through {} sigmoid layers and decoded by a linear layer back to {n_movies} predicted ratings. The \
             orange box is the masked loss: outputs for movies the user did not rate are set to 0 so only rated \
             movies count, yet the sum is still divided by all {n_movies}.",
            hidden.len()
        ),
    }
}

/// The seven steps of §3 with one run's numbers for its first example.
#[derive(Clone, Debug, Default)]
pub struct TrainingSteps {
    pub x: Vec<f64>,
    pub h: Vec<f64>,
    pub x_hat: Vec<f64>,
    pub loss: f64,
    /// (name, Frobenius norm) of each gradient, e.g. ("∂L/∂W₁", 0.12).
    pub gradient_norms: Vec<(String, f64)>,
    /// Largest relative error of backprop against numeric differences.
    pub gradient_check: f64,
    pub lr: f64,
    /// The same example's loss after the one update.
    pub loss_after: f64,
    pub examples: usize,
    pub epochs: usize,
    pub first_epoch_loss: f64,
    pub final_loss: f64,
}

/// A vector in rows of at most six entries.
fn vector_lines(name: &str, v: &[f64], decimals: usize) -> Vec<String> {
    let parts: Vec<String> = v.iter().map(|&x| format!("{x:.decimals$}")).collect();
    let mut out = Vec::new();
    for (i, chunk) in parts.chunks(6).enumerate() {
        let open = if i == 0 { format!("{name} = [") } else { " ".repeat(name.chars().count() + 4) };
        let close = if (i + 1) * 6 >= parts.len() { "]" } else { "," };
        out.push(format!("{open}{}{close}", chunk.join(", ")));
    }
    out
}

/// §3's seven steps as one flow: x → h → x̂ → L → gradients → update → next row or epoch.
pub fn training_steps(s: &TrainingSteps) -> Figure {
    let mut boxes: Vec<(String, Vec<String>)> = vec![
        ("1. take the first row".into(), vector_lines("x", &s.x, 0)),
        ("2. encode h = σ(W₁x + b₁)".into(), vector_lines("h", &s.h, 3)),
        ("3. decode x̂ = σ(W₂h + b₂)".into(), vector_lines("x̂", &s.x_hat, 2)),
        ("4. loss L = mean((x̂ − x)²)".into(), vec![format!("L = {:.4}", s.loss)]),
    ];
    let mut grads: Vec<String> = s.gradient_norms.iter().map(|(n, v)| format!("‖{n}‖ = {v:.4}")).collect();
    grads.push(format!("numeric check: {:.1e}", s.gradient_check));
    boxes.push(("5. backpropagate".into(), grads));
    boxes.push((
        "5. then update W ← W − η·∂L/∂W".into(),
        vec![format!("η = {}", number(s.lr, 4)), format!("L on this row: {:.4} → {:.4}", s.loss, s.loss_after)],
    ));
    boxes.push((
        "6. every row, one update each".into(),
        vec![format!("{} rows per epoch (SGD)", s.examples), format!("after epoch 1: L = {:.4}", s.first_epoch_loss)],
    ));
    boxes.push((
        "7. more epochs".into(),
        vec![format!("{} epochs", s.epochs), format!("final L over all rows = {:.4}", s.final_loss)],
    ));
    let per_row = 4;
    let line_count = boxes.iter().map(|b| b.1.len()).max().unwrap_or(1);
    let box_h = 34.0 + 17.0 * line_count as f64;
    let box_w = boxes
        .iter()
        .flat_map(|(t, ls)| {
            std::iter::once(text_width(t, 13.0)).chain(ls.iter().map(|l| l.chars().count() as f64 * 7.3))
        })
        .fold(180.0, f64::max)
        + 20.0;
    let gap = 40.0;
    let mut c = Canvas::default();
    let pos = |i: usize| -> (f64, f64) {
        let (row, col) = (i / per_row, i % per_row);
        (16.0 + col as f64 * (box_w + gap), 60.0 + row as f64 * (box_h + 60.0))
    };
    c.text(
        16.0,
        24.0,
        14.0,
        "start",
        " font-weight=\"bold\"",
        "§3: the seven steps, with this run's numbers for the first row",
    );
    for (i, (title, lines)) in boxes.iter().enumerate() {
        let (x, y) = pos(i);
        let fill = if i == 0 || i >= 6 {
            "#f3f3f3"
        } else if i < 3 {
            ENCODER
        } else {
            "#fff4e0"
        };
        c.rect((x, y), (box_w, box_h), fill, INK, 1.2);
        c.text(x + 10.0, y + 20.0, 13.0, "start", " font-weight=\"bold\"", title);
        for (k, l) in lines.iter().enumerate() {
            c.text(
                x + 10.0,
                y + 40.0 + 17.0 * k as f64,
                12.0,
                "start",
                " font-family=\"monospace\" class=\"number\"",
                l,
            );
        }
        if i + 1 < boxes.len() {
            let (nx, ny) = pos(i + 1);
            if ny == y {
                c.arrow((x + box_w, y + box_h / 2.0), (nx - 2.0, ny + box_h / 2.0));
            } else {
                // Down to the next row's first box.
                let _ = writeln!(
                    c.body,
                    "<path d=\"M{:.2},{:.2} L{:.2},{:.2} L{:.2},{:.2} L{:.2},{:.2}\" fill=\"none\" stroke=\"{INK}\" \
                     stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>",
                    x + box_w / 2.0,
                    y + box_h,
                    x + box_w / 2.0,
                    y + box_h + 30.0,
                    nx + box_w / 2.0,
                    y + box_h + 30.0,
                    nx + box_w / 2.0,
                    ny - 2.0
                );
            }
        }
    }
    // The loop back: after the last row of an epoch, the next epoch starts at step 1.
    let (lx, ly) = pos(boxes.len() - 1);
    let (fx, fy) = pos(0);
    let right = lx + box_w + 24.0;
    let _ = writeln!(
        c.body,
        "<path d=\"M{:.2},{:.2} L{right:.2},{:.2} L{right:.2},{:.2} L{:.2},{:.2} L{:.2},{:.2}\" fill=\"none\" \
         stroke=\"{INK}\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\" marker-end=\"url(#arrow)\"/>",
        lx + box_w,
        ly + box_h / 2.0,
        ly + box_h / 2.0,
        fy - 12.0,
        fx + box_w / 2.0,
        fy - 12.0,
        fx + box_w / 2.0,
        fy - 2.0
    );
    c.text(fx + box_w / 2.0 + 10.0, fy - 17.0, 11.0, "start", "", "back to step 1: the next row, then the next epoch");
    let width = right + 16.0;
    let height = pos(boxes.len() - 1).1 + box_h + 20.0;
    Figure {
        svg: c.document(width, height, "§3 training steps"),
        caption: format!(
            "The seven steps of §3 as a loop, with this run's numbers for the first row: its input x, code h, \
             reconstruction x̂ and loss L (steps 1–4), the gradients of L and one SGD update with η = {} (step 5), \
             then every row in turn ({} per epoch, step 6) for {} epochs (step 7). The dashed arrow is the loop back \
             to step 1.",
            number(s.lr, 4),
            s.examples,
            s.epochs
        ),
    }
}

/// The p-quantile of sorted values, interpolating linearly between neighbours (p in [0, 1]).
///
/// ```
/// use autoencoders::render::figures::quantile;
/// assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
/// assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.0), 1.0);
/// ```
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = p.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (lo, frac) = (pos.floor() as usize, pos - pos.floor());
    if lo + 1 >= sorted.len() { sorted[lo] } else { sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]) }
}

/// One box of a box plot: 5th percentile, quartiles, median, 95th percentile, mean, count.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoxStats {
    pub p05: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    pub p95: f64,
    pub mean: f64,
    pub n: usize,
}

impl BoxStats {
    /// The statistics of the finite values among `values`, or `None` if there are none.
    pub fn of(values: &[f64]) -> Option<BoxStats> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        Some(BoxStats {
            p05: quantile(&v, 0.05),
            q1: quantile(&v, 0.25),
            median: quantile(&v, 0.5),
            q3: quantile(&v, 0.75),
            p95: quantile(&v, 0.95),
            mean: v.iter().sum::<f64>() / v.len() as f64,
            n: v.len(),
        })
    }
}

/// Predicted against actual ratings: for each true rating 1–5 one box per model, from
/// (true rating, prediction) pairs. A perfect model's boxes would sit flat on the dashed line
/// of their rating.
pub fn rating_boxes(models: &[(&str, &[(u8, f64)])]) -> Figure {
    const LEFT: f64 = 70.0;
    const TOP: f64 = 56.0;
    const PLOT_H: f64 = 360.0;
    const BOX_W: f64 = 30.0;
    let stats: Vec<Vec<Option<BoxStats>>> = models
        .iter()
        .map(|(_, pairs)| {
            (1..=5u8)
                .map(|r| BoxStats::of(&pairs.iter().filter(|p| p.0 == r).map(|p| p.1).collect::<Vec<_>>()))
                .collect()
        })
        .collect();
    let (lo, hi) = stats.iter().flatten().flatten().fold((0.5f64, 5.5f64), |(a, b), s| (a.min(s.p05), b.max(s.p95)));
    let ticks = nice_ticks(lo, hi, 8);
    let (y0, y1) = (ticks.first().copied().unwrap_or(lo), ticks.last().copied().unwrap_or(hi));
    let py = |v: f64| TOP + PLOT_H - (v - y0) / (y1 - y0) * PLOT_H;
    let group_w = models.len() as f64 * (BOX_W + 14.0) + 40.0;
    let plot_w = 5.0 * group_w;
    let mut c = Canvas::default();
    c.text(LEFT + plot_w / 2.0, 24.0, 15.0, "middle", "", "Predicted against actual test ratings");
    c.body.push_str("<g class=\"axes\">\n");
    for &t in &ticks {
        c.line((LEFT, py(t)), (LEFT + plot_w, py(t)), "#e3e3e3", 1.0, "");
        c.text(LEFT - 8.0, py(t) + 4.0, 12.0, "end", "", &number(t, 2));
    }
    c.rect((LEFT, TOP), (plot_w, PLOT_H), "none", INK, 1.0);
    c.body.push_str("</g>\n");
    let colours = ["#4a7fc1", "#e08214", "#5aa469", "#9467bd"];
    for r in 0..5 {
        let gx = LEFT + r as f64 * group_w;
        let truth = (r + 1) as f64;
        c.line((gx + 10.0, py(truth)), (gx + group_w - 10.0, py(truth)), INK, 1.2, " stroke-dasharray=\"5 3\"");
        c.text(gx + group_w / 2.0, TOP + PLOT_H + 18.0, 13.0, "middle", " font-weight=\"bold\"", &format!("{}", r + 1));
        for (m, model_stats) in stats.iter().enumerate() {
            let colour = colours[m % colours.len()];
            let bx = gx + 20.0 + m as f64 * (BOX_W + 14.0);
            let centre = bx + BOX_W / 2.0;
            let Some(s) = model_stats[r] else {
                c.text(centre, TOP + PLOT_H - 8.0, 10.0, "middle", "", "none");
                continue;
            };
            c.line((centre, py(s.p05)), (centre, py(s.q1)), INK, 1.0, "");
            c.line((centre, py(s.q3)), (centre, py(s.p95)), INK, 1.0, "");
            c.line((centre - 6.0, py(s.p05)), (centre + 6.0, py(s.p05)), INK, 1.0, "");
            c.line((centre - 6.0, py(s.p95)), (centre + 6.0, py(s.p95)), INK, 1.0, "");
            let _ = writeln!(
                c.body,
                "<rect class=\"box\" x=\"{bx:.2}\" y=\"{:.2}\" width=\"{BOX_W:.2}\" height=\"{:.2}\" fill=\"{colour}\" \
                 fill-opacity=\"0.45\" stroke=\"{colour}\" stroke-width=\"1.5\"/>",
                py(s.q3),
                (py(s.q1) - py(s.q3)).max(0.5)
            );
            c.line((bx, py(s.median)), (bx + BOX_W, py(s.median)), INK, 2.0, "");
            c.text(centre, py(s.p95) - 5.0, 10.0, "middle", " class=\"median\"", &format!("{:.2}", s.median));
            c.text(centre, TOP + PLOT_H + 32.0, 9.0, "middle", "", &format!("n={}", s.n));
        }
    }
    c.text(
        LEFT + plot_w / 2.0,
        TOP + PLOT_H + 52.0,
        13.0,
        "middle",
        "",
        "true rating (dashed: where a perfect model's box would sit)",
    );
    let (yx, yy) = (20.0, TOP + PLOT_H / 2.0);
    c.text(yx, yy, 13.0, "middle", &format!(" transform=\"rotate(-90 {yx:.2} {yy:.2})\""), "predicted rating");
    let legend_y = TOP + PLOT_H + 72.0;
    let mut lx = LEFT;
    for (m, (name, _)) in models.iter().enumerate() {
        let colour = colours[m % colours.len()];
        c.rect((lx, legend_y - 10.0), (14.0, 12.0), colour, colour, 1.0);
        c.text(lx + 20.0, legend_y, 12.0, "start", "", name);
        lx += 40.0 + text_width(name, 12.0);
    }
    let names: Vec<&str> = models.iter().map(|m| m.0).collect();
    Figure {
        svg: c.document(LEFT + plot_w + 20.0, legend_y + 16.0, "Predicted against actual test ratings"),
        caption: format!(
            "Each group is one true rating, 1 to 5; in it, one box per model ({}): the box spans the middle half of \
             that model's predictions for those test ratings, the thick line is their median (written above), the \
             whiskers reach the 5th and 95th percentiles, and n counts the ratings. A perfect model would put every \
             box flat on its dashed line; boxes that drift towards the middle mean the model predicts the average.",
            names.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_tidy() {
        assert_eq!(number(8.0, 2), "8");
        assert_eq!(number(0.5, 2), "0.5");
        assert_eq!(number(-0.0, 2), "0");
        assert_eq!(number(-0.004, 2), "0");
        assert_eq!(number(-3.0, 2), "−3");
        assert_eq!(number(1.23456, 3), "1.235");
    }

    #[test]
    fn shades_run_from_white_to_full_colour() {
        assert_eq!(shade(0.0, BLUE), "rgb(255,255,255)");
        assert_eq!(shade(1.0, BLUE), "rgb(33,102,172)");
        assert_eq!(shade(f64::NAN, RED), "rgb(255,255,255)");
    }

    #[test]
    fn subscripts() {
        assert_eq!(subscript(12), "₁₂");
    }

    #[test]
    fn vectors_wrap_after_six_entries() {
        let lines = vector_lines("x", &[1.0; 8], 0);
        assert_eq!(lines, ["x = [1, 1, 1, 1, 1, 1,", "     1, 1]"]);
    }
}
