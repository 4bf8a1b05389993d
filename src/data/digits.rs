//! Procedural handwritten digits: the built-in stand-in for MNIST, so every image chapter
//! runs on a fresh clone, plus [`DigitSet`], the shape in which chapters receive digit data
//! from here or from real MNIST ([`crate::data::idx::load_mnist`]).
//!
//! Each digit is a skeleton of pen strokes in a unit box (x right, y down, height 1), with a
//! few weighted variants (a 1 with or without a flag, an open or closed 4, a 7 with or without
//! a crossbar, …). Every image draws its own writing style and perturbs the skeleton:
//!
//! ```text
//! 1. pick a variant; join its control points with Catmull–Rom splines;
//!    lift the pen a little early or late on the long curves
//! 2. warp the proportions, then bend with two smooth random displacement fields
//!    (a wobbly hand at the scale of the digit and of its parts)
//! 3. slant (shear), stretch the width, rotate; pick a pen radius that swells and thins
//! 4. fit the ink into a 20×20 box, keeping the aspect ratio                 (as MNIST did)
//! 5. draw anti-aliased: ink from the distance to the nearest stroke, full within the pen,
//!    a smooth fall-off across ~1.6 px at its edge
//! 6. move the drawing so its centre of mass is the centre of the field     (as MNIST did)
//! 7. quantise to bytes 0..=255
//! ```
//!
//! Centre convention: in pixel-index coordinates (pixel (row r, col c) centred on (c, r)),
//! the centre of mass `(Σ c·I, Σ r·I) / Σ I` of every image is (14, 14) up to rounding. That
//! is where MNIST's digits sit by the same measure (the 8000 shared test digits average
//! 14.01, 13.99), not the geometric middle 13.5.
//!
//! Measured on `generate(6000, 2000, 1)`: mean intensity 0.125 (MNIST: 0.125 on the first
//! 6000 shared test digits, 0.130 on all 8000), about 20 % of pixels inked and 15 % strictly
//! between 0 and 255. A softmax regression on raw pixels reaches about 94 % test accuracy
//! (90 % on the shared MNIST digits with the same split), nearest class mean 85 % (81 %): the
//! digits vary like handwriting without being harder than the real ones.
//!
//! Same seed, same images, byte for byte; the train and test sets come from separate forks
//! of the generator, so `--quick` runs with a smaller training set see the same test digits.
//!
//! ```
//! use autoencoders::data::digits;
//! let set = digits::generate(20, 10, 7);
//! assert_eq!(set.train.shape(), (20, 784));
//! assert_eq!(set.test_labels.len(), 10);
//! ```

use crate::core::rng::Rng;
use crate::data::images::{DigitSet, Images, PIXELS, SIDE};

/// A pen stroke: control points in the unit box, joined by a Catmull–Rom spline (`smooth`) or
/// by straight segments.
struct Stroke {
    smooth: bool,
    points: &'static [(f64, f64)],
}

const fn line(points: &'static [(f64, f64)]) -> Stroke {
    Stroke { smooth: false, points }
}

const fn curve(points: &'static [(f64, f64)]) -> Stroke {
    Stroke { smooth: true, points }
}

/// One way of writing a digit, drawn with probability proportional to `weight` among the
/// digit's variants.
struct Variant {
    weight: f64,
    /// Multiplies [`WOBBLE`]: a 1 is one straight line, and even a slight bend in it reads
    /// as an S rather than as a shaky hand.
    wobble: f64,
    strokes: &'static [Stroke],
}

const fn v(weight: f64, strokes: &'static [Stroke]) -> Variant {
    Variant { weight, wobble: 1.0, strokes }
}

const fn steady(weight: f64, strokes: &'static [Stroke]) -> Variant {
    Variant { weight, wobble: 0.35, strokes }
}

/// The ways of writing each digit, 0 to 9, weighted by how often MNIST's writers seem to use
/// them (by eye). Shared points of two strokes (the corner of a 4, the cusp of a 3) are
/// written twice with the same value; the smooth displacement field moves them together, so
/// joints stay joined.
const VARIANTS: [&[Variant]; 10] = [
    // 0: an oval drawn counter-clockwise from the top, the pen overshooting its start a little
    &[
        v(
            2.0,
            &[curve(&[
                (0.40, 0.02),
                (0.14, 0.12),
                (0.03, 0.45),
                (0.10, 0.82),
                (0.35, 0.99),
                (0.60, 0.84),
                (0.68, 0.48),
                (0.58, 0.12),
                (0.33, 0.01),
                (0.17, 0.10),
            ])],
        ),
        v(
            1.0,
            &[curve(&[
                (0.36, 0.0),
                (0.12, 0.18),
                (0.06, 0.55),
                (0.22, 0.92),
                (0.45, 0.95),
                (0.58, 0.60),
                (0.55, 0.20),
                (0.38, 0.0),
            ])],
        ),
    ],
    // 1: mostly a plain down-stroke; sometimes with a flag, rarely with a foot as well
    &[
        steady(6.0, &[curve(&[(0.36, 0.0), (0.35, 0.5), (0.34, 1.0)])]),
        steady(2.0, &[line(&[(0.12, 0.22), (0.38, 0.0)]), curve(&[(0.38, 0.0), (0.37, 0.5), (0.36, 1.0)])]),
        steady(
            0.5,
            &[line(&[(0.14, 0.2), (0.38, 0.0)]), line(&[(0.38, 0.0), (0.36, 1.0)]), line(&[(0.12, 1.0), (0.62, 1.0)])],
        ),
    ],
    // 2: a hook over a diagonal and a flat base; or with a small loop where the base starts
    &[
        v(
            3.0,
            &[
                curve(&[
                    (0.05, 0.24),
                    (0.22, 0.04),
                    (0.45, 0.0),
                    (0.62, 0.16),
                    (0.58, 0.40),
                    (0.32, 0.70),
                    (0.02, 1.0),
                ]),
                line(&[(0.02, 1.0), (0.70, 0.97)]),
            ],
        ),
        v(
            1.5,
            &[curve(&[
                (0.06, 0.20),
                (0.28, 0.0),
                (0.55, 0.05),
                (0.60, 0.32),
                (0.35, 0.65),
                (0.08, 0.95),
                (0.20, 0.86),
                (0.32, 0.96),
                (0.50, 0.98),
                (0.72, 0.92),
            ])],
        ),
    ],
    // 3: two bowls meeting in a cusp; or a flat top over one bowl
    &[
        v(
            3.0,
            &[
                curve(&[(0.06, 0.14), (0.30, 0.0), (0.55, 0.06), (0.58, 0.26), (0.28, 0.46)]),
                curve(&[(0.28, 0.46), (0.60, 0.58), (0.64, 0.82), (0.40, 1.0), (0.04, 0.90)]),
            ],
        ),
        v(
            0.7,
            &[
                line(&[(0.06, 0.02), (0.62, 0.0)]),
                line(&[(0.62, 0.0), (0.28, 0.40)]),
                curve(&[(0.28, 0.40), (0.58, 0.52), (0.66, 0.78), (0.42, 1.0), (0.04, 0.88)]),
            ],
        ),
    ],
    // 4: closed (diagonal up to the stem) or open (two separate uprights)
    &[
        v(1.0, &[line(&[(0.48, 0.0), (0.02, 0.66), (0.72, 0.66)]), curve(&[(0.50, 0.22), (0.50, 0.6), (0.48, 1.0)])]),
        v(1.0, &[line(&[(0.10, 0.0), (0.04, 0.58), (0.70, 0.58)]), curve(&[(0.56, 0.0), (0.55, 0.5), (0.53, 1.0)])]),
    ],
    // 5: a top bar, a short down-stroke, a round belly
    &[v(
        1.0,
        &[
            line(&[(0.66, 0.0), (0.14, 0.02)]),
            line(&[(0.14, 0.02), (0.09, 0.46)]),
            curve(&[(0.09, 0.46), (0.34, 0.38), (0.60, 0.50), (0.66, 0.76), (0.46, 0.98), (0.20, 0.98), (0.02, 0.86)]),
        ],
    )],
    // 6: a sweep down the left closing into a loop at the bottom
    &[
        v(
            2.0,
            &[curve(&[
                (0.60, 0.0),
                (0.32, 0.14),
                (0.10, 0.48),
                (0.10, 0.84),
                (0.34, 1.0),
                (0.58, 0.86),
                (0.60, 0.62),
                (0.36, 0.50),
                (0.12, 0.64),
            ])],
        ),
        v(
            1.0,
            &[curve(&[
                (0.52, 0.0),
                (0.24, 0.36),
                (0.08, 0.72),
                (0.22, 0.98),
                (0.48, 0.96),
                (0.58, 0.74),
                (0.40, 0.56),
                (0.14, 0.66),
            ])],
        ),
    ],
    // 7: a bar and a long diagonal; sometimes the continental crossbar
    &[v(4.0, &[SEVEN_BAR, SEVEN_STEM]), v(0.6, &[SEVEN_BAR, SEVEN_STEM, line(&[(0.26, 0.50), (0.66, 0.48)])])],
    // 8: one stroke, an S down and back up through the waist
    &[v(
        1.0,
        &[curve(&[
            (0.58, 0.12),
            (0.35, 0.0),
            (0.10, 0.12),
            (0.15, 0.34),
            (0.35, 0.48),
            (0.60, 0.64),
            (0.62, 0.90),
            (0.35, 1.0),
            (0.08, 0.90),
            (0.10, 0.65),
            (0.35, 0.48),
            (0.55, 0.34),
            (0.58, 0.12),
        ])],
    )],
    // 9: a loop with a straight or a curved stem
    &[
        v(2.0, &[NINE_LOOP, curve(&[(0.64, 0.04), (0.62, 0.50), (0.56, 1.0)])]),
        v(1.0, &[NINE_LOOP, curve(&[(0.64, 0.04), (0.64, 0.45), (0.50, 0.85), (0.22, 1.0)])]),
    ],
];

const SEVEN_BAR: Stroke = line(&[(0.02, 0.02), (0.68, 0.0)]);
const SEVEN_STEM: Stroke = curve(&[(0.68, 0.0), (0.46, 0.45), (0.30, 1.0)]);
const NINE_LOOP: Stroke =
    curve(&[(0.62, 0.22), (0.44, 0.02), (0.14, 0.05), (0.06, 0.28), (0.30, 0.45), (0.58, 0.36), (0.64, 0.12)]);

/// How far the smooth displacement field bends a stroke, in unit-box heights (one standard
/// deviation per axis).
const WOBBLE: f64 = 0.05;
/// Slant as a shear x += slant · (½ − y): most hands lean right, some left.
const SLANT_MEAN: f64 = 0.12;
const SLANT_SD: f64 = 0.2;
/// Range of the width stretch.
const ASPECT: (f64, f64) = (0.7, 1.3);
/// Standard deviation of log γ for the proportion warps.
const WARP_SD: f64 = 0.2;
/// Like [`WOBBLE`] for the small-scale field.
const JITTER: f64 = 0.015;
/// Standard deviation of the rotation, in radians (about 6°).
const ROTATION_SD: f64 = 0.1;
/// Range of the pen radius in pixels, before pressure.
const RADIUS: (f64, f64) = (0.8, 1.7);
/// Largest relative swell of the radius along a stroke.
const PRESSURE: f64 = 0.25;
/// Spline samples per span between control points.
const PER_SPAN: usize = 3;
/// The box MNIST fits each digit's ink into before centring.
const INK_BOX: f64 = 20.0;
/// Half-width of the anti-aliased edge, in pixels.
const EDGE: f64 = 0.8;
/// Where the centre of mass goes, in pixel-index coordinates. MNIST's own digits sit at
/// (14.0, 14.0) on average by this measure (the 8000 shared test digits: 14.01, 13.99).
const CENTRE: f64 = 14.0;

/// A smooth random displacement of the plane: a sum of three plane waves per axis, so
/// nearby points move together (strokes bend rather than break). Each wave's amplitude is
/// N(0, ⅔·WOBBLE²) and a sine has variance ½, so each axis moves by WOBBLE (one standard
/// deviation) on average.
struct Wobble {
    waves: [[f64; 4]; 6],
}

impl Wobble {
    /// amount: one standard deviation of the displacement per axis; waves: angular
    /// frequencies range, in radians per box height.
    fn new(amount: f64, waves: (f64, f64), rng: &mut Rng) -> Wobble {
        let mut w = [[0.0; 4]; 6];
        for wave in &mut w {
            let freq = rng.range(waves.0, waves.1);
            let dir = rng.range(0.0, std::f64::consts::TAU);
            *wave = [
                freq * dir.cos(),
                freq * dir.sin(),
                rng.range(0.0, std::f64::consts::TAU),
                amount * (2.0f64 / 3.0).sqrt() * rng.normal(),
            ];
        }
        Wobble { waves: w }
    }

    fn apply(&self, (x, y): (f64, f64)) -> (f64, f64) {
        let wave = |w: &[f64; 4]| w[3] * (w[0] * x + w[1] * y + w[2]).sin();
        let dx: f64 = self.waves[..3].iter().map(wave).sum();
        let dy: f64 = self.waves[3..].iter().map(wave).sum();
        (x + dx, y + dy)
    }
}

/// Uniform Catmull–Rom through `p`, `per_span` samples per span, the end points repeated so
/// the curve starts and ends on them.
fn catmull_rom(p: &[(f64, f64)], per_span: usize, out: &mut Vec<(f64, f64)>) {
    let n = p.len();
    out.push(p[0]);
    for i in 0..n - 1 {
        let (p0, p1, p2, p3) = (p[i.saturating_sub(1)], p[i], p[i + 1], p[(i + 2).min(n - 1)]);
        for k in 1..=per_span {
            let t = k as f64 / per_span as f64;
            let (t2, t3) = (t * t, t * t * t);
            let f = |a: f64, b: f64, c: f64, d: f64| {
                0.5 * (2.0 * b
                    + (c - a) * t
                    + (2.0 * a - 5.0 * b + 4.0 * c - d) * t2
                    + (3.0 * b - a - 3.0 * c + d) * t3)
            };
            out.push((f(p0.0, p1.0, p2.0, p3.0), f(p0.1, p1.1, p2.1, p3.1)));
        }
    }
}

/// Ink from the clearance `r − d` (pen radius minus the distance from the pixel centre to the
/// stroke's centre line, in pixels): full ink once a pixel is `EDGE` inside the pen, none
/// once it is `EDGE` outside, a smoothstep between. This is the anti-aliasing: MNIST's strokes
/// likewise fade over a pixel or two.
fn ink(clearance: f64) -> f64 {
    let t = ((clearance + EDGE) / (2.0 * EDGE)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// A point of a pen path in pixel coordinates (pixel (row r, col c) is centred on (c, r)),
/// with the pen's radius there.
#[derive(Clone, Copy, Debug)]
struct PenPoint {
    x: f64,
    y: f64,
    r: f64,
}

/// Draws pen paths, shifted by `offset`, into a 28×28 buffer of intensities in [0, 1].
///
/// Each pixel keeps the largest clearance over all segments and only then becomes ink, so
/// where strokes overlap the ink does not add up (as with a real pen), and the inner loop is
/// a distance and a max. The radius is interpolated along each segment.
fn draw(paths: &[Vec<PenPoint>], offset: (f64, f64), buf: &mut [f64; PIXELS]) {
    buf.fill(-EDGE);
    let last = (SIDE - 1) as f64;
    for path in paths {
        for seg in path.windows(2) {
            let (a, b) = (seg[0], seg[1]);
            let (ax, ay) = (a.x + offset.0, a.y + offset.1);
            let (ex, ey, er) = (b.x - a.x, b.y - a.y, b.r - a.r);
            let len2 = ex * ex + ey * ey;
            let inv_len2 = if len2 > 0.0 { 1.0 / len2 } else { 0.0 };
            // Only pixel centres within the pen's reach of the segment can get ink.
            let reach = a.r.max(b.r) + EDGE;
            let c0 = (ax.min(ax + ex) - reach).ceil().max(0.0);
            let c1 = (ax.max(ax + ex) + reach).floor().min(last);
            let r0 = (ay.min(ay + ey) - reach).ceil().max(0.0);
            let r1 = (ay.max(ay + ey) + reach).floor().min(last);
            if c1 < c0 || r1 < r0 {
                continue;
            }
            for row in r0 as usize..=r1 as usize {
                let py = row as f64 - ay;
                let cells = &mut buf[row * SIDE..(row + 1) * SIDE];
                for (col, cell) in cells.iter_mut().enumerate().take(c1 as usize + 1).skip(c0 as usize) {
                    let px = col as f64 - ax;
                    let t = ((px * ex + py * ey) * inv_len2).clamp(0.0, 1.0);
                    let (dx, dy) = (px - t * ex, py - t * ey);
                    let clearance = a.r + t * er - (dx * dx + dy * dy).sqrt();
                    if clearance > *cell {
                        *cell = clearance;
                    }
                }
            }
        }
    }
    for v in buf.iter_mut() {
        *v = ink(*v);
    }
}

/// Centre of mass (x, y) of an image in pixel-index coordinates, `(Σ c·I, Σ r·I) / Σ I`;
/// the field's centre if the image is blank.
fn centre_of_mass(buf: &[f64; PIXELS]) -> (f64, f64) {
    let (mut m, mut mx, mut my) = (0.0, 0.0, 0.0);
    for (i, &v) in buf.iter().enumerate() {
        m += v;
        mx += v * (i % SIDE) as f64;
        my += v * (i / SIDE) as f64;
    }
    if m > 0.0 { (mx / m, my / m) } else { (CENTRE, CENTRE) }
}

/// The random choices behind one image, applied to every point of the skeleton in this order:
///
/// ```text
/// warp    x ← 0.7·(x/0.7)^γx,  y ← y^γy        proportions: a big or small upper bowl
/// bend    p ← p + bend(p) + jitter(p)          smooth fields, large and small scale
/// slant   x ← x + slant·(½ − y)                shear about the middle
/// stretch x ← aspect·x
/// rotate  by angle
/// ```
///
/// The pen radius (pixels, applied after fitting) swells and thins with a smooth "pressure"
/// wave across the page.
struct Style {
    warp: (f64, f64),
    bend: Wobble,
    jitter: Wobble,
    slant: f64,
    aspect: f64,
    rotation: (f64, f64),
    radius: f64,
    pressure: [f64; 3],
}

impl Style {
    fn new(wobble: f64, rng: &mut Rng) -> Style {
        let mut warp = || (WARP_SD * rng.normal()).exp();
        let warp = (warp(), warp());
        let pi = std::f64::consts::PI;
        Style {
            warp,
            // Wavelengths of about one to two and a half box heights: whole strokes bend.
            bend: Wobble::new(WOBBLE * wobble, (0.8 * pi, 2.2 * pi), rng),
            // Wavelengths of a third to half a box height: local dents and bulges.
            jitter: Wobble::new(JITTER * wobble, (4.0 * pi, 6.0 * pi), rng),
            slant: SLANT_MEAN + SLANT_SD * rng.normal(),
            aspect: rng.range(ASPECT.0, ASPECT.1),
            rotation: (ROTATION_SD * rng.normal()).sin_cos(),
            radius: rng.range(RADIUS.0, RADIUS.1),
            pressure: [rng.range(2.0, 5.0), rng.range(0.0, std::f64::consts::TAU), rng.range(0.0, PRESSURE)],
        }
    }

    /// A skeleton point (unit box) to a pen point (still unit-box scale; fitting comes later).
    fn place(&self, (x, y): (f64, f64)) -> PenPoint {
        let r = self.radius * (1.0 + self.pressure[2] * (self.pressure[0] * (x + y) + self.pressure[1]).sin());
        let (x, y) = (0.7 * (x / 0.7).max(0.0).powf(self.warp.0), y.max(0.0).powf(self.warp.1));
        let (x, y) = self.jitter.apply(self.bend.apply((x, y)));
        let x = (x + self.slant * (0.5 - y)) * self.aspect;
        let (sin, cos) = self.rotation;
        PenPoint { x: cos * x - sin * y, y: sin * x + cos * y, r }
    }
}

/// One 28×28 image of `digit` (0–9; larger values wrap), row-major bytes (0 background, 255
/// full ink), drawn in a fresh random style from `rng`.
pub fn render(digit: u8, rng: &mut Rng) -> [u8; PIXELS] {
    let variants = VARIANTS[usize::from(digit % 10)];
    let variant = pick(variants, rng);
    let style = Style::new(variant.wobble, rng);

    let mut paths: Vec<Vec<PenPoint>> = Vec::with_capacity(variant.strokes.len());
    for stroke in variant.strokes {
        let mut pts = Vec::with_capacity(stroke.points.len() * PER_SPAN);
        if stroke.smooth {
            catmull_rom(stroke.points, PER_SPAN, &mut pts);
            // A writer lifts the pen a little early or late: an 0 or a 6 may stay open.
            if pts.len() > 8 {
                let (head, tail) = (rng.below(2), rng.below(3));
                pts.drain(..head);
                pts.truncate(pts.len() - tail);
            }
        } else {
            // Straight strokes still get inner points so the wobble can bend them.
            for seg in stroke.points.windows(2) {
                for k in usize::from(!pts.is_empty())..=4 {
                    let t = k as f64 / 4.0;
                    pts.push((seg[0].0 + t * (seg[1].0 - seg[0].0), seg[0].1 + t * (seg[1].1 - seg[0].1)));
                }
            }
        }
        paths.push(pts.iter().map(|&p| style.place(p)).collect());
    }

    // Fit the ink (centre lines, the pen radius and half the soft edge) into the 20×20 box,
    // keeping the aspect.
    let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    for p in paths.iter().flatten() {
        x0 = x0.min(p.x);
        x1 = x1.max(p.x);
        y0 = y0.min(p.y);
        y1 = y1.max(p.y);
    }
    let scale = (INK_BOX - 2.0 * (style.radius + 0.5 * EDGE)) / (x1 - x0).max(y1 - y0).max(1e-9);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    for p in paths.iter_mut().flatten() {
        p.x = (p.x - cx) * scale + CENTRE;
        p.y = (p.y - cy) * scale + CENTRE;
    }

    // Draw once centred by the box, then again moved so the centre of mass is the centre.
    let mut buf = [0.0; PIXELS];
    draw(&paths, (0.0, 0.0), &mut buf);
    let (mx, my) = centre_of_mass(&buf);
    draw(&paths, (CENTRE - mx, CENTRE - my), &mut buf);

    let mut out = [0u8; PIXELS];
    for (o, &v) in out.iter_mut().zip(buf.iter()) {
        *o = (v * 255.0).round() as u8;
    }
    out
}

/// A variant drawn with probability proportional to its weight.
fn pick<'a>(variants: &'a [Variant], rng: &mut Rng) -> &'a Variant {
    let total: f64 = variants.iter().map(|v| v.weight).sum();
    let mut u = rng.range(0.0, total);
    for v in variants {
        if u < v.weight {
            return v;
        }
        u -= v.weight;
    }
    &variants[variants.len() - 1]
}

/// `n` images with balanced labels (each digit ⌊n/10⌋ or ⌈n/10⌉ times) in shuffled order,
/// as IDX-shaped bytes (so they can also be written with [`crate::data::idx::write_images`]).
/// Returns (images: n × 28 × 28, labels).
pub fn generate_images(n: usize, rng: &mut Rng) -> (Images, Vec<u8>) {
    let mut labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    rng.shuffle(&mut labels);
    let mut pixels = Vec::with_capacity(n * PIXELS);
    for &d in &labels {
        pixels.extend_from_slice(&render(d, rng));
    }
    (Images { count: n, rows: SIDE, cols: SIDE, pixels }, labels)
}

/// The built-in digit set: `n_train` training and `n_test` test images from `seed`.
/// Deterministic; the test images do not depend on `n_train`.
pub fn generate(n_train: usize, n_test: usize, seed: u64) -> DigitSet {
    let mut rng = Rng::new(seed);
    let mut train_rng = rng.fork(1);
    let mut test_rng = rng.fork(2);
    let (train, train_labels) = generate_images(n_train, &mut train_rng);
    let (test, test_labels) = generate_images(n_test, &mut test_rng);
    DigitSet {
        train: train.to_matrix(),
        train_labels,
        test: test.to_matrix(),
        test_labels,
        source: format!("procedural digits, seed {seed} ({n_train} train, {n_test} test)"),
    }
}
