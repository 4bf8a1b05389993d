//! The one place where the workbook touches files: inputs are checked before they are read,
//! outputs are written so that a reader never finds a half-written one and nothing the run did
//! not create is ever replaced. The CRC-32 that PNG chunks and the model file carry lives here too.
//!
//! ```text
//! read_input(path, kind)   follows links; the file must be a regular file (a folder, named
//!                          pipe, device or socket is an error saying which) no larger than
//!                          kind's limit; it is read through a reader that stops one byte past
//!                          the limit, so a file that grows while it is read is caught too
//! write_atomic(path, b)    b goes to `<name>.tmp-<pid>-<n>` beside path, is flushed and renamed
//!                          into place; refused if path is a folder, link, pipe or device, or a
//!                          file this run has read; leftover temporary files of runs that no
//!                          longer exist are removed first
//! ```

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::core::error::{Error, Result};

/// What an input file is, and the largest size the workbook reads of that kind. Every limit
/// is a few times the largest real file of its kind, so real data always fits and a runaway
/// file (or `/dev/zero` behind a link) is stopped at a size the machine can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    /// Named in errors: "a ratings file".
    pub what: &'static str,
    pub limit: u64,
}

const MIB: u64 = 1 << 20;

impl Kind {
    /// MNIST's training images are 47 MB; a chapter holds the pixels as f64, eight times that,
    /// and its train and test parts once more, so 64 MiB keeps it near 1 GiB.
    pub const IDX_IMAGES: Kind = Kind { what: "an IDX images file", limit: 64 * MIB };
    /// MNIST's training labels are 60 KB.
    pub const IDX_LABELS: Kind = Kind { what: "an IDX labels file", limit: 16 * MIB };
    /// ml-1m's ratings.dat is 24 MB.
    pub const RATINGS: Kind = Kind { what: "a ratings file", limit: 128 * MIB };
    /// u.item is 236 KB, movies.dat 171 KB.
    pub const TITLES: Kind = Kind { what: "a title file", limit: 16 * MIB };
    /// A reader rates tens of movies, not millions.
    pub const MY_RATINGS: Kind = Kind { what: "a ratings file of your own", limit: MIB };
    /// §5's two models on ml-1m take about 25 MB.
    pub const MODEL: Kind = Kind { what: "a model file", limit: 512 * MIB };
    /// The gallery page and the small text files beside each chapter's pictures.
    pub const PAGE: Kind = Kind { what: "a gallery file", limit: 64 * MIB };
}

/// The limit as a reader would say it: `128 MiB`.
fn shown(bytes: u64) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) { format!("{} MiB", bytes / MIB) } else { format!("{bytes} bytes") }
}

/// What a non-regular file is, for an error message.
fn type_name(t: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

/// (device, inode) of a file, where the platform has them: what makes two paths the same file.
#[cfg(unix)]
fn identity(m: &fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_: &fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// Every file this process has read through [`read_input`], by identity and by canonical path:
/// a write to any of them is refused, so no run overwrites its own data. (An input deleted
/// during the run may have its inode reused by a new file, which is then refused too: the
/// safe side to err on.)
static READ: Mutex<Vec<ReadFile>> = Mutex::new(Vec::new());

/// A file read: its (device, inode) and its canonical path, where known.
type ReadFile = (Option<(u64, u64)>, Option<PathBuf>);

/// Opens `path` for reading without blocking on a named pipe that has no writer: the file
/// type is checked on the opened handle, so a pipe is refused, never waited on.
fn open_no_wait(path: &Path) -> std::io::Result<fs::File> {
    let mut o = fs::OpenOptions::new();
    o.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK on Linux; a regular file ignores it.
        o.custom_flags(0o4000);
    }
    o.open(path)
}

/// Reads an input file of `kind`, after checking that it is a regular file (links followed)
/// no larger than the kind's limit. The error names the path and what is wrong. The file is
/// remembered as one this run reads, so [`write_atomic`] refuses to replace it.
pub fn read_input(path: &Path, kind: Kind) -> Result<Vec<u8>> {
    read_checked(path, kind, true)
}

/// [`read_input`] for a file the workbook wrote itself and may write again (the gallery page,
/// a chapter's `results.txt` or caption manifest): checked and bounded alike, not remembered.
pub fn read_own(path: &Path, kind: Kind) -> Result<Vec<u8>> {
    read_checked(path, kind, false)
}

/// [`read_own`] as text, or `None` if it is missing, not a regular file, too large or not UTF-8.
pub fn read_own_text(path: &Path) -> Option<String> {
    read_own(path, Kind::PAGE).ok().and_then(|b| String::from_utf8(b).ok())
}

fn read_checked(path: &Path, kind: Kind, remember: bool) -> Result<Vec<u8>> {
    // Checked before opening as well: opening a pipe on a system without O_NONBLOCK waits.
    let before = fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !before.is_file() {
        return Err(Error::format(
            path,
            format!("is {}, not a regular file; {} must be a regular file", type_name(before.file_type()), kind.what),
        ));
    }
    let file = open_no_wait(path).map_err(|e| Error::io(path, e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::format(path, format!("is {}, not a regular file", type_name(meta.file_type()))));
    }
    let too_large = || {
        Error::format(path, format!("larger than {}, the most the workbook reads of {}", shown(kind.limit), kind.what))
    };
    if meta.len() > kind.limit {
        return Err(too_large());
    }
    if remember {
        READ.lock().unwrap_or_else(|p| p.into_inner()).push((identity(&meta), fs::canonicalize(path).ok()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(kind.limit + 1).read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > kind.limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Whether `path` names a file this process has read through [`read_input`].
pub fn was_read(path: &Path) -> bool {
    let Ok(meta) = fs::metadata(path) else { return false };
    let (id, canon) = (identity(&meta), fs::canonicalize(path).ok());
    READ.lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .any(|(i, c)| (id.is_some() && *i == id) || (canon.is_some() && *c == canon))
}

/// An error if writing `path` could destroy something the run did not create: `path` is a
/// folder, a link, a pipe, a device or a socket (a rename would replace it with a regular
/// file), or a file this run read. A missing path or a regular file is fine.
pub fn check_target(path: &Path) -> Result<()> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
        Ok(m) if !m.file_type().is_file() => Err(Error::format(
            path,
            format!("is {}; the workbook only replaces regular files, so it is left alone", type_name(m.file_type())),
        )),
        Ok(_) if was_read(path) => {
            Err(Error::format(path, "is a file this run reads; writing over it would destroy the input"))
        }
        Ok(_) => Ok(()),
    }
}

/// Whether two paths name the same existing file (links followed).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) if identity(&x).is_some() => identity(&x) == identity(&y),
        (Ok(_), Ok(_)) => fs::canonicalize(a).ok() == fs::canonicalize(b).ok(),
        _ => false,
    }
}

/// Whether the regular file `path` begins with `prefix` (a file type's magic bytes); only
/// that many bytes are read.
pub fn starts_with(path: &Path, prefix: &[u8]) -> Result<bool> {
    let file = open_no_wait(path).map_err(|e| Error::io(path, e))?;
    if !file.metadata().map_err(|e| Error::io(path, e))?.is_file() {
        return Ok(false);
    }
    let mut head = Vec::with_capacity(prefix.len());
    file.take(prefix.len() as u64).read_to_end(&mut head).map_err(|e| Error::io(path, e))?;
    Ok(head == prefix)
}

/// Creates `dir` and its parents, naming it in the error if that fails.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))
}

/// The temporary name a write to `path` uses: `<name>.tmp-<pid>-<n>` beside it. (The number
/// keeps two threads of one process writing the same file apart.)
fn temp_name(path: &Path, pid: u32, n: usize) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".tmp-{pid}-{n}"));
    path.with_file_name(name)
}

/// The process id in a temporary name `<target>.tmp-<pid>-<n>` of a file called `target`.
pub fn temp_owner(file_name: &str, target: &str) -> Option<u32> {
    let rest = file_name.strip_prefix(target)?.strip_prefix(".tmp-")?;
    let (pid, n) = rest.split_once('-')?;
    (n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty()).then_some(())?;
    pid.parse().ok()
}

/// Whether no process has this id. Known only where `/proc` lists the processes (Linux);
/// elsewhere every process counts as alive, and nothing is removed.
pub fn process_is_gone(pid: u32) -> bool {
    Path::new("/proc/self").exists() && !Path::new("/proc").join(pid.to_string()).exists()
}

/// Removes the temporary files of earlier writes to `path` whose process is gone (a run
/// killed mid-write), so they never pile up. Only regular files named as `write_atomic` names
/// them are touched.
pub fn remove_stale_temps(path: &Path) {
    let (Some(dir), Some(target)) = (path.parent(), path.file_name().and_then(|n| n.to_str())) else { return };
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| temp_owner(n, target)) else { continue };
        if pid != std::process::id() && process_is_gone(pid) && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to `path` atomically: to a temporary name beside it first, then a rename.
/// Refused, before anything is written, for the targets [`check_target`] refuses.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    static WRITES: AtomicUsize = AtomicUsize::new(0);
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        ensure_dir(parent)?;
    }
    check_target(path)?;
    remove_stale_temps(path);
    let tmp = temp_name(path, std::process::id(), WRITES.fetch_add(1, Ordering::Relaxed));
    let result = (|| {
        let mut f = fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// CRC-32 as PNG and zlib's gzip use it: reflected polynomial 0xEDB88320, initial value and
/// final XOR 0xFFFFFFFF.
///
/// ```text
/// table[n] = n shifted right 8 times, XOR-ing the polynomial whenever a 1 falls off
/// crc      = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)   for every byte
/// ```
pub fn crc32(bytes: &[u8]) -> u32 {
    crc32_update(0xFFFF_FFFF, bytes) ^ 0xFFFF_FFFF
}

/// Continues a CRC-32 over more bytes; `crc` is the running register (before the final XOR).
pub fn crc32_update(mut crc: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        crc = CRC_TABLE[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
    }
    crc
}

/// Built at compile time so the encoder never pays for it and needs no lazy static.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};
