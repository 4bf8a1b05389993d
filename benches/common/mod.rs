//! What the benchmarks share.

use std::time::Instant;

/// The fastest of `reps` runs of `f`, in seconds: the run least disturbed by anything else
/// on the machine.
pub fn best_seconds<T>(reps: usize, mut f: impl FnMut() -> T) -> f64 {
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}
