//! The `dap-validate` binary: parse arguments, run, map the outcome to the exit status.

use dap_validate::{Args, run};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match Args::try_parse_with_tips(std::env::args_os()) {
        Ok(args) => args,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    match run(&args) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        // The reader of the report went away (`| head`): not a failure.
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
