//! `npay-order confirm ID…`: order confirmation (발주 확인, confirmProductOrders). The core sends
//! 30 ids a request and merges the per-item results; one line per id says what became of it.

use std::process::ExitCode;

use clap::Args;
use npay_order::ops::ConfirmProductOrdersParams;

use super::results::{self, distinct};
use crate::api::ApiArgs;

pub const EXAMPLES: &str = "\
Examples:
  npay-order confirm 2026112514566031 2026112514566032
  npay-order confirm $(cat ids.txt) --json | jq -c 'select(.result != \"ok\")'";

/// Arguments of `confirm`.
#[derive(Args, Debug)]
pub struct ConfirmArgs {
    /// Product order ids (상품주문번호); any number (sent 30 a request).
    #[arg(required = true, value_name = "ID")]
    ids: Vec<String>,
}

pub async fn run(args: ConfirmArgs, api: &ApiArgs) -> anyhow::Result<ExitCode> {
    let ids = distinct(&args.ids);
    if let Some(empty) = ids.iter().position(String::is_empty) {
        anyhow::bail!("id {} is empty", empty + 1);
    }
    let connection = api.connect().await?;
    let items = match connection.client.confirm_product_orders(ConfirmProductOrdersParams::new(ids.clone())).await {
        Ok(response) => results::from_confirm(&ids, response.data()),
        Err(error) => results::from_error(&ids, &error),
    };
    Ok(results::print(&items, api.json))
}
