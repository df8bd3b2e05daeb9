//! The main job: a full order lifecycle against the embedded sandbox — no credentials, no network.
//!
//! New orders arrive, the merchant pulls the changes, reads the details, confirms (발주 확인) and
//! dispatches (발송); a buyer returns one order, which is collected and approved; the merchant
//! cancels another; a third is exchanged, held back until the fee is settled, and redelivered.
//!
//! Run it with `cargo run -p npay-order --example quickstart`.

use futures::TryStreamExt;
use npay_order::ops::*;
use npay_order::types::DispatchProductOrder;
use npay_order::{Client, Timestamp, enums};
use npay_sandbox::{ControlClient, Sandbox, SandboxConfig};

type Error = Box<dyn std::error::Error>;

/// The sandbox's control API plays the buyer, the courier and the clock.
struct Buyer {
    control: ControlClient,
}

impl Buyer {
    async fn event(&self, product_order_id: &str, event: &str) -> Result<(), Error> {
        self.control.event(product_order_id, event).await?;
        println!("  · buyer/courier: {event} on {product_order_id}");
        Ok(())
    }
}

fn now() -> Timestamp {
    Timestamp::from_utc_in_kst(chrono::Utc::now())
}

async fn status_of(client: &Client, id: &str) -> Result<String, Error> {
    let details = client.query_product_orders(QueryProductOrdersParams::new([id])).await?;
    let order = &details[0].product_order;
    let claim = order.claim_status.as_ref().map(|c| format!(", claim {c}")).unwrap_or_default();
    let status = order.product_order_status.as_ref().map_or("?", |s| s.as_str());
    Ok(format!("{status}{claim}"))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let sandbox = Sandbox::start(SandboxConfig { seed: Some(2026), ..SandboxConfig::default() }).await?;
    println!("sandbox listening on {}", sandbox.base_url());
    let buyer = Buyer { control: sandbox.control() };
    let client = Client::builder()
        .client_id(sandbox.client_id())
        .client_secret(sandbox.client_secret())
        .base_url(sandbox.base_url())
        .build()?;

    println!("\n1. Three buyers pay for their orders.");
    let started = Timestamp::from_millis_kst(now().timestamp_millis() - 60_000).expect("time");
    let ids = buyer.control.paid_orders(3).await?;

    println!("\n2. The merchant pulls what changed since a minute ago.");
    let changes: Vec<_> = client
        .iter_last_changed_statuses(
            ListLastChangedStatusesParams::new(started).last_changed_type(enums::LastChangedType::Payed),
        )
        .try_collect()
        .await?;
    for change in &changes {
        println!("  {} {} at {}", change.product_order_id, change.last_changed_type, change.last_changed_date);
    }

    println!("\n3. ...reads the details of the new product orders.");
    let details = client.query_product_orders(QueryProductOrdersParams::new(ids.clone())).await?;
    for detail in details.iter() {
        let order = &detail.product_order;
        println!(
            "  {} {} × {} = {}원 (trace id {})",
            order.product_order_id,
            order.product_name.as_deref().unwrap_or("?"),
            order.quantity.unwrap_or(1),
            order.total_payment_amount.unwrap_or_default(),
            details.meta().trace_id.as_deref().unwrap_or("-"),
        );
    }

    println!("\n4. ...confirms them (발주 확인) and dispatches two by courier.");
    let confirmed = client.confirm_product_orders(ConfirmProductOrdersParams::new(ids.clone())).await?;
    println!("  confirmed {} product orders", confirmed.success_product_order_infos.len());
    let parcel = |id: &String, tracking: &str| DispatchProductOrder {
        product_order_id: id.clone(),
        delivery_method: enums::RequestDeliveryMethod::Delivery,
        delivery_company_code: Some(enums::DeliveryCompanyCode::Cjgls),
        tracking_number: Some(tracking.to_owned()),
        dispatch_date: now(),
    };
    let dispatched = client
        .dispatch_product_orders(DispatchProductOrdersParams::new([
            parcel(&ids[0], "640012345678"),
            parcel(&ids[2], "640012345679"),
        ]))
        .await?;
    println!("  dispatched {:?}", dispatched.success_product_order_ids);

    println!("\n5. A buyer returns {}: the parcel arrives, is sent back and collected.", ids[0]);
    buyer.event(&ids[0], "deliver").await?;
    buyer.event(&ids[0], "request-return").await?;
    buyer.event(&ids[0], "collect-done").await?;
    let approved = client.approve_return(ApproveReturnParams::new(ids[0].clone())).await?;
    println!("  return approved: {:?} → {}", approved.success_product_order_ids, status_of(&client, &ids[0]).await?);

    println!("\n6. {} is sold out: the merchant cancels it.", ids[1]);
    let cancel = RequestCancelParams::new(ids[1].clone(), enums::CancelRequestReason::SoldOut)
        .cancel_detailed_reason("재고 소진으로 판매 취소");
    client.request_cancel(cancel).await?;
    println!("  cancelled → {}", status_of(&client, &ids[1]).await?);

    println!("\n7. A buyer wants {} in another size: exchange, held back until the fee is paid.", ids[2]);
    buyer.event(&ids[2], "deliver").await?;
    buyer.event(&ids[2], "request-exchange").await?;
    let hold = HoldbackExchangeParams::new(
        ids[2].clone(),
        enums::HoldbackReason::ExchangeDeliveryfee,
        "교환 배송비 입금 확인 전",
    )
    .extra_exchange_fee_amount(6000);
    client.holdback_exchange(hold).await?;
    println!("  held back → {}", status_of(&client, &ids[2]).await?);
    client.complete_exchange_collect(CompleteExchangeCollectParams::new(ids[2].clone())).await?;
    client.release_exchange_holdback(ReleaseExchangeHoldbackParams::new(ids[2].clone())).await?;
    let redeliver = RedeliverExchangeParams::new(ids[2].clone(), enums::RequestDeliveryMethod::Delivery)
        .re_delivery_company(enums::DeliveryCompanyCode::Cjgls)
        .re_delivery_tracking_number("640012345680");
    client.redeliver_exchange(redeliver).await?;
    println!("  collected, released and redelivered → {}", status_of(&client, &ids[2]).await?);
    buyer.event(&ids[2], "deliver").await?;
    println!("  → {}", status_of(&client, &ids[2]).await?);

    println!("\n8. What went wrong is typed: approving a cancel nobody asked for.");
    let outcome = client.approve_cancel(ApproveCancelParams::new(ids[2].clone())).await?;
    for failure in &outcome.fail_product_order_infos {
        println!(
            "  {} not approved: code {} ({})",
            failure.product_order_id,
            failure.code,
            failure.message.as_deref().unwrap_or("")
        );
    }
    match client.list_product_order_ids(ListProductOrderIdsParams::new("0000000000000000")).await {
        Err(error) => println!("  unknown order → {error}"),
        Ok(ids) => println!("  unexpectedly found {:?}", ids.data()),
    }

    println!("\nDone: the whole lifecycle ran against the embedded sandbox.");
    sandbox.shutdown();
    Ok(())
}
