//! `lambda-versioning-server`: see `--help` and the crate documentation.

use clap::Parser as _;

fn main() {
    let options = lambda_versioning_server::Options::parse();
    std::process::exit(lambda_versioning_server::run(options));
}
