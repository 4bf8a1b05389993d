//! A chapter's printed output, kept apart from its files: a reader who pipes a run into
//! `head` has closed stdout after a line or two, but still asked for the pictures, the
//! `results.txt` and any `--save`d model, so the run must go on and write them.
//!
//! `println!` panics when a write to stdout fails, which would stop the run where it stands.
//! So while a chapter runs, its stdout (file descriptor 1) is the writing end of a pipe, and a
//! thread copies what arrives to the real stdout:
//!
//! ```text
//! chapter ──println!──▶ pipe ──thread──▶ real stdout
//!                                        closed (EPIPE): stop copying, keep draining
//!                                        other error (a full disk): remember it, keep draining
//! ```
//!
//! [`Guard::finish`] puts the real stdout back, waits for the thread, and reports a write error
//! other than a closed pipe, which the chapter turns into an `error:` line and exit status 1.
//! A terminal never closes like a pipe, so the guard is only put in place when stdout is not
//! one: a terminal keeps its progress line and its printed lines in order.

use std::io::{IsTerminal, Read, Write};
use std::thread::JoinHandle;

/// How the copy to the real stdout ended.
#[derive(Debug)]
pub enum Copied {
    /// Everything was written.
    All,
    /// The reader closed the pipe; what came after was dropped, as they asked.
    Closed,
    /// A write failed for another reason.
    Failed(std::io::Error),
}

/// The redirection while it is in place.
pub struct Guard {
    #[cfg(unix)]
    real: std::os::fd::OwnedFd,
    copier: JoinHandle<Copied>,
}

#[cfg(unix)]
mod sys {
    unsafe extern "C" {
        /// POSIX dup2: makes `new` a copy of `old`, closing what `new` was. The one call std
        /// does not wrap; libc is linked by std already.
        pub fn dup2(old: i32, new: i32) -> i32;
    }
}

/// Makes file descriptor 1 a copy of `fd`.
#[cfg(unix)]
fn point_stdout_at(fd: &impl std::os::fd::AsRawFd) -> bool {
    // SAFETY: both are open descriptors for the whole call; dup2 only replaces descriptor 1,
    // which std's Stdout writes through by number and never owns.
    unsafe { sys::dup2(fd.as_raw_fd(), 1) == 1 }
}

/// Puts the pipe in place, or returns `None` (and changes nothing) where stdout is a terminal,
/// the platform is not Unix, or a step fails.
pub fn install() -> Option<Guard> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let stdout = std::io::stdout();
        if stdout.is_terminal() {
            return None;
        }
        let real = stdout.as_fd().try_clone_to_owned().ok()?;
        let to_real = real.try_clone().ok()?;
        let (mut reader, writer) = std::io::pipe().ok()?;
        if !point_stdout_at(&writer) {
            return None;
        }
        drop(writer);
        let copier = std::thread::spawn(move || {
            let mut out = std::fs::File::from(to_real);
            let mut state = Copied::All;
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) => return state,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Copied::Failed(e),
                };
                if let Copied::All = state
                    && let Err(e) = out.write_all(&buf[..n])
                {
                    state = if e.kind() == std::io::ErrorKind::BrokenPipe { Copied::Closed } else { Copied::Failed(e) };
                }
            }
        });
        Some(Guard { real, copier })
    }
    #[cfg(not(unix))]
    None
}

impl Guard {
    /// Flushes what the chapter printed, gives descriptor 1 back to the real stdout (which
    /// closes the pipe, so the thread sees its end), and says how the copy went.
    pub fn finish(self) -> Copied {
        let _ = std::io::stdout().flush();
        #[cfg(unix)]
        if !point_stdout_at(&self.real) {
            return Copied::Failed(std::io::Error::last_os_error());
        }
        self.copier.join().unwrap_or(Copied::All)
    }
}
