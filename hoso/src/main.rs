//! `hoso`: the command line over the hoso pipeline. It parses arguments, wires the
//! embedded backends together and prints; the work happens in the library crates.

mod api;
mod backends;
mod cli;
mod commands;
mod config;
mod engines;
mod metrics;
mod open_data;
mod units;
mod web;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    engines::ensure_single_threaded_openmp();
    let cli = cli::Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HOSO_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
