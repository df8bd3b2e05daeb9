//! `npay-order watch`: the watcher, with events printed, or handed to a command.

use std::process::{ExitCode, Stdio};
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use npay_order::Timestamp;
use npay_order::watch::{Event, HandlerError, SVIX_SCHEDULE, WatchStore, Watcher, Webhook, WebhookSecret};
use tokio::io::AsyncWriteExt;

use super::store::StoreArgs;
use crate::api::ApiArgs;
use crate::output;
use crate::time::{parse_duration, parse_time};

pub const EXAMPLES: &str = "\
Examples:
  # Print every change from an hour ago on, then follow new ones (Ctrl-C stops after the event in flight)
  npay-order watch --store orders.sqlite --since 1h
  # Hand each new payment or claim to a script, the event JSON on its stdin
  npay-order watch --store orders.sqlite --since 2026-12-01T09:00:00+09:00 \\
      --events PAYED,CLAIM_REQUESTED --exec './on-order.sh'
  # Against a local sandbox (npay-order sandbox --traffic 5/s prints the URL)
  npay-order watch --base-url http://127.0.0.1:PORT/npay/partner --client-id sandbox-client-id --since 10m --json";

/// Arguments of `watch`.
#[derive(Args, Debug)]
pub struct WatchArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Where to start when the store has no cursor yet: a timestamp or a duration before now (1h).
    #[arg(long, value_parser = parse_time)]
    since: Option<Timestamp>,
    /// Only these lastChangedTypes, comma-separated (PAYED,CLAIM_REQUESTED,…); default all.
    #[arg(long, value_delimiter = ',', value_name = "TYPES")]
    events: Vec<String>,
    /// Run this shell command per event with the event JSON on stdin (and NPAY_EVENT_ID,
    /// NPAY_EVENT_TYPE, NPAY_PRODUCT_ORDER_ID in its environment); a non-zero exit is retried.
    #[arg(long, value_name = "CMD", conflicts_with = "forward_to")]
    exec: Option<String>,
    /// POST each event to URL, signed per the Standard Webhooks spec (Svix's retry schedule,
    /// Retry-After honoured, 410 stops the watcher).
    #[arg(long, value_name = "URL")]
    forward_to: Option<String>,
    /// Signing secret(s) `whsec_…`, comma-separated while rotating (the first signs too);
    /// default: one kept in `<store>.whsec`, created on first use.
    #[arg(long, env = "NPAY_WEBHOOK_SECRET", hide_env_values = true, value_delimiter = ',')]
    webhook_secret: Vec<String>,
    /// Print the signing secret (for the receiver) on stdout, then go on.
    #[arg(long, requires = "forward_to")]
    print_secret: bool,
    /// Retry delays of webhook deliveries, comma-separated (default Svix's: 5s,5m,30m,2h,5h,10h,10h).
    #[arg(long, value_delimiter = ',', value_parser = parse_duration, requires = "forward_to")]
    retry_schedule: Vec<Duration>,
    /// Timeout of one webhook delivery.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    webhook_timeout: Duration,
    /// Ask only for changes at least this old.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    settle_lag: Duration,
    /// Re-read this much before the cursor on every new window (catches late rows).
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    overlap: Duration,
    /// Time between polls once caught up.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    poll_interval: Duration,
    /// Attempts per event before it is parked as failed (`events list --status failed`).
    #[arg(long, default_value_t = 8)]
    max_attempts: u32,
    /// Do not fetch product order details (events carry the change row only).
    #[arg(long)]
    no_details: bool,
}

async fn exec(command: &str, event: &Event) -> Result<(), HandlerError> {
    let body = serde_json::to_vec(event)?;
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .env("NPAY_EVENT_ID", &event.id)
        .env("NPAY_EVENT_TYPE", &event.last_changed_type)
        .env("NPAY_PRODUCT_ORDER_ID", &event.product_order_id)
        .stdin(Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that does not read its stdin is fine.
        let _ = stdin.write_all(&body).await;
    }
    let status = child.wait().await?;
    if status.success() { Ok(()) } else { Err(format!("--exec command failed: {status}").into()) }
}

/// Prints an event on stdout (human: ids, type, date and status only — no buyer data).
fn print(event: &Event, as_json: bool) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if as_json {
        writeln!(out, "{}", serde_json::to_value(event).unwrap_or_default())?;
    } else {
        writeln!(
            out,
            "{}  {:<18} {}  {}  {}",
            event.id,
            event.last_changed_type,
            event.product_order_id,
            event.last_changed_date,
            output::cell(&event.change["productOrderStatus"]),
        )?;
    }
    out.flush()
}

/// The secrets given, or the one kept beside the store (created, owner-only, on first use).
fn webhook_secrets(args: &WatchArgs) -> anyhow::Result<Vec<WebhookSecret>> {
    if !args.webhook_secret.is_empty() {
        return args.webhook_secret.iter().map(|s| WebhookSecret::parse(s).map_err(Into::into)).collect();
    }
    let mut path = args.store.store.clone().into_os_string();
    path.push(".whsec");
    let path = std::path::PathBuf::from(path);
    if let Ok(text) = std::fs::read_to_string(&path) {
        return Ok(vec![WebhookSecret::parse(&text).with_context(|| format!("{} holds no secret", path.display()))?]);
    }
    let secret = WebhookSecret::generate();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).with_context(|| format!("cannot create {}", path.display()))?;
    std::io::Write::write_all(&mut file, secret.expose().as_bytes())?;
    eprintln!("npay-order: new webhook signing secret kept in {} (print it with --print-secret)", path.display());
    Ok(vec![secret])
}

async fn stop_on_signal(stop: npay_order::watch::StopHandle) {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => return,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
    eprintln!("npay-order: stopping after the event in flight");
    stop.stop();
}

pub async fn run(args: WatchArgs, api: &ApiArgs) -> anyhow::Result<ExitCode> {
    let connection = api.connect().await?;
    let client = &connection.client;
    let store = args.store.open()?;
    let account = client.config().client_id.clone();
    let has_cursor = store.load_cursor(&account)?.is_some();
    let mut builder = Watcher::builder(client)
        .store(store)
        .settle_lag(args.settle_lag)
        .overlap(args.overlap)
        .poll_interval(args.poll_interval)
        .max_attempts(args.max_attempts)
        .details(!args.no_details);
    if !args.events.is_empty() {
        for name in &args.events {
            if npay_order::enums::LastChangedType::from_known(name.trim()).is_none() {
                eprintln!("npay-order: warning: {} is not a lastChangedType this version knows", name.trim());
            }
        }
        builder = builder.events(args.events.iter().map(|t| t.trim().to_owned()));
    }
    match args.since {
        Some(since) => builder = builder.since(since),
        None if !has_cursor => {
            anyhow::bail!("the store has no cursor for {account} yet: pass --since (e.g. --since 1h)")
        }
        None => {}
    }
    let webhook = match &args.forward_to {
        Some(url) => {
            let secrets = webhook_secrets(&args)?;
            if args.print_secret {
                println!("{}", secrets[0].expose());
            }
            builder = match args.retry_schedule.is_empty() {
                true => builder.retry_schedule(SVIX_SCHEDULE),
                false => builder.retry_schedule(args.retry_schedule.clone()),
            };
            Some(Webhook::new(url.clone(), secrets, args.webhook_timeout)?)
        }
        None => None,
    };
    let watcher = builder.build()?;
    let cursor = watcher.store().load_cursor(&account)?;
    eprintln!(
        "npay-order: watching {account} with store {} ({})",
        args.store.store.display(),
        match &cursor {
            Some(c) => format!("cursor at {}", c.watermark),
            None => "new cursor".to_owned(),
        }
    );
    tokio::spawn(stop_on_signal(watcher.stop_handle()));
    let as_json = api.json;
    let command = args.exec.clone();
    let stop = watcher.stop_handle();
    let webhook = webhook.as_ref();
    watcher
        .run(|event| {
            let command = command.clone();
            let stop = stop.clone();
            async move {
                if let Some(webhook) = webhook {
                    return webhook.deliver(&event).await;
                }
                match &command {
                    Some(command) => exec(command, &event).await,
                    None => print(&event, as_json).map_err(|e| {
                        // A closed stdout (`| head`): stop; the event stays pending.
                        stop.stop();
                        e.into()
                    }),
                }
            }
        })
        .await
        .context("the watcher stopped")?;
    Ok(ExitCode::SUCCESS)
}
