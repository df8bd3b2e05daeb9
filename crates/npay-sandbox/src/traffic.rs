//! The traffic generator: buyers, couriers and the merchant's own back office acting on orders at
//! a steady rate, so that a watcher has something to watch.
//!
//! Every 20 ms of real time it performs `rate × elapsed` actions, all stamped with one sandbox
//! instant, so that at a few actions per tick several product orders share a millisecond (and
//! rows with equal `lastChangedDate` straddle page borders). An action is either a new order
//! (1–3 product orders, one in five awaiting payment) or the next natural step of a random
//! product order: payment, a buyer's cancel request (approved by the next step), confirmation and
//! dispatch, delivery, purchase decision, a return request, its collection and its approval.
//! Delivery itself is no change row (the API has no type for it); the other steps are.

pub use npay_sandbox_control::TrafficConfig;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::enums::{ClaimReason, ClaimStatus, ClaimType, DeliveryMethod, PlaceOrderStatus, ProductOrderStatus};
use crate::store::{Actor, Shipment, Store};
use crate::time::Millis;

/// The generator's state.
pub struct Traffic {
    pub config: TrafficConfig,
    rng: ChaCha8Rng,
    carry: f64,
    last_tick: Option<Millis>,
    /// Actions performed since the generator was configured.
    pub actions: u64,
}

impl Traffic {
    pub fn new(config: TrafficConfig) -> Self {
        Traffic { config, rng: ChaCha8Rng::seed_from_u64(config.seed), carry: 0.0, last_tick: None, actions: 0 }
    }
}

impl Traffic {
    /// How many actions are due at `real_ms` (real time) since the last call: `rate × elapsed`,
    /// at most 2 s worth at once (a stalled machine must not cause a burst of hours).
    pub fn due(&mut self, real_ms: Millis) -> u64 {
        if self.config.rate_per_second <= 0.0 {
            self.last_tick = None;
            return 0;
        }
        let elapsed = real_ms - self.last_tick.unwrap_or(real_ms);
        self.last_tick = Some(real_ms);
        self.carry += self.config.rate_per_second * elapsed as f64 / 1000.0;
        let n = self.carry.floor().min(self.config.rate_per_second * 2.0 + 1.0) as u64;
        self.carry -= self.carry.floor();
        n
    }

    /// Performs `count` actions on `store`, all at the sandbox instant `now`.
    pub fn perform(&mut self, store: &mut Store, now: Millis, count: u64) {
        for _ in 0..count {
            act(store, &mut self.rng, now);
            self.actions += 1;
        }
    }
}

fn new_order(store: &mut Store, rng: &mut ChaCha8Rng, now: Millis) {
    let paid = !rng.random_bool(0.2);
    let per = rng.random_range(1..=3);
    store.create_orders(now, 1, paid, per);
}

/// One action: a new order, or the next step of a random product order.
fn act(store: &mut Store, rng: &mut ChaCha8Rng, now: Millis) {
    if store.pos.is_empty() || rng.random_bool(0.3) {
        return new_order(store, rng, now);
    }
    for _ in 0..8 {
        let idx = rng.random_range(0..store.pos.len());
        if step(store, rng, idx, now) {
            return;
        }
    }
    new_order(store, rng, now);
}

/// The next natural step of product order `idx`; `false` when it has none (a final state).
fn step(store: &mut Store, rng: &mut ChaCha8Rng, idx: usize, now: Millis) -> bool {
    let po = &store.pos[idx];
    let claim = po.current.as_ref().map(|c| (c.claim_type, c.status));
    let result = match (po.status, claim) {
        (ProductOrderStatus::PaymentWaiting, _) => store.pay(idx, now).map(|_| ()),
        (ProductOrderStatus::Payed, Some((ClaimType::Cancel, ClaimStatus::CancelRequest))) => {
            store.approve_cancel(idx, now)
        }
        (ProductOrderStatus::Payed, None) if po.place == PlaceOrderStatus::Ok && rng.random_bool(0.1) => {
            store.request_cancel(idx, now, Actor::Buyer, ClaimReason::IntentChanged, None)
        }
        (ProductOrderStatus::Payed, None) => {
            if po.place != PlaceOrderStatus::Ok {
                let _ = store.confirm(idx, now);
            }
            let shipment = Shipment {
                method: DeliveryMethod::Delivery,
                company: Some("CJGLS".to_string()),
                tracking_number: Some(format!("{}", 600_000_000_000u64 + store.pos[idx].key % 100_000_000_000)),
            };
            store.dispatch(idx, now, &shipment, now)
        }
        (ProductOrderStatus::Delivering | ProductOrderStatus::Delivered, Some((ClaimType::Return, status))) => {
            match status {
                ClaimStatus::CollectDone => store.approve_return(idx, now),
                _ => store.collect_done(idx, now, Some(ClaimType::Return)),
            }
        }
        (ProductOrderStatus::Delivering, None) => store.deliver(idx, now),
        (ProductOrderStatus::Delivered, None) if rng.random_bool(0.25) => {
            let collect = Shipment {
                method: DeliveryMethod::ReturnDesignated,
                company: Some("CJGLS".to_string()),
                tracking_number: None,
            };
            store.request_collect_claim(
                idx,
                now,
                ClaimType::Return,
                Actor::Buyer,
                ClaimReason::IntentChanged,
                None,
                collect,
            )
        }
        (ProductOrderStatus::Delivered, None) => store.decide_purchase(idx, now),
        _ => return false,
    };
    result.is_ok()
}
