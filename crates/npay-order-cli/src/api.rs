//! The arguments every verb that talks to the API shares, and the client they build.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use npay_order::{Client, Environment};
use npay_sandbox::{Sandbox, SandboxConfig};

/// Which Naver Pay environment to call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Env {
    /// `https://api.pay.naver.com/npay/partner`.
    Production,
    /// `https://sandbox-api.pay.naver.com/npay/partner` (Naver's own sandbox).
    Sandbox,
}

/// Credentials and where to send calls (global: they may follow the verb).
#[derive(Args, Debug, Clone)]
pub struct ApiArgs {
    /// Application id (client id).
    #[arg(long, env = "NPAY_CLIENT_ID", global = true)]
    pub client_id: Option<String>,
    /// Application secret; prefer the environment variable (it is never printed).
    #[arg(long, env = "NPAY_CLIENT_SECRET", hide_env_values = true, global = true)]
    pub client_secret: Option<String>,
    /// Base URL of the API (overrides --environment), e.g. the one `npay-order sandbox` prints.
    #[arg(long, global = true)]
    pub base_url: Option<String>,
    /// Naver Pay environment [default: production].
    #[arg(long, value_enum, global = true)]
    pub environment: Option<Env>,
    /// Profile of the config file to take credentials from; flags and environment variables win
    /// (without one, the profile `default` when the file has it).
    #[arg(long, env = "NPAY_PROFILE", value_name = "NAME", global = true)]
    pub profile: Option<String>,
    /// The config file of profiles [default: $XDG_CONFIG_HOME/npay-order/config.toml, else
    /// ~/.config/npay-order/config.toml].
    #[arg(long, env = "NPAY_ORDER_CONFIG", value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// Run against an embedded sandbox (an emulator in this process; no credentials needed).
    #[arg(long, global = true)]
    pub sandbox: bool,
    /// Machine output: JSON, one object per line for streams.
    #[arg(long, global = true)]
    pub json: bool,
    /// The profile the settings were completed from (for messages; never its values).
    #[arg(skip)]
    pub profile_used: Option<String>,
}

/// A client, and the embedded sandbox it talks to when `--sandbox` was given.
pub struct Connection {
    pub client: Client,
    /// Kept alive as long as the client is used.
    pub _sandbox: Option<Sandbox>,
}

impl ApiArgs {
    /// Completes the settings from the profile: a value given by a flag or an environment
    /// variable stays; `--environment` from a flag also keeps the profile's `base_url` out.
    /// Nothing to do with `--sandbox` (the embedded sandbox has its own credentials).
    pub fn apply_profile(&mut self) -> anyhow::Result<()> {
        if self.sandbox {
            return Ok(());
        }
        let Some(profile) = crate::config::load(self.config.as_deref(), self.profile.as_deref())? else {
            return Ok(());
        };
        if self.client_id.is_none() {
            self.client_id = profile.client_id;
        }
        if self.client_secret.is_none() {
            self.client_secret = profile.client_secret;
        }
        if self.base_url.is_none() && self.environment.is_none() {
            self.base_url = profile.base_url;
            self.environment = profile.environment;
        }
        self.profile_used = Some(profile.name);
        Ok(())
    }

    /// Where a missing setting may come from, for messages.
    fn or_profile(&self, key: &str) -> String {
        match &self.profile_used {
            Some(name) => format!(", or add {key} to the profile '{name}'"),
            None => format!(", or use a profile with {key} (--profile)"),
        }
    }

    /// The account a store is keyed by: the client id (the sandbox's with `--sandbox`).
    pub fn account(&self) -> Option<String> {
        if self.sandbox {
            return Some(self.client_id.clone().unwrap_or_else(|| npay_sandbox::DEFAULT_CLIENT_ID.to_owned()));
        }
        self.client_id.clone()
    }

    /// Builds the client (starting the embedded sandbox first with `--sandbox`).
    pub async fn connect(&self) -> anyhow::Result<Connection> {
        if self.sandbox {
            let sandbox =
                Sandbox::start(SandboxConfig::default()).await.context("cannot start the embedded sandbox")?;
            let client = Client::builder()
                .client_id(sandbox.client_id())
                .client_secret(sandbox.client_secret())
                .base_url(sandbox.base_url())
                .build()?;
            return Ok(Connection { client, _sandbox: Some(sandbox) });
        }
        let Some(client_id) = &self.client_id else {
            bail!(
                "no client id: pass --client-id or set NPAY_CLIENT_ID{} (or use --sandbox)",
                self.or_profile("client_id")
            );
        };
        let Some(client_secret) = &self.client_secret else {
            bail!(
                "no client secret: set NPAY_CLIENT_SECRET or pass --client-secret{}",
                self.or_profile("client_secret")
            );
        };
        let mut builder = Client::builder().client_id(client_id.as_str()).client_secret(client_secret.as_str());
        builder = match &self.base_url {
            Some(url) => builder.base_url(url.as_str()),
            None => builder.environment(match self.environment.unwrap_or(Env::Production) {
                Env::Production => Environment::Production,
                Env::Sandbox => Environment::Sandbox,
            }),
        };
        let client = builder.build().map_err(|error| match &self.profile_used {
            Some(name) => anyhow::Error::new(error).context(format!("with the settings of the profile '{name}'")),
            None => error.into(),
        })?;
        Ok(Connection { client, _sandbox: None })
    }
}
