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
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::core::error::{Error, Result};
use crate::core::files::{ensure_dir, write_atomic};
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

/// Whether `page` is absent or carries the gallery's generator mark.
fn is_ours(page: &Path) -> bool {
    match fs::read(page) {
        Ok(old) => {
            let marker = format!("<meta name=\"generator\" content=\"{GENERATOR}\">");
            String::from_utf8_lossy(&old).contains(&marker)
        }
        Err(_) => true,
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
        if fs::read_to_string(&self.path).is_ok_and(|t| t == self.token) {
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
    let text = fs::read_to_string(path).ok()?;
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

/// Whether no process has this id. Known only where `/proc` lists the processes (Linux);
/// elsewhere a stale lock waits out [`STALE_LOCK`].
fn process_is_gone(pid: u32) -> bool {
    Path::new("/proc/self").exists() && !Path::new("/proc").join(pid.to_string()).exists()
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
    if fs::read_to_string(&aside).is_ok_and(|t| t != seen) {
        let _ = fs::hard_link(&aside, path);
    }
    let _ = fs::remove_file(&aside);
}

impl Results {
    /// How every chapter ends: adds `gallery: <page>`, saves the block as `results.txt` in
    /// `--out` (an error if that fails, as for any picture), prints the block, and rebuilds
    /// the gallery page in the folder above (see [`update_page`]). The page is a
    /// convenience: if it cannot be written, or a file the gallery did not write has its
    /// name, the chapter says so on stderr and still succeeds.
    pub fn finish(mut self, spec: &Spec, args: &Args) -> Result<()> {
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
