//! # npay-sandbox
//!
//! A faithful, stateful, fast local emulator of the Naver Pay merchant order API (주문형 API, mall
//! variant, `https://api.pay.naver.com/npay/partner`). Every SDK test (Rust core, Python, Node,
//! Kotlin bindings) runs against it over real HTTP; users can run their own integration tests with
//! it without Naver credentials.
//!
//! * **Binary** `npay-sandbox [--host 127.0.0.1] [--port 0] [--client-id ID] [--client-secret SALT]
//!   [--seed N] [--rate-limit RPS] [--traffic RATE] [--late-rate SHARE --late-max-ms MS]` prints
//!   exactly one stdout line,
//!   `npay-sandbox listening on <base_url>`, and serves until killed.
//! * **Library**: [`start`] / [`Sandbox::start`] serve on the current tokio runtime;
//!   [`Sandbox::start_blocking`] runs its own runtime on a background thread (for FFI bindings).
//!   Dropping the [`Sandbox`] stops it.
//!
//! ```no_run
//! # async fn demo() -> Result<(), npay_sandbox::SandboxError> {
//! let sandbox = npay_sandbox::start(npay_sandbox::SandboxConfig { seed: Some(7), ..Default::default() }).await?;
//! println!("{} {} {}", sandbox.base_url(), sandbox.client_id(), sandbox.client_secret());
//! # Ok(()) }
//! ```
//!
//! Defaults: host `127.0.0.1`, port `0` (a free port), client id `sandbox-client-id`, client secret
//! `$2a$04$sandboxsecretsandboxse` (a canonical cost-4 bcrypt salt), random seed, no rate limit.
//! The base URL is `http://127.0.0.1:PORT/npay/partner`: the API paths (`/v1/...`) are served below
//! it and the control API below `<base_url>/_sandbox/`.
//!
//! Facts come from Naver's public documentation (each part of the spec says where, in
//! `x-npay-source`); most of the mall API's details are only published
//! for its Commerce twin, so much below is **inferred** and marked so. The decisions are listed
//! here so that SDK authors know what is emulated and what is a guess.
//!
//! ## Authentication (`POST /v1/oauth2/token`)
//!
//! * Form body (`application/x-www-form-urlencoded`; query parameters are accepted as a fallback
//!   for fields missing from the body). Fields `client_id`, `timestamp` (Unix ms), `grant_type`
//!   (`client_credentials` only), `client_secret_sign`, `type` (`SELF`|`SELLER`), and `account_id`,
//!   required when `type=SELLER` *(Commerce fields; whether the mall takes `type`/`account_id` is
//!   unconfirmed)*. Missing or malformed fields → 400 code `4000` with `invalidInputs` (`timestamp`
//!   must be an integer; any int64 is one, and one far from now fails the window check with 401).
//!   A JSON body is not read, so it fails with missing fields (as reported for the real API).
//! * Signature: the Base64-decoded sign must be `bcrypt(client_id + "_" + timestamp, salt =
//!   client_secret)`: a bcrypt string carrying the secret's salt (its last salt character compared
//!   by its top 2 bits only, as jBCrypt and node-bcrypt do), verified with the `bcrypt` crate.
//!   Standard and URL-safe Base64, padding optional. The sandbox does not use the client's signing
//!   code, so a signing bug in the client cannot hide behind the same bug here. The published test
//!   vector (`aaaabbbbcccc`, `$2a$10$abcdefghijklmnopqrstuv`) verifies.
//! * `type=SELLER` without `account_id` → 400 (a rule between fields the spec cannot express);
//!   with it, once the signature is verified → **403** `RESOURCE_NOT_AVAILABLE`: the sandbox
//!   application has no related sellers *(code inferred)*.
//! * Timestamp window: `[real now − 5 min, real now + 1 min]` against **real** time, never the
//!   sandbox clock *(direction of the tolerance inferred)*.
//! * Failures → 401 `GW.AUTHN`, gateway-style body, message naming the cause: `unknown client_id`,
//!   `timestamp is outside the allowed window`, `client_secret_sign is not valid Base64`,
//!   `client_secret_sign does not match` *(Naver publishes no code for these)*. Neither the secret
//!   nor the signature is ever echoed.
//! * Tokens live 3 h (10,800 s) on the **sandbox** clock. Per resource (`type`, `account_id`) the
//!   same token is returned while ≥ 30 min remain (`expires_in` = the remaining seconds); otherwise a
//!   new one is minted and the old one stays valid until it expires. `tokensIssued` counts mints.
//!   Tokens are random (not derived from the seed) and start with `sbx`.
//! * Every other API call needs `Authorization: Bearer <token>`: missing, malformed, unknown or
//!   expired → 401 `GW.AUTHN`.
//!
//! ## Gateway behaviour
//!
//! * Every response, success or error, control API included, carries `GNCP-GW-Trace-ID`
//!   (`sbx-XXXXXX^<epoch ms>^<sequence>`, the gateway's `node^millis^seq` shape); error bodies
//!   `{code, message, timestamp, traceId[, invalidInputs]}` repeat it. Success envelopes are
//!   `{timestamp, traceId, data}`; every date-time is KST `yyyy-MM-ddTHH:mm:ss.SSS+09:00`.
//!   Processed API answers also carry `GNCP-GW-HttpClient-ResponseTime` (ms).
//! * Unknown path → 404 `GW.NOT_FOUND` (no auth needed). Known path, wrong method → 405 with code
//!   `GW.METHOD_NOT_ALLOWED` *(invented)* and an `Allow` header. A JSON endpoint called with a
//!   non-JSON `Content-Type` → 415 `UNSUPPORTED_MEDIA_TYPE` *(invented; a missing Content-Type is
//!   accepted)*. Bodies over 1 MiB → 413.
//! * Order of processing of an API request: route → count in `stats.requests` → latency → (reset
//!   meanwhile? then 500, nothing done) → fault draw → read body → authenticate → rate limit →
//!   validate → apply → after-processing fault.
//! * Rate limit (`--rate-limit RPS`, default off): one token bucket per application, refill `RPS`
//!   per second of real time, burst `2 × RPS`, checked after authentication (for the token call,
//!   after the signature check). Exceeded → 429 `GW.RATE_LIMIT`. When a limit is set, every answer
//!   that passed authentication carries `GNCP-GW-RateLimit-Replenish-Rate`,
//!   `GNCP-GW-RateLimit-Burst-Capacity` and `GNCP-GW-RateLimit-Remaining`.
//!
//! ## Validation and errors
//!
//! * **The spec decides what is a 400.** A request the spec's schemas forbid → 400 code `4000`
//!   with `invalidInputs: [{name, type, message}]`, `type` in Spring's vocabulary: `NotNull`,
//!   `NotBlank`, `Size`, `Min`, `Max`, `Pattern`, `typeMismatch`, `DateRange`,
//!   `HttpMessageNotReadable` (`Range` in the control API). Nested names look like
//!   `dispatchProductOrders[0].deliveryMethod`. *(Shape confirmed for Commerce pay-settle and the
//!   token API only.)* A schema-valid request is never a 400, except
//!   for the rules between parameters a schema cannot express (date ranges, `type=SELLER` without
//!   `account_id`, a `moreSequence` not taken from `more`); business rules answer like the real
//!   API, per item in a 200 `ClaimResult`/`ConfirmResult` or 404 for an unknown path id. Checked by
//!   schemathesis and prism in `cargo xtask test` (`openapi/schemathesis.toml`). Nothing answers
//!   500 unless a fault is injected.
//! * `null` for a body field is a 400 (`typeMismatch`: no field of the spec is nullable; omit it).
//!   Properties the spec does not declare are ignored, whatever their type (objects are open).
//! * Unknown enum values in requests, including values outside the write-side subsets
//!   (`cancelReason` 7 values, `returnReason` 11, `holdbackClassType` 14, `RequestDeliveryMethod`
//!   — every delivery method but the read-side `UNKNOWN` — for dispatch `deliveryMethod`,
//!   `collectDeliveryMethod` and `reDeliveryMethod`, courier codes outside the 203
//!   `DeliveryCompanyCode` values) → 400 `typeMismatch`. Dispatching or re-delivering with a
//!   `RETURN_*` method (collection methods) fails the item with `104116` *(inferred)*.
//! * Query strings: unknown parameters are ignored; for single-valued parameters the first value
//!   wins; an empty value is `NotBlank`; list parameters accept repeats and commas.
//! * Date-times: ISO-8601 with an offset (`+09:00` or `Z`), with or without fractional seconds. A
//!   space where the offset's `+` should be (an unencoded `+` in a query string) → 400 with a hint
//!   to send `%2B` *(the real API is reported to fail too)*.
//! * Ranges: `lastChangedTo` / `to` / `inquiryTimeTo` default to start + 24 h; end before start →
//!   400 `4000` (`DateRange`); span over 24 h → 400 `104139` — for last-changed statuses, search
//!   *and* reviews *(24 h for reviews inferred, matching the spec's `x-npay-date-range`)*.
//! * `limitCount` 1..=300, absent → 300; outside → 400 (the spec's limits; Naver itself caps a
//!   larger value to 300, and the SDK refuses one before sending). `pageSize` 1..=300 (default
//!   300), `page` 1..=1,000,000.
//! * Batch limits: query 1..=300 ids, confirm 1..=30 ids, dispatch 1..=30 entries (→ 400 `Size`).
//! * Ids are any non-empty string (`minLength: 1`; `""` → 400). Unknown ids, whatever they look
//!   like: in a path → 404 code `100001` (product order) / `100003` (order); in confirm and dispatch
//!   → fail item `100001`; in query → omitted. A repeated id in confirm/dispatch → fail item
//!   `104131` for the repeats.
//! * Single-item operations answer **200** with `ClaimResult {successProductOrderIds,
//!   failProductOrderInfos}` for state failures (not HTTP 400).
//! * Quantity claims: `cancelQuantity`/`returnQuantity` are int32 ≥ 1 (else 400). The sandbox
//!   emulates whole-quantity claims only: a quantity other than the remaining one (a part of it,
//!   or more than remains) fails the item with `104133` and a message saying so; omitting it
//!   claims everything.
//! * Tracking numbers: 8–20 ASCII letters or digits, hyphens allowed inside (else `104122`, for
//!   dispatch, re-delivery and a return's `collectTrackingNumber` alike — never a 400). A
//!   (courier, number) pair used by another *order* → `104121`; product orders of one order may
//!   share a number (합포장).
//! * Limits are the spec's: `cancelDetailedReason` 500 characters, `dispatchDelayedDetailedReason`
//!   and holdback details 4000, tracking numbers 100; fee amounts any int64 ≥ 0; reject reasons
//!   and ids have no upper bound.
//!
//! ## Data
//!
//! * The store starts **empty**; `POST _sandbox/orders` creates orders. The seed drives ids,
//!   names, addresses, products, amounts and reviews; timestamps come from the sandbox clock, so
//!   with the same seed and the same calls two sandboxes produce the same data apart from dates.
//!   `POST _sandbox/reset` returns to the initial (empty) state of the same seed.
//! * Ids: orderId, productOrderId and claimId are `yyyyMMdd` (KST, sandbox clock) + 8 digits from
//!   monotonic counters (16 digits, like `2022040521691951`); review ids are 10-digit strings.
//! * Korean buyers and receivers (20 % of orders ship to someone else), 서울/부산 road-name
//!   addresses, `010-XXXX-XXXX` phones, products from a fixed catalogue with options.
//! * Amounts (KRW, whole won): `totalProductAmount = (unitPrice + optionPrice) × quantity`;
//!   `totalPaymentAmount = totalProductAmount − productDiscountAmount` (30 % of items carry a 10 %
//!   immediate, seller-borne discount); conditional free shipping: an order under 50,000 won puts a
//!   3,000 won `deliveryFeeAmount` on its first item; `generalPaymentAmount +
//!   naverMileagePaymentAmount` = Σ(totalPaymentAmount + deliveryFeeAmount); commissions 3.63 %
//!   (payment) + 2 % (sale), `expectedSettlementAmount = totalPaymentAmount − both`. Cancelled and
//!   returned items have `remain*` amounts and quantity 0.
//! * Masking *(inferred)*: `ordererId` is always masked (`kim12****`); phone numbers are shown in
//!   full until the deal closes (PURCHASE_DECIDED, CANCELED, RETURNED, CANCELED_BY_NOPAYMENT) and as
//!   `010-****-5678` afterwards.
//! * JSON omits absent fields (never `null`) and empty `completedClaims`. Not emulated (so never
//!   sent): the deprecated top-level `cancel`/`return`/`exchange`, gifts, hope-delivery, coupons,
//!   card promotions, logistics/SKU data, address changes (`receiverAddressChanged` and
//!   `isReceiverAddressChanged` are always `false`), fulfillment orders (`fulfillment=true` finds
//!   nothing).
//! * Claims: `productOrder.claimType/claimStatus/claimId` show the open claim, else the most recent
//!   closed one. `currentClaim.{cancel|return|exchange}` holds only the open claim; closed claims
//!   (done, rejected, withdrawn) move to `completedClaims`; `beforeClaim.exchange` shows the most
//!   recent completed exchange. `requestChannel` is `판매자` (API) or `구매자` (buyer events). A
//!   buyer-fault return/exchange (`INTENT_CHANGED`, `COLOR_AND_SIZE`, `WRONG_ORDER`,
//!   `SIMPLE_INTENT_CHANGED`) demands 3,000 / 6,000 won `claimDeliveryFeeDemandAmount`.
//!
//! ## Last-changed statuses
//!
//! One entry per product order, at its **latest** change (the API's "last changed" view): a
//! product order changed twice appears once, with its latest state and time; a window that only
//! covers an earlier change does not show it. Sorted by `(lastChangedDate, productOrderId)`, both
//! bounds inclusive. When more remain, `more = {moreFrom, moreSequence}`: `moreFrom` is the time of
//! the first item not returned and `moreSequence` a 20-digit tie-breaker (that item's
//! productOrderId, zero-padded). A call with `moreSequence` returns items at `moreFrom` with
//! productOrderId ≥ it, then later items — so paging never drops or repeats an item, even when
//! hundreds share one millisecond. A change made between pages moves the item later, so it shows
//! up again with its new state. The sandbox clock is monotonic.
//!
//! `lastChangedType` per transition *(Commerce value set; the mapping is inferred)*:
//!
//! | transition | lastChangedType |
//! |---|---|
//! | order created unpaid | `PAY_WAITING` |
//! | created paid, or `pay` event | `PAYED` |
//! | dispatch | `DISPATCHED` |
//! | cancel request (awaiting approval), return/exchange request | `CLAIM_REQUESTED` |
//! | collection done (`collect-done` event, completeExchangeCollect) | `COLLECT_DONE` |
//! | cancel done (immediate or approved), return approved, exchange delivered | `CLAIM_COMPLETED` |
//! | return/exchange rejected, claim withdrawn by the buyer | `CLAIM_REJECTED` |
//! | exchange re-dispatched | `CLAIM_REDELIVERING` |
//! | purchase decided | `PURCHASE_DECIDED` |
//!
//! No change record (no Commerce type fits): confirm (placeOrderStatus), delay, holdback and its
//! release, and plain delivery (DELIVERING → DELIVERED). Dispatching over a buyer cancel request
//! records one `DISPATCHED` change.
//!
//! ## State machine (decisions marked)
//!
//! | operation / event | from | to | refused with |
//! |---|---|---|---|
//! | `pay` event | PAYMENT_WAITING (whole order) | PAYED, NOT_YET | 409 |
//! | confirm | PAYED + NOT_YET, no claim | placeOrderStatus OK | OK already → 105306; else 104442 |
//! | delay | PAYED, no claim, not yet delayed | delayedDispatchReason, shippingDueDate | delayed → 105306; due date ≤ now or > 90 days → 104105; else 104442 |
//! | dispatch | PAYED + OK (an open buyer CANCEL_REQUEST is rejected: CANCEL_REJECT) | DELIVERING | NOT_YET → 104443; already dispatched → 105306; else 104442 |
//! | `deliver` event | DELIVERING | DELIVERED | |
//! | `decide-purchase` event | DELIVERING / DELIVERED / EXCHANGED, no open claim | PURCHASE_DECIDED + review | 409 |
//! | requestCancel (seller) | PAYED, no claim | CANCEL_DONE, CANCELED at once *(inferred)* | open cancel or CANCELED → 105306; else 104442 |
//! | `request-cancel` event | PAYMENT_WAITING or PAYED + NOT_YET | CANCEL_DONE, CANCELED (auto) | 409 |
//! | `request-cancel` event | PAYED + OK | CANCEL_REQUEST | 409 |
//! | approveCancel | CANCEL_REQUEST / CANCELING | CANCEL_DONE, CANCELED | done → 105306; else 104442 |
//! | requestReturn / `request-return` | DELIVERING / DELIVERED / EXCHANGED, no open claim | RETURN_REQUEST | open return → 105306; else 104442 |
//! | `request-exchange` event | DELIVERING / DELIVERED / EXCHANGED, no open claim | EXCHANGE_REQUEST | 409 |
//! | `collect-done` event, completeExchangeCollect | RETURN_REQUEST / EXCHANGE_REQUEST / COLLECTING | COLLECT_DONE | COLLECT_DONE → 105306; else 104442 |
//! | approveReturn | COLLECT_DONE, not held | RETURN_DONE, RETURNED | held or not collected → 104442; done → 105306 |
//! | rejectReturn / rejectExchange | *_REQUEST / COLLECTING / COLLECT_DONE, not held | *_REJECT, status restored | held or redelivering → 104442; just rejected → 105306 |
//! | holdbackReturn / holdbackExchange | open claim not held (exchange: before re-delivery) | holdbackStatus HOLDBACK (reason, detail, fee → `etcFeeDemandAmount`) | held → 105306; else 104442 |
//! | release…Holdback | HOLDBACK | RELEASED | RELEASED → 105306; else 104442 |
//! | redeliverExchange | COLLECT_DONE, not held | EXCHANGE_REDELIVERING | held → 104442; redelivering → 105306; anything else → 104417; courier/tracking → 104118–104122 |
//! | `deliver` event | EXCHANGE_REDELIVERING | EXCHANGE_DONE, EXCHANGED | |
//! | `withdraw-claim` event | CANCEL_REQUEST; return/exchange before re-delivery (a hold is released) | CANCEL_REJECT / RETURN_REJECT / EXCHANGE_REJECT, status restored | 409 |
//!
//! Collection may complete while a claim is held *(decision)*; a `deliver` event during a
//! return request turns DELIVERING into DELIVERED and a later rejection restores DELIVERED. Time
//! never moves states by itself (no automatic purchase decision or payment expiry).
//!
//! ## Reviews (`GET /v1/pay-order/mall/reviews`, *inferred from the SOAP service*)
//!
//! Every purchase-decided product order gets exactly one review at decision time (30 %
//! `PREMIUM`, score 1–5, title and text from a list, masked `writerId`), deterministic for the
//! seed. `inquiryTimeFrom`/`inquiryTimeTo` filter on `modifyDate` (= `createDate`); oldest first;
//! `purchaseReviewClassType` filters; `page`/`pageSize` paginate.
//!
//! ## Settlements (`GET /v1/pay-settle-mall/...`, *Commerce `pay-settle` shapes*)
//!
//! Rows are derived on every call from the product orders (so they always agree with the orders'
//! amounts; the same seed and calls give the same rows apart from dates). Answers have **no
//! envelope**: `{elements, pagination}` with `pagination.page` echoing `pageNumber` (1-based;
//! whether Naver's is 0-based is undocumented).
//!
//! * A PURCHASE_DECIDED product order is settled: `settleBasisDate` = the decision's KST day,
//!   `settleExpectDate` = the next day *(inferred)*, `settleCompleteDate` = that day once the
//!   sandbox clock reaches it. DELIVERED / EXCHANGED ones are unsettled (only `payDate`). Paid ones
//!   later CANCELED / RETURNED give a `NORMAL_SETTLE_BEFORE_CANCEL` row with zero amounts.
//! * `PROD_ORDER` rows use the order data's commissions (3.63 % → `totalPayCommissionAmount`,
//!   2 % → `sellingInterlockCommissionAmount`, negative), so `settleExpectAmount` =
//!   `expectedSettlementAmount`. The product order carrying a shipping fee adds a `DELIVERY` row
//!   under its own shipping-fee number (payment commission only).
//! * `settle/case`, `settle/commission-details`: filters `searchDate` on the `periodType` axis
//!   (default, undocumented: the basis date), `settleDecisionType` (only with
//!   `SETTLE_CASEBYCASE_PAY_DATE`, ignored otherwise), `settleType`, `orderId`, `productOrderId`.
//!   Commission rows: `PAY_COMMISSION` (with `payMeansType`) and, for products,
//!   `CHNL_COMMISSION` (`sellingInterlockCommissionType` `NAVER_SHOPPING`).
//! * `settle/daily`: settled rows summed per `settleExpectDate` in `[startDate, endDate]`; the range
//!   may span at most 31 days *(reported as about a month)*; paid to `KB` by account.
//! * `vat/case`, `vat/daily`: settled rows by `settleBasisDate` (all taxable; card payments as
//!   `creditCardAmount`, transfers, deposits and Naver Pay money as `cashInComeDeductionAmount`,
//!   phone payments as `otherAmount`); `endDate` may reach only the last day of the previous month
//!   (KST, sandbox clock) *(reported)*.
//! * `pageNumber` 1..=2³¹−1 and `pageSize` 1..=1000 are required. Every parameter error, and
//!   `endDate < startDate`, is 400 with code **`BAD_REQUEST`** (the Commerce `pay-settle` code, not the
//!   order API's `4000`) and `invalidInputs` (`DateRange` for the range rules).
//!
//! ## Control API (`<base_url>/_sandbox/`, JSON, no auth, never faulted)
//!
//! * `POST orders {count=1 (1..=10000), status="PAYED"|"PAYMENT_WAITING", productsPerOrder=1
//!   (1..=20)}` → `{orderIds, productOrderIds}`; all of one call share one timestamp.
//! * `POST product-orders/{id}/events/{event}` with `pay`, `deliver`, `decide-purchase`,
//!   `request-cancel`, `request-return`, `request-exchange`, `collect-done`, `withdraw-claim`;
//!   optional body `{reason (ClaimReason), detailedReason}` → `{productOrderId, event,
//!   productOrderStatus, claimType, claimStatus, affectedProductOrderIds}`. Impossible → 409 with the
//!   state code (`104442`, `105306`) and a message naming the current state; unknown event → 404;
//!   unknown product order → 404 `100001`. Buyer returns/exchanges are collected by `CJGLS`
//!   through `RETURN_DESIGNATED`.
//! * `POST clock {advanceSeconds ≥ 0}` / `GET clock` → `{now, today, offsetSeconds}` (`today`: the
//!   KST date, `yyyy-MM-dd`). The clock only moves forward; it drives token expiry and the
//!   timestamps of data and changes.
//! * `PUT faults {serverErrorRate, rateLimitRate, resetRate, latencyMs, seed}` (missing fields = 0,
//!   seed = the sandbox seed; rates in 0..=1, summing to ≤ 1) / `GET faults`.
//! * `GET stats` → `{tokensIssued, requests: {operationId: N} (every operation), mutationsApplied:
//!   {operationId: N} (every mutating operation)}`.
//! * `POST reset` → the seeded initial state: empty store, faults off, stats zero, tokens cleared,
//!   clock offset 0, rate-limit bucket full. An API request still in flight then (held by
//!   `latencyMs` or its signature check, or forwarded late by a proxy after its client gave up)
//!   changes nothing and is answered 500 `GW.INTERNAL_SERVER_ERROR`, as before processing. One
//!   test's leftovers never reach the next test's counts.
//! * `GET info` → `{clientId, seed, now, rateLimitRps, events}`.
//! * `PUT traffic {ratePerSecond (0..=10000), seed}` / `GET traffic` (adds `actions`): the traffic
//!   generator (orders paid, claims requested, deliveries completed, …; see the README). Also
//!   [`SandboxConfig::traffic`] and the binary's `--traffic RATE`.
//! * `PUT visibility {lateRate (0..=1), maxDelayMs, seed}` / `GET visibility`: that share of
//!   changes is listable only 1..=`maxDelayMs` ms after its `lastChangedDate`.
//! * `PUT absent-fields {"as": "omitted" | "null"}` / `GET absent-fields`: whether successful
//!   answers leave absent optional fields out (the default, like the docs' examples) or send them
//!   as `null` (as some real answers do), at any depth, by the spec's shape of each answer. Also
//!   [`SandboxConfig::absent_fields`] and the binary's `--absent-fields null`.
//! * `GET changes` → `{count, changes}`: the record of every change ever made, with
//!   `visibleFromMs` and, once a later change replaced it in the listing, `replacedAtMs`.
//! * `POST apps {count, prefix, traffic}` / `GET apps`: more applications, each with its own
//!   client id and secret, orders, changes, clock, tokens, stats, traffic and rate-limit bucket;
//!   `apps/{clientId}/<path>` is the control call `<path>` for one of them (`_sandbox/<path>`
//!   stays the first one's); `GET requests` → every application's API requests per second of
//!   real time (to check a rate budget against the server's own record). See `apps.rs`.
//!
//! ## Faults
//!
//! Per API request (issueToken included), one draw from the fault RNG (seeded by `seed`): with
//! probability `rateLimitRate` → 429 `GW.RATE_LIMIT` before processing; `serverErrorRate` → one of,
//! equally likely, 503 `GW.BLOCK.01` or 500 `GW.INTERNAL_SERVER_ERROR` before processing, or 504
//! `GW.TIMEOUT.01` **after** processing (the change is applied, the answer lost); `resetRate` → the
//! TCP connection is closed with RST (SO_LINGER 0) and no response, half before and half after
//! processing. `latencyMs` delays every API request. Before-processing faults have no side
//! effects. `stats.requests` counts every routed API request, faulted, rejected or not;
//! `mutationsApplied` counts, per operation, the product orders whose state really changed —
//! including changes behind a 504 or an after-processing reset, never a refused item (`105306`
//! etc.) — so tests can prove nothing was lost or done twice. Control events are not counted.
//!
//! ## Performance
//!
//! hyper 1 HTTP/1.1 with keep-alive, one task per connection, no logging, state under short
//! `std::sync::Mutex` sections never held across an await, a `BTreeMap` change index, JSON written
//! straight from the store. See `bench/wrk.sh` (40–52k req/s for last-changed statuses with 10 items
//! on 2 cores shared with wrk).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod absent;
mod api;
mod apps;
mod auth;
mod changes;
mod control;
mod deviate;
mod enums;
mod fake;
mod faults;
mod hub;
mod input;
/// The spec's request limits (generated).
#[allow(dead_code)] // the spec limits more parameters than the handlers read
#[rustfmt::skip] // generated: formatted by its renderer
#[path = "generated/limits.rs"]
mod limits;
mod model;
/// Every operation of the spec (generated): what the router routes and the statistics count.
#[rustfmt::skip] // generated: formatted by its renderer
#[path = "generated/operations.rs"]
mod operations;
mod reply;
mod router;
mod server;
mod settle;
mod state;
mod store;
mod time;
mod traffic;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio::sync::watch;

pub use crate::enums::DELIVERY_COMPANY_CODES;
/// The control API's definition and typed client (its own crate, which `cargo xtask` may depend
/// on): re-exported, so that a test needs only this crate.
pub use npay_sandbox_control as control_api;
pub use npay_sandbox_control::{
    AbsentFields, AbsentFieldsConfig, ControlClient, DeviationConfig, DeviationKind, EVENTS, TrafficConfig,
    VisibilityConfig,
};

/// Configuration of a sandbox instance.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Address to listen on (default `127.0.0.1`).
    pub host: String,
    /// Port to listen on; `0` picks a free port (default).
    pub port: u16,
    /// The one application id the sandbox knows (default `sandbox-client-id`).
    pub client_id: String,
    /// The application secret, a bcrypt salt `$2a$NN$` + 22 characters
    /// (default `$2a$04$sandboxsecretsandboxse`).
    pub client_secret: String,
    /// Seed of the generated data; `None` picks a random one (see [`Sandbox::seed`]).
    pub seed: Option<u64>,
    /// Gateway rate limit in requests per second per application (burst = 2 × rate); `None` = off.
    pub rate_limit_rps: Option<f64>,
    /// The traffic generator from the start (`None` = off; `PUT _sandbox/traffic` later).
    pub traffic: Option<TrafficConfig>,
    /// Late visibility of changes from the start (`None` = every change listable at once).
    pub visibility: Option<VisibilityConfig>,
    /// How answers carry absent optional fields from the start: left out (the default) or `null`.
    pub absent_fields: AbsentFields,
}

/// Default application id.
pub const DEFAULT_CLIENT_ID: &str = "sandbox-client-id";
/// Default application secret (a canonical cost-4 bcrypt salt).
pub const DEFAULT_CLIENT_SECRET: &str = "$2a$04$sandboxsecretsandboxse";

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            host: "127.0.0.1".to_string(),
            port: 0,
            client_id: DEFAULT_CLIENT_ID.to_string(),
            client_secret: DEFAULT_CLIENT_SECRET.to_string(),
            seed: None,
            rate_limit_rps: None,
            traffic: None,
            visibility: None,
            absent_fields: AbsentFields::Omitted,
        }
    }
}

/// Why a sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The configuration is invalid (secret not a bcrypt salt, bad rate, empty client id).
    #[error("invalid sandbox configuration: {0}")]
    InvalidConfig(String),
    /// Binding the listening socket failed.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address that was tried.
        addr: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The background runtime could not be created (only [`Sandbox::start_blocking`]).
    #[error("cannot start the sandbox runtime: {0}")]
    Runtime(std::io::Error),
}

/// A running sandbox. Dropping it (or calling [`Sandbox::shutdown`]) stops the server.
pub struct Sandbox {
    base_url: String,
    addr: SocketAddr,
    client_id: String,
    client_secret: String,
    seed: u64,
    shutdown_tx: watch::Sender<bool>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox").field("base_url", &self.base_url).field("seed", &self.seed).finish_non_exhaustive()
    }
}

struct Prepared {
    shared: Arc<state::Shared>,
    bind: SocketAddr,
    seed: u64,
}

fn prepare(config: &SandboxConfig) -> Result<Prepared, SandboxError> {
    if config.client_id.is_empty() {
        return Err(SandboxError::InvalidConfig("client_id must not be empty".into()));
    }
    npay_order_api::signature::check_secret(&config.client_secret).map_err(|_| {
        SandboxError::InvalidConfig(
            "client_secret must be a bcrypt salt: $2a$NN$ followed by 22 characters of ./A-Za-z0-9".into(),
        )
    })?;
    if let Some(r) = config.rate_limit_rps
        && !(r.is_finite() && r > 0.0)
    {
        return Err(SandboxError::InvalidConfig("rate_limit_rps must be a positive number".into()));
    }
    let ip: IpAddr = match config.host.as_str() {
        "localhost" => IpAddr::V4(Ipv4Addr::LOCALHOST),
        h => h
            .trim_matches(|c| c == '[' || c == ']')
            .parse()
            .map_err(|_| SandboxError::InvalidConfig(format!("host must be an IP address, got '{h}'")))?,
    };
    let seed = config.seed.unwrap_or_else(rand::random);
    let shared = Arc::new(state::Shared::new(
        config.client_id.clone(),
        config.client_secret.clone(),
        seed,
        config.rate_limit_rps,
    ));
    if let Some(t) = config.traffic {
        if !(t.rate_per_second.is_finite() && (0.0..=10_000.0).contains(&t.rate_per_second)) {
            return Err(SandboxError::InvalidConfig("the traffic rate must be 0–10000 per second".into()));
        }
        shared.set_traffic(t);
    }
    if let Some(v) = config.visibility {
        shared.set_visibility(v);
    }
    shared.absent_as_null.store(config.absent_fields == AbsentFields::Null, std::sync::atomic::Ordering::Relaxed);
    Ok(Prepared { shared, bind: SocketAddr::new(ip, config.port), seed })
}

fn base_url_for(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}{}", SocketAddr::new(ip, addr.port()), server::BASE_PATH)
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, SandboxError> {
    TcpListener::bind(addr).await.map_err(|source| SandboxError::Bind { addr: addr.to_string(), source })
}

/// Parses a rate of actions: `5`, `5/s`, `0.5/s`, `300/m` (per minute) or `3600/h`, in actions
/// per second.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let (number, per) = match text.split_once('/') {
        Some((n, unit)) => (n, unit.trim()),
        None => (text, "s"),
    };
    let seconds = match per {
        "s" | "sec" | "second" => 1.0,
        "m" | "min" | "minute" => 60.0,
        "h" | "hour" => 3600.0,
        other => return Err(format!("unknown unit '{other}' (use /s, /m or /h)")),
    };
    let n: f64 = number.trim().parse().map_err(|_| format!("'{text}' is not a rate such as 5/s"))?;
    let rate = n / seconds;
    if !(rate.is_finite() && (0.0..=10_000.0).contains(&rate)) {
        return Err("the rate must be between 0 and 10000 per second".into());
    }
    Ok(rate)
}

/// Starts a sandbox on the current tokio runtime (see [`Sandbox::start`]).
pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
    Sandbox::start(config).await
}

impl Sandbox {
    /// Starts a sandbox on the current tokio runtime and returns once it accepts connections.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        let p = prepare(&config)?;
        let listener = bind(p.bind).await?;
        let addr = listener.local_addr().map_err(|source| SandboxError::Bind { addr: p.bind.to_string(), source })?;
        let (tx, rx) = watch::channel(false);
        tokio::spawn(server::serve(listener, p.shared, rx));
        Ok(Sandbox {
            base_url: base_url_for(addr),
            addr,
            client_id: config.client_id,
            client_secret: config.client_secret,
            seed: p.seed,
            shutdown_tx: tx,
            thread: Mutex::new(None),
        })
    }

    /// Starts a sandbox on its own multi-thread tokio runtime in a background thread, for callers
    /// without a runtime (FFI bindings, synchronous tests). Returns once it accepts connections.
    pub fn start_blocking(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        let p = prepare(&config)?;
        // Bind with std so that this works from any thread, even one inside another runtime.
        let bind_err = |source| SandboxError::Bind { addr: p.bind.to_string(), source };
        let std_listener = std::net::TcpListener::bind(p.bind).map_err(bind_err)?;
        std_listener.set_nonblocking(true).map_err(bind_err)?;
        let addr = std_listener.local_addr().map_err(bind_err)?;
        let (tx, rx) = watch::channel(false);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), SandboxError>>();
        let shared = p.shared;
        let thread = std::thread::Builder::new()
            .name("npay-sandbox".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("npay-sandbox-worker")
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(SandboxError::Runtime(e)));
                        return;
                    }
                };
                let listener = match runtime.block_on(async { TcpListener::from_std(std_listener) }) {
                    Ok(l) => l,
                    Err(source) => {
                        let _ = ready_tx.send(Err(SandboxError::Bind { addr: addr.to_string(), source }));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(()));
                runtime.block_on(server::serve(listener, shared, rx));
                runtime.shutdown_timeout(std::time::Duration::from_millis(200));
            })
            .map_err(SandboxError::Runtime)?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                let _ = thread.join();
                return Err(e);
            }
            Err(_) => {
                let _ = thread.join();
                return Err(SandboxError::Runtime(std::io::Error::other("the sandbox thread stopped during start")));
            }
        }
        Ok(Sandbox {
            base_url: base_url_for(addr),
            addr,
            client_id: config.client_id,
            client_secret: config.client_secret,
            seed: p.seed,
            shutdown_tx: tx,
            thread: Mutex::new(Some(thread)),
        })
    }

    /// The base URL clients use, e.g. `http://127.0.0.1:41234/npay/partner`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The base URL of the control API (`<base_url>/_sandbox`).
    pub fn control_url(&self) -> String {
        format!("{}/_sandbox", self.base_url)
    }

    /// The typed client of its control API (orders, events, clock, faults, stats, traffic, …).
    /// Panics only if no HTTP client can be built at all (bindings build theirs with
    /// [`ControlClient::new`], which returns that as an error).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let sandbox = npay_sandbox::Sandbox::start(npay_sandbox::SandboxConfig::default()).await?;
    /// let ids = sandbox.control().paid_orders(3).await?;
    /// sandbox.control().event(&ids[0], "request-cancel").await?;
    /// # Ok(()) }
    /// ```
    pub fn control(&self) -> ControlClient {
        // The base URL is the sandbox's own `http://` loopback URL, which is always valid.
        ControlClient::new(&self.base_url).expect("the sandbox's base URL is an http URL")
    }

    /// The socket address the sandbox listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The application id the sandbox accepts.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The application secret (bcrypt salt) the sandbox verifies signatures with.
    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// The data seed in use (the configured one, or the random one picked at start).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Stops accepting connections and closes open ones. Idempotent; with
    /// [`Sandbox::start_blocking`] it also waits for the background thread.
    pub fn shutdown(&self) {
        let _ = self.shutdown_tx.send(true);
        let handle = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(h) = handle {
            let _ = h.join();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown();
    }
}
