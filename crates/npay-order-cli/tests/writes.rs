//! `orders get`, `confirm`, `dispatch`, `delay` and the claim verbs against the sandbox, as a
//! merchant runs them: what is printed (tables aligned with Korean text, JSON lines, CSV), and
//! what the sandbox says was applied.

mod common;

use common::*;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

/// The display columns of every `|` of each table row: the same on every row when the table is
/// aligned (Hangul is two columns wide).
fn assert_aligned(table: &str) {
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with('|') || l.starts_with('+')).collect();
    assert!(rows.len() >= 3, "{table}");
    let bars = |line: &str| -> Vec<usize> {
        let mut width = 0;
        let mut at = Vec::new();
        for c in line.chars() {
            if c == '|' {
                at.push(width);
            }
            width += UnicodeWidthStr::width(c.encode_utf8(&mut [0; 4]) as &str);
        }
        at
    };
    let widths: Vec<usize> = rows.iter().map(|l| UnicodeWidthStr::width(*l)).collect();
    assert!(widths.iter().all(|w| *w == widths[0]), "rows of different widths {widths:?}:\n{table}");
    let cells: Vec<Vec<usize>> = rows.iter().filter(|l| l.starts_with("| ")).map(|l| bars(l)).collect();
    assert!(cells.iter().all(|b| *b == cells[0]), "columns do not line up:\n{table}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_get_prints_an_aligned_table_with_korean_text_json_lines_and_csv() {
    let (sandbox, ids) = sandbox_with_orders(3).await;
    let output = ok(cli(&sandbox).args(["orders", "get"]).args(&ids));
    let table = text(&output.stdout);
    for column in ["product order", "order", "status", "product", "buyer", "receiver", "tracking"] {
        assert!(table.contains(column), "{column} missing:\n{table}");
    }
    assert!(ids.iter().all(|id| table.contains(id.as_str())), "{table}");
    assert!(table.chars().any(|c| ('가'..='힣').contains(&c)), "no Korean text to align:\n{table}");
    assert!(table.contains("PAYED") && table.trim_end().ends_with("3 of 3 product orders"), "{table}");
    assert_aligned(&table);

    let details = json_lines(&ok(cli(&sandbox).args(["orders", "get", "--json"]).args(&ids)));
    assert_eq!(details.len(), 3);
    for (detail, id) in details.iter().zip(&ids) {
        assert_eq!(detail["productOrder"]["productOrderId"], id.as_str());
        assert_eq!(detail["productOrder"]["productOrderStatus"], "PAYED");
        assert!(detail["order"]["orderId"].is_string());
        let name = detail["order"]["ordererName"].as_str().unwrap();
        assert!(name.chars().any(|c| ('가'..='힣').contains(&c)), "{name}");
        assert!(detail["productOrder"]["shippingAddress"]["baseAddress"].is_string());
    }

    let output = ok(cli(&sandbox).args(["orders", "get", "--csv"]).args(&ids));
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    for column in
        ["productOrderId", "productOrderStatus", "productName", "receiverName", "baseAddress", "trackingNumber"]
    {
        assert!(header.iter().any(|h| h == column), "{column} missing from {header:?}");
    }
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[0][at("productOrderId")], ids[0].as_str());
    assert_eq!(&rows[0][at("productName")], details[0]["productOrder"]["productName"].as_str().unwrap());

    // An unknown id: the others are printed, the unknown one named on stderr, and the exit is non-zero.
    let output = fails(cli(&sandbox).args(["orders", "get", "--json", &ids[0], "1999999999999999"]));
    assert_eq!(json_lines(&output).len(), 1);
    assert!(text(&output.stderr).contains("not found: 1999999999999999"), "{}", text(&output.stderr));
    assert!(fails(cli(&sandbox).args(["orders", "get", "--json", "--csv", &ids[0]])).stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirm_reports_a_result_per_id_from_the_success_and_failure_lists() {
    let (sandbox, ids) = sandbox_with_orders(2).await;
    let output = fails(cli(&sandbox).args(["confirm", "--json", &ids[0], &ids[1], "1999999999999999", &ids[0]]));
    let lines = json_lines(&output);
    // Each id once, in the order given.
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0]["productOrderId"], ids[0].as_str());
    assert_eq!(lines[0]["result"], "ok");
    assert_eq!(lines[1]["result"], "ok");
    assert_eq!(lines[2]["productOrderId"], "1999999999999999");
    assert_eq!(lines[2]["result"], "failed");
    assert_eq!(lines[2]["code"], "100001");
    let orders = orders(&sandbox, &ids);
    assert!(ids.iter().all(|id| orders[id]["productOrder"]["placeOrderStatus"] == "OK"), "{orders:?}");

    // Again: refused per item (already confirmed), shown as a table.
    let output = fails(cli(&sandbox).args(["confirm", &ids[0]]));
    let table = text(&output.stdout);
    assert!(table.contains("failed") && table.contains("0 ok, 1 failed, 0 invalid"), "{table}");
    assert_aligned(&table);
}

/// The rows of a result CSV, by header name.
fn result_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    (header, rows)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dispatch_of_a_mixed_csv_applies_the_good_rows_and_reports_every_bad_one() {
    let (sandbox, ids) = sandbox_with_orders(5).await;
    // Four of five confirmed; the fifth is refused by the server (not confirmed yet).
    ok(cli(&sandbox).args(["confirm"]).args(&ids[..4]));
    let dir = temp("dispatch-mixed");
    let file = dir.join("송장.csv");
    let result = dir.join("결과.csv");
    let input = format!(
        "\u{feff}상품주문번호,택배사,송장번호,메모\n\
         {a},CJGLS,651234567890,첫 줄\n\
         {b},hanjin,4312-8765-0099,소문자 택배사\n\
         {c},NOPE,123456789012,모르는 택배사\n\
         {d},CJGLS,,송장 없음\n\
         ,CJGLS,651234567891,번호 없음\n\
         {a},EPOST,651234567892,중복\n\
         {e},CJGLS,651234567893,발주 확인 전\n\
         1999999999999999,CJGLS,651234567894,없는 주문\n\
         {d}\n",
        a = ids[0],
        b = ids[1],
        c = ids[2],
        d = ids[3],
        e = ids[4],
    );
    std::fs::write(&file, &input).unwrap();
    let before = stats(&sandbox).await;
    let output = fails(cli(&sandbox).args(["dispatch", "--csv"]).arg(&file).arg("--result").arg(&result));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("9 rows: 2 ok, 2 failed, 5 invalid"), "{stderr}");
    assert!(!has_terminal_control(&stderr), "a progress bar on a pipe: {stderr:?}");

    let (header, rows) = result_rows(&std::fs::read(&result).unwrap());
    assert_eq!(header, ["상품주문번호", "택배사", "송장번호", "메모", "result", "message"]);
    assert_eq!(rows.len(), input.lines().count() - 1, "one result row per input row");
    let results: Vec<(&str, &str)> = rows.iter().map(|r| (r[4].as_str(), r[5].as_str())).collect();
    assert_eq!(results[0], ("ok", ""));
    assert_eq!(results[1], ("ok", ""));
    assert_eq!(results[2].0, "invalid");
    assert!(results[2].1.contains("unknown courier code 'NOPE'"), "{}", results[2].1);
    assert_eq!(results[3].0, "invalid");
    assert!(results[3].1.contains("missing tracking number"), "{}", results[3].1);
    assert!(results[4].1.contains("missing product order id"), "{}", results[4].1);
    assert!(results[5].1.contains("same product order as row 1"), "{}", results[5].1);
    assert_eq!(results[6].0, "failed", "the server refuses an unconfirmed order: {:?}", results[6]);
    assert!(results[6].1.starts_with("104443"), "{}", results[6].1);
    assert_eq!(results[7].0, "failed");
    assert!(results[7].1.starts_with("100001"), "{}", results[7].1);
    assert_eq!(results[8].0, "invalid", "a short row: {:?}", rows[8]);
    // The input's own cells come back as they were.
    assert_eq!(rows[1][..4], [ids[1].as_str(), "hanjin", "4312-8765-0099", "소문자 택배사"]);
    assert_eq!(rows[8][0], ids[3]);

    // The good rows are dispatched, with their courier and tracking number; the others are not.
    let after = stats(&sandbox).await;
    assert_eq!(after.applied("dispatchProductOrders"), 2);
    assert_eq!(
        after.requests_of("dispatchProductOrders") - before.requests_of("dispatchProductOrders"),
        1,
        "seven sendable rows go in one request"
    );
    let orders = orders(&sandbox, &ids);
    assert_eq!(orders[&ids[0]]["productOrder"]["productOrderStatus"], "DELIVERING");
    assert_eq!(orders[&ids[0]]["delivery"]["trackingNumber"], "651234567890");
    assert_eq!(orders[&ids[1]]["delivery"]["deliveryCompany"], "HANJIN");
    for id in &ids[2..] {
        assert_eq!(orders[id]["productOrder"]["productOrderStatus"], "PAYED", "{id}");
    }

    // A file of bad rows only: every row reported, nothing sent.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, format!("{},UNKNOWN,651234567895\n,CJGLS,651234567896\n", ids[2])).unwrap();
    let before = stats(&sandbox).await;
    let output = fails(cli(&sandbox).args(["dispatch", "--csv"]).arg(&bad));
    let (header, rows) = result_rows(&output.stdout);
    assert_eq!(header, ["productOrderId", "courier", "trackingNumber", "result", "message"]);
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r[3] == "invalid"), "{rows:?}");
    let after = stats(&sandbox).await;
    assert_eq!(after.requests_of("dispatchProductOrders"), before.requests_of("dispatchProductOrders"));
    assert_eq!(after.requests_of("issueToken"), before.requests_of("issueToken"), "no call at all");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dispatch_of_a_large_csv_goes_30_rows_a_request_without_a_bar_on_a_pipe() {
    let (sandbox, ids) = sandbox_with_orders(70).await;
    ok(cli(&sandbox).args(["confirm"]).args(&ids));
    let dir = temp("dispatch-large");
    let file = dir.join("invoices.csv");
    let mut input = "productOrderId,courier,trackingNumber\n".to_owned();
    for (i, id) in ids.iter().enumerate() {
        input.push_str(&format!("{id},CJGLS,{}\n", 770_000_000_000u64 + i as u64));
    }
    std::fs::write(&file, input).unwrap();
    // Checked only: nothing sent, every row valid.
    let dry = ok(cli(&sandbox).args(["dispatch", "--dry-run", "--csv"]).arg(&file));
    let (_, rows) = result_rows(&dry.stdout);
    assert!(rows.len() == 70 && rows.iter().all(|r| r[3] == "valid"), "{rows:?}");
    assert_eq!(stats(&sandbox).await.requests_of("dispatchProductOrders"), 0);

    let output = ok(cli(&sandbox).args(["dispatch", "--json", "--csv"]).arg(&file));
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 70);
    for (line, (i, id)) in lines.iter().zip(ids.iter().enumerate()) {
        assert_eq!(line["row"], i + 1);
        assert_eq!(line["productOrderId"], id.as_str());
        assert_eq!(line["result"], "ok");
        assert_eq!(line["columns"]["courier"], "CJGLS");
    }
    let stderr = text(&output.stderr);
    assert!(!has_terminal_control(&stderr), "a progress bar on a pipe: {stderr:?}");
    let stats = stats(&sandbox).await;
    assert_eq!(stats.requests_of("dispatchProductOrders"), 3);
    assert_eq!(stats.applied("dispatchProductOrders"), 70);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dispatch_from_flags_checks_before_sending() {
    let (sandbox, ids) = sandbox_with_orders(1).await;
    ok(cli(&sandbox).args(["confirm", &ids[0]]));
    let bad =
        fails(cli(&sandbox).args(["dispatch", "--json", "--product-order-id", &ids[0], "--courier", "CJ대한통운"]));
    let lines = json_lines(&bad);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["result"], "invalid");
    let message = lines[0]["message"].as_str().unwrap();
    assert!(message.contains("unknown courier code") && message.contains("missing tracking number"), "{message}");
    assert_eq!(stats(&sandbox).await.requests_of("dispatchProductOrders"), 0);
    let output = ok(cli(&sandbox).args(["dispatch", "--product-order-id", &ids[0]]).args([
        "--courier",
        "CJGLS",
        "--tracking-number",
        "651234567899",
    ]));
    assert!(text(&output.stdout).contains("1 ok, 0 failed, 0 invalid"), "{}", text(&output.stdout));
    assert_eq!(orders(&sandbox, &ids)[&ids[0]]["delivery"]["trackingNumber"], "651234567899");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_claim_verbs_and_delay_apply_every_single_item_write_of_the_spec() {
    let (sandbox, ids) = sandbox_with_orders(9).await;
    let [
        delayed,
        seller_cancel,
        buyer_cancel,
        returned,
        rejected_return,
        requested_return,
        exchanged,
        rejected_exchange,
        wrong,
    ] = <[String; 9]>::try_from(ids.clone()).unwrap();
    let run = |args: &[&str]| -> Value {
        let lines = json_lines(&ok(cli(&sandbox).arg("--json").args(args)));
        assert_eq!(lines.len(), 1, "{args:?}: {lines:?}");
        assert_eq!(lines[0]["result"], "ok", "{args:?}: {lines:?}");
        lines[0].clone()
    };
    let line = run(&["delay", &delayed, "--reason", "PRODUCT_PREPARE", "--due", "3d", "--detail", "입고 지연"]);
    assert_eq!(line["productOrderId"], delayed.as_str());
    run(&["cancel", "request", &seller_cancel, "--reason", "SOLD_OUT", "--detail", "재고 소진"]);
    // A buyer's cancel of an unconfirmed order completes at once; of a confirmed one, it waits.
    ok(cli(&sandbox).args(["confirm", &buyer_cancel]));
    event(&sandbox, &buyer_cancel, "request-cancel").await;
    run(&["cancel", "approve", &buyer_cancel]);

    // Delivered orders for the return and exchange claims.
    let delivered = [&returned, &rejected_return, &requested_return, &exchanged, &rejected_exchange];
    ok(cli(&sandbox).arg("confirm").args(delivered));
    for (i, id) in delivered.iter().enumerate() {
        ok(cli(&sandbox)
            .args(["dispatch", "--product-order-id", id, "--courier", "CJGLS"])
            .args(["--tracking-number", &format!("55500000000{i}")]));
        event(&sandbox, id, "deliver").await;
    }
    event(&sandbox, &returned, "request-return").await;
    run(&[
        "return",
        "hold",
        &returned,
        "--class",
        "RETURN_DELIVERYFEE",
        "--detail",
        "반품 배송비",
        "--extra-fee",
        "3000",
    ]);
    run(&["return", "release", &returned]);
    event(&sandbox, &returned, "collect-done").await;
    run(&["return", "approve", &returned]);
    event(&sandbox, &rejected_return, "request-return").await;
    run(&["return", "reject", &rejected_return, "--reason", "사용 흔적"]);
    run(&["return", "request", &requested_return, "--reason", "BROKEN", "--collect-method", "RETURN_DESIGNATED"]);

    event(&sandbox, &exchanged, "request-exchange").await;
    run(&["exchange", "holdback", &exchanged, "--class", "EXCHANGE_DELIVERYFEE", "--detail", "교환 배송비"]);
    run(&["exchange", "holdback-release", &exchanged]);
    run(&["exchange", "collect", &exchanged]);
    let redelivery = ["--method", "DELIVERY", "--courier", "HANJIN", "--tracking-number", "666000000001"];
    run(&[&["exchange", "redeliver", exchanged.as_str()][..], &redelivery[..]].concat());
    event(&sandbox, &rejected_exchange, "request-exchange").await;
    run(&["exchange", "reject", &rejected_exchange, "--reason", "교환 기간 경과"]);

    let stats = stats(&sandbox).await;
    for operation in npay_order::OPERATIONS.iter().filter(|o| !o.read_only && o.path.contains("/{productOrderId}/")) {
        assert!(stats.applied(operation.id) >= 1, "{} was not applied: {stats:?}", operation.id);
    }
    let orders = orders(&sandbox, &ids);
    assert_eq!(orders[&buyer_cancel]["productOrder"]["productOrderStatus"], "CANCELED");
    assert_eq!(orders[&returned]["productOrder"]["claimStatus"], "RETURN_DONE");
    assert_eq!(orders[&exchanged]["productOrder"]["claimStatus"], "EXCHANGE_REDELIVERING");

    // A write the state does not allow: failed with the API's code, the next id still sent.
    let output = fails(cli(&sandbox).args(["return", "approve", "--json", &wrong, &rejected_exchange]));
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["result"] == "failed" && l["code"].is_string()), "{lines:?}");
    // A value the spec does not list is refused before anything is sent.
    let output = fails(cli(&sandbox).args(["cancel", "request", &wrong, "--reason", "BORED"]));
    assert!(text(&output.stderr).contains("INTENT_CHANGED"), "{}", text(&output.stderr));
}
