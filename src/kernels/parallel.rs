//! The little thread plumbing the workbook needs, in safe Rust on `std` alone.
//!
//! [`Handoff`] passes one small value at a time from one thread to another that is spinning
//! for it. The recommender's two-thread step exchanges 20 numbers each way per user, about
//! a thousand times an epoch; a channel that puts the receiver to sleep would cost more than
//! the arithmetic, so the receiver spins briefly and then yields.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// A one-slot mailbox for a lock-step exchange: the i-th `put` is taken by `take(i)`.
/// The protocol using it must guarantee a value is taken before the next one is put.
pub struct Handoff<T> {
    slot: Mutex<Option<T>>,
    posted: AtomicUsize,
    abandoned: AtomicBool,
}

impl<T> Default for Handoff<T> {
    fn default() -> Self {
        Handoff { slot: Mutex::new(None), posted: AtomicUsize::new(0), abandoned: AtomicBool::new(false) }
    }
}

impl<T> Handoff<T> {
    pub fn new() -> Self {
        Handoff::default()
    }

    /// Posts the value numbered `seq` (0, 1, 2, …).
    pub fn put(&self, seq: usize, value: T) {
        let mut slot = self.slot.lock().expect("handoff lock poisoned");
        assert!(slot.is_none(), "Handoff::put: value {seq} posted before the previous one was taken");
        *slot = Some(value);
        drop(slot);
        self.posted.store(seq + 1, Ordering::Release);
    }

    /// Waits for the value numbered `seq` and takes it.
    pub fn take(&self, seq: usize) -> T {
        let mut spins = 0u32;
        while self.posted.load(Ordering::Acquire) <= seq {
            assert!(!self.abandoned.load(Ordering::Acquire), "Handoff::take: the other thread stopped");
            spins += 1;
            if spins < 2000 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
        self.slot.lock().expect("handoff lock poisoned").take().expect("Handoff::take: value already taken")
    }

    /// Marks the other side as gone (its thread ended early), so `take` fails instead of
    /// waiting forever.
    pub fn abandon(&self) {
        self.abandoned.store(true, Ordering::Release);
    }
}

/// Calls [`Handoff::abandon`] on drop: hold one in a thread so a panic there cannot leave
/// its partner spinning.
pub struct AbandonOnDrop<'a, T>(pub &'a Handoff<T>);

impl<T> Drop for AbandonOnDrop<'_, T> {
    fn drop(&mut self) {
        self.0.abandon();
    }
}
