//! Profiles of the config file against the sandbox: flags win over environment variables, which
//! win over the profile; the secret is never in any output, on success or on an error path. And
//! the progress bar: drawn on a terminal, never on a pipe.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// A wrong secret of the right format (the sandbox refuses its signatures).
const WRONG_SECRET: &str = "$2a$04$profilewrongprofilewro";

fn write_config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}

fn all_output(output: &std::process::Output) -> String {
    format!("{}{}", text(&output.stdout), text(&output.stderr))
}

/// `changes` printed this many rows as JSON.
fn changes(command: &mut Command) -> std::process::Output {
    command.args(["changes", "--from", "10m", "--json"]).output().expect("the CLI runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flags_win_over_the_environment_which_wins_over_the_profile_and_no_secret_is_printed() {
    let (sandbox, _) = sandbox_with_orders(2).await;
    let dir = temp("profiles");
    let right = sandbox.client_secret().to_owned();
    let config = write_config(
        &dir,
        &format!(
            "[profiles.shop1]\nclient_id = \"{id}\"\nclient_secret = \"{right}\"\nbase_url = \"{url}\"\n\n\
             [profiles.wrong]\nclient_id = \"{id}\"\nclient_secret = \"{WRONG_SECRET}\"\nbase_url = \"{url}\"\n\n\
             [profiles.elsewhere]\nclient_id = \"{id}\"\nclient_secret = \"{right}\"\nbase_url = \"http://127.0.0.1:9/npay/partner\"\n",
            id = sandbox.client_id(),
            url = sandbox.base_url(),
        ),
    );
    let with_config = || {
        let mut command = bare();
        command.arg("--config").arg(&config);
        command
    };
    let succeeded = |output: &std::process::Output, what: &str| {
        assert!(output.status.success(), "{what}: {}", all_output(output));
        assert_eq!(json_lines(output).len(), 2, "{what}");
        assert!(!all_output(output).contains(&right), "{what}: the secret was printed");
    };

    // The profile alone, named by flag or by NPAY_PROFILE; the file by flag or NPAY_ORDER_CONFIG.
    succeeded(&changes(with_config().args(["--profile", "shop1"])), "--profile");
    succeeded(&changes(with_config().env("NPAY_PROFILE", "shop1")), "NPAY_PROFILE");
    succeeded(&changes(bare().env("NPAY_ORDER_CONFIG", &config).args(["--profile", "shop1"])), "NPAY_ORDER_CONFIG");

    // The environment's secret wins over the profile's, and a flag's over the environment's.
    succeeded(&changes(with_config().args(["--profile", "wrong"]).env("NPAY_CLIENT_SECRET", &right)), "env > profile");
    succeeded(
        &changes(
            with_config()
                .args(["--profile", "wrong", "--client-secret", &right])
                .env("NPAY_CLIENT_SECRET", WRONG_SECRET),
        ),
        "flag > env",
    );
    let refused = changes(
        with_config().args(["--profile", "shop1", "--client-secret", WRONG_SECRET]).env("NPAY_CLIENT_SECRET", &right),
    );
    assert!(!refused.status.success(), "a wrong flag must win over a right env: {}", all_output(&refused));
    // --base-url wins over the profile's.
    succeeded(&changes(with_config().args(["--profile", "elsewhere", "--base-url", sandbox.base_url()])), "--base-url");

    // Error paths: a refused signature, a missing profile, a file that is not TOML. None prints a secret.
    let output = changes(with_config().args(["--profile", "wrong"]));
    assert!(!output.status.success());
    let shown = all_output(&output);
    assert!(shown.contains("npay-order:"), "{shown}");
    assert!(!shown.contains(WRONG_SECRET) && !shown.contains("profilewrong"), "the secret was printed: {shown}");
    let output = changes(with_config().args(["--profile", "shop2"]));
    let shown = all_output(&output);
    assert!(!output.status.success() && shown.contains("no profile 'shop2'") && shown.contains("shop1"), "{shown}");
    assert!(!shown.contains(&right) && !shown.contains(WRONG_SECRET), "{shown}");
    let broken = dir.join("broken.toml");
    std::fs::write(&broken, format!("[profiles.p]\nclient_id = \"x\"\nclient_secret = {WRONG_SECRET}\n")).unwrap();
    let output = changes(bare().arg("--config").arg(&broken).args(["--profile", "p"]));
    let shown = all_output(&output);
    assert!(!output.status.success() && shown.contains("line 3") && shown.contains("client_secret"), "{shown}");
    assert!(!shown.contains("profilewrong"), "the secret was printed: {shown}");
    // A secret of the wrong format.
    let bad_format = dir.join("format.toml");
    std::fs::write(&bad_format, "[profiles.p]\nclient_id = \"x\"\nclient_secret = \"not-a-bcrypt-salt-xyz\"\n")
        .unwrap();
    let output = changes(bare().arg("--config").arg(&bad_format).args(["--profile", "p"]));
    let shown = all_output(&output);
    assert!(!output.status.success() && shown.contains("profile 'p'"), "{shown}");
    assert!(!shown.contains("not-a-bcrypt-salt-xyz"), "the secret was printed: {shown}");
    // doctor with a profile: its report holds no secret either.
    let output = with_config().args(["--profile", "wrong", "doctor"]).output().unwrap();
    assert!(!output.status.success());
    assert!(!all_output(&output).contains("profilewrong"), "{}", all_output(&output));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_profile_of_the_xdg_config_file_is_used_when_none_is_named() {
    let (sandbox, _) = sandbox_with_orders(2).await;
    let dir = temp("xdg");
    std::fs::create_dir_all(dir.join("npay-order")).unwrap();
    write_config(
        &dir.join("npay-order"),
        &format!(
            "[profiles.default]\nclient_id = \"{}\"\nclient_secret = \"{}\"\nbase_url = \"{}\"\n",
            sandbox.client_id(),
            sandbox.client_secret(),
            sandbox.base_url()
        ),
    );
    let output = changes(bare().env("XDG_CONFIG_HOME", &dir));
    assert!(output.status.success(), "{}", all_output(&output));
    assert_eq!(json_lines(&output).len(), 2);
    // Without one: a message naming what is missing, and where it may come from.
    let output = changes(&mut bare());
    assert!(!output.status.success());
    assert!(all_output(&output).contains("--profile"), "{}", all_output(&output));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs a command line under `script`, which gives it a terminal (a pty) for stdin, stdout and
/// stderr, and returns what the terminal showed; `None` where `script` is not installed.
fn on_a_terminal(command: &str) -> Option<String> {
    let output = Command::new("script").args(["-qfec", command, "/dev/null"]).output().ok()?;
    Some(text(&output.stdout))
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_progress_bar_is_drawn_on_a_terminal_and_never_on_a_pipe() {
    let (sandbox, ids) = sandbox_with_orders(40).await;
    ok(cli(&sandbox).arg("confirm").args(&ids));
    let dir = temp("progress");
    let file = dir.join("invoices.csv");
    let rows: String = ids.iter().enumerate().map(|(i, id)| format!("{id},CJGLS,88800000{i:04}\n")).collect();
    std::fs::write(&file, rows).unwrap();
    let result = dir.join("result.csv");

    // On a pipe: no bar, only the summary line.
    let output = cli(&sandbox).args(["changes", "--from", "3d"]).output().unwrap();
    assert!(output.status.success());
    assert!(!has_terminal_control(&text(&output.stderr)), "{:?}", text(&output.stderr));

    // On a terminal (where `script` is there to make one): the bar's control characters.
    let line = format!(
        "NPAY_CLIENT_SECRET={} {} --base-url {} --client-id {} dispatch --csv {} --result {}",
        shell_quote(sandbox.client_secret()),
        BIN,
        sandbox.base_url(),
        sandbox.client_id(),
        file.display(),
        result.display()
    );
    let Some(shown) = on_a_terminal(&line) else {
        eprintln!("`script` is not installed: the terminal half of this test did not run");
        return;
    };
    // (A terminal turns every newline into CR LF, so the bar is told by its label and escapes.)
    assert!(shown.contains("dispatching") && shown.contains('\u{1b}'), "no bar on a terminal: {shown:?}");
    assert!(shown.contains("40 rows: 40 ok"), "{shown:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
