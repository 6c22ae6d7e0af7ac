//! `dyad completions` and `dyad man`: generated from the same argument definitions as the
//! binary, written without opening (or creating) a log.

mod common;

use common::Cli;

#[test]
fn completions_cover_every_command_in_each_shell() {
    let cli = Cli::new();
    for (shell, marker) in [
        ("bash", "complete -F _dyad"),
        ("zsh", "#compdef dyad"),
        ("fish", "complete -c dyad"),
    ] {
        let script = cli.ok(&["completions", shell], None);
        assert!(script.contains(marker), "{shell}: {script}");
        for command in ["append", "inbox", "diff", "corroborate", "log", "replay"] {
            assert!(script.contains(command), "{shell} completes {command}");
        }
        assert!(
            script.contains("strict-duplicates"),
            "{shell} completes flags"
        );
    }
    let outcome = cli.run(&["completions", "tcsh"], None);
    assert_eq!(outcome.code, 2, "{outcome:?}");
    assert!(!cli.db().exists(), "no log is opened for completions");
}

#[test]
fn the_manual_page_is_roff_naming_the_commands() {
    let cli = Cli::new();
    let page = cli.ok(&["man"], None);
    assert!(page.contains(".TH dyad"), "{page}");
    for command in ["inbox", "diff", "corroborate", "completions"] {
        assert!(page.contains(command), "the page names {command}");
    }
    assert!(!cli.db().exists(), "no log is opened for the manual");
}
