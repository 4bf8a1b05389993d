//! The gallery: one static page, `index.html`, with the Results and pictures of every chapter
//! that has been run.
//!
//! Each chapter, when it finishes, saves its Results block as `results.txt` in its output
//! folder (`--out`, by default `target/chapters/<chapter>/`) and then rebuilds the page in the
//! folder above it (the output root, by default `target/chapters/`). The page is rebuilt from
//! what the root's folders hold, so it always shows the latest run of each chapter, chapters
//! run in any order fill it up, and deleting a folder removes its section. It needs no
//! JavaScript: pictures are linked with `<img>`, PNG and SVG alike, with the captions the
//! chapter recorded ([`captions`]); formulas are MathML, which browsers lay out themselves.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::core::error::{Error, Result};
use crate::core::files::{Kind, ensure_dir, process_is_gone, read_own, read_own_text, write_atomic};
use crate::render::html::{Html, url_path};
use crate::render::math::to_mathml;
use crate::workbook::captions;
use crate::workbook::catalog::{self, CHAPTERS, Chapter, command};
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
    /// Picture file names in its folder (PNG and SVG): those with a caption in the order the
    /// chapter drew them, then the others sorted.
    pub pictures: Vec<String>,
    /// (file, caption) from the folder's [`captions::MANIFEST`].
    pub captions: Vec<(String, String)>,
    /// The lines of the folder's [`CLAIMS_FILE`], if the chapter wrote one.
    pub claims: Vec<String>,
}

impl Entry {
    /// The caption of one of its pictures, if the chapter gave one.
    pub fn caption(&self, picture: &str) -> Option<&str> {
        self.captions.iter().find(|(f, _)| f == picture).map(|(_, c)| c.as_str()).filter(|c| !c.is_empty())
    }
}

/// A chapter's Claims block (the article's claims it tests, with this run's verdicts), one
/// claim a line, if it saves one beside its Results; the page shows it after the summary.
pub const CLAIMS_FILE: &str = "claims.txt";

/// Every chapter run under `root`, in the article's order (then by folder name). Folders
/// without a readable `results.txt` naming a known chapter are not chapter runs and are skipped.
pub fn scan(root: &Path) -> Vec<Entry> {
    let Ok(dir) = fs::read_dir(root) else { return Vec::new() };
    let mut entries = Vec::new();
    for item in dir.flatten() {
        let path = item.path();
        let Some(folder) = path.file_name().and_then(|n| n.to_str()).map(str::to_string) else { continue };
        let Some(text) = read_own_text(&path.join(RESULTS_FILE)) else { continue };
        let Some((name, results)) = parse_results(&text) else { continue };
        let Some(chapter) = CHAPTERS.iter().find(|c| c.name == name) else { continue };
        let mut pictures: Vec<String> = fs::read_dir(&path)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|f| f.file_name().to_str().map(str::to_string))
            .filter(|n| n.ends_with(".png") || n.ends_with(".svg"))
            .collect();
        let captions = captions::read(&path);
        let drawn = |p: &String| captions.iter().position(|(f, _)| f == p).unwrap_or(usize::MAX);
        pictures.sort_by(|a, b| drawn(a).cmp(&drawn(b)).then_with(|| a.cmp(b)));
        let claims = read_own_text(&path.join(CLAIMS_FILE))
            .map(|t| t.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect())
            .unwrap_or_default();
        entries.push(Entry { chapter, folder, results, pictures, captions, claims });
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

/// The checkout's root as seen from `root` (where the page is), as a relative URL path
/// ending in `/`, so code links work wherever the page was written; `../../` (the page's
/// default place, `target/chapters/`) if either folder cannot be resolved.
pub fn checkout_from(root: &Path) -> String {
    let here = fs::canonicalize(root);
    let checkout = fs::canonicalize(env!("CARGO_MANIFEST_DIR"));
    let (Ok(here), Ok(checkout)) = (here, checkout) else { return "../../".to_string() };
    let (a, b): (Vec<_>, Vec<_>) = (here.components().collect(), checkout.components().collect());
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut s = "../".repeat(a.len() - common);
    for c in &b[common..] {
        s.push_str(&c.as_os_str().to_string_lossy());
        s.push('/');
    }
    if s.is_empty() { "./".to_string() } else { s }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;\
line-height:1.45;color:#222}h2{border-top:1px solid #ccc;padding-top:1em}\
table{border-collapse:collapse;font-size:90%}td,th{padding:3px 12px 3px 0;vertical-align:baseline;text-align:left}\
th{border-bottom:1px solid #ccc}table.results td:nth-child(2){font-family:monospace,monospace;font-size:95%}\
table.formulas td{padding:6px 14px 6px 0;border-bottom:1px solid #eee}\
math{font-family:\"STIX Two Math\",\"Latin Modern Math\",\"DejaVu Math TeX Gyre\",math;font-size:115%}\
table.formulas math{display:inline math;margin:.2em 0 .2em 1.5em}\
figure{margin:0 0 1.5em 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}\
img.pixels{image-rendering:pixelated}figcaption{font-size:92%;color:#333;max-width:900px;margin-top:.3em}\
figcaption .file{font-family:monospace;color:#777}.summary{font-size:105%}\
code{background:#f3f3f3;padding:0 3px}.missing{color:#888}.unknown{color:#888}";

/// The page for these chapter runs (`root` is where the page goes: picture sizes are read
/// from there, and code links are made relative to it).
pub fn render(root: &Path, entries: &[Entry]) -> String {
    let checkout = checkout_from(root);
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
         follow the article \"Auto Encoder with Practical Implementation\" (A. Ali, 2019), whose figures and \
         formulas were lost with its images: each section says what the article's section is about, sets \
         its formulas beside the function that computes them and the test that checks them, redraws its \
         figures from this run's numbers, and lists the run's Results. Run every chapter with ",
    );
    h.leaf("code", &[], "cargo run -- --all").text(".").close();

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
        section(&mut h, root, e, id, &checkout);
    }
    h.close().close();
    h.finish()
}

/// A link into the checkout: the file's path as its text, `class="code"` so the browser
/// check can find every one.
fn code_link(h: &mut Html, checkout: &str, path: &str) {
    h.leaf("a", &[("class", "code"), ("href", &format!("{checkout}{}", url_path(path)))], path);
}

/// One chapter run's section, as a page of the book: the article's section in our words, the
/// claims, the formulas, the figures, the Results, and how to run it.
fn section(h: &mut Html, root: &Path, e: &Entry, id: &str, checkout: &str) {
    let page = catalog::page(e.chapter.name);
    h.open("section", &[("id", id)]);
    h.leaf("h2", &[], &format!("{} ({})", e.chapter.name, e.chapter.section));
    h.open("p", &[("class", "summary")]);
    match page {
        Some(p) => h.text(p.summary),
        None => h.text(e.chapter.shows),
    };
    h.close();

    if !e.claims.is_empty() {
        h.leaf("h3", &[], "Claims");
        h.open("ul", &[("class", "claims")]);
        for c in &e.claims {
            h.leaf("li", &[], c);
        }
        h.close();
    }

    let formulas = page.map_or(&[][..], |p| p.formulas);
    if !formulas.is_empty() {
        h.leaf("h3", &[], "Formulas");
        h.open("table", &[("class", "formulas")]);
        h.open("tr", &[]).leaf("th", &[], "formula").leaf("th", &[], "computed by").leaf("th", &[], "checked by");
        h.close();
        for f in formulas {
            h.open("tr", &[]).open("td", &[]);
            h.leaf("div", &[("class", "fname")], f.name);
            match to_mathml(f.tex) {
                Ok(m) => h.math(&m),
                // A catalog formula that does not parse is a bug a test catches; the page
                // still shows its notation rather than nothing.
                Err(_) => h.leaf("code", &[], f.tex),
            };
            h.close().open("td", &[]);
            code_link(h, checkout, f.code);
            h.text(" ").leaf("code", &[], f.function);
            h.close().open("td", &[]);
            code_link(h, checkout, f.test_file);
            h.text(" ").leaf("code", &[], f.test);
            h.close().close();
        }
        h.close();
    }

    if !e.pictures.is_empty() {
        h.leaf("h3", &[], "Figures");
    }
    for pic in &e.pictures {
        let src = url_path(&format!("{}/{}", e.folder, pic));
        let size = read_own(&root.join(&e.folder).join(pic), Kind::PAGE).ok().and_then(|b| png_size(&b));
        let caption = e.caption(pic);
        h.open("figure", &[]).open("a", &[("href", &src)]);
        let alt = caption.unwrap_or(pic);
        match size {
            Some((w, hgt)) if w > 0 => {
                let scale = (SHOW_WIDTH / w).clamp(1, 8);
                let (w, hgt) = ((w * scale).to_string(), (hgt * scale).to_string());
                h.void("img", &[("src", &src), ("alt", alt), ("class", "pixels"), ("width", &w), ("height", &hgt)]);
            }
            _ => {
                h.void("img", &[("src", &src), ("alt", alt)]);
            }
        }
        h.close();
        match caption {
            Some(c) => h.open("figcaption", &[]).text(c).text(" ").leaf("span", &[("class", "file")], pic),
            None => h.open("figcaption", &[("class", "uncaptioned")]).text(pic).text(" (no caption)"),
        };
        h.close().close();
    }

    h.leaf("h3", &[], "Results");
    h.open("table", &[("class", "results")]);
    h.open("tr", &[]).leaf("th", &[], "key").leaf("th", &[], "value").leaf("th", &[], "meaning");
    h.leaf("th", &[], "unit").close();
    for (k, v) in e.results.iter().filter(|(k, _)| k != "gallery") {
        h.open("tr", &[]).leaf("td", &[], k).leaf("td", &[], v);
        match page.and_then(|p| p.key(k)) {
            Some(key) => h.leaf("td", &[], key.meaning).leaf("td", &[], key.unit),
            None => h.leaf("td", &[("class", "unknown")], "").leaf("td", &[], ""),
        };
        h.close();
    }
    h.close();

    h.leaf("h3", &[], "Run it");
    h.open("p", &[]).leaf("code", &[], &command(e.chapter.name));
    h.text(&format!(
        " ({}; add --help for its options and exercises). This run's files are in {}/.",
        e.chapter.shows, e.folder
    ));
    h.close();
    h.close();
}

/// Whether a folder holds only the kinds of file a chapter writes: pictures, the caption
/// manifest, claims, Results, and temporary files of writes (an empty folder does too).
fn only_chapter_files(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else { return false };
    entries.flatten().all(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        let kept = [".png", ".svg"].iter().any(|x| name.ends_with(x))
            || [RESULTS_FILE, CLAIMS_FILE, captions::MANIFEST].contains(&name.as_str())
            || name.contains(".tmp-");
        kept && e.file_type().is_ok_and(|t| t.is_file())
    })
}

/// The chapter whose `results.txt` is in `dir`, if a saved Results block is there.
fn results_chapter(dir: &Path) -> Option<String> {
    read_own_text(&dir.join(RESULTS_FILE)).and_then(|t| parse_results(&t)).map(|(c, _)| c)
}

/// `--out` must be a folder `chapter` may fill: new, empty, one holding this chapter's
/// `results.txt` (an earlier run), or one holding nothing but a chapter's files (a run that
/// stopped early). Anything else, such as `/`, `..` or a project folder, is refused before
/// the chapter writes anything, so its pictures never land among someone's files.
///
/// The folder checked is the one `out` really names ([`real_folder`]): `nothere/../..` does
/// not exist, yet the chapter's writes would land two levels up.
pub fn check_out(chapter: &str, out: &Path) -> Result<()> {
    let real = real_folder(out).map_err(|e| Error::io(out, e))?;
    // Errors name the folder the reader would recognise, not only what they typed.
    let shown = match out.components().any(|c| c == Component::ParentDir) {
        true => PathBuf::from(format!("{} (that is {})", out.display(), real.display())),
        false => out.to_path_buf(),
    };
    check_real_out(chapter, &real, &shown)
}

/// The folder a path names once the system has walked its `..` components, as
/// `create_dir_all` followed by writes inside it would: `..` after a folder that exists goes to
/// the parent of where it really is (a link's target), `..` after one that does not (it will be
/// created) cancels it. A relative path is taken from the working folder.
pub fn real_folder(out: &Path) -> std::io::Result<PathBuf> {
    let mut real = if out.is_absolute() { PathBuf::new() } else { std::env::current_dir()? };
    for part in out.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if real.exists() {
                    real = fs::canonicalize(&real)?;
                }
                real.pop();
            }
            other => real.push(other),
        }
    }
    Ok(real)
}

fn check_real_out(chapter: &str, out: &Path, shown: &Path) -> Result<()> {
    let meta = match fs::metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(shown, e)),
        Ok(m) => m,
    };
    if !meta.is_dir() {
        return Err(Error::format(shown, "--out must name a folder, and this is not one"));
    }
    let empty = fs::read_dir(out).map_err(|e| Error::io(shown, e))?.next().is_none();
    match results_chapter(out) {
        Some(c) if c == chapter => Ok(()),
        Some(other) => Err(Error::format(
            shown,
            format!("holds the results of {other}; give {chapter} a folder of its own with --out"),
        )),
        // A run that stopped before its Results left pictures and their caption manifest; a
        // folder of the reader's own pictures has no manifest.
        None if empty || (only_chapter_files(out) && out.join(captions::MANIFEST).is_file()) => Ok(()),
        None => Err(Error::format(
            shown,
            format!(
                "already holds files that {chapter} did not write; --out must be a new or empty folder, \
                 or one an earlier run of {chapter} wrote"
            ),
        )),
    }
}

/// Whether a page may be started in `root`, where the chapter writing to `out` just saved its
/// results: `root` holds nothing but chapter folders of this workbook, the run-all logs and
/// the page's own files, or it holds a chapter folder besides `out` (an earlier run put it
/// there, so the reader chose this root for the book). A folder the reader keeps other things
/// in (their home, a project, `/`) gets no page.
fn root_is_ours(root: &Path, out: &Path) -> bool {
    let Ok(entries) = fs::read_dir(root) else { return true };
    let entries: Vec<fs::DirEntry> = entries.flatten().collect();
    let is_dir = |e: &fs::DirEntry| e.file_type().is_ok_and(|t| t.is_dir());
    let chapter_run = |e: &fs::DirEntry| is_dir(e) && results_chapter(&e.path()).is_some();
    let only_ours = entries.iter().all(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        // A chapter folder being written (by a run finishing now) holds no Results yet.
        name.starts_with(PAGE) || (is_dir(e) && (name == "logs" || chapter_run(e) || only_chapter_files(&e.path())))
    });
    let out = fs::canonicalize(out).ok();
    only_ours || entries.iter().any(|e| chapter_run(e) && fs::canonicalize(e.path()).ok() != out)
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
    /// There is no page yet, and the folder holds things other than chapter runs; no page
    /// was written there.
    ForeignFolder(PathBuf),
}

/// Rebuilds the page in the root above `out` from every chapter folder there, unless a page
/// of the same name exists that the gallery did not write (see [`GENERATOR`]).
///
/// Chapters finishing at the same moment into one root must not lose each other's sections:
/// one that scanned the root just before another saved its `results.txt` would otherwise put
/// back a page without it. So the rebuild holds the root's [`LOCK`]: every chapter saves its
/// Results before it takes the lock, so whoever takes it last sees them all. After the rename
/// it scans once more and writes again if the root changed underneath, which keeps the page
/// whole even if a lock was wrongly judged stale and two rebuilds overlapped. Readers only
/// ever see a whole page: it is written beside its name and renamed into place.
pub fn update_page(out: &Path) -> Result<PageUpdate> {
    let root = root_of(out);
    let page = root.join(PAGE);
    if !is_ours(&page) {
        return Ok(PageUpdate::NotOurs(page));
    }
    if !page.exists() && !root_is_ours(&root, out) {
        return Ok(PageUpdate::ForeignFolder(root));
    }
    let _lock = PageLock::acquire(&root)?;
    // Checked again under the lock: a file may have been put there meanwhile.
    if !is_ours(&page) {
        return Ok(PageUpdate::NotOurs(page));
    }
    let mut html = render(&root, &scan(&root));
    for _ in 0..MAX_REWRITES {
        write_atomic(&page, html.as_bytes())?;
        let now = render(&root, &scan(&root));
        if now == html {
            break;
        }
        html = now;
    }
    Ok(PageUpdate::Written(page))
}

/// Writes of the page per update when the root keeps changing under it; whoever changed it
/// rebuilds the page after that anyway.
const MAX_REWRITES: usize = 4;

/// Whether `page` is absent, or a regular file of a page's size that carries the gallery's
/// generator mark (a pipe or a device of that name is never read, so it cannot hang the run).
fn is_ours(page: &Path) -> bool {
    match fs::symlink_metadata(page) {
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
        Ok(_) => read_own(page, Kind::PAGE).is_ok_and(|old| {
            let marker = format!("<meta name=\"generator\" content=\"{GENERATOR}\">");
            String::from_utf8_lossy(&old).contains(&marker)
        }),
    }
}

/// The lock file, in the output root, held while the page is rebuilt. It holds the holder's
/// process id and the time it was taken, in milliseconds since 1970: `<pid> <ms> <n>` (n tells
/// apart the holds of one process).
pub const LOCK: &str = "index.html.lock";

/// A lock older than this is left over from a run that was stopped or killed, and is broken.
/// Rebuilding the page takes milliseconds, so a live holder never gets near it.
pub const STALE_LOCK: Duration = Duration::from_secs(10);

/// The longest pause between two attempts to take the lock.
const LOCK_POLL: Duration = Duration::from_millis(20);

/// Numbers this process's lock holds and broken locks apart (threads of one process share its id).
static UNIQUE: AtomicUsize = AtomicUsize::new(0);

/// A held [`LOCK`]; dropping it removes the file (if it is still this hold's).
struct PageLock {
    path: PathBuf,
    token: String,
}

impl PageLock {
    /// Takes the root's lock, waiting while a live holder has it and breaking a stale one.
    fn acquire(root: &Path) -> Result<PageLock> {
        ensure_dir(root)?;
        let path = root.join(LOCK);
        let mut pause = Duration::from_millis(1);
        loop {
            match fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    let token = format!(
                        "{} {} {}\n",
                        std::process::id(),
                        millis_since_epoch(SystemTime::now()),
                        UNIQUE.fetch_add(1, Ordering::Relaxed)
                    );
                    if let Err(e) = file.write_all(token.as_bytes()) {
                        let _ = fs::remove_file(&path);
                        return Err(Error::io(&path, e));
                    }
                    return Ok(PageLock { path, token });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if let Some(seen) = stale_lock(&path) {
                        break_lock(&path, &seen);
                        continue;
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(LOCK_POLL);
                }
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
    }
}

impl Drop for PageLock {
    fn drop(&mut self) {
        // Only if still ours: had it been broken as stale, the file may now be another hold's.
        if read_own_text(&self.path).is_some_and(|t| t == self.token) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn millis_since_epoch(t: SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis())
}

/// The lock's text if it is stale: its holder's process is gone, or it is older than
/// [`STALE_LOCK`] (by the time written in it, or by the file's own time while the holder has
/// not written it yet). `None` if it is live or already gone.
fn stale_lock(path: &Path) -> Option<String> {
    let text = read_own_text(path)?;
    let now = millis_since_epoch(SystemTime::now());
    let mut fields = text.split_whitespace().map(str::parse::<u128>);
    let taken = match (fields.next(), fields.next()) {
        (Some(Ok(pid)), Some(Ok(ms))) if text.ends_with('\n') => {
            if u32::try_from(pid).is_ok_and(process_is_gone) {
                return Some(text);
            }
            ms
        }
        _ => millis_since_epoch(fs::metadata(path).ok()?.modified().ok()?),
    };
    (now.saturating_sub(taken) > STALE_LOCK.as_millis()).then_some(text)
}

/// Removes a stale lock whose text was `seen`. It is first renamed to a name of this hold's
/// own, so that of several waiters that judged it stale only one removes it; if what was
/// renamed is not the stale lock (a new holder had just replaced it), it is put back unless
/// yet another holder has taken its place.
fn break_lock(path: &Path, seen: &str) {
    let mut aside = path.as_os_str().to_os_string();
    aside.push(format!(".stale-{}-{}", std::process::id(), UNIQUE.fetch_add(1, Ordering::Relaxed)));
    let aside = PathBuf::from(aside);
    if fs::rename(path, &aside).is_err() {
        return;
    }
    if read_own_text(&aside).is_some_and(|t| t != seen) {
        let _ = fs::hard_link(&aside, path);
    }
    let _ = fs::remove_file(&aside);
}

impl Results {
    /// How every chapter ends: prints the Claims block and adds the `claims*` keys
    /// ([`crate::workbook::claims::conclude`]), adds `gallery: <page>`, saves the block as
    /// `results.txt` and the claims' verdicts as [`CLAIMS_FILE`] in `--out` (an error if that fails, as for any picture), rebuilds the
    /// gallery page in the folder above (see [`update_page`]) and prints the block. The page
    /// is a convenience: if it cannot be written, or a file the gallery did not write has its
    /// name, `gallery` says `not written (why)`, and the chapter warns on stderr and still succeeds.
    pub fn finish(mut self, spec: &Spec, args: &Args) -> Result<()> {
        let claims = crate::workbook::claims::conclude(spec.name, &mut self);
        self.add("gallery", page_path(&args.out).display());
        save_results(spec.name, &args.out, self.lines())?;
        if !claims.is_empty() {
            write_atomic(&args.out.join(CLAIMS_FILE), (claims.join("\n") + "\n").as_bytes())?;
        }
        // The page is built from the saved Results, so it comes first; the key then says what
        // became of it, and the block is saved again if that is not the page's path.
        let (said, warning) = match update_page(&args.out) {
            Ok(PageUpdate::Written(_)) => (None, None),
            Ok(PageUpdate::NotOurs(page)) => (
                Some(format!("not written ({} is not this workbook's)", page.display())),
                Some(format!("{} was not written by this workbook; left alone, gallery not updated", page.display())),
            ),
            Ok(PageUpdate::ForeignFolder(root)) => (
                Some(format!("not written ({} holds other files)", root.display())),
                Some(format!(
                    "{} holds files that are not chapter runs of this workbook; no gallery page written there",
                    root.display()
                )),
            ),
            Err(e) => (Some(format!("not written ({e})")), Some(format!("gallery not updated: {e}"))),
        };
        if let Some(said) = said {
            self.set("gallery", said);
            save_results(spec.name, &args.out, self.lines())?;
        }
        self.print();
        if let Some(w) = warning {
            // A warning follows the Results block in a log that takes both streams.
            crate::workbook::stdout::settle();
            eprintln!("warning: {w}");
        }
        Ok(())
    }
}
