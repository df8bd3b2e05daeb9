//! The typed control client (`npay_sandbox::control_api`) against the sandbox itself: every call
//! it offers reaches the right path and reads the answer back, and a refusal keeps its code.

mod common;

use common::*;
use npay_sandbox::control_api::{
    AbsentFields, ControlError, CreateOrders, DeviationConfig, DeviationKind, EventDetails, Faults, InitialStatus,
    NewApps, TrafficConfig, VisibilityConfig,
};

#[tokio::test]
async fn every_setting_reads_back_as_it_was_set() {
    let env = start().await;
    let c = &env.control;
    let faults = Faults { server_error_rate: 0.25, latency_ms: 5, seed: Some(9), ..Faults::default() };
    assert_eq!(c.set_faults(&faults).await.unwrap(), faults);
    assert_eq!(c.faults().await.unwrap(), faults);
    let unseeded = c.set_faults(&Faults::default()).await.unwrap();
    assert_eq!(unseeded.seed, Some(env.sb.seed()), "the sandbox fills in its own seed");

    let deviations =
        DeviationConfig { rate: 0.5, kinds: vec![DeviationKind::StringNumbers, DeviationKind::Nulls], seed: Some(2) };
    assert_eq!(c.set_deviations(&deviations).await.unwrap(), deviations);
    assert_eq!(c.deviations().await.unwrap(), deviations);

    assert_eq!(c.set_absent_fields(AbsentFields::Null).await.unwrap(), AbsentFields::Null);
    assert_eq!(c.absent_fields().await.unwrap(), AbsentFields::Null);

    let traffic = TrafficConfig { rate_per_second: 0.0, seed: 4 };
    assert_eq!(c.set_traffic(&traffic).await.unwrap().config, traffic);
    assert_eq!(c.traffic().await.unwrap().actions, 0);

    let visibility = VisibilityConfig { late_rate: 0.5, max_delay_ms: 2000, seed: 3 };
    assert_eq!(c.set_visibility(&visibility).await.unwrap(), visibility);
    assert_eq!(c.visibility().await.unwrap(), visibility);

    let before = c.clock().await.unwrap();
    let after = c.advance_clock(90.0).await.unwrap();
    assert_eq!(after.offset_seconds, before.offset_seconds + 90.0);
    assert!(is_kst(&after.now), "{}", after.now);

    c.reset().await.unwrap();
    assert_eq!(c.faults().await.unwrap().latency_ms, 0);
    assert_eq!(c.absent_fields().await.unwrap(), AbsentFields::Omitted);
    assert_eq!(c.clock().await.unwrap().offset_seconds, 0.0);
}

#[tokio::test]
async fn orders_events_and_stats_are_typed() {
    let env = start().await;
    let c = &env.control;
    let info = c.info().await.unwrap();
    assert_eq!(info.client_id, env.sb.client_id());
    assert_eq!(info.events, npay_sandbox::control_api::event_names());

    let waiting = c
        .create_orders(&CreateOrders { count: 1, status: InitialStatus::PaymentWaiting, products_per_order: 2 })
        .await
        .unwrap();
    assert_eq!((waiting.order_ids.len(), waiting.product_order_ids.len()), (1, 2));
    let paid = c.event(&waiting.product_order_ids[0], "pay").await.unwrap();
    assert_eq!(paid.product_order_status, "PAYED");
    assert_eq!(paid.affected_product_order_ids, waiting.product_order_ids, "paying pays the whole order");

    let id = c.paid_orders(1).await.unwrap().remove(0);
    let details = EventDetails { reason: Some("INTENT_CHANGED".into()), detailed_reason: Some("변심".into()) };
    let cancel = c.event_with(&id, "request-cancel", &details).await.unwrap();
    assert_eq!(cancel.claim_type.as_deref(), Some("CANCEL"));
    assert!(cancel.claim_status.is_some());

    let stats = c.stats().await.unwrap();
    assert_eq!(stats.tokens_issued, 1, "the Env's own token");
    assert_eq!(stats.total_requests(), stats.requests_of("issueToken"));
}

#[tokio::test]
async fn a_refused_call_keeps_the_sandbox_code_and_status() {
    let env = start().await;
    let id = env.payed().await;
    let unknown = env.control.event(&id, "teleport").await.unwrap_err();
    assert_eq!((unknown.status(), unknown.code()), (Some(404), Some("SANDBOX.UNKNOWN_EVENT")));
    let too_early = env.control.event(&id, "deliver").await.unwrap_err();
    assert_eq!(too_early.status(), Some(409), "{too_early}");
    let bad = env.control.set_faults(&Faults { server_error_rate: 2.0, ..Faults::default() }).await.unwrap_err();
    assert!(matches!(bad, ControlError::Refused { status: 400, .. }), "{bad}");
}

#[tokio::test]
async fn each_added_application_has_its_own_control_api() {
    let env = start().await;
    let apps = env.control.add_apps(&NewApps { count: 2, prefix: "shop".into(), traffic: None }).await.unwrap();
    assert_eq!(apps.iter().map(|a| a.client_id.as_str()).collect::<Vec<_>>(), ["shop-1", "shop-2"]);
    assert!(!format!("{apps:?}").contains(&apps[0].client_secret), "Debug leaves the secret out");
    let second = env.control.app("shop-2");
    second.paid_orders(3).await.unwrap();
    second.advance_clock(60.0).await.unwrap();
    assert_eq!(second.clock().await.unwrap().offset_seconds, 60.0);
    assert_eq!(env.control.clock().await.unwrap().offset_seconds, 0.0, "the first application's clock is its own");
    let listed = env.control.apps().await.unwrap();
    assert_eq!(listed.iter().map(|a| a.index).collect::<Vec<_>>(), [Some(0), Some(1), Some(2)]);
    let missing = env.control.app("nobody").stats().await.unwrap_err();
    assert_eq!(missing.status(), Some(404));
}
