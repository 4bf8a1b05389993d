//! Every picture a chapter draws gets a caption, and the gallery shows it under the picture.
//!
//! A chapter saves a labelled figure with [`save_figure`] (the figure carries its own caption,
//! written beside the code that draws it, see [`crate::render::figures`]), or, for a picture
//! it wrote itself, adds the caption with [`caption`]. Both record it in a small manifest,
//! `figures.txt` in the chapter's `--out` folder: one line per picture, `file<TAB>caption`,
//! in the order the chapter drew them. The gallery reads it back with [`read`].

use std::path::Path;

use crate::core::error::Result;
use crate::core::files::write_atomic;
use crate::render::figures::Figure;
use crate::render::svg::write_svg;

/// The manifest's name in a chapter's output folder.
pub const MANIFEST: &str = "figures.txt";

/// The manifest's text for these (file, caption) pairs. Tabs and line breaks inside a
/// caption become spaces, so each picture stays one line.
pub fn manifest_text(entries: &[(String, String)]) -> String {
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    entries.iter().map(|(f, c)| format!("{}\t{}\n", clean(f), clean(c))).collect()
}

/// Reads a manifest's text back: (file, caption) pairs in order; lines without a tab, or with
/// an empty name, are skipped.
pub fn parse(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.split_once('\t'))
        .filter(|(f, _)| !f.is_empty())
        .map(|(f, c)| (f.to_string(), c.to_string()))
        .collect()
}

/// The captions recorded in `folder`, in drawing order (none if it has no manifest).
pub fn read(folder: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(folder.join(MANIFEST)).map(|t| parse(&t)).unwrap_or_default()
}

/// Records `text` as the caption of the picture `file` in `out`: replaces an earlier caption
/// of the same file, or adds it at the end.
pub fn caption(out: &Path, file: &str, text: &str) -> Result<()> {
    let mut entries = read(out);
    match entries.iter_mut().find(|(f, _)| f == file) {
        Some(entry) => entry.1 = text.to_string(),
        None => entries.push((file.to_string(), text.to_string())),
    }
    write_atomic(&out.join(MANIFEST), manifest_text(&entries).as_bytes())
}

/// Writes `figure` as `out/file` (an SVG) and records its caption; returns the path written.
pub fn save_figure(out: &Path, file: &str, figure: &Figure) -> Result<std::path::PathBuf> {
    let path = out.join(file);
    write_svg(&path, &figure.svg)?;
    caption(out, file, &figure.caption)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_lines_read_back_and_stay_one_line_each() {
        let entries =
            vec![("a.svg".to_string(), "two\nlines\tand a tab".to_string()), ("b.png".to_string(), String::new())];
        let text = manifest_text(&entries);
        assert_eq!(text, "a.svg\ttwo lines and a tab\nb.png\t\n");
        assert_eq!(parse(&text), [("a.svg".into(), "two lines and a tab".into()), ("b.png".into(), String::new())]);
        assert!(parse("no tab here\n\tempty name\n").is_empty());
    }
}
