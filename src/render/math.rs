//! Formulas as MathML, written in a small TeX-like notation so the catalog reads like the
//! math. HTML5 takes MathML inline and Chromium lays it out without JavaScript.
//!
//! The notation:
//!
//! ```text
//! a letter            an identifier            x  σ  ρ        → <mi>
//! digits and .        a number                 0.5            → <mn>
//! any other character an operator              =  +  (  ‖  ∈  → <mo>   (- becomes −)
//! x_i  x^2  x_i^2     scripts; the script is one item or a {group}
//! x'                  a prime                                  → x′
//! {a b}               a group                                  → <mrow>
//! (a + b)             a fence and what it holds are one <mrow>, so the fence stretches to
//!                     its contents only ( [ ⟨ close with ) ] ⟩)
//! ∑_{i}^{n}           a large operator (∑ ∏) takes its scripts below and above
//! \frac{a}{b}  \sqrt{a}  \hat{x}  \bar{x}  \tilde{x}
//! \op{KL}             a name of several letters, set upright
//! \opl{max}_{j}       the same with its script set below (max, argmax)
//! \text{if rated}     words inside a formula
//! \,  \;  \quad       thin, medium and wide space
//! ```
//!
//! ```
//! use autoencoders::render::math::to_mathml;
//! assert_eq!(
//!     to_mathml("h = σ(W x + b)").unwrap(),
//!     "<math display=\"block\"><mi>h</mi><mo>=</mo><mi>σ</mi><mrow><mo>(</mo><mi>W</mi><mi>x</mi>\
//!      <mo>+</mo><mi>b</mi><mo>)</mo></mrow></math>"
//! );
//! ```

use crate::core::error::{Error, Result};
use crate::render::svg::escape;

/// One piece of a parsed formula.
#[derive(Clone, Debug, PartialEq)]
enum Node {
    Ident(String),
    Number(String),
    Operator(String),
    Text(String),
    Space(&'static str),
    Row(Vec<Node>),
    Frac(Box<Node>, Box<Node>),
    Sqrt(Box<Node>),
    /// A base with a mark above it (hat, bar, tilde).
    Accent(Box<Node>, char),
    /// `limits`: the scripts go below and above (∑, max), not to the right.
    Scripts {
        base: Box<Node>,
        sub: Option<Box<Node>>,
        sup: Option<Box<Node>>,
        limits: bool,
    },
}

impl Node {
    fn takes_limits(&self) -> bool {
        match self {
            Node::Operator(o) => o == "∑" || o == "∏",
            _ => false,
        }
    }
}

struct Parser<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    source: &'a str,
}

impl Parser<'_> {
    fn fail(&self, what: &str) -> Error {
        Error::Invalid(format!("formula {:?}: {what}", self.source))
    }

    fn skip_space(&mut self) {
        while self.chars.peek().is_some_and(|c| c.is_whitespace()) {
            self.chars.next();
        }
    }

    /// Items up to the end of the input (`closing` false) or up to a `}` (`closing` true).
    fn items(&mut self, closing: bool) -> Result<Vec<Node>> {
        let mut out: Vec<Node> = Vec::new();
        // Where each open fence is in `out`: a fence and what it encloses become one row, so
        // it stretches to its own contents, not to the tallest thing on the line.
        let mut fences: Vec<usize> = Vec::new();
        loop {
            self.skip_space();
            match self.chars.peek().copied() {
                None if closing => return Err(self.fail("a { is never closed")),
                None => return Ok(out),
                Some('}') if closing => {
                    self.chars.next();
                    return Ok(out);
                }
                Some('}') => return Err(self.fail("a } closes nothing")),
                Some(c @ ('_' | '^' | '\'')) => {
                    self.chars.next();
                    let base = out.pop().ok_or_else(|| self.fail(&format!("{c} has nothing to attach to")))?;
                    let script = if c == '\'' { Node::Operator("′".into()) } else { self.item()? };
                    out.push(attach(base, c, script));
                }
                Some(_) => {
                    let item = self.item()?;
                    let (opens, closes) = match &item {
                        Node::Operator(o) => {
                            (matches!(o.as_str(), "(" | "[" | "⟨"), matches!(o.as_str(), ")" | "]" | "⟩"))
                        }
                        _ => (false, false),
                    };
                    out.push(item);
                    if opens {
                        fences.push(out.len() - 1);
                    } else if closes && let Some(start) = fences.pop() {
                        let inside: Vec<Node> = out.drain(start..).collect();
                        out.push(Node::Row(inside));
                    }
                }
            }
        }
    }

    /// One item: a group, a command with its arguments, a number, a letter or an operator.
    fn item(&mut self) -> Result<Node> {
        self.skip_space();
        let c = self.chars.next().ok_or_else(|| self.fail("ends where an item was expected"))?;
        Ok(match c {
            '{' => group(self.items(true)?),
            '\\' => self.command()?,
            '}' | '_' | '^' => return Err(self.fail(&format!("{c} where an item was expected"))),
            c if c.is_ascii_digit() => {
                let mut s = c.to_string();
                while let Some(&d) = self.chars.peek().filter(|d| d.is_ascii_digit() || **d == '.') {
                    s.push(d);
                    self.chars.next();
                }
                Node::Number(s)
            }
            c if c.is_alphabetic() => Node::Ident(c.to_string()),
            '-' => Node::Operator("−".into()),
            c => Node::Operator(c.to_string()),
        })
    }

    /// The argument of a command: a `{group}` read as raw text.
    fn raw_argument(&mut self) -> Result<String> {
        self.skip_space();
        if self.chars.next() != Some('{') {
            return Err(self.fail("a command's argument must be in { }"));
        }
        let mut s = String::new();
        for c in self.chars.by_ref() {
            if c == '}' {
                return Ok(s);
            }
            s.push(c);
        }
        Err(self.fail("a { is never closed"))
    }

    fn command(&mut self) -> Result<Node> {
        let mut name = String::new();
        while let Some(&c) = self.chars.peek().filter(|c| c.is_ascii_alphabetic()) {
            name.push(c);
            self.chars.next();
        }
        if name.is_empty() {
            return match self.chars.next() {
                Some(',') => Ok(Node::Space("0.17em")),
                Some(';') => Ok(Node::Space("0.28em")),
                Some(c @ ('{' | '}' | '\\' | '_' | '^')) => Ok(Node::Operator(c.to_string())),
                _ => Err(self.fail("a \\ without a command")),
            };
        }
        Ok(match name.as_str() {
            "frac" => {
                let num = self.item()?;
                let den = self.item()?;
                Node::Frac(Box::new(num), Box::new(den))
            }
            "sqrt" => Node::Sqrt(Box::new(self.item()?)),
            // The spacing modifier letters, not ^ and ~, which Chromium stretches into a tent.
            "hat" => Node::Accent(Box::new(self.item()?), 'ˆ'),
            "bar" => Node::Accent(Box::new(self.item()?), '¯'),
            "tilde" => Node::Accent(Box::new(self.item()?), '˜'),
            "text" => Node::Text(self.raw_argument()?),
            "op" => Node::Ident(self.raw_argument()?),
            "opl" => {
                let name = self.raw_argument()?;
                Node::Scripts { base: Box::new(Node::Ident(name)), sub: None, sup: None, limits: true }
            }
            "sum" => Node::Operator("∑".into()),
            "quad" => Node::Space("1em"),
            other => return Err(self.fail(&format!("unknown command \\{other}"))),
        })
    }
}

/// A group of one item is that item; otherwise a row.
fn group(mut items: Vec<Node>) -> Node {
    if items.len() == 1 { items.pop().expect("one item") } else { Node::Row(items) }
}

/// Hangs `script` on `base` as a subscript (`_`) or superscript (`^`, `'`), merging with the
/// scripts `base` already has.
fn attach(base: Node, kind: char, script: Node) -> Node {
    let (base, mut sub, mut sup, limits) = match base {
        Node::Scripts { base, sub, sup, limits } => (base, sub, sup, limits),
        other => {
            let limits = other.takes_limits();
            (Box::new(other), None, None, limits)
        }
    };
    let slot = if kind == '_' { &mut sub } else { &mut sup };
    *slot = Some(Box::new(match slot.take() {
        // x_{i}_{j} is unusual; keep both rather than losing one.
        Some(old) => Node::Row(vec![*old, script]),
        None => script,
    }));
    Node::Scripts { base, sub, sup, limits }
}

fn write(node: &Node, out: &mut String) {
    let wrap = |tag: &str, inner: &[&Node], out: &mut String| {
        out.push_str(&format!("<{tag}>"));
        for n in inner {
            write(n, out);
        }
        out.push_str(&format!("</{tag}>"));
    };
    match node {
        Node::Ident(s) => out.push_str(&format!("<mi>{}</mi>", escape(s))),
        Node::Number(s) => out.push_str(&format!("<mn>{}</mn>", escape(s))),
        Node::Operator(s) => out.push_str(&format!("<mo>{}</mo>", escape(s))),
        Node::Text(s) => out.push_str(&format!("<mtext>{}</mtext>", escape(s))),
        Node::Space(w) => out.push_str(&format!("<mspace width=\"{w}\"></mspace>")),
        Node::Row(items) => wrap("mrow", &items.iter().collect::<Vec<_>>(), out),
        Node::Frac(a, b) => wrap("mfrac", &[a, b], out),
        Node::Sqrt(a) => wrap("msqrt", &[a], out),
        Node::Accent(base, mark) => {
            out.push_str("<mover accent=\"true\">");
            write(base, out);
            out.push_str(&format!("<mo>{mark}</mo></mover>"));
        }
        Node::Scripts { base, sub, sup, limits } => {
            let tag = match (sub.is_some(), sup.is_some(), limits) {
                (true, true, false) => "msubsup",
                (true, false, false) => "msub",
                (false, true, false) => "msup",
                (true, true, true) => "munderover",
                (true, false, true) => "munder",
                (false, true, true) => "mover",
                (false, false, _) => {
                    write(base, out);
                    return;
                }
            };
            let mut parts: Vec<&Node> = vec![base];
            parts.extend(sub.as_deref());
            parts.extend(sup.as_deref());
            wrap(tag, &parts, out);
        }
    }
}

/// The formula as a `<math display="block">` element, or what is wrong with the notation.
pub fn to_mathml(source: &str) -> Result<String> {
    let mut p = Parser { chars: source.chars().peekable(), source };
    let items = p.items(false)?;
    if items.is_empty() {
        return Err(p.fail("is empty"));
    }
    let mut s = String::from("<math display=\"block\">");
    for n in &items {
        write(n, &mut s);
    }
    s.push_str("</math>");
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner(src: &str) -> String {
        let m = to_mathml(src).unwrap();
        m.strip_prefix("<math display=\"block\">").unwrap().strip_suffix("</math>").unwrap().to_string()
    }

    #[test]
    fn scripts_fractions_and_roots() {
        assert_eq!(inner("x_i^2"), "<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>");
        assert_eq!(inner("x^2_i"), "<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>");
        assert_eq!(inner("W_{ji}"), "<msub><mi>W</mi><mrow><mi>j</mi><mi>i</mi></mrow></msub>");
        assert_eq!(inner("\\frac{1}{n}"), "<mfrac><mn>1</mn><mi>n</mi></mfrac>");
        assert_eq!(inner("\\sqrt{v}"), "<msqrt><mi>v</mi></msqrt>");
        assert_eq!(inner("W'"), "<msup><mi>W</mi><mo>′</mo></msup>");
        assert_eq!(inner("\\hat{x}"), "<mover accent=\"true\"><mi>x</mi><mo>ˆ</mo></mover>");
    }

    #[test]
    fn a_fence_and_its_contents_are_one_row() {
        assert_eq!(
            inner("a(1 − b)^2"),
            "<mi>a</mi><msup><mrow><mo>(</mo><mn>1</mn><mo>−</mo><mi>b</mi><mo>)</mo></mrow><mn>2</mn></msup>"
        );
        // Unbalanced fences stay as they are.
        assert_eq!(inner("a)"), "<mi>a</mi><mo>)</mo>");
    }

    #[test]
    fn large_operators_take_limits() {
        assert_eq!(
            inner("∑_{i=1}^{n}"),
            "<munderover><mo>∑</mo><mrow><mi>i</mi><mo>=</mo><mn>1</mn></mrow><mi>n</mi></munderover>"
        );
        assert_eq!(inner("\\sum_i"), "<munder><mo>∑</mo><mi>i</mi></munder>");
        assert_eq!(inner("\\opl{max}_{w}"), "<munder><mi>max</mi><mi>w</mi></munder>");
        assert_eq!(inner("\\op{KL}"), "<mi>KL</mi>");
    }

    #[test]
    fn operators_text_and_escaping() {
        assert_eq!(inner("a - b < c"), "<mi>a</mi><mo>−</mo><mi>b</mi><mo>&lt;</mo><mi>c</mi>");
        assert_eq!(inner("0.5x"), "<mn>0.5</mn><mi>x</mi>");
        assert_eq!(inner("\\text{if i & j}"), "<mtext>if i &amp; j</mtext>");
        assert_eq!(inner("a\\,b"), "<mi>a</mi><mspace width=\"0.17em\"></mspace><mi>b</mi>");
    }

    #[test]
    fn malformed_notation_is_an_error_naming_the_formula() {
        for bad in ["", "{x", "x}", "_x", "\\frac{1}", "\\nope{x}", "x^", "\\text x"] {
            let e = to_mathml(bad).expect_err(bad).to_string();
            assert!(e.starts_with("formula "), "{bad:?}: {e}");
        }
    }
}
