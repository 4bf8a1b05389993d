//! The whole book in one command: `cargo run -- --all` runs every chapter in the article's
//! order, each as its own process (the chapter binaries beside `contents`), so each fills its
//! section of the gallery page exactly as if it had been run by hand.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::core::error::{Error, Result};
use crate::core::files::write_atomic;
use crate::workbook::catalog::CHAPTERS;

/// Where a chapter binary is: beside the running program (`target/<profile>/`).
pub fn sibling(name: &str) -> Result<PathBuf> {
    let me = std::env::current_exe().map_err(|e| Error::Invalid(format!("cannot find this program's path: {e}")))?;
    let dir = me.parent().ok_or_else(|| Error::Invalid("this program's path has no folder".into()))?;
    Ok(dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX)))
}

/// `cargo run` builds only the binary it runs, so the chapters may be missing or stale. When
/// started by cargo (which says so in `CARGO`), build every binary first with the same profile;
/// started by hand, use the binaries as they are.
pub fn build_chapters() -> Result<()> {
    let Some(cargo) = std::env::var_os("CARGO") else { return Ok(()) };
    let me = sibling("contents")?;
    let profile = me.parent().and_then(Path::file_name).and_then(|p| p.to_str()).unwrap_or("debug").to_string();
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--quiet", "--bins", "--manifest-path"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"));
    match profile.as_str() {
        "debug" => {}
        "release" => {
            cmd.arg("--release");
        }
        other => {
            cmd.args(["--profile", other]);
        }
    }
    let status = cmd.status().map_err(|e| Error::Invalid(format!("cannot run cargo to build the chapters: {e}")))?;
    if !status.success() {
        return Err(Error::Invalid(format!("building the chapters failed ({status})")));
    }
    Ok(())
}

/// Runs every chapter of the catalog in order with `--out <root>/<chapter>` and `extra`
/// arguments, keeping each one's printed output in `<root>/logs/<chapter>.txt`. `progress` is
/// told (index from 0, chapter) before each starts. Stops at the first chapter that fails,
/// with an error naming it, its exit status, its `error:` line and its log.
pub fn run_all(root: &Path, extra: &[String], mut progress: impl FnMut(usize, &str)) -> Result<usize> {
    let logs = root.join("logs");
    for (i, c) in CHAPTERS.iter().enumerate() {
        progress(i, c.name);
        let exe = sibling(c.name)?;
        if !exe.is_file() {
            return Err(Error::Invalid(format!(
                "{} not found at {}: build the chapters with `cargo build --bins`, or start with `cargo run -- --all`",
                c.name,
                exe.display()
            )));
        }
        let out = Command::new(&exe)
            .args(extra)
            .arg("--out")
            .arg(root.join(c.name))
            .output()
            .map_err(|e| Error::Invalid(format!("{} could not be started: {e}", c.name)))?;
        let log = logs.join(format!("{}.txt", c.name));
        let mut text = out.stdout.clone();
        text.extend_from_slice(&out.stderr);
        write_atomic(&log, &text)?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let why = stderr.lines().find_map(|l| l.strip_prefix("error: ")).unwrap_or("it printed no error line");
            return Err(Error::Invalid(format!(
                "{} failed ({}): {why}; its whole output is in {}",
                c.name,
                out.status,
                log.display()
            )));
        }
    }
    Ok(CHAPTERS.len())
}
