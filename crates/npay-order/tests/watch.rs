//! The watcher against the sandbox over real HTTP: what it hands over, counted against the
//! sandbox's own record of every change (`GET _sandbox/changes`).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use npay_order::watch::{Event, EventFilter, EventStatus, SqliteStore, WatchStore, Watcher, event_id};
use npay_order::{Client, Timestamp};
use npay_sandbox::control_api::{CreateOrders, InitialStatus, VisibilityConfig};
use npay_sandbox::{Sandbox, SandboxConfig};
use serde_json::json;

async fn sandbox() -> (Sandbox, Client) {
    let sandbox = Sandbox::start(SandboxConfig { seed: Some(11), ..SandboxConfig::default() }).await.expect("sandbox");
    let client = Client::builder()
        .client_id(sandbox.client_id())
        .client_secret(sandbox.client_secret())
        .base_url(sandbox.base_url())
        .build()
        .expect("client");
    (sandbox, client)
}

/// The event id of every change the sandbox recorded, and of the latest one per product order.
async fn recorded(sandbox: &Sandbox, account: &str) -> (Vec<String>, HashSet<String>) {
    let changes = sandbox.control().changes().await.expect("the change log");
    let mut all = Vec::new();
    let mut latest = HashSet::new();
    for change in changes["changes"].as_array().expect("changes") {
        let at: Timestamp = change["lastChangedDate"].as_str().unwrap().parse().unwrap();
        let id = event_id(
            account,
            change["productOrderId"].as_str().unwrap(),
            &at,
            change["lastChangedType"].as_str().unwrap(),
            change["claimStatus"].as_str(),
        );
        if change.get("replacedAtMs").is_none() {
            latest.insert(id.clone());
        }
        all.push(id);
    }
    (all, latest)
}

fn watcher(client: &Client, store: impl WatchStore + 'static) -> npay_order::watch::WatcherBuilder {
    Watcher::builder(client)
        .store(store)
        .since(Timestamp::from_utc_in_kst(chrono::Utc::now() - chrono::Duration::minutes(1)))
        .settle_lag(Duration::from_millis(100))
        .overlap(Duration::from_secs(3))
        .poll_interval(Duration::from_millis(50))
}

/// Runs the watcher, collecting what it hands over, until `done` holds for the ids seen (or 30 s).
async fn run_until(watcher: &Watcher, done: impl Fn(&[Event]) -> bool) -> Vec<Event> {
    let seen = Arc::new(Mutex::new(Vec::<Event>::new()));
    let stop = watcher.stop_handle();
    let sink = seen.clone();
    let run = watcher.run(move |event| {
        let sink = sink.clone();
        async move {
            sink.lock().unwrap().push(event);
            Ok(())
        }
    });
    let watch = async {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while tokio::time::Instant::now() < deadline {
            if done(&seen.lock().unwrap()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        stop.stop();
    };
    let (result, ()) = tokio::join!(run, watch);
    result.expect("the watcher stops cleanly");

    seen.lock().unwrap().clone()
}

fn ids(events: &[Event]) -> HashSet<String> {
    events.iter().map(|e| e.id.clone()).collect()
}

#[tokio::test]
async fn every_change_is_handed_over_once_with_details_even_when_hundreds_share_a_millisecond() {
    let (sandbox, client) = sandbox().await;
    // 700 product orders stamped with one millisecond: pages of 100 all start inside it.
    sandbox
        .control()
        .create_orders(&CreateOrders { count: 350, products_per_order: 2, ..Default::default() })
        .await
        .unwrap();
    let watcher = watcher(&client, SqliteStore::in_memory().unwrap()).page_size(100).build().unwrap();
    let events = run_until(&watcher, |seen| seen.len() >= 700).await;
    let (all, latest) = recorded(&sandbox, client.config().client_id.as_str()).await;
    assert_eq!(all.len(), 700);
    assert_eq!(ids(&events), latest);
    assert_eq!(events.len(), 700, "no event handed over twice");
    let event = &events[0];
    assert_eq!(event.last_changed_type, "PAYED");
    assert_eq!(event.attempt, 1);
    assert_eq!(event.change["productOrderId"], event.product_order_id.as_str());
    let detail = event.detail.as_ref().expect("details fetched");
    assert_eq!(detail["productOrder"]["productOrderId"], event.product_order_id.as_str());
}

#[tokio::test]
async fn later_changes_of_one_product_order_are_new_events_handed_over_in_order() {
    let (sandbox, client) = sandbox().await;
    let waiting = CreateOrders { count: 3, status: InitialStatus::PaymentWaiting, ..Default::default() };
    let ids_created = sandbox.control().create_orders(&waiting).await.unwrap().product_order_ids;
    let watcher = watcher(&client, SqliteStore::in_memory().unwrap()).build().unwrap();
    let first = run_until(&watcher, |seen| seen.len() >= 3).await;
    assert!(first.iter().all(|e| e.last_changed_type == "PAY_WAITING"));
    for id in &ids_created {
        sandbox.control().event(id, "pay").await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        sandbox.control().event(id, "request-cancel").await.unwrap();
    }
    let store = watcher.store().clone();
    // A second watcher over the same store: the cursor and the done events carry over.
    let watcher = Watcher::builder(&client)
        .shared_store(store)
        .settle_lag(Duration::from_millis(100))
        .overlap(Duration::from_secs(3))
        .poll_interval(Duration::from_millis(50))
        .build()
        .unwrap();
    let second =
        run_until(&watcher, |seen| seen.iter().filter(|e| e.last_changed_type == "CLAIM_COMPLETED").count() >= 3).await;
    let (_, latest) = recorded(&sandbox, &client.config().client_id).await;
    assert!(latest.is_subset(&ids(&first).union(&ids(&second)).cloned().collect()));
    assert!(ids(&first).is_disjoint(&ids(&second)), "nothing from the first run is handed over again");
    // Per product order: the change order is kept.
    let mut last: HashMap<&str, &Timestamp> = HashMap::new();
    for event in &second {
        if let Some(previous) = last.insert(&event.product_order_id, &event.last_changed_date) {
            assert!(previous <= &event.last_changed_date);
        }
    }
}

#[tokio::test]
async fn changes_listable_only_late_are_caught_by_the_overlap() {
    let (sandbox, client) = sandbox().await;
    // Every change becomes listable up to 1.5 s after its lastChangedDate; the settle lag is
    // 100 ms, so only the 3 s overlap catches them.
    let late = VisibilityConfig { late_rate: 1.0, max_delay_ms: 1500, seed: 3 };
    sandbox.control().set_visibility(&late).await.unwrap();
    let watcher = watcher(&client, SqliteStore::in_memory().unwrap()).build().unwrap();
    let feed = async {
        for _ in 0..20 {
            sandbox.control().paid_orders(5).await.unwrap();
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let (events, ()) = tokio::join!(run_until(&watcher, |seen| seen.len() >= 100), feed);
    let (all, latest) = recorded(&sandbox, &client.config().client_id).await;
    assert_eq!(all.len(), 100);
    assert_eq!(ids(&events), latest);
    assert_eq!(events.len(), 100);
}

#[tokio::test]
async fn a_clock_jump_of_30_hours_is_read_in_windows_of_at_most_24_hours() {
    let (sandbox, client) = sandbox().await;
    sandbox.control().paid_orders(2).await.unwrap();
    sandbox.control().advance_clock(30.0 * 3600.0).await.unwrap();
    sandbox.control().paid_orders(2).await.unwrap();
    let watcher = watcher(&client, SqliteStore::in_memory().unwrap()).build().unwrap();
    let events = run_until(&watcher, |seen| seen.len() >= 4).await;
    let (_, latest) = recorded(&sandbox, &client.config().client_id).await;
    assert_eq!(ids(&events), latest);
    let cursor = watcher.store().load_cursor(&client.config().client_id).unwrap().expect("cursor");
    assert!(cursor.watermark.to_utc() > chrono::Utc::now() + chrono::Duration::hours(29));
}

#[tokio::test]
async fn a_failing_handler_is_retried_then_parked_and_resend_queues_it_again() {
    let (sandbox, client) = sandbox().await;
    let created = sandbox.control().paid_orders(2).await.unwrap();
    let bad = created[0].clone();
    let watcher = watcher(&client, SqliteStore::in_memory().unwrap())
        .max_attempts(3)
        .retry_delays(Duration::from_millis(10), Duration::from_millis(20))
        .build()
        .unwrap();
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let stop = watcher.stop_handle();
    let log = attempts.clone();
    let bad_id = bad.clone();
    let run = watcher.run(move |event: Event| {
        let log = log.clone();
        let bad = bad_id.clone();
        async move {
            log.lock().unwrap().push((event.product_order_id.clone(), event.attempt));
            if event.product_order_id == bad { Err("refused".into()) } else { Ok(()) }
        }
    });
    let wait = async {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while tokio::time::Instant::now() < deadline && attempts.lock().unwrap().len() < 4 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        stop.stop();
    };
    let (result, ()) = tokio::join!(run, wait);
    result.unwrap();
    let attempts = attempts.lock().unwrap().clone();
    let bad_attempts: Vec<u32> = attempts.iter().filter(|(id, _)| *id == bad).map(|(_, a)| *a).collect();
    assert_eq!(bad_attempts, vec![1, 2, 3]);
    let store = watcher.store();
    let account = client.config().client_id.clone();
    let failed = store
        .list_events(&account, &EventFilter { status: Some(EventStatus::Failed), ..EventFilter::default() })
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].event.product_order_id, bad);
    assert_eq!(failed[0].last_error.as_deref(), Some("refused"));
    let done = store
        .list_events(&account, &EventFilter { status: Some(EventStatus::Done), ..EventFilter::default() })
        .unwrap();
    assert_eq!(done.len(), 1);
    assert!(store.resend(&failed[0].event.id).unwrap());
    let due = store.due_events(&account, i64::MAX, 10).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].id, failed[0].event.id);
    assert_eq!(due[0].attempt, 1);
}

#[tokio::test]
async fn a_file_store_keeps_cursor_and_events_across_watchers_and_filters_by_type() {
    let (sandbox, client) = sandbox().await;
    let dir = std::env::temp_dir().join(format!("npay-watch-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("store.sqlite");
    let _ = std::fs::remove_file(&path);
    sandbox.control().paid_orders(4).await.unwrap();
    sandbox
        .control()
        .create_orders(&CreateOrders { count: 3, status: InitialStatus::PaymentWaiting, ..Default::default() })
        .await
        .unwrap();
    let first = watcher(&client, SqliteStore::open(&path).unwrap()).events(["PAYED"]).build().unwrap();
    let summary = loop {
        let summary = first.poll().await.unwrap();
        if summary.new_events >= 4 {
            break summary;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(summary.new_events, 4, "only PAYED changes become events");
    drop(first);
    let second = watcher(&client, SqliteStore::open(&path).unwrap()).events(["PAYED"]).build().unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(second.poll().await.unwrap().new_events, 0, "the overlap re-reads rows; their ids are known");
    let events = second.store().list_events(&client.config().client_id, &EventFilter::default()).unwrap();
    assert_eq!(events.len(), 4);
    assert!(events.iter().all(|e| e.status == EventStatus::Pending && e.event.last_changed_type == "PAYED"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A server that issues tokens and answers every `last-changed-statuses` call with the same
/// page and the same `more` — a server bug the watcher must not follow forever.
async fn server_repeating_more() -> (String, Arc<Mutex<usize>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/npay/partner", listener.local_addr().unwrap());
    let calls = Arc::new(Mutex::new(0usize));
    let counter = calls.clone();
    // One fixed change, 30 s old: every answer names the same `more`.
    let at = Timestamp::from_utc_in_kst(chrono::Utc::now() - chrono::Duration::seconds(30));
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { return };
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&request);
                let now = Timestamp::from_utc_in_kst(chrono::Utc::now());
                let body = if head.starts_with("POST /npay/partner/v1/oauth2/token") {
                    json!({"access_token": "fake", "expires_in": 10800, "token_type": "Bearer"})
                } else {
                    *counter.lock().unwrap() += 1;
                    json!({"timestamp": now, "traceId": "t", "data": {
                        "count": 1,
                        "lastChangeStatuses": [{"orderId": "1", "productOrderId": "2", "lastChangedType": "PAYED",
                            "lastChangedDate": at, "productOrderStatus": "PAYED"}],
                        "more": {"moreFrom": at, "moreSequence": "00000000000000000002"}
                    }})
                };
                let body = body.to_string();
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    (base, calls)
}

#[tokio::test]
async fn a_more_that_does_not_advance_stops_the_watcher_loudly() {
    let (base, calls) = server_repeating_more().await;
    let client = Client::builder()
        .client_id("app")
        .client_secret("$2a$04$abcdefghijklmnopqrstuu")
        .base_url(base)
        .build()
        .unwrap();
    let watcher = watcher(&client, SqliteStore::in_memory().unwrap()).details(false).build().unwrap();
    let outcome = tokio::time::timeout(Duration::from_secs(20), watcher.run(|_| async { Ok(()) })).await;
    let error = outcome.expect("the watcher stops by itself").expect_err("with an error");
    assert!(matches!(error, npay_order::watch::WatchError::Paging(_)), "{error}");
    assert!(error.to_string().contains("does not advance"), "{error}");
    assert_eq!(*calls.lock().unwrap(), 2, "the first `more` is followed once, its repeat is refused");
    // The page before the repeat was committed with its cursor; the repeat left the cursor alone.
    let cursor = watcher.store().load_cursor("app").unwrap().expect("cursor");
    assert_eq!(cursor.window.and_then(|w| w.more).map(|m| m.more_sequence).as_deref(), Some("00000000000000000002"));
}

#[tokio::test]
async fn a_subscription_hands_over_every_change_once_when_each_is_acknowledged() {
    let (sandbox, client) = sandbox().await;
    sandbox
        .control()
        .create_orders(&CreateOrders { count: 60, products_per_order: 2, ..Default::default() })
        .await
        .unwrap();
    let store = Arc::new(SqliteStore::in_memory().unwrap());
    let subscription =
        watcher(&client, SqliteStore::in_memory().unwrap()).shared_store(store.clone()).build().unwrap().subscribe();
    let mut seen = Vec::new();
    while seen.len() < 120 {
        let event = tokio::time::timeout(Duration::from_secs(30), subscription.next())
            .await
            .expect("an event within 30 s")
            .expect("the watcher runs")
            .expect("not stopped");
        assert!(subscription.ack(&event.id), "the event that is out can be acknowledged");
        assert!(!subscription.ack(&event.id), "an answered event cannot be answered again");
        seen.push(event);
    }
    subscription.stop();
    assert!(subscription.next().await.expect("a clean stop").is_none());
    let (_, latest) = recorded(&sandbox, client.config().client_id.as_str()).await;
    assert_eq!(ids(&seen), latest);
    assert_eq!(seen.len(), 120, "no event handed over twice");
    let account = client.config().client_id.clone();
    let pending =
        store.list_events(&account, &EventFilter { status: Some(EventStatus::Pending), ..Default::default() });
    assert!(pending.unwrap().is_empty(), "every acknowledged event is marked done");
}

#[tokio::test]
async fn a_refused_or_unanswered_event_comes_back_with_the_same_id_and_a_higher_attempt() {
    let (sandbox, client) = sandbox().await;
    sandbox.control().create_orders(&CreateOrders { count: 1, ..Default::default() }).await.unwrap();
    let subscription = watcher(&client, SqliteStore::in_memory().unwrap())
        .retry_delays(Duration::from_millis(10), Duration::from_millis(20))
        .build()
        .unwrap()
        .subscribe();
    let next = || async {
        tokio::time::timeout(Duration::from_secs(30), subscription.next()).await.expect("in time").unwrap().unwrap()
    };
    let first = next().await;
    assert_eq!(first.attempt, 1);
    assert!(subscription.nack(&first.id, "the shop's database is down"));
    let second = next().await;
    assert_eq!((second.id.as_str(), second.attempt), (first.id.as_str(), 2));
    // Asking for the next event without answering refuses this one: it comes back.
    let third = next().await;
    assert_eq!((third.id.as_str(), third.attempt), (first.id.as_str(), 3));
    assert!(subscription.ack(&third.id));
    subscription.stop();
    assert!(subscription.next().await.unwrap().is_none());
}

#[tokio::test]
async fn stopping_a_subscription_while_an_event_is_out_lets_it_be_acknowledged() {
    let (sandbox, client) = sandbox().await;
    sandbox.control().create_orders(&CreateOrders { count: 3, ..Default::default() }).await.unwrap();
    let store = Arc::new(SqliteStore::in_memory().unwrap());
    let subscription =
        watcher(&client, SqliteStore::in_memory().unwrap()).shared_store(store.clone()).build().unwrap().subscribe();
    let event = tokio::time::timeout(Duration::from_secs(30), subscription.next()).await.unwrap().unwrap().unwrap();
    subscription.stop();
    assert!(subscription.ack(&event.id), "the event in flight is finished after a stop");
    assert!(subscription.next().await.unwrap().is_none(), "nothing more after a stop");
    let done = store.get_event(&event.id).unwrap().expect("stored");
    assert_eq!(done.status, EventStatus::Done);
}

/// A webhook receiver that answers 500 to every request.
async fn failing_receiver() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = [0u8; 65536];
                // One request per read is enough here: answering closes the connection.
                if matches!(socket.read(&mut buffer).await, Ok(n) if n > 0) {
                    let reply = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                    let _ = socket.write_all(reply.as_bytes()).await;
                }
            });
        }
    });
    url
}

#[tokio::test]
async fn a_webhook_failing_past_its_disable_threshold_stops_the_watcher_like_a_410_with_events_pending() {
    use npay_order::watch::{EndpointGone, WatchError, Webhook, WebhookSecret};
    let (sandbox, client) = sandbox().await;
    sandbox.control().create_orders(&CreateOrders { count: 3, ..Default::default() }).await.unwrap();
    let webhook = Webhook::new(failing_receiver().await, vec![WebhookSecret::generate()], Duration::from_secs(5))
        .unwrap()
        .disable_after(Duration::from_millis(500));
    // Retries every 20 ms, far more attempts than fit in 500 ms: nothing is parked before.
    let watcher = watcher(&client, SqliteStore::in_memory().unwrap())
        .retry_schedule(vec![Duration::from_millis(20); 200])
        .build()
        .unwrap();
    let webhook = &webhook;
    let result = tokio::time::timeout(
        Duration::from_secs(20),
        watcher.run(|event| async move { webhook.deliver(&event).await }),
    )
    .await
    .expect("the watcher stops by itself");
    assert!(
        matches!(result, Err(WatchError::EndpointGone(_, EndpointGone::FailingTooLong(d))) if d >= Duration::from_millis(500)),
        "{result:?}"
    );
    assert!(webhook.is_disabled());
    let events = watcher.store().list_events(&client.config().client_id, &EventFilter::default()).unwrap();
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(|e| e.status == EventStatus::Pending), "nothing done, nothing parked: nothing lost");
}
