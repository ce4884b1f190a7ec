//! The global allocator: mimalloc, and the options it runs with.

/// mimalloc: a scan makes millions of small, short-lived allocations (parse
/// trees, facts, findings), which glibc's malloc served at about a fifth of
/// all instructions (see bench/README.md).
#[global_allocator]
static GLOBAL: Allocator = Allocator;

/// mimalloc, called as std's own `System` allocator calls malloc: the
/// `mimalloc` crate's allocator asks for every block through
/// `mi_malloc_aligned`, 49 instructions an allocation on nautilus_trader's scan
/// against `mi_malloc`'s 31, although `mi_malloc` already aligns every block to
/// `MIN_ALIGN` (one of 8 bytes or less to 8). 2 % of a scan's instructions.
struct Allocator;

/// What `mi_malloc` guarantees (`MI_MAX_ALIGN_SIZE`).
const MIN_ALIGN: usize = 16;

fn plain(align: usize, size: usize) -> bool {
    align <= MIN_ALIGN && align <= size
}

// SAFETY: every block comes from mimalloc and goes back to it: `mi_free` and
// `mi_realloc(_aligned)` take a block from any of its allocation functions;
// `plain` only lets `mi_malloc`/`mi_zalloc`/`mi_realloc` serve an alignment
// they guarantee.
unsafe impl std::alloc::GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys as mi;
        // SAFETY: see the impl.
        let p: *mut u8 = unsafe {
            if plain(layout.align(), layout.size()) {
                mi::mi_malloc(layout.size()).cast()
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        };
        debug_assert!(p.align_offset(layout.align()) == 0 || p.is_null());
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys as mi;
        // SAFETY: see the impl.
        unsafe {
            if plain(layout.align(), layout.size()) {
                mi::mi_zalloc(layout.size()).cast()
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        // SAFETY: see the impl.
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        use libmimalloc_sys as mi;
        // SAFETY: see the impl.
        unsafe {
            if plain(layout.align(), new_size) {
                mi::mi_realloc(ptr.cast(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

/// mimalloc's options. Freed pages go back to the OS 250 ms after they are
/// freed (its default is 1 s): at 10 ms the pages a file's parse tree freed went
/// back to the OS before the next file took them again, and a scan spent its
/// system time in madvise and page faults (nautilus_trader 627 -> 562 ms,
/// python-binance 30.5 -> 28.5 ms); at 1 s peak RSS grew for no more speed.
/// A scan longer than that still hands memory back as it goes.
///
/// Transparent huge pages are off: mimalloc asks for them on the arenas it
/// commits up front (its default on Linux), and 2 MiB pages took peak RSS
/// from 17-48 MiB with glibc to 62-92 MiB on the bench trees. Without them
/// arenas are still committed up front, so that a page is not committed on
/// demand with an `mprotect` call each (150-180 a scan, each splitting the
/// mapping and flushing the other core's TLB: 2.4 % of a scan of
/// python-binance); peak RSS stays within a MiB of what on-demand commit
/// took (python-binance 19, hummingbot 26, nautilus_trader 55 MiB).
///
/// The options must be set before the first allocation, and the runtime
/// allocates before `main`, so they are set from a constructor. mimalloc reads
/// the same options from `MIMALLOC_*` environment variables, which still win:
/// they are read after this runs.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static SET_ALLOCATOR_OPTIONS: extern "C" fn() = {
    extern "C" fn set() {
        // The options' numbers in mimalloc 3's `mi_option_e` (the crate's
        // bindings do not name them).
        const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
        const ALLOW_THP: libmimalloc_sys::mi_option_t = 43;
        // SAFETY: mi_option_set_default only stores a value for an option
        // mimalloc has not read yet; it allocates nothing.
        unsafe {
            libmimalloc_sys::mi_option_set_default(PURGE_DELAY, 250);
            libmimalloc_sys::mi_option_set_default(ALLOW_THP, 0);
        }
    }
    set
};
