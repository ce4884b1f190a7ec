use clap::Parser;

/// mimalloc: a scan makes millions of small, short-lived allocations (parse
/// trees, facts, findings), which glibc's malloc served at about a fifth of
/// all instructions (see bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's defaults trade memory for speed: arenas committed up front and
/// freed pages returned 10 ms late. With both off, peak RSS stays what it was
/// with glibc; on instructions they cost nothing measurable. The options must
/// be set before the first allocation (the runtime allocates before `main`), so
/// from a constructor. mimalloc reads the same options from `MIMALLOC_*`
/// environment variables, which still win: they are read after this runs.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static SET_ALLOCATOR_OPTIONS: extern "C" fn() = {
    extern "C" fn set() {
        // Option numbers from mimalloc 3's `mi_option_e` (the crate's bindings
        // do not name them).
        const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
        const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
        // SAFETY: mi_option_set_default only stores a value for an option
        // mimalloc has not read yet; it allocates nothing.
        unsafe {
            libmimalloc_sys::mi_option_set_default(ARENA_EAGER_COMMIT, 0);
            libmimalloc_sys::mi_option_set_default(PURGE_DELAY, 0);
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
