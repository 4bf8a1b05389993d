//! The gallery: one static page, `index.html`, with the Results and pictures of every chapter
//! that has been run.
//!
//! Each chapter, when it finishes, saves its Results block as `results.txt` in its output
//! folder (`--out`, by default `target/chapters/<chapter>/`) and then rebuilds the page in the
//! folder above it (the output root, by default `target/chapters/`). The page is rebuilt from
//! what the root's folders hold, so it always shows the latest run of each chapter, chapters
//! run in any order fill it up, and deleting a folder removes its section. It needs no
//! JavaScript: pictures are linked with `<img>`, PNG and SVG alike.

use std::fs;
use std::path::{Path, PathBuf};

use crate::core::error::Result;
use crate::core::files::write_atomic;
use crate::render::html::{Html, url_path};
use crate::workbook::catalog::{CHAPTERS, Chapter, command};
use crate::workbook::cli::{Args, Results, Spec};

/// The file each chapter's Results block is saved to, in its output folder.
pub const RESULTS_FILE: &str = "results.txt";
/// The gallery page, in the output root.
pub const PAGE: &str = "index.html";

/// The `<meta name="generator">` of every page the gallery writes: a page without it is not
/// the gallery's, and is never overwritten.
pub const GENERATOR: &str = "autoencoder workbook gallery";

/// The output root of a chapter whose pictures go to `out`: the folder above it. For `--out .`
/// or `..`, which name no folder of their own, that is the folder above the one they mean.
pub fn root_of(out: &Path) -> PathBuf {
    if out.file_name().is_none()
        && let Some(parent) = std::fs::canonicalize(out).ok().as_deref().and_then(Path::parent)
    {
        return parent.to_path_buf();
    }
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Results keys that report a measured time or rate (`samples_per_second`,
/// `seconds_per_epoch`): printed, but not saved, so the same seed writes the same files.
pub fn is_timing(key: &str) -> bool {
    key.contains("second")
}

/// Where the page is for a chapter whose pictures go to `out`.
pub fn page_path(out: &Path) -> PathBuf {
    root_of(out).join(PAGE)
}

/// The saved form of a Results block: a `chapter:` line, then the block as printed.
pub fn results_text(chapter: &str, lines: &[(String, String)]) -> String {
    let mut s = format!("chapter: {chapter}\nResults\n");
    for (k, v) in lines.iter().filter(|(k, _)| !is_timing(k)) {
        s.push_str(&format!("{k}: {}\n", v.replace(['\n', '\r'], " ")));
    }
    s
}

/// Reads a saved Results block back: the chapter's name and its `key: value` lines, or `None`
/// if the text is not one (the gallery then leaves that folder out).
pub fn parse_results(text: &str) -> Option<(String, Vec<(String, String)>)> {
    let mut lines = text.lines();
    let chapter = lines.next()?.strip_prefix("chapter: ")?.to_string();
    if lines.next()? != "Results" {
        return None;
    }
    let pairs =
        lines.map(|l| l.split_once(": ").map(|(k, v)| (k.to_string(), v.to_string()))).collect::<Option<_>>()?;
    Some((chapter, pairs))
}

/// One chapter run found in the output root.
#[derive(Clone, Debug)]
pub struct Entry {
    pub chapter: &'static Chapter,
    /// Its folder's name under the root.
    pub folder: String,
    pub results: Vec<(String, String)>,
    /// Picture file names in its folder (PNG and SVG), sorted.
    pub pictures: Vec<String>,
}

/// Every chapter run under `root`, in the article's order (then by folder name). Folders
/// without a readable `results.txt` naming a known chapter are not chapter runs and are skipped.
pub fn scan(root: &Path) -> Vec<Entry> {
    let Ok(dir) = fs::read_dir(root) else { return Vec::new() };
    let mut entries = Vec::new();
    for item in dir.flatten() {
        let path = item.path();
        let Some(folder) = path.file_name().and_then(|n| n.to_str()).map(str::to_string) else { continue };
        let Ok(text) = fs::read_to_string(path.join(RESULTS_FILE)) else { continue };
        let Some((name, results)) = parse_results(&text) else { continue };
        let Some(chapter) = CHAPTERS.iter().find(|c| c.name == name) else { continue };
        let mut pictures: Vec<String> = fs::read_dir(&path)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|f| f.file_name().to_str().map(str::to_string))
            .filter(|n| n.ends_with(".png") || n.ends_with(".svg"))
            .collect();
        pictures.sort();
        entries.push(Entry { chapter, folder, results, pictures });
    }
    let order = |e: &Entry| CHAPTERS.iter().position(|c| c.name == e.chapter.name);
    entries.sort_by(|a, b| order(a).cmp(&order(b)).then_with(|| a.folder.cmp(&b.folder)));
    entries
}

/// Width and height of a PNG from its header, if `bytes` start like one.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    Some((be(16), be(20)))
}

/// A small PNG (28-pixel digits) is shown enlarged, with sharp pixels, to about this width.
const SHOW_WIDTH: u32 = 560;

/// An `id` for a folder's section: its name with anything but letters, digits, `-` and `_`
/// replaced, and a number added if that collides with an earlier one.
fn section_id(folder: &str, taken: &mut Vec<String>) -> String {
    let base: String =
        folder.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    let mut id = format!("run-{base}");
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("run-{base}-{n}");
        n += 1;
    }
    taken.push(id.clone());
    id
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;\
line-height:1.4;color:#222}h2{border-top:1px solid #ccc;padding-top:1em}\
table{border-collapse:collapse;font-family:monospace;font-size:90%}td{padding:2px 12px 2px 0;vertical-align:top}\
figure{display:inline-block;margin:0 1em 1em 0;vertical-align:top}figure img{max-width:100%;height:auto;border:1px solid #ddd}\
img.pixels{image-rendering:pixelated}figcaption{font-family:monospace;font-size:85%;color:#555}\
code{background:#f3f3f3;padding:0 3px}.missing{color:#888}";

/// The page for these chapter runs (`root` is where the page goes: picture sizes are read
/// from there).
pub fn render(root: &Path, entries: &[Entry]) -> String {
    let mut h = Html::new();
    h.open("html", &[("lang", "en")]).open("head", &[]);
    h.void("meta", &[("charset", "utf-8")]);
    h.void("meta", &[("name", "viewport"), ("content", "width=device-width, initial-scale=1")]);
    h.void("meta", &[("name", "generator"), ("content", GENERATOR)]);
    h.leaf("title", &[], "Autoencoder workbook: results");
    h.open("style", &[]).raw(STYLE).close();
    h.close().open("body", &[]);
    h.leaf("h1", &[], "Autoencoder workbook: results");
    h.open("p", &[]);
    h.text(
        "One section per chapter that has been run, rebuilt each time a chapter finishes. The chapters \
         follow the article \"Auto Encoder with Practical Implementation\" (A. Ali, 2019); each section \
         shows the chapter's Results block and its pictures.",
    );
    h.close();

    let mut taken = Vec::new();
    let ids: Vec<String> = entries.iter().map(|e| section_id(&e.folder, &mut taken)).collect();
    h.open("nav", &[("aria-label", "contents")]).leaf("h2", &[], "Contents").open("ol", &[]);
    for c in CHAPTERS {
        h.open("li", &[]);
        let runs: Vec<usize> = (0..entries.len()).filter(|&i| entries[i].chapter.name == c.name).collect();
        if runs.is_empty() {
            h.open("span", &[("class", "missing")]);
            h.text(&format!("{} ({}): not run yet, ", c.name, c.section));
            h.leaf("code", &[], &command(c.name));
            h.close();
        } else {
            for (k, &i) in runs.iter().enumerate() {
                if k > 0 {
                    h.text(", ");
                }
                let label = if runs.len() == 1 {
                    format!("{} ({})", c.name, c.section)
                } else {
                    format!("{} ({}) in {}", c.name, c.section, entries[i].folder)
                };
                h.leaf("a", &[("href", &format!("#{}", ids[i]))], &label);
            }
            h.text(&format!(": {}", c.shows));
        }
        h.close();
    }
    h.close().close();

    for (e, id) in entries.iter().zip(&ids) {
        h.open("section", &[("id", id)]);
        h.leaf("h2", &[], &format!("{} ({})", e.chapter.name, e.chapter.section));
        h.open("p", &[]).text(e.chapter.shows).text(". Run it: ").leaf("code", &[], &command(e.chapter.name));
        h.text(&format!("; files in {}/", e.folder)).close();
        h.leaf("h3", &[], "Results");
        h.open("table", &[]);
        for (k, v) in e.results.iter().filter(|(k, _)| k != "gallery") {
            h.open("tr", &[]).leaf("td", &[], k).leaf("td", &[], v).close();
        }
        h.close();
        if !e.pictures.is_empty() {
            h.leaf("h3", &[], "Pictures");
        }
        for pic in &e.pictures {
            let src = url_path(&format!("{}/{}", e.folder, pic));
            let size = fs::read(root.join(&e.folder).join(pic)).ok().and_then(|b| png_size(&b));
            h.open("figure", &[]).open("a", &[("href", &src)]);
            match size {
                Some((w, hgt)) if w > 0 => {
                    let scale = (SHOW_WIDTH / w).clamp(1, 8);
                    let (w, hgt) = ((w * scale).to_string(), (hgt * scale).to_string());
                    h.void("img", &[("src", &src), ("alt", pic), ("class", "pixels"), ("width", &w), ("height", &hgt)]);
                }
                _ => {
                    h.void("img", &[("src", &src), ("alt", pic)]);
                }
            }
            h.close().leaf("figcaption", &[], pic).close();
        }
        h.close();
    }
    h.close().close();
    h.finish()
}

/// Saves a chapter's Results block (without its timing lines) as `results.txt` in `out`.
pub fn save_results(chapter: &str, out: &Path, results: &[(String, String)]) -> Result<()> {
    write_atomic(&out.join(RESULTS_FILE), results_text(chapter, results).as_bytes())
}

/// What [`update_page`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum PageUpdate {
    /// The page was rebuilt.
    Written(PathBuf),
    /// A file of that name exists that the gallery did not write; it was left alone.
    NotOurs(PathBuf),
}

/// Rebuilds the page in the root above `out` from every chapter folder there, unless a page
/// of the same name exists that the gallery did not write (see [`GENERATOR`]).
pub fn update_page(out: &Path) -> Result<PageUpdate> {
    let root = root_of(out);
    let page = root.join(PAGE);
    if let Ok(old) = fs::read(&page) {
        let marker = format!("<meta name=\"generator\" content=\"{GENERATOR}\">");
        if !String::from_utf8_lossy(&old).contains(&marker) {
            return Ok(PageUpdate::NotOurs(page));
        }
    }
    write_atomic(&page, render(&root, &scan(&root)).as_bytes())?;
    Ok(PageUpdate::Written(page))
}

impl Results {
    /// How every chapter ends: prints the Claims block and adds the `claims*` keys
    /// ([`crate::workbook::claims::conclude`]), adds `gallery: <page>`, saves the block as
    /// `results.txt` in `--out` (an error if that fails, as for any picture), prints the
    /// block, and rebuilds the gallery page in the folder above (see [`update_page`]). The
    /// page is a convenience: if it cannot be written, or a file the gallery did not write
    /// has its name, the chapter says so on stderr and still succeeds.
    pub fn finish(mut self, spec: &Spec, args: &Args) -> Result<()> {
        crate::workbook::claims::conclude(spec.name, &mut self);
        self.add("gallery", page_path(&args.out).display());
        save_results(spec.name, &args.out, self.lines())?;
        self.print();
        match update_page(&args.out) {
            Ok(PageUpdate::Written(_)) => {}
            Ok(PageUpdate::NotOurs(page)) => {
                eprintln!(
                    "warning: {} was not written by this workbook; left alone, gallery not updated",
                    page.display()
                )
            }
            Err(e) => eprintln!("warning: gallery not updated: {e}"),
        }
        Ok(())
    }
}
