//! `recommender::sizing`'s memory estimate against what §5's training really allocates: Step
//! 1b's AutoRec and the largest blend (`BlendSize::Full`: I-AutoRec k500 and U-AutoRec beside
//! it, two members training at once), counted over every thread by a global allocation meter.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use autoencoders::data::movielens::Fold;
use autoencoders::data::synthetic_ratings::{self, SyntheticConfig};
use autoencoders::recommender::experiment::{self as ex, BlendSize};
use autoencoders::recommender::sizing;

struct Meter;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Meter {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static METER: Meter = Meter;

#[test]
fn the_estimate_bounds_step_1b_and_the_full_blend() {
    // Wide in users, so the blend's k500 I-AutoRec (64·500 bytes a user while it trains)
    // outweighs the tables; the estimate leaves the tables out, so they get their own allowance.
    let config = SyntheticConfig { n_users: 1200, n_movies: 700, n_ratings: 24_000, ..SyntheticConfig::default() };
    let split = synthetic_ratings::split(&config, Fold::default(), 3).unwrap();
    let base = IN_USE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let trained = ex::train_autorec(&split.train, &ex::autorec_config(false), 3).unwrap();
    let e = ex::train_blend(&split.train, BlendSize::Full, 3, Some(&trained)).unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - base;
    drop((e, trained));
    let estimate = sizing::estimate_bytes(split.n_users(), split.n_movies(), ex::autorec_config(false).hidden);
    let tables = 256 * split.train.len() + (1 << 20);
    assert!(peak as u64 <= estimate + tables as u64, "peak {peak} bytes > estimate {estimate} + tables {tables}");
}
