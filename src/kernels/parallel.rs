//! The little thread plumbing the workbook needs, in safe Rust on `std` alone.
//!
//! [`Handoff`] passes one small value at a time from one thread to another. The recommender's
//! two-thread step exchanges 20 numbers each way per user, about a thousand times an epoch.
//! When both threads have a core, the partner answers within microseconds, and a short spin
//! catches the value sooner than any sleep and wake-up could. When another program holds the
//! second core, the partner is not running at all: spinning then only burns the time slice
//! the partner is waiting for, so after the spin the receiver sleeps on a condition variable
//! and the sender wakes it.
//!
//! Even so, two threads in lock step cannot beat one while another program holds the second
//! core: every hand-off then waits for the partner to be scheduled. [`second_core_free`] asks
//! the machine, in a few microseconds, whether the partner would run at once, so a caller can
//! choose one thread instead.
//!
//! [`split`] is the other kind of two-thread work, the kind that needs no hand-offs: parts
//! that share nothing (the blocks of rows of a matrix product) each run on a thread of their
//! own and meet again at the end.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A one-slot mailbox for a lock-step exchange: the i-th `put` is taken by `take(i)`.
/// The protocol using it must guarantee a value is taken before the next one is put.
pub struct Handoff<T> {
    state: Mutex<Slot<T>>,
    /// Signalled by `put` (when the receiver sleeps) and by `abandon`.
    woken: Condvar,
    /// How many values have been posted; read without the lock while spinning.
    posted: AtomicUsize,
    abandoned: AtomicBool,
}

struct Slot<T> {
    value: Option<T>,
    /// The receiver is waiting on `woken` (so `put` must notify it).
    sleeping: bool,
}

impl<T> Default for Handoff<T> {
    fn default() -> Self {
        Handoff {
            state: Mutex::new(Slot { value: None, sleeping: false }),
            woken: Condvar::new(),
            posted: AtomicUsize::new(0),
            abandoned: AtomicBool::new(false),
        }
    }
}

/// How long `take` spins before it sleeps. While both threads of ml-100k's two-thread epoch
/// had a core, nearly all waits ended within 8 µs (most within 0.5–2 µs); the others waited
/// hundreds of microseconds for a partner that was not running, which no spin should wait out.
/// A wake-up costs tens of microseconds here, so a spin shorter than the rare longer wait
/// loses: timed in turns on a quiet machine, the epoch took 0.0191 s with 20 µs and
/// 0.0200–0.0208 s with 10 µs (and 0.07 s with 2 µs, on a busier machine). A longer spin costs
/// more when the other core is busy (1.53–1.63× the one-thread epoch, against 1.37–1.39× at
/// 10 µs), but then a caller that asks [`second_core_free`] first runs one thread anyway.
pub const SPIN: Duration = Duration::from_micros(20);

impl<T> Handoff<T> {
    pub fn new() -> Self {
        Handoff::default()
    }

    /// A poisoned lock only means the other thread panicked; the slot itself is still sound,
    /// and `abandon` (which runs while unwinding) must not panic again.
    fn lock(&self) -> MutexGuard<'_, Slot<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Posts the value numbered `seq` (0, 1, 2, …).
    pub fn put(&self, seq: usize, value: T) {
        let mut slot = self.lock();
        let taken = slot.value.is_none();
        slot.value = Some(value);
        self.posted.store(seq + 1, Ordering::Release);
        let sleeping = slot.sleeping;
        drop(slot);
        assert!(taken, "Handoff::put: value {seq} posted before the previous one was taken");
        if sleeping {
            self.woken.notify_one();
        }
    }

    /// Waits for the value numbered `seq` and takes it.
    pub fn take(&self, seq: usize) -> T {
        self.take_unless_abandoned(seq).expect("Handoff::take: the other thread stopped")
    }

    /// [`Handoff::take`], or `None` once the other side has abandoned the exchange.
    fn take_unless_abandoned(&self, seq: usize) -> Option<T> {
        let start = Instant::now();
        let mut spins = 0u32;
        while self.posted.load(Ordering::Acquire) <= seq && !self.abandoned.load(Ordering::Acquire) {
            spins += 1;
            if spins.is_multiple_of(64) && start.elapsed() > SPIN {
                break;
            }
            std::hint::spin_loop();
        }
        let mut slot = self.lock();
        while self.posted.load(Ordering::Acquire) <= seq {
            if self.abandoned.load(Ordering::Acquire) {
                return None;
            }
            slot.sleeping = true;
            slot = self.woken.wait(slot).unwrap_or_else(|e| e.into_inner());
            slot.sleeping = false;
        }
        let value = slot.value.take();
        drop(slot);
        Some(value.expect("Handoff::take: value already taken"))
    }

    /// Marks the other side as gone (its thread ended early), so `take` fails instead of
    /// waiting forever.
    pub fn abandon(&self) {
        self.abandoned.store(true, Ordering::Release);
        // Under the lock, so a receiver is either before its check of `abandoned` or asleep.
        let _slot = self.lock();
        self.woken.notify_all();
    }
}

/// Calls [`Handoff::abandon`] on drop: hold one in a thread so a panic there cannot leave
/// its partner waiting.
pub struct AbandonOnDrop<'a, T>(pub &'a Handoff<T>);

impl<T> Drop for AbandonOnDrop<'_, T> {
    fn drop(&mut self) {
        self.0.abandon();
    }
}

/// Round trips [`second_core_free`] times.
const PROBE_ROUNDS: usize = 16;
/// A round trip slower than this means the partner had to be woken, not just seen.
const PROBE_QUICK: Duration = Duration::from_micros(5);
/// A probe that has not decided by then answers no: a thread that takes this long to start
/// or to answer has no core of its own.
const PROBE_LIMIT: Duration = Duration::from_millis(1);

/// Whether a second thread would find a core of its own right now: a fresh thread echoes
/// up to `PROBE_ROUNDS` values back through two [`Handoff`]s, and the answer is yes if the
/// median round trip is under `PROBE_QUICK`. Costs one thread start and a few microseconds
/// when the answer is yes, at most `PROBE_LIMIT` when it is no; an answer younger than
/// [`PROBE_REUSE`] is given again without probing, so a loop of small products pays for one
/// probe in many.
pub fn second_core_free() -> bool {
    static LAST: Mutex<Option<(Instant, bool)>> = Mutex::new(None);
    let last = *LAST.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, answer)) = last.filter(|(at, _)| at.elapsed() < PROBE_REUSE) {
        return answer;
    }
    let answer = probe();
    *LAST.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), answer));
    answer
}

/// How long an answer of [`second_core_free`] stands: short beside the seconds a program on
/// the other core usually runs for, long beside the probe (up to `PROBE_LIMIT` when the
/// answer is no; reused for only 10 ms, probing took 2 % off a loaded n = 1024 product).
pub const PROBE_REUSE: Duration = Duration::from_millis(100);

fn probe() -> bool {
    let begin = Instant::now();
    let pair: std::sync::Arc<(Handoff<usize>, Handoff<usize>)> = std::sync::Arc::default();
    let partner = pair.clone();
    let spawned = std::thread::Builder::new().name("probe".into()).spawn(move || {
        let (ping, pong) = (&partner.0, &partner.1);
        let _guard = AbandonOnDrop(pong);
        for i in 0..PROBE_ROUNDS {
            let Some(v) = ping.take_unless_abandoned(i) else { return };
            pong.put(i, v);
        }
    });
    if spawned.is_err() {
        return false;
    }
    let (ping, pong) = (&pair.0, &pair.1);
    let _guard = AbandonOnDrop(ping);
    let mut trips = Vec::with_capacity(PROBE_ROUNDS);
    for i in 0..PROBE_ROUNDS {
        let t = Instant::now();
        ping.put(i, i);
        if pong.take_unless_abandoned(i).is_none() {
            return false;
        }
        trips.push(t.elapsed());
        if let Some(answer) = probe_verdict(&trips, begin.elapsed()) {
            return answer;
        }
    }
    false
}

/// The probe's answer from the round trips so far and the time since it began, or `None`
/// while it is still open: yes once more than half of [`PROBE_ROUNDS`] trips were quick, no
/// once more than half were slow or [`PROBE_LIMIT`] has passed.
fn probe_verdict(trips: &[Duration], elapsed: Duration) -> Option<bool> {
    let quick = trips.iter().filter(|&&t| t < PROBE_QUICK).count();
    if quick > PROBE_ROUNDS / 2 {
        Some(true)
    } else if trips.len() - quick > PROBE_ROUNDS / 2 || elapsed > PROBE_LIMIT {
        Some(false)
    } else {
        None
    }
}

/// Runs `work` on every part, the first on the calling thread and each other on a thread of
/// its own, and returns when all are done. A panic in any part is raised again here.
///
/// No part waits for another, but the end waits for the slowest part. With one core held by
/// another program the scheduler tends to leave one part sharing that core for the whole run:
/// two halves of the n = 1024 product then ran at 0.94–1.29× the speed of one thread on an
/// otherwise idle machine, below 1.00× in ten of sixteen runs. So callers ask
/// [`second_core_free`] first.
pub fn split<P: Send>(parts: impl IntoIterator<Item = P>, work: impl Fn(P) + Sync) {
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else { return };
    let work = &work;
    std::thread::scope(|s| {
        let others: Vec<_> = parts.map(|part| s.spawn(move || work(part))).collect();
        work(first);
        for t in others {
            if let Err(panic) = t.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
}

/// `a()` and `b()`: `b` on a second thread while `a` runs here when [`second_core_free`] says
/// the other core is free, else one after the other on this thread, `a` first. They must not
/// depend on each other, so the results are the same either way. A panic in `b` is raised
/// again here.
pub fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    if !second_core_free() {
        let x = a();
        return (x, b());
    }
    std::thread::scope(|s| {
        let other = s.spawn(b);
        let x = a();
        (x, other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

/// `job` on every item, results in `items`' order: on two threads taking items in turn when
/// [`second_core_free`] says the other core is free, else on this thread alone. Each job must
/// be independent of the others, so the results do not depend on which.
pub fn map<T: Sync, R: Send>(items: &[T], job: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = if items.len() > 1 && second_core_free() { 2 } else { 1 };
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    // Items by position: thread t runs t, t + threads, … (no queue to share).
    split(0..threads, |t| {
        for j in (t..items.len()).step_by(threads) {
            let r = job(&items[j]);
            *slots[j].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
        }
    });
    slots.into_iter().map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()).expect("every job ran")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Results in the items' order whichever thread ran them, and `join` returns both sides.
    #[test]
    fn map_and_join_keep_their_order() {
        let items: Vec<u64> = (0..9).collect();
        let squares = map(&items, |&x| {
            std::thread::sleep(Duration::from_millis(9 - x));
            x * x
        });
        assert_eq!(squares, items.iter().map(|x| x * x).collect::<Vec<_>>());
        assert_eq!(join(|| 1 + 1, || "b"), (2, "b"));
    }

    /// Two threads bounce a counter back and forth; every 50th time the echoing thread naps,
    /// so the receiver outlasts its spin and the sleeping path is taken as well.
    #[test]
    fn values_cross_in_order_whether_the_receiver_spins_or_sleeps() {
        const N: usize = 2000;
        let (there, back): (Handoff<usize>, Handoff<usize>) = (Handoff::new(), Handoff::new());
        std::thread::scope(|s| {
            s.spawn(|| {
                let _guard = AbandonOnDrop(&back);
                for i in 0..N {
                    let v = there.take(i);
                    if i % 50 == 0 {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    back.put(i, v + 1);
                }
            });
            let _guard = AbandonOnDrop(&there);
            let mut v = 0;
            for i in 0..N {
                there.put(i, v);
                v = back.take(i);
            }
            assert_eq!(v, N);
        });
    }

    #[test]
    fn abandoning_wakes_a_receiver_that_sleeps() {
        let h: Handoff<u8> = Handoff::new();
        let r = std::thread::scope(|s| {
            let receiver = s.spawn(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| h.take(0))));
            // Long past the spin, so the receiver is asleep when the sender gives up.
            std::thread::sleep(Duration::from_millis(50));
            h.abandon();
            receiver.join().unwrap()
        });
        let message = r.expect_err("take returned a value nobody posted");
        let text = message.downcast_ref::<String>().map(String::as_str).or(message.downcast_ref::<&str>().copied());
        assert!(text.is_some_and(|t| t.contains("the other thread stopped")), "{text:?}");
    }

    #[test]
    #[should_panic(expected = "posted before the previous one was taken")]
    fn a_second_put_before_the_take_is_a_protocol_error() {
        let h = Handoff::new();
        h.put(0, 1.0);
        h.put(1, 2.0);
    }

    #[test]
    fn the_probe_answers_with_the_median_trip_or_no_when_time_runs_out() {
        let us = Duration::from_micros;
        // A slow first trip (the partner starting) is outvoted by nine quick ones.
        let mut trips = vec![us(80)];
        trips.extend([us(1); 8]);
        assert_eq!(probe_verdict(&trips, us(100)), None);
        trips.push(us(1));
        assert_eq!(probe_verdict(&trips, us(101)), Some(true));
        // Nine slow trips decide no without waiting for the rest.
        assert_eq!(probe_verdict(&[us(30); 8], us(240)), None);
        assert_eq!(probe_verdict(&[us(30); 9], us(270)), Some(false));
        // Undecided at the time limit: no.
        assert_eq!(probe_verdict(&[us(1), us(400), us(700)], PROBE_LIMIT + us(1)), Some(false));
    }

    #[test]
    fn split_runs_each_part_once_the_first_on_the_calling_thread() {
        let me = std::thread::current().id();
        let seen = Mutex::new(Vec::new());
        split(0..5, |p| seen.lock().unwrap().push((p, std::thread::current().id() == me)));
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        assert_eq!(seen, [(0, true), (1, false), (2, false), (3, false), (4, false)]);
    }

    #[test]
    #[should_panic(expected = "part 1 failed")]
    fn a_panic_in_a_part_reaches_the_caller() {
        split(0..2, |p| assert!(p != 1, "part {p} failed"));
    }
}
