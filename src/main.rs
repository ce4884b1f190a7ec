use clap::Parser;

/// mimalloc: a scan makes millions of small, short-lived allocations (parse
/// trees, facts, findings), which glibc's malloc served at about a fifth of
/// all instructions (see bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's defaults trade memory for speed: arenas committed up front (on
/// Linux) and freed pages returned to the OS a second later. Peak RSS rose from
/// 17-48 MiB with glibc to 62-92 MiB on the bench trees. With eager commit off
/// it stays within a few MiB of glibc's. The purge delay is 250 ms: at 10 ms
/// the pages a file's parse tree freed went back to the OS before the next
/// file took them again, and a scan spent its system time in madvise and page
/// faults (nautilus_trader 627 -> 562 ms, python-binance 30.5 -> 28.5 ms, peak
/// RSS 56 -> 63 MiB on nautilus_trader; at 1 s it was 77 MiB for no more
/// speed). A scan longer than that still hands memory back as it goes. The
/// options must be set before the first allocation, and the runtime allocates
/// before `main`, so they are set from a constructor. mimalloc reads the same
/// options from `MIMALLOC_*` environment variables, which still win: they are
/// read after this runs.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static SET_ALLOCATOR_OPTIONS: extern "C" fn() = {
    extern "C" fn set() {
        // The options' numbers in mimalloc 3's `mi_option_e` (the crate's
        // bindings do not name them).
        const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
        const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
        // SAFETY: mi_option_set_default only stores a value for an option
        // mimalloc has not read yet; it allocates nothing.
        unsafe {
            libmimalloc_sys::mi_option_set_default(ARENA_EAGER_COMMIT, 0);
            libmimalloc_sys::mi_option_set_default(PURGE_DELAY, 250);
        }
    }
    set
};

fn main() {
    let cli = botlint::cli::Cli::parse();
    let code = match botlint::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("botlint: error: {e:#}");
            botlint::cli::EXIT_ERROR
        }
    };
    std::process::exit(code);
}
