//! The `cachet` command.

fn main() {
    std::process::exit(2);
}
