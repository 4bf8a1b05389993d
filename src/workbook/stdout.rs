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
//! Stderr does not go through the pipe, so with `> log 2>&1` a line written to it would overtake
//! the lines still in the pipe. [`settle`] waits until the thread has written everything sent so
//! far; the workbook calls it before it writes to stderr (warnings, the panic hook). The thread
//! reads and writes a chunk while holding a lock, so whoever holds the lock and finds the pipe
//! empty knows that every byte sent before has reached the real stdout.
//!
//! [`Guard::finish`] puts the real stdout back, waits for the thread, and reports a write error
//! other than a closed pipe, which the chapter turns into an `error:` line and exit status 1.
//! A terminal never closes like a pipe, so the guard is only put in place when stdout is not
//! one: a terminal keeps its progress line and its printed lines in order.

use std::io::{IsTerminal, Read, Write};
use std::sync::{Arc, Condvar, Mutex, PoisonError, Weak};
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

/// What [`settle`] shares with the copier: the lock it holds while it copies a chunk, and the
/// signal that it has copied one.
#[derive(Default)]
struct Shared {
    copying: Mutex<()>,
    copied: Condvar,
}

/// The pipe's reading end (owned by the copier, so gone when it is) and what it shares.
#[cfg(unix)]
struct Active {
    reader: Weak<std::io::PipeReader>,
    shared: Arc<Shared>,
}

#[cfg(unix)]
static ACTIVE: Mutex<Option<Active>> = Mutex::new(None);

/// The copier's thread name: [`settle`] called from it (its own panic) must not wait for it.
const COPIER: &str = "stdout-copier";

#[cfg(unix)]
mod sys {
    /// POSIX `struct pollfd`.
    #[repr(C)]
    pub struct PollFd {
        pub fd: i32,
        pub events: i16,
        pub revents: i16,
    }

    /// Data to read (the same value on Linux, the BSDs and macOS).
    pub const POLLIN: i16 = 1;

    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub type Nfds = std::ffi::c_ulong;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    pub type Nfds = std::ffi::c_uint;

    unsafe extern "C" {
        /// POSIX dup2: makes `new` a copy of `old`, closing what `new` was. std does not wrap
        /// it, nor poll; libc is linked by std already.
        pub fn dup2(old: i32, new: i32) -> i32;
        pub fn poll(fds: *mut PollFd, nfds: Nfds, timeout_ms: i32) -> i32;
    }
}

/// Makes file descriptor 1 a copy of `fd`.
#[cfg(unix)]
fn point_stdout_at(fd: &impl std::os::fd::AsRawFd) -> bool {
    // SAFETY: both are open descriptors for the whole call; dup2 only replaces descriptor 1,
    // which std's Stdout writes through by number and never owns.
    unsafe { sys::dup2(fd.as_raw_fd(), 1) == 1 }
}

/// Waits up to `timeout_ms` (-1: without end) until `fd` has data or its end to read, and says
/// which events came (none if the time ran out first).
#[cfg(unix)]
fn readable(fd: &impl std::os::fd::AsRawFd, timeout_ms: i32) -> std::io::Result<i16> {
    loop {
        let mut p = sys::PollFd { fd: fd.as_raw_fd(), events: sys::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd for the length of the call; `fd` is open while borrowed.
        match unsafe { sys::poll(&mut p, 1, timeout_ms) } {
            -1 if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => continue,
            -1 => return Err(std::io::Error::last_os_error()),
            0 => return Ok(0),
            _ => return Ok(p.revents),
        }
    }
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
        let (reader, writer) = std::io::pipe().ok()?;
        let (reader, shared) = (Arc::new(reader), Arc::new(Shared::default()));
        let active = Active { reader: Arc::downgrade(&reader), shared: Arc::clone(&shared) };
        let copier = std::thread::Builder::new()
            .name(COPIER.into())
            .spawn(move || copy(&reader, std::fs::File::from(to_real), &shared))
            .ok()?;
        if !point_stdout_at(&writer) {
            // The copier sees its end once `writer` is dropped.
            return None;
        }
        drop(writer);
        *ACTIVE.lock().unwrap_or_else(PoisonError::into_inner) = Some(active);
        Some(Guard { real, copier })
    }
    #[cfg(not(unix))]
    None
}

/// The copier: each chunk is read and written under the lock (see [`settle`]); after a closed
/// reader or a failed write it keeps draining, so the chapter never blocks on a full pipe.
#[cfg(unix)]
fn copy(reader: &std::io::PipeReader, mut out: std::fs::File, shared: &Shared) -> Copied {
    let mut state = Copied::All;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        // Wait for data without the lock, so that `settle` can take it meanwhile. Should poll
        // ever fail, the read below still copies everything, only without holding the lock.
        let polled = readable(reader, -1).is_ok();
        let held = polled.then(|| shared.copying.lock().unwrap_or_else(PoisonError::into_inner));
        let n = match { reader }.read(&mut buf) {
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
        drop(held);
        shared.copied.notify_all();
    }
}

/// Flushes stdout and, while the pipe is in place, waits until the copier has written (or, for
/// a closed or failed stdout, dropped) everything printed so far. Call it before writing to
/// stderr, so that `> log 2>&1` keeps the order in which things happened.
pub fn settle() {
    let _ = std::io::stdout().flush();
    #[cfg(unix)]
    {
        if std::thread::current().name() == Some(COPIER) {
            return;
        }
        let (reader, shared) = {
            let active = ACTIVE.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(a) = active.as_ref() else { return };
            let Some(reader) = a.reader.upgrade() else { return };
            (reader, Arc::clone(&a.shared))
        };
        let mut held = shared.copying.lock().unwrap_or_else(PoisonError::into_inner);
        // Holding the lock, the copier is between chunks: an empty pipe means all is written.
        while readable(&*reader, 0).is_ok_and(|events| events & sys::POLLIN != 0) {
            // The timeout only guards against a copier that stopped without a word.
            let (h, waited) = shared
                .copied
                .wait_timeout(held, std::time::Duration::from_secs(5))
                .unwrap_or_else(PoisonError::into_inner);
            held = h;
            if waited.timed_out() && reader_is_orphan(&reader) {
                return;
            }
        }
    }
}

/// Whether the copier is gone (only `settle`'s own handle keeps the reading end open).
#[cfg(unix)]
fn reader_is_orphan(reader: &Arc<std::io::PipeReader>) -> bool {
    Arc::strong_count(reader) == 1
}

impl Guard {
    /// Flushes what the chapter printed, gives descriptor 1 back to the real stdout (which
    /// closes the pipe, so the thread sees its end), waits for the thread, and says how the
    /// copy went.
    pub fn finish(self) -> Copied {
        let _ = std::io::stdout().flush();
        #[cfg(unix)]
        if !point_stdout_at(&self.real) {
            let failed = std::io::Error::last_os_error();
            // The pipe stays in place: wait until what was printed is written, and say why.
            settle();
            return Copied::Failed(failed);
        }
        #[cfg(unix)]
        ACTIVE.lock().unwrap_or_else(PoisonError::into_inner).take();
        self.copier.join().unwrap_or_else(|_| Copied::Failed(std::io::Error::other("the copier of stdout crashed")))
    }
}
