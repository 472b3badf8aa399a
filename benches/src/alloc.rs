//! A counting global allocator for the helper binaries (never installed in
//! the timed criterion benches, whose timings it would disturb).
//!
//! A binary installs it with
//! `#[global_allocator] static ALLOC: Counting = Counting;` and reads
//! [`snapshot`] around the code it measures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

/// Forwards to the system allocator and counts.
pub struct Counting;

static ENABLED: AtomicBool = AtomicBool::new(true);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static ALLOCATED_BYTES: AtomicUsize = AtomicUsize::new(0);
static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static PEAK_BYTES: AtomicUsize = AtomicUsize::new(0);

/// Turns counting on or off (on by default). Off, the allocator only
/// forwards, so timings taken in the same binary are not disturbed; the
/// live-byte count is then no longer exact, so measure peaks with counting
/// on throughout.
pub fn set_enabled(on: bool) {
    ENABLED.store(on, Relaxed);
}

fn counting() -> bool {
    ENABLED.load(Relaxed)
}

fn grew(size: usize) {
    let live = LIVE_BYTES.fetch_add(size, Relaxed) + size;
    PEAK_BYTES.fetch_max(live, Relaxed);
}

/// Memory allocated while counting was off may be freed while it is on;
/// the live count saturates instead of wrapping.
fn shrank(size: usize) {
    let _ = LIVE_BYTES.fetch_update(Relaxed, Relaxed, |live| Some(live.saturating_sub(size)));
}

// SAFETY: every call forwards to `System` with the caller's layout; the
// counters have no effect on the memory handed out.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !counting() {
            return System.alloc(layout);
        }
        ALLOCATIONS.fetch_add(1, Relaxed);
        ALLOCATED_BYTES.fetch_add(layout.size(), Relaxed);
        grew(layout.size());
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !counting() {
            return System.alloc_zeroed(layout);
        }
        ALLOCATIONS.fetch_add(1, Relaxed);
        ALLOCATED_BYTES.fetch_add(layout.size(), Relaxed);
        grew(layout.size());
        System.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if counting() {
            shrank(layout.size());
        }
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !counting() {
            return System.realloc(ptr, layout, new_size);
        }
        ALLOCATIONS.fetch_add(1, Relaxed);
        if new_size > layout.size() {
            ALLOCATED_BYTES.fetch_add(new_size - layout.size(), Relaxed);
            grew(new_size - layout.size());
        } else {
            shrank(layout.size() - new_size);
        }
        System.realloc(ptr, layout, new_size)
    }
}

/// The counters at one moment.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot {
    /// Calls to `alloc`, `alloc_zeroed` and `realloc` so far.
    pub allocations: usize,
    /// Bytes requested so far (growth only for `realloc`).
    pub allocated_bytes: usize,
    /// Bytes currently allocated.
    pub live_bytes: usize,
    /// The most bytes allocated at once since the last [`reset_peak`].
    pub peak_bytes: usize,
}

/// Reads the counters (all zero unless [`Counting`] is the global
/// allocator).
pub fn snapshot() -> Snapshot {
    Snapshot {
        allocations: ALLOCATIONS.load(Relaxed),
        allocated_bytes: ALLOCATED_BYTES.load(Relaxed),
        live_bytes: LIVE_BYTES.load(Relaxed),
        peak_bytes: PEAK_BYTES.load(Relaxed),
    }
}

/// Starts a new peak measurement from the current live bytes.
pub fn reset_peak() {
    PEAK_BYTES.store(LIVE_BYTES.load(Relaxed), Relaxed);
}
