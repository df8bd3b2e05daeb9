//! `npay-order orders get ID…`: product orders in full (queryProductOrders; the core splits more
//! than 300 ids into several requests).

use std::process::ExitCode;

use clap::{Args, Subcommand};
use npay_order::ops::QueryProductOrdersParams;
use npay_order::types::ProductOrderDetail;
use serde_json::Value;

use super::results::distinct;
use crate::api::ApiArgs;
use crate::output::{self, Csv, Format, opt};

pub const EXAMPLES: &str = "\
Examples:
  npay-order orders get 2026112514566031 2026112514566032
  npay-order orders get 2026112514566031 --json | jq .productOrder.shippingAddress
  npay-order orders get $(cat ids.txt) --csv > orders.csv";

/// `orders` verbs.
#[derive(Subcommand, Debug)]
pub enum OrdersVerb {
    /// Product orders by id, in full: a table, one JSON object per line (--json) or CSV (--csv).
    /// Exits non-zero when an id is not found (the others are still printed).
    #[command(after_help = EXAMPLES)]
    Get(GetArgs),
}

/// Arguments of `orders get`.
#[derive(Args, Debug)]
pub struct GetArgs {
    /// Product order ids (상품주문번호).
    #[arg(required = true, value_name = "ID")]
    ids: Vec<String>,
    /// CSV with a header row (the API's field names), for a spreadsheet.
    #[arg(long)]
    csv: bool,
    /// Ask for the quantity-claim shape (initial*/remain* amounts, currentClaim, completedClaims).
    #[arg(long)]
    quantity_claims: bool,
}

/// The table's columns.
const TABLE: &[&str] = &[
    "product order",
    "order",
    "status",
    "claim",
    "product",
    "qty",
    "paid",
    "buyer",
    "receiver",
    "courier",
    "tracking",
];

/// The CSV's columns (the API's field names; the ones a merchant ships by).
const CSV: &[&str] = &[
    "productOrderId",
    "orderId",
    "orderDate",
    "paymentDate",
    "productOrderStatus",
    "placeOrderStatus",
    "claimType",
    "claimStatus",
    "productName",
    "productOption",
    "quantity",
    "totalPaymentAmount",
    "ordererName",
    "ordererTel",
    "receiverName",
    "receiverTel1",
    "zipCode",
    "baseAddress",
    "detailedAddress",
    "shippingMemo",
    "deliveryCompany",
    "trackingNumber",
];

pub async fn run(verb: OrdersVerb, api: &ApiArgs) -> anyhow::Result<ExitCode> {
    let OrdersVerb::Get(args) = verb;
    let format = Format::of(api.json, args.csv)?;
    let ids = distinct(&args.ids);
    let connection = api.connect().await?;
    let mut params = QueryProductOrdersParams::new(ids.clone());
    if args.quantity_claims {
        params = params.quantity_claim_compatibility(true);
    }
    let response = connection.client.query_product_orders(params).await?;
    // The answer as sent (unknown fields kept) when it was read tolerantly, else the typed view.
    let raw: Option<Vec<Value>> = response.raw_json().and_then(Value::as_array).cloned();
    let details = response.into_data();
    let raw = raw.filter(|raw| raw.len() == details.len());
    match format {
        Format::Json => {
            for (i, detail) in details.iter().enumerate() {
                match raw.as_ref().and_then(|raw| raw.get(i)) {
                    Some(value) => output::json_line(value),
                    None => output::json_line(&serde_json::to_value(detail)?),
                }
            }
        }
        Format::Csv => {
            let mut csv = Csv::new(CSV)?;
            for detail in &details {
                csv.row(csv_row(detail))?;
            }
            csv.finish()?;
        }
        Format::Human => {
            let mut table = output::table(TABLE);
            for detail in &details {
                table.add_row(table_row(detail));
            }
            println!("{table}");
            println!("{} of {} product orders", details.len(), ids.len());
        }
    }
    let missing: Vec<&str> = ids
        .iter()
        .filter(|id| !details.iter().any(|d| &d.product_order.product_order_id == *id))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("npay-order: not found: {}", missing.join(", "));
    Ok(ExitCode::FAILURE)
}

fn table_row(d: &ProductOrderDetail) -> Vec<String> {
    let po = &d.product_order;
    let claim = match (&po.claim_type, &po.claim_status) {
        (Some(t), Some(s)) => format!("{t} {s}"),
        (None, Some(s)) => s.to_string(),
        (Some(t), None) => t.to_string(),
        (None, None) => "-".to_owned(),
    };
    let product = match &po.product_option {
        Some(option) if !option.is_empty() => format!("{} ({option})", po.product_name.as_deref().unwrap_or("-")),
        _ => opt(po.product_name.as_deref()),
    };
    vec![
        po.product_order_id.clone(),
        d.order.order_id.clone(),
        opt(po.product_order_status.as_ref()),
        claim,
        product,
        opt(po.quantity),
        opt(po.total_payment_amount),
        opt(d.order.orderer_name.as_deref()),
        opt(po.shipping_address.as_ref().and_then(|a| a.name.as_deref())),
        opt(d.delivery.as_ref().and_then(|x| x.delivery_company.as_ref())),
        opt(d.delivery.as_ref().and_then(|x| x.tracking_number.as_deref())),
    ]
}

fn csv_row(d: &ProductOrderDetail) -> Vec<String> {
    let po = &d.product_order;
    let text = |v: Option<String>| v.unwrap_or_default();
    let address = po.shipping_address.as_ref();
    let delivery = d.delivery.as_ref();
    vec![
        po.product_order_id.clone(),
        d.order.order_id.clone(),
        text(d.order.order_date.as_ref().map(ToString::to_string)),
        text(d.order.payment_date.as_ref().map(ToString::to_string)),
        text(po.product_order_status.as_ref().map(ToString::to_string)),
        text(po.place_order_status.as_ref().map(ToString::to_string)),
        text(po.claim_type.as_ref().map(ToString::to_string)),
        text(po.claim_status.as_ref().map(ToString::to_string)),
        text(po.product_name.clone()),
        text(po.product_option.clone()),
        text(po.quantity.map(|q| q.to_string())),
        text(po.total_payment_amount.map(|a| a.to_string())),
        text(d.order.orderer_name.clone()),
        text(d.order.orderer_tel.clone()),
        text(address.and_then(|a| a.name.clone())),
        text(address.and_then(|a| a.tel1.clone())),
        text(address.and_then(|a| a.zip_code.clone())),
        text(address.and_then(|a| a.base_address.clone())),
        text(address.and_then(|a| a.detailed_address.clone())),
        text(po.shipping_memo.clone()),
        text(delivery.and_then(|x| x.delivery_company.as_ref().map(ToString::to_string))),
        text(delivery.and_then(|x| x.tracking_number.clone())),
    ]
}
