//! `--store` and `--account`, shared by the verbs that read a watcher's store.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use npay_order::watch::{SqliteStore, WatchStore};

use crate::api::ApiArgs;

/// Which store, and which account in it.
#[derive(Args, Debug, Clone)]
pub struct StoreArgs {
    /// The watcher's SQLite file (created if missing).
    #[arg(long, value_name = "FILE", default_value = "npay-watch.sqlite")]
    pub store: PathBuf,
    /// The account in the store (default: the client id, or the store's only account).
    #[arg(long)]
    pub account: Option<String>,
}

impl StoreArgs {
    /// Opens the store.
    pub fn open(&self) -> anyhow::Result<SqliteStore> {
        SqliteStore::open(&self.store).with_context(|| format!("cannot open the store {}", self.store.display()))
    }

    /// The account: `--account`, the client id, or the only account the store holds.
    pub fn account(&self, api: &ApiArgs, store: &SqliteStore) -> anyhow::Result<String> {
        if let Some(account) = self.account.clone().or_else(|| api.account()) {
            return Ok(account);
        }
        let accounts = store.accounts()?;
        match accounts.as_slice() {
            [only] => Ok(only.clone()),
            [] => bail!("the store holds no account yet; pass --account or --client-id"),
            _ => bail!("the store holds {} accounts ({}); pass --account", accounts.len(), accounts.join(", ")),
        }
    }
}
