//! A small HTML5 writer: elements opened and closed in order, every text and attribute value
//! escaped, so no title or Results value can break the page. Used by [`crate::workbook::gallery`].

/// Text made safe between tags and inside double-quoted attribute values: HTML5 accepts the
/// same five entities as SVG, and the control characters SVG drops are parse errors in HTML too.
pub use crate::render::svg::escape;

/// Percent-encodes a relative path for an `href` or `src`: letters, digits, `-._~` and `/` stay,
/// every other byte of its UTF-8 becomes `%XX`. So a folder named `my pictures#1` still links.
pub fn url_path(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// Elements without content or end tag.
const VOID: &[&str] = &["img", "meta", "br", "hr", "link"];

/// An HTML document built element by element. Each [`Html::open`] must be matched by an
/// [`Html::close`]; [`Html::finish`] checks that nothing is left open.
#[derive(Default, Debug)]
pub struct Html {
    buf: String,
    open: Vec<&'static str>,
}

impl Html {
    pub fn new() -> Self {
        Html::default()
    }

    fn start_tag(&mut self, tag: &'static str, attrs: &[(&str, &str)]) {
        self.buf.push('<');
        self.buf.push_str(tag);
        for (name, value) in attrs {
            debug_assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "attribute name {name:?}");
            self.buf.push_str(&format!(" {name}=\"{}\"", escape(value)));
        }
        self.buf.push('>');
    }

    /// Opens `tag` with the given attributes (values are escaped here).
    pub fn open(&mut self, tag: &'static str, attrs: &[(&str, &str)]) -> &mut Self {
        debug_assert!(!VOID.contains(&tag), "<{tag}> has no content: use `void`");
        self.start_tag(tag, attrs);
        self.open.push(tag);
        self
    }

    /// Closes the element opened last.
    pub fn close(&mut self) -> &mut Self {
        let tag = self.open.pop().expect("close() without a matching open()");
        self.buf.push_str(&format!("</{tag}>"));
        if matches!(tag, "p" | "li" | "tr" | "section" | "figure" | "table" | "ol" | "ul" | "nav" | "head" | "div") {
            self.buf.push('\n');
        }
        self
    }

    /// An element without content, such as `<img>` or `<meta>`.
    pub fn void(&mut self, tag: &'static str, attrs: &[(&str, &str)]) -> &mut Self {
        debug_assert!(VOID.contains(&tag), "<{tag}> is not a void element");
        self.start_tag(tag, attrs);
        self
    }

    /// Escaped text.
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.buf.push_str(&escape(text));
        self
    }

    /// `<tag attrs>text</tag>`.
    pub fn leaf(&mut self, tag: &'static str, attrs: &[(&str, &str)], text: &str) -> &mut Self {
        self.open(tag, attrs).text(text).close()
    }

    /// Raw markup that the caller vouches for: only for constant strings such as a style sheet.
    pub fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.buf.push_str(markup);
        self
    }

    /// A `<math>` element built by [`crate::render::math::to_mathml`], which escapes every
    /// text it writes; never text read from a file.
    ///
    /// # Panics
    /// If `mathml` is not one `<math>` element.
    pub fn math(&mut self, mathml: &str) -> &mut Self {
        assert!(mathml.starts_with("<math") && mathml.ends_with("</math>"), "not a <math> element");
        self.buf.push_str(mathml);
        self
    }

    /// The whole document, `<!DOCTYPE html>` first.
    ///
    /// # Panics
    /// If an element is still open: that is a bug in the page's builder, not in its data.
    pub fn finish(self) -> String {
        assert!(self.open.is_empty(), "unclosed elements: {:?}", self.open);
        format!("<!DOCTYPE html>\n{}\n", self.buf)
    }
}
