use clap::Parser;

mod allocator;

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
