//! SVG charts: well-formed XML, escaped text, one polyline per series, nice ticks, and no
//! NaN, infinity or division by zero whatever the data.

use std::path::Path;

use autoencoders::render::svg::{LineChart, ScatterPlot, escape, nice_ticks, side_by_side, write_svg};
use proptest::prelude::*;

/// A small XML checker, enough for what the charts emit: every tag closes in order,
/// attribute values are quoted, and `&` only starts one of the five entities. Returns the
/// element names in document order, or what is wrong.
fn check_xml(s: &str) -> Result<Vec<String>, String> {
    fn check_text(t: &str) -> Result<(), String> {
        let mut rest = t;
        while let Some(i) = rest.find('&') {
            rest = &rest[i..];
            let ok = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].iter().any(|e| rest.starts_with(e));
            if !ok {
                return Err(format!("raw & in {t:?}"));
            }
            rest = &rest[1..];
        }
        if t.contains('>') { Err(format!("raw > in {t:?}")) } else { Ok(()) }
    }
    let mut stack: Vec<String> = Vec::new();
    let mut names = Vec::new();
    let mut rest = s;
    let mut roots = 0;
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open])?;
        rest = &rest[open..];
        if rest.starts_with("<?") {
            let end = rest.find("?>").ok_or("unclosed <?")?;
            rest = &rest[end + 2..];
            continue;
        }
        if rest.starts_with("<!--") {
            let end = rest.find("-->").ok_or("unclosed comment")?;
            if rest[4..end].contains("--") {
                return Err("-- inside a comment".into());
            }
            rest = &rest[end + 3..];
            continue;
        }
        // A tag ends at the first '>' outside quotes.
        let mut in_quote = false;
        let mut end = None;
        for (i, c) in rest.char_indices() {
            match c {
                '"' => in_quote = !in_quote,
                '<' if in_quote => return Err("raw < in an attribute".into()),
                '>' if !in_quote => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let end = end.ok_or("unclosed tag")?;
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let top = stack.pop().ok_or(format!("</{name}> without an open tag"))?;
            if top != name.trim() {
                return Err(format!("</{name}> closes <{top}>"));
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let body = tag.trim_end_matches('/');
        let name = body.split_whitespace().next().ok_or("empty tag")?.to_string();
        // Attributes: name="value" pairs, values without raw '&' other than entities.
        let mut attrs = body[name.len()..].trim();
        while !attrs.is_empty() {
            let eq = attrs.find("=\"").ok_or(format!("unquoted attribute in <{name} {attrs}>"))?;
            let after = &attrs[eq + 2..];
            let close = after.find('"').ok_or("unterminated attribute")?;
            check_text(&after[..close])?;
            attrs = after[close + 1..].trim_start();
        }
        if stack.is_empty() {
            roots += 1;
        }
        names.push(name.clone());
        if !self_closing {
            stack.push(name);
        }
    }
    check_text(rest)?;
    if let Some(open) = stack.pop() {
        return Err(format!("<{open}> never closed"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(names)
}

fn count(names: &[String], tag: &str) -> usize {
    names.iter().filter(|n| *n == tag).count()
}

/// The contents of every <text> element.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text").skip(1).filter_map(|t| Some(t[t.find('>')? + 1..t.find("</text>")?].to_string())).collect()
}

fn assert_no_bad_numbers(svg: &str) {
    for bad in ["NaN", "inf"] {
        assert!(!svg.contains(bad), "{bad} in the SVG:\n{svg}");
    }
}

#[test]
fn the_checker_itself_catches_mistakes() {
    assert!(check_xml("<a><b/></a>").is_ok());
    assert!(check_xml("<a><b></a>").is_err());
    assert!(check_xml("<a>x & y</a>").is_err());
    assert!(check_xml("<a x=1/>").is_err());
    assert!(check_xml("<a/><b/>").is_err());
}

#[test]
fn line_chart_is_well_formed_with_one_polyline_per_series() {
    let svg = LineChart::new("Reconstruction error", "epoch", "mean squared error")
        .series("train", (0..20).map(|e| (e as f64, 1.0 / (1.0 + e as f64))).collect())
        .series("test", (0..20).map(|e| (e as f64, 1.1 / (1.0 + e as f64))).collect())
        .series("baseline", vec![(0.0, 0.5), (19.0, 0.5)])
        .to_svg();
    let names = check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert_eq!(names[0], "svg");
    assert_eq!(count(&names, "polyline"), 3);
    let t = texts(&svg);
    for label in ["Reconstruction error", "epoch", "mean squared error", "train", "test", "baseline"] {
        assert!(t.iter().any(|x| x == label), "missing text {label:?} in {t:?}");
    }
    // x: 0..19 with ≤ 7 ticks → step 5: 0 5 10 15 20; y: 0.05..1.1 with ≤ 8 → step 0.2
    for tick in ["0", "5", "10", "15", "20", "0.0", "0.2", "1.2"] {
        assert!(t.iter().any(|x| x == tick), "missing tick label {tick:?} in {t:?}");
    }
    assert!(svg.contains("version=\"1.1\"") && svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    assert_no_bad_numbers(&svg);
}

#[test]
fn text_is_escaped() {
    let svg =
        LineChart::new("<A & B> \"q\" 'x'", "x < 1", "y > 2").series("a&b", vec![(0.0, 1.0), (1.0, 2.0)]).to_svg();
    check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert!(svg.contains("&lt;A &amp; B&gt; &quot;q&quot; &apos;x&apos;"));
    assert!(svg.contains(">x &lt; 1<") && svg.contains(">y &gt; 2<") && svg.contains(">a&amp;b<"));
    assert_eq!(escape("a\u{1}b"), "ab");
}

#[test]
fn non_finite_points_are_skipped_and_counted() {
    let pts = vec![(0.0, 1.0), (1.0, f64::NAN), (f64::INFINITY, 2.0), (2.0, 3.0), (3.0, f64::NEG_INFINITY)];
    let svg = LineChart::new("t", "x", "y").series("s", pts).to_svg();
    check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert_no_bad_numbers(&svg);
    assert!(svg.contains("<!-- 3 points skipped"));
    let line = svg.lines().find(|l| l.starts_with("<polyline")).unwrap();
    let points = line.split("points=\"").nth(1).unwrap().trim_end_matches("\"/>");
    assert_eq!(points.split(' ').count(), 2, "{line}");
}

#[test]
fn degenerate_series_do_not_divide_by_zero() {
    let cases: Vec<Vec<(f64, f64)>> = vec![
        vec![],
        vec![(3.0, 4.0)],
        vec![(1.0, 0.25), (2.0, 0.25), (3.0, 0.25)],
        vec![(5.0, 1.0), (5.0, 2.0)],
        vec![(f64::NAN, f64::NAN)],
        vec![(0.0, 0.0), (1e-300, 1e-300)],
        vec![(-1e300, 1e300), (1e300, -1e300)],
    ];
    for pts in cases {
        for log in [false, true] {
            let svg = LineChart::new("t", "x", "y").series("s", pts.clone()).log_y(log).to_svg();
            check_xml(&svg).unwrap_or_else(|e| panic!("{pts:?} log={log}: {e}\n{svg}"));
            assert_no_bad_numbers(&svg);
            assert_eq!(svg.matches("<polyline").count(), 1);
        }
    }
    // A single point also gets a dot, since a one-point polyline draws nothing.
    let svg = LineChart::new("t", "x", "y").series("s", vec![(3.0, 4.0)]).to_svg();
    assert!(svg.contains("<circle"));
}

#[test]
fn log_axis_labels_decades_and_skips_non_positive_values() {
    let pts: Vec<(f64, f64)> = (0..30).map(|i| (i as f64, 10f64.powf(-(i as f64) / 10.0))).collect();
    let mut with_zero = pts.clone();
    with_zero.push((30.0, 0.0));
    let svg = LineChart::new("t", "epoch", "loss").series("loss", with_zero).log_y(true).to_svg();
    check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    let t = texts(&svg);
    for tick in ["0.001", "0.01", "0.1", "1"] {
        assert!(t.iter().any(|x| x == tick), "missing {tick:?} in {t:?}");
    }
    assert!(svg.contains("<!-- 1 points skipped"));
}

#[test]
fn many_series_cycle_colours_and_then_dash() {
    let mut chart = LineChart::new("t", "x", "y");
    for i in 0..12 {
        chart = chart.series(format!("s{i}"), vec![(0.0, i as f64), (1.0, i as f64 + 1.0)]);
    }
    let svg = chart.to_svg();
    check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert_eq!(svg.matches("<polyline").count(), 12);
    assert_eq!(svg.matches("stroke-dasharray").count(), 4); // series 10 and 11: line + legend
}

#[test]
fn output_is_deterministic() {
    let make = || LineChart::new("t", "x", "y").series("s", vec![(0.1, 0.2), (0.3, 0.7)]).to_svg();
    assert_eq!(make(), make());
}

#[test]
fn scatter_colours_points_by_class_with_a_legend() {
    let points: Vec<(f64, f64, u8)> = (0..50).map(|i| ((i as f64).sin(), (i as f64).cos(), (i % 10) as u8)).collect();
    let mut with_bad = points.clone();
    with_bad.push((f64::NAN, 0.0, 3));
    let plot = ScatterPlot::new("2-D codes", "z₁", "z₂").points(with_bad);
    let svg = plot.to_svg();
    let names = check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    // 50 points plus 10 legend dots
    assert_eq!(count(&names, "circle"), 60);
    let t = texts(&svg);
    for d in 0..10 {
        assert!(t.iter().any(|x| *x == d.to_string()), "legend lacks {d}");
    }
    assert!(svg.contains("<!-- 1 points skipped"));
    assert_no_bad_numbers(&svg);

    let mut named = ScatterPlot::new("t", "x", "y").points(vec![(0.0, 0.0, 1)]);
    named.class_names = vec!["zero".into(), "one".into()];
    let svg = named.to_svg();
    assert!(texts(&svg).iter().any(|x| x == "one"));
    check_xml(&ScatterPlot::new("empty", "x", "y").to_svg()).unwrap();
}

#[test]
fn side_by_side_puts_each_panel_whole_at_its_offset() {
    let left = ScatterPlot::new("codes", "h₁", "h₂").points((0..10).map(|d| (d as f64, 1.0, d as u8)).collect());
    let right = ScatterPlot::new("PCA", "PC 1", "PC 2").points(vec![(0.0, 0.0, 3), (1.0, 2.0, 8)]);
    let svg = side_by_side(&[&left, &right]);
    let names = check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    // The outer document and one nested document per panel; one XML declaration only.
    assert_eq!(count(&names, "svg"), 3);
    assert_eq!(svg.matches("<?xml").count(), 1);
    // Two 640-wide panels: the second starts where the first ends.
    assert!(svg.contains("width=\"1280\" height=\"480\""), "{svg}");
    assert!(svg.contains("<svg x=\"0\" y=\"0\"") && svg.contains("<svg x=\"640\" y=\"0\""));
    // Every point and every legend entry of both panels: 10 + 10 and 2 + 2.
    assert_eq!(count(&names, "circle"), 24);
    let t = texts(&svg);
    for title in ["codes", "PCA"] {
        assert!(t.iter().any(|x| x == title), "missing panel {title}");
    }
    assert_no_bad_numbers(&svg);
}

#[test]
fn nice_ticks_examples() {
    assert_eq!(nice_ticks(0.0, 10.0, 6), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
    assert_eq!(nice_ticks(0.0, 100.0, 3), vec![0.0, 50.0, 100.0]);
    assert_eq!(nice_ticks(10.0, 0.0, 6), nice_ticks(0.0, 10.0, 6)); // reversed bounds
    let t = nice_ticks(0.013, 0.087, 5);
    let expected = [0.0, 0.02, 0.04, 0.06, 0.08, 0.1];
    assert_eq!(t.len(), expected.len(), "{t:?}");
    for (a, b) in t.iter().zip(expected) {
        assert!((a - b).abs() < 1e-12, "{t:?}");
    }
    assert!(nice_ticks(f64::NAN, 1.0, 5).is_empty());
    assert!(nice_ticks(0.0, f64::INFINITY, 5).is_empty());
    let zero = nice_ticks(0.0, 0.0, 5);
    assert!(zero.first().unwrap() < &0.0 && zero.last().unwrap() > &0.0, "{zero:?}");
}

#[test]
fn write_svg_writes_the_text() {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("svg_test").join("chart.svg");
    let svg = LineChart::new("t", "x", "y").series("s", vec![(0.0, 0.0), (1.0, 1.0)]).to_svg();
    write_svg(&path, &svg).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), svg);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Ticks cover the range, are evenly spaced by 1, 2 or 5 × 10^k, and are few.
    #[test]
    fn nice_ticks_are_nice(lo in -1e6f64..1e6, span in 1e-6f64..1e6, max_ticks in 2usize..12) {
        let hi = lo + span;
        let t = nice_ticks(lo, hi, max_ticks);
        prop_assert!(t.len() >= 2);
        prop_assert!(t.len() <= max_ticks + 2, "{} ticks for max {}", t.len(), max_ticks);
        let step = t[1] - t[0];
        let tol = 1e-9 * step.max(lo.abs().max(hi.abs()) * 1e-6);
        prop_assert!(t[0] <= lo + tol && *t.last().unwrap() >= hi - tol, "{:?} for [{}, {}]", t, lo, hi);
        for w in t.windows(2) {
            prop_assert!(((w[1] - w[0]) - step).abs() <= 1e-6 * step);
        }
        let mantissa = step / 10f64.powf(step.log10().floor());
        prop_assert!([1.0, 2.0, 5.0, 10.0].iter().any(|m| (mantissa - m).abs() < 1e-6), "step {}", step);
    }

    #[test]
    fn any_points_give_well_formed_svg(
        pts in proptest::collection::vec((prop_oneof![any::<f64>(), -10.0f64..10.0], prop_oneof![any::<f64>(), -10.0f64..10.0]), 0..20),
        log in any::<bool>(),
    ) {
        let svg = LineChart::new("p", "x", "y").series("s", pts.clone()).log_y(log).to_svg();
        prop_assert!(check_xml(&svg).is_ok(), "{:?}", check_xml(&svg));
        prop_assert!(!svg.contains("NaN") && !svg.contains("inf"));
        let scatter = ScatterPlot::new("p", "x", "y").points(pts.iter().map(|&(x, y)| (x, y, 3)).collect()).to_svg();
        prop_assert!(check_xml(&scatter).is_ok());
        prop_assert!(!scatter.contains("NaN") && !scatter.contains("inf"));
    }
}

#[test]
fn points_near_the_end_of_f64_are_skipped_not_drawn_as_inf() {
    // proptest found these: an axis from −1.5e308 to 0 overflowed while its ticks were made.
    for pts in [vec![(-1.5340997278087925e308, 0.0), (0.0, 0.0)], vec![(0.0, -1.795e308)]] {
        let svg = LineChart::new("p", "x", "y").series("s", pts.clone()).to_svg();
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        let scatter = ScatterPlot::new("p", "x", "y").points(pts.iter().map(|&(x, y)| (x, y, 1)).collect()).to_svg();
        assert!(!scatter.contains("NaN") && !scatter.contains("inf"));
    }
}

#[test]
fn long_legend_names_fit_inside_the_picture() {
    let name = "loss after each epoch, held-out";
    let svg = LineChart::new("t", "x", "y").series(name, vec![(0.0, 1.0), (1.0, 2.0)]).to_svg();
    let width: f64 = svg.split("width=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
    let line = svg.lines().find(|l| l.contains(&format!(">{}<", escape(name)))).expect("the legend entry");
    let x: f64 = line.split("x=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
    // About 7 pixels a character at the 12-pixel font.
    assert!(x + 7.0 * name.len() as f64 <= width, "legend text from x = {x} runs past the width {width}");
}

// ---------------------------------------------------------------------------------------------
// The labelled figures of `render::figures`: every number written as text, marks where the
// figure says, well-formed whatever the numbers.

use autoencoders::conv::convolution::Kernel;
use autoencoders::conv::pool::{Switches, decode, max_pool2d, placed_products, stamp, unpool2d, unpool2d_copy, worked};
use autoencoders::core::matrix::Matrix;
use autoencoders::core::tensor3::Tensor3;
use autoencoders::render::figures::{self, BoxStats, Figure, Stack, Switchless, Unpooling, quantile};

/// The text of every `<text>` element carrying `class="{class}"`, in document order.
fn texts_of_class(svg: &str, class: &str) -> Vec<String> {
    let marker = format!("class=\"{class}\"");
    svg.split("<text")
        .skip(1)
        .filter(|t| t[..t.find('>').unwrap()].contains(&marker))
        .map(|t| t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].to_string())
        .collect()
}

/// A cell's text as the figures write it: whole numbers bare, a true minus sign.
fn cell(v: f64) -> String {
    let s = if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v}") };
    s.replace('-', "−")
}

fn cells(m: &Matrix) -> Vec<String> {
    m.data().iter().map(|&v| cell(v)).collect()
}

fn well_formed(fig: &Figure) -> Vec<String> {
    let names = check_xml(&fig.svg).unwrap_or_else(|e| panic!("{e}\n{}", fig.svg));
    assert_eq!(names[0], "svg");
    assert_no_bad_numbers(&fig.svg);
    let sentences = fig.caption.matches(". ").count() + 1;
    assert!(!fig.caption.is_empty() && sentences <= 3, "a caption of one or two sentences: {}", fig.caption);
    names
}

/// The §3.1 worked example, computed by the library exactly as the chapter does.
struct Worked {
    input: Matrix,
    pooled: Matrix,
    switches: Vec<(usize, usize)>,
    kernel: Matrix,
    stamps: Vec<Matrix>,
    output: Matrix,
}

fn worked_example() -> Worked {
    let input = worked::input();
    let x = Tensor3::from_matrix(&input);
    let p = max_pool2d(&x, worked::WINDOW);
    let kernel = worked::kernel();
    let parts = placed_products(&p.y, &p.switches, &Kernel::from_matrix(&kernel));
    let stamps: Vec<Matrix> = parts.iter().map(|t| t.to_matrix(0)).collect();
    let output = decode(&p.y, &p.switches, &Kernel::from_matrix(&kernel)).to_matrix(0);
    let switches = (0..p.y.len()).map(|n| p.switches.position(n)).collect();
    Worked { input, pooled: p.y.to_matrix(0), switches, kernel, stamps, output }
}

impl Worked {
    fn view(&self) -> Unpooling<'_> {
        Unpooling {
            input: &self.input,
            window: 2,
            pooled: &self.pooled,
            switches: &self.switches,
            kernel: &self.kernel,
            stamps: &self.stamps,
            output: &self.output,
        }
    }
}

#[test]
fn the_unpooling_overview_writes_every_cell_and_marks_windows_and_switches() {
    let w = worked_example();
    let fig = figures::unpooling_overview(&w.view());
    well_formed(&fig);
    // Every cell of every grid as text, grid by grid in reading order: the input, the pooled
    // 2×2, the kernel, then the output, the input again and their difference.
    let diff = w.output.sub(&w.input);
    let want: Vec<String> =
        [&w.input, &w.pooled, &w.kernel, &w.output, &w.input, &diff].iter().flat_map(|m| cells(m)).collect();
    assert_eq!(texts_of_class(&fig.svg, "value"), want);
    assert_eq!(cells(&w.input), ["8", "4", "2", "0", "4", "3", "4", "2", "1", "2", "3", "3", "0", "1", "3", "6"]);
    // The switches under the pooled values, as the chapter prints them (row·4 + col).
    assert_eq!(texts_of_class(&fig.svg, "note"), ["at 0", "at 6", "at 9", "at 15"]);
    // Four windows outlined on each of the two inputs; a ring on each switch of the input and
    // the output, and on the kernel's centre.
    let windows: usize = fig
        .svg
        .split("<g class=\"windows\"")
        .skip(1)
        .map(|g| g[..g.find("</g>").unwrap()].matches("<rect").count())
        .sum();
    assert_eq!(windows, 8);
    assert_eq!(fig.svg.matches("class=\"mark\"").count(), 4 + 1 + 4);
    assert!(fig.caption.contains("every difference is 0"), "{}", fig.caption);
}

#[test]
fn the_unpooling_steps_ring_each_stamps_centre() {
    let w = worked_example();
    let fig = figures::unpooling_steps(&w.view());
    well_formed(&fig);
    let values = texts_of_class(&fig.svg, "value");
    // Per step: kernel × value (9 cells), then the unpooled matrix (16); then the four
    // matrices again and the output in the sum row.
    assert_eq!(values.len(), 4 * (9 + 16) + 4 * 16 + 16);
    assert_eq!(values[..9], cells(&w.kernel.scale(8.0))[..]);
    assert_eq!(values[9..25], cells(&w.stamps[0])[..]);
    assert_eq!(values[values.len() - 16..], cells(&w.output)[..]);
    assert_eq!(fig.svg.matches("class=\"mark\"").count(), 8);
    for (r, c) in &w.switches {
        assert!(fig.svg.contains(&format!("centre on switch ({r}, {c})")));
    }
}

#[test]
fn the_contrast_without_switches_shows_each_error() {
    let w = worked_example();
    let x = Tensor3::from_matrix(&w.input);
    let p = max_pool2d(&x, worked::WINDOW);
    let k = Kernel::from_matrix(&w.kernel);
    let corner = Switches::fixed(1, (4, 4), worked::WINDOW, (0, 0));
    let (cu, co) = (unpool2d(&p.y, &corner).to_matrix(0), decode(&p.y, &corner, &k).to_matrix(0));
    let copied = unpool2d_copy(&p.y, worked::WINDOW, (4, 4));
    let (pu, po) = (copied.to_matrix(0), stamp(&copied, &k).to_matrix(0));
    let ways = [
        Switchless { name: "(a) corner", unpooled: &cu, output: &co, error: 79.0 },
        Switchless { name: "(b) copy", unpooled: &pu, output: &po, error: 1634.0 },
    ];
    let fig = figures::unpooling_without_switches(&w.input, 2, 0.0, &ways);
    well_formed(&fig);
    let values = texts_of_class(&fig.svg, "value");
    assert_eq!(values.len(), 2 * 4 * 16);
    assert_eq!(values[..16], cells(&cu)[..]);
    assert_eq!(values[16..32], cells(&co)[..]);
    assert!(values.iter().any(|v| v.starts_with('−')), "the corner output falls short somewhere: {values:?}");
    for e in ["= 79", "= 1634"] {
        assert!(texts(&fig.svg).iter().any(|t| t.ends_with(e)), "{e}");
    }
    assert!(fig.caption.contains("79") && fig.caption.contains("1634"), "{}", fig.caption);
}

#[test]
fn the_network_diagram_colours_edges_by_sign_and_sizes_them_by_weight() {
    let w1 = Matrix::from_rows(&[&[5.0, -4.0, 0.5, -0.25], &[-1.0, 2.0, 3.0, -3.0]]);
    let w2 = Matrix::from_rows(&[&[1.0, -2.0], &[0.0, 4.0], &[-6.0, 1.5], &[2.5, -0.5]]);
    let codes = Matrix::from_rows(&[&[0.99, 0.01], &[0.02, 0.98], &[0.5, 0.25], &[0.125, 0.75]]);
    let names: Vec<String> = (1..=4).map(|i| format!("input {i}")).collect();
    let fig = figures::network_diagram(&w1, &w2, &codes, &names);
    well_formed(&fig);
    let edges = &fig.svg[fig.svg.find("<g class=\"edges\">").unwrap()..];
    let edges = &edges[..edges.find("</g>").unwrap()];
    let lines: Vec<&str> = edges.lines().filter(|l| l.starts_with("<line")).collect();
    assert_eq!(lines.len(), 2 * 4 * 2);
    let (a, b) = (&w1, &w2);
    let weights: Vec<f64> = (0..2).flat_map(|j| (0..4).flat_map(move |i| [a[(j, i)], b[(i, j)]])).collect();
    let width =
        |l: &str| -> f64 { l.split("stroke-width=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap() };
    for (l, &w) in lines.iter().zip(&weights) {
        let red = l.contains("stroke=\"rgb(186,");
        assert_eq!(red, w < 0.0, "edge of weight {w}: {l}");
        // Width grows with |w|: the largest weight (|−6|) gets the widest line.
        assert!((width(l) - (0.6 + 6.0 * w.abs() / 6.0)).abs() < 0.01, "{l}");
    }
    // Each input's code beside the code units, and every weight in the grids.
    let codes_text = texts_of_class(&fig.svg, "code");
    assert_eq!(codes_text[0], "input 1  →  (0.990, 0.010)");
    assert_eq!(codes_text[3], "input 4  →  (0.125, 0.750)");
    let values = texts_of_class(&fig.svg, "value");
    assert_eq!(values, [cells(&w1), cells(&w2)].concat());
}

#[test]
fn layer_diagrams_write_every_width() {
    let fig = figures::layer_diagram(
        "nets",
        &[Stack::new("a", &[784, 25, 784]), Stack::new("b", &[784, 64, 2, 64, 784]).labels(&["", "sigmoid"])],
    );
    well_formed(&fig);
    assert_eq!(texts_of_class(&fig.svg, "width"), ["784", "25", "784", "784", "64", "2", "64", "784"]);
    assert_eq!(texts(&fig.svg).iter().filter(|t| *t == "code h").count(), 2);
    let fig = figures::recommender_diagram(1682, &[20, 10, 20]);
    well_formed(&fig);
    assert_eq!(texts_of_class(&fig.svg, "width"), ["1682", "20", "10", "20", "1682"]);
    assert!(texts_of_class(&fig.svg, "mask")[0].starts_with("masked loss"));
    assert!(fig.caption.contains("1682-20-10-20-1682"), "{}", fig.caption);
}

#[test]
fn the_seven_steps_carry_the_runs_numbers() {
    let s = figures::TrainingSteps {
        x: vec![1.0, 0.0, 1.0],
        h: vec![0.25, 0.75],
        x_hat: vec![0.5, 0.5, 0.5],
        loss: 0.25,
        gradient_norms: vec![("∂L/∂W₁".into(), 0.125)],
        gradient_check: 3e-11,
        lr: 0.5,
        loss_after: 0.2,
        examples: 12,
        epochs: 2000,
        first_epoch_loss: 0.26,
        final_loss: 0.07,
    };
    let fig = figures::training_steps(&s);
    well_formed(&fig);
    let numbers = texts_of_class(&fig.svg, "number");
    for want in
        ["x = [1, 0, 1]", "h = [0.250, 0.750]", "L = 0.2500", "‖∂L/∂W₁‖ = 0.1250", "L on this row: 0.2500 → 0.2000"]
    {
        assert!(numbers.iter().any(|n| n == want), "{want:?} not in {numbers:?}");
    }
    for step in 1..=7 {
        assert!(texts(&fig.svg).iter().any(|t| t.starts_with(&format!("{step}. "))), "step {step}");
    }
}

#[test]
fn quantiles_and_box_statistics_by_hand() {
    // Sorted 1..=5: the median is 3; the quartiles fall on 2 and 4; p05 = 1 + 0.05·4·(2 − 1).
    let s = BoxStats::of(&[5.0, 3.0, 1.0, 4.0, 2.0, f64::NAN]).unwrap();
    assert_eq!((s.q1, s.median, s.q3, s.n), (2.0, 3.0, 4.0, 5));
    assert!((s.p05 - 1.2).abs() < 1e-12 && (s.p95 - 4.8).abs() < 1e-12 && s.mean == 3.0);
    assert_eq!(quantile(&[7.0], 0.9), 7.0);
    assert!(BoxStats::of(&[f64::NAN]).is_none());
}

#[test]
fn rating_boxes_draw_one_box_per_rating_and_model() {
    let a: Vec<(u8, f64)> = (1..=5u8).flat_map(|r| (0..21).map(move |i| (r, 3.0 + 0.01 * i as f64))).collect();
    // The second model never sees a rating of 2: its box there is missing, not invented.
    let b: Vec<(u8, f64)> = a.iter().filter(|p| p.0 != 2).map(|&(r, _)| (r, f64::from(r))).collect();
    let fig = figures::rating_boxes(&[("article", &a), ("better", &b)]);
    well_formed(&fig);
    assert_eq!(fig.svg.matches("class=\"box\"").count(), 5 + 4);
    let medians = texts_of_class(&fig.svg, "median");
    assert_eq!(medians[..2], ["3.10", "1.00"]);
    assert!(texts(&fig.svg).iter().any(|t| t == "none"));
    assert!(fig.caption.contains("article, better"), "{}", fig.caption);
}

#[test]
fn figures_are_well_formed_whatever_the_numbers() {
    let odd = Matrix::from_rows(&[&[f64::NAN, f64::INFINITY], &[-0.0, 1e300]]);
    let fig = figures::value_grid("a <title> & more", &odd);
    check_xml(&fig.svg).unwrap_or_else(|e| panic!("{e}\n{}", fig.svg));
    assert!(fig.svg.contains("a &lt;title&gt; &amp; more"));
    let none: [(&str, &[(u8, f64)]); 1] = [("empty", &[])];
    check_xml(&figures::rating_boxes(&none).svg).unwrap();
}
