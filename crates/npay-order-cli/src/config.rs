//! Profiles: named credentials in a TOML file, so that one machine can serve several shops.
//!
//! ```toml
//! [profiles.shop1]
//! client_id = "…"
//! client_secret = "$2a$04$…"
//! base_url = "https://…"        # or: environment = "sandbox"
//! ```
//!
//! The file is `--config FILE` / `NPAY_ORDER_CONFIG`, else `$XDG_CONFIG_HOME/npay-order/config.toml`,
//! else `~/.config/npay-order/config.toml`. The profile is `--profile NAME` / `NPAY_PROFILE`, else
//! `[profiles.default]` when the file has one. Each setting is taken from the first that has it:
//! flags, environment variables, the profile.
//!
//! Errors name the file, the profile and the key, never a value. A TOML syntax error is reported
//! by line and key only: the parser's own message quotes the line, which may hold the secret.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::api::Env;

/// The keys a profile may have.
const KEYS: &[&str] = &["client_id", "client_secret", "base_url", "environment"];

/// The profile used when none is named.
const DEFAULT_PROFILE: &str = "default";

/// One profile's settings (each optional: flags and environment variables may supply the rest).
#[derive(Debug, Default)]
pub struct Profile {
    /// The profile's name, for messages.
    pub name: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub base_url: Option<String>,
    pub environment: Option<Env>,
}

/// Where the config file is when `--config` / `NPAY_ORDER_CONFIG` do not say.
pub fn default_path() -> Option<PathBuf> {
    let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let base = non_empty("XDG_CONFIG_HOME")
        .filter(|p| p.is_absolute())
        .or_else(|| non_empty("HOME").map(|home| home.join(".config")))?;
    Some(base.join("npay-order").join("config.toml"))
}

/// The profile to use: `name` (or `default` when the file has one), from `explicit_path` or the
/// default file. `None` when no profile was named and there is none to use.
pub fn load(explicit_path: Option<&Path>, name: Option<&str>) -> anyhow::Result<Option<Profile>> {
    let path = match explicit_path {
        Some(path) => path.to_owned(),
        None => match default_path() {
            Some(path) => path,
            None if name.is_some() => {
                bail!("profile '{}' named, but there is no config file (set --config)", name.unwrap_or_default())
            }
            None => return Ok(None),
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound && explicit_path.is_none() && name.is_none() => {
            return Ok(None);
        }
        Err(error) => return Err(error).with_context(|| format!("cannot read the config file {}", path.display())),
    };
    let table: toml::Table = match text.parse() {
        Ok(table) => table,
        Err(error) => bail!("{}", syntax_error(&path, &text, error.span())),
    };
    let profiles = match table.get("profiles") {
        None => toml::Table::new(),
        Some(toml::Value::Table(profiles)) => profiles.clone(),
        Some(_) => bail!("{}: `profiles` must be a table ([profiles.NAME])", path.display()),
    };
    let name = match name {
        Some(name) => name,
        None if profiles.contains_key(DEFAULT_PROFILE) => DEFAULT_PROFILE,
        None => return Ok(None),
    };
    let Some(entry) = profiles.get(name) else {
        let mut names: Vec<&str> = profiles.keys().map(String::as_str).collect();
        names.sort_unstable();
        let known = if names.is_empty() { "none".to_owned() } else { names.join(", ") };
        bail!("no profile '{name}' in {} (profiles: {known})", path.display());
    };
    let Some(entry) = entry.as_table() else {
        bail!("{}: profile '{name}' must be a table ([profiles.{name}])", path.display());
    };
    let mut profile = Profile { name: name.to_owned(), ..Profile::default() };
    for (key, value) in entry {
        if !KEYS.contains(&key.as_str()) {
            bail!("{}: profile '{name}' has an unknown key '{key}' (known: {})", path.display(), KEYS.join(", "));
        }
        let Some(text) = value.as_str() else {
            bail!("{}: profile '{name}': {key} must be a string (in quotes)", path.display());
        };
        let text = Some(text.to_owned());
        match key.as_str() {
            "client_id" => profile.client_id = text,
            "client_secret" => profile.client_secret = text,
            "base_url" => profile.base_url = text,
            _ => {
                profile.environment = Some(match value.as_str() {
                    Some("production") => Env::Production,
                    Some("sandbox") => Env::Sandbox,
                    _ => {
                        bail!("{}: profile '{name}': environment must be \"production\" or \"sandbox\"", path.display())
                    }
                })
            }
        }
    }
    if profile.client_secret.is_some() {
        warn_if_readable_by_others(&path);
    }
    Ok(Some(profile))
}

/// Where the syntax error is: the line, and the key on it when there is one (never the value).
fn syntax_error(path: &Path, text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(span) = span else { return format!("{}: not valid TOML", path.display()) };
    let start = span.start.min(text.len());
    let line_number = text[..start].matches('\n').count() + 1;
    let line = text.lines().nth(line_number - 1).unwrap_or_default();
    let key = line.split_once('=').map(|(key, _)| key.trim()).filter(|key| {
        !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '"'))
    });
    match key {
        Some(key) => {
            format!("{}: not valid TOML at line {line_number} (key {key}); values need quotes", path.display())
        }
        None => format!("{}: not valid TOML at line {line_number}", path.display()),
    }
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        eprintln!(
            "npay-order: warning: {} holds a client secret and other users may read it (chmod 600 it)",
            path.display()
        );
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("npay-config-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_named_profile_is_read_and_the_default_one_is_used_when_none_is_named() {
        let path = write(
            "named",
            "[profiles.default]\nclient_id = \"d\"\n[profiles.shop1]\nclient_id = \"a\"\nclient_secret = \"s\"\nenvironment = \"sandbox\"\n",
        );
        let shop = load(Some(&path), Some("shop1")).unwrap().unwrap();
        assert_eq!(shop.client_id.as_deref(), Some("a"));
        assert_eq!(shop.client_secret.as_deref(), Some("s"));
        assert_eq!(shop.environment, Some(Env::Sandbox));
        let default = load(Some(&path), None).unwrap().unwrap();
        assert_eq!(default.name, "default");
        let missing = load(Some(&path), Some("shop2")).unwrap_err().to_string();
        assert!(missing.contains("no profile 'shop2'") && missing.contains("default, shop1"), "{missing}");
    }

    #[test]
    fn errors_name_the_line_and_key_but_never_the_value() {
        let path = write("syntax", "[profiles.p]\nclient_secret = $2a$04$topsecrettopsecrettops\n");
        let error = load(Some(&path), Some("p")).unwrap_err().to_string();
        assert!(error.contains("line 2") && error.contains("client_secret"), "{error}");
        assert!(!error.contains("topsecret"), "{error}");
        let path = write("type", "[profiles.p]\nclient_secret = 12345678\nenvironment = \"staging\"\n");
        let error = load(Some(&path), Some("p")).unwrap_err().to_string();
        assert!(error.contains("client_secret must be a string") && !error.contains("12345678"), "{error}");
        let path = write("env", "[profiles.p]\nenvironment = \"staging\"\n");
        let error = load(Some(&path), Some("p")).unwrap_err().to_string();
        assert!(error.contains("environment") && !error.contains("staging"), "{error}");
        let path = write("key", "[profiles.p]\nsecret = \"x\"\n");
        let error = load(Some(&path), Some("p")).unwrap_err().to_string();
        assert!(error.contains("unknown key 'secret'"), "{error}");
    }

    #[test]
    fn a_missing_default_file_is_no_profile_but_a_missing_named_file_is_an_error() {
        let path = std::env::temp_dir().join("npay-config-does-not-exist/config.toml");
        assert!(load(Some(&path), None).is_err());
        assert!(load(Some(&path), Some("p")).is_err());
    }
}
