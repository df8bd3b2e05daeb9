//! Reading a dispatch file as merchants keep them: a product order id, a courier code and a
//! tracking number a row, with or without a header row, the header in Korean (상품주문번호,
//! 택배사, 송장번호) or English (productOrderId, courier, trackingNumber); comma- or
//! tab-separated, UTF-8 with or without a BOM. Optional columns: the delivery method (배송방법)
//! and the dispatch date (발송일). Every row is checked before anything is sent; a bad row gets
//! its reason and the others go on.

use std::collections::HashMap;

use npay_order::Timestamp;
use npay_order::enums::{DeliveryCompanyCode, RequestDeliveryMethod};
use npay_order::types::DispatchProductOrder;

/// A column the file may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    ProductOrderId,
    Courier,
    TrackingNumber,
    DeliveryMethod,
    DispatchDate,
    /// The `result` / `message` columns of an earlier result file (read again: dropped).
    Result,
    Message,
}

/// The names each column is known by, compared without case, spaces, `_`, `-`, `.` and brackets.
const NAMES: &[(Field, &[&str])] = &[
    (
        Field::ProductOrderId,
        &["상품주문번호", "상품주문id", "productorderid", "productorderno", "productordernumber", "productorder"],
    ),
    (
        Field::Courier,
        &[
            "택배사",
            "택배사코드",
            "택배회사",
            "배송사",
            "courier",
            "couriercode",
            "carrier",
            "deliverycompany",
            "deliverycompanycode",
        ],
    ),
    (
        Field::TrackingNumber,
        &["송장번호", "운송장번호", "운송장", "trackingnumber", "trackingno", "tracking", "invoicenumber", "invoiceno"],
    ),
    (Field::DeliveryMethod, &["배송방법", "배송방식", "deliverymethod", "method"]),
    (Field::DispatchDate, &["발송일", "발송일시", "발송일자", "dispatchdate"]),
    (Field::Result, &["result", "결과"]),
    (Field::Message, &["message", "메시지"]),
];

/// The names of the columns of a file without a header row (in this order).
pub const POSITIONAL: &[&str] = &["productOrderId", "courier", "trackingNumber"];

fn normalise(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '.' | '(' | ')' | '/'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The column a header cell names, if any.
pub fn field_of(name: &str) -> Option<Field> {
    let name = normalise(name);
    NAMES.iter().find(|(_, names)| names.contains(&name.as_str())).map(|(field, _)| *field)
}

/// What a row's missing optional columns default to.
pub struct Defaults {
    pub delivery_method: String,
    pub dispatch_date: Timestamp,
}

/// One data row: its cells as read (the `result`/`message` columns of a re-read result file
/// left out), and the dispatch entry or why it is invalid.
#[derive(Debug)]
pub struct Row {
    /// 1-based among the data rows.
    pub number: usize,
    /// The product order id cell, trimmed (empty when missing).
    pub id: String,
    pub cells: Vec<String>,
    pub item: Result<DispatchProductOrder, String>,
}

/// A read file: the header to echo (the file's own, or [`POSITIONAL`]) and its rows.
#[derive(Debug)]
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

/// Reads a dispatch file's bytes. Errors only for a file that cannot be read as a whole (not
/// UTF-8, no product order id column); everything about one row is that row's result.
pub fn read(bytes: &[u8], defaults: &Defaults) -> anyhow::Result<Sheet> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "the file is not UTF-8 (from byte {}); a spreadsheet saves it so with 'CSV UTF-8' (Excel: CSV UTF-8(쉼표로 분리))",
            e.valid_up_to()
        )
    })?;
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches('\t').count() > first_line.matches(',').count() { b'\t' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| anyhow::anyhow!("cannot read the file as CSV: {e}"))?;
        records.push(record.iter().map(str::to_owned).collect::<Vec<_>>());
    }
    let header_fields: Vec<Option<Field>> =
        records.first().map(|first| first.iter().map(|c| field_of(c)).collect()).unwrap_or_default();
    let has_header = header_fields.iter().any(Option::is_some);
    let (header, columns, data): (Vec<String>, Vec<Option<Field>>, &[Vec<String>]) = if has_header {
        if !header_fields.contains(&Some(Field::ProductOrderId)) {
            anyhow::bail!("the header row names no product order id column (상품주문번호 or productOrderId)");
        }
        (records[0].clone(), header_fields, &records[1..])
    } else {
        let columns = vec![Some(Field::ProductOrderId), Some(Field::Courier), Some(Field::TrackingNumber)];
        (POSITIONAL.iter().map(|s| (*s).to_owned()).collect(), columns, &records[..])
    };
    let kept: Vec<usize> = (0..header.len().max(columns.len()))
        .filter(|&i| !matches!(columns.get(i), Some(Some(Field::Result | Field::Message))))
        .collect();
    let header = kept.iter().filter_map(|&i| header.get(i).cloned()).collect();
    let mut first_row_of: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::with_capacity(data.len());
    for (index, record) in data.iter().enumerate() {
        let number = index + 1;
        let get = |field: Field| -> &str {
            columns.iter().position(|c| *c == Some(field)).and_then(|i| record.get(i)).map_or("", |v| v.trim())
        };
        let mut item = entry(&get, defaults);
        if let Ok(entry) = &item {
            match first_row_of.get(&entry.product_order_id) {
                Some(first) => item = Err(format!("the same product order as row {first}")),
                None => {
                    first_row_of.insert(entry.product_order_id.clone(), number);
                }
            }
        }
        let mut cells: Vec<String> = kept.iter().filter_map(|&i| record.get(i).cloned()).collect();
        // Cells past the header (a ragged row) are kept too.
        cells.extend(record.iter().skip(kept.len().max(columns.len())).cloned());
        rows.push(Row { number, id: get(Field::ProductOrderId).to_owned(), cells, item });
    }
    Ok(Sheet { header, rows })
}

/// The dispatch entry of one row, checked: every field the spec needs, known codes, and the
/// spec's own limits (the core's checker).
pub fn entry<'a>(get: &dyn Fn(Field) -> &'a str, defaults: &Defaults) -> Result<DispatchProductOrder, String> {
    let id = get(Field::ProductOrderId);
    let courier = get(Field::Courier).to_ascii_uppercase();
    let tracking = get(Field::TrackingNumber);
    let method = match get(Field::DeliveryMethod) {
        "" => defaults.delivery_method.to_ascii_uppercase(),
        method => method.to_ascii_uppercase(),
    };
    if [id, courier.as_str(), tracking, get(Field::DeliveryMethod), get(Field::DispatchDate)]
        .iter()
        .all(|v| v.is_empty())
    {
        return Err("empty row".to_owned());
    }
    let mut problems = Vec::new();
    if id.is_empty() {
        problems.push("missing product order id (상품주문번호)".to_owned());
    } else if id.contains("E+") || id.contains("e+") {
        problems.push(format!(
            "product order id {id} looks rewritten by a spreadsheet as a number; format the column as text"
        ));
    }
    let Some(delivery_method) = RequestDeliveryMethod::from_known(&method) else {
        return Err(format!(
            "unknown delivery method '{method}' (one of {})",
            RequestDeliveryMethod::VALUES.join(", ")
        ));
    };
    let parcel = delivery_method == RequestDeliveryMethod::Delivery;
    let delivery_company_code = match courier.as_str() {
        "" if parcel => {
            problems.push("missing courier code (택배사), e.g. CJGLS".to_owned());
            None
        }
        "" => None,
        code => match DeliveryCompanyCode::from_known(code) {
            Some(code) => Some(code),
            None => {
                problems.push(format!(
                    "unknown courier code '{code}' (the spec's codes, e.g. CJGLS for CJ대한통운, HANJIN, EPOST, HYUNDAI for 롯데택배)"
                ));
                None
            }
        },
    };
    if tracking.is_empty() && parcel {
        problems.push("missing tracking number (송장번호)".to_owned());
    }
    let dispatch_date = match get(Field::DispatchDate) {
        "" => defaults.dispatch_date,
        text => match parse_date(text) {
            Ok(date) => date,
            Err(message) => {
                problems.push(message);
                defaults.dispatch_date
            }
        },
    };
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    let item = DispatchProductOrder {
        delivery_company_code,
        delivery_method,
        dispatch_date,
        product_order_id: id.to_owned(),
        tracking_number: (!tracking.is_empty()).then(|| tracking.to_owned()),
    };
    match npay_order::validate::check(&item) {
        Ok(()) => Ok(item),
        Err(npay_order::NpayError::InvalidRequest(problems)) => {
            Err(problems.iter().map(|p| format!("{}: {}", p.name, p.message)).collect::<Vec<_>>().join("; "))
        }
        Err(other) => Err(other.to_string()),
    }
}

/// A dispatch date: a timestamp, a date (`2026-12-01`, 09:00 KST) or `2026-12-01 14:30` (KST).
pub fn parse_date(text: &str) -> Result<Timestamp, String> {
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    let text = text.trim();
    let iso = if let Ok(date) = text.parse::<chrono::NaiveDate>() {
        format!("{date}T09:00:00.000+09:00")
    } else if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M") {
        format!("{}.000+09:00", t.format("%Y-%m-%dT%H:%M:%S"))
    } else {
        return Err(format!("dispatch date '{text}' is not a date (2026-12-01, 2026-12-01 14:30 or a timestamp)"));
    };
    iso.parse::<Timestamp>().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Defaults {
        Defaults { delivery_method: "DELIVERY".into(), dispatch_date: "2026-12-01T09:00:00.000+09:00".parse().unwrap() }
    }

    #[test]
    fn korean_and_english_headers_are_recognised() {
        for name in ["상품주문번호", "상품 주문 번호", "productOrderId", "product_order_id", "Product Order ID"]
        {
            assert_eq!(field_of(name), Some(Field::ProductOrderId), "{name}");
        }
        for name in ["택배사", "courier", "deliveryCompanyCode", "delivery company"] {
            assert_eq!(field_of(name), Some(Field::Courier), "{name}");
        }
        for name in ["송장번호", "운송장 번호", "trackingNumber", "Tracking No."] {
            assert_eq!(field_of(name), Some(Field::TrackingNumber), "{name}");
        }
        assert_eq!(field_of("2026112514566031"), None);
    }

    #[test]
    fn a_file_with_a_bom_a_korean_header_and_tabs_is_read_with_every_row() {
        let text = "\u{feff}송장번호\t상품주문번호\t택배사\t메모\n123\t2026000000000001\tcjgls\t문 앞\n\t2026000000000002\tCJGLS\t\n";
        let sheet = read(text.as_bytes(), &defaults()).unwrap();
        assert_eq!(sheet.header, ["송장번호", "상품주문번호", "택배사", "메모"]);
        assert_eq!(sheet.rows.len(), 2);
        let first = sheet.rows[0].item.as_ref().unwrap();
        assert_eq!(first.product_order_id, "2026000000000001");
        assert_eq!(first.delivery_company_code.as_ref().unwrap().as_str(), "CJGLS");
        assert_eq!(first.tracking_number.as_deref(), Some("123"));
        assert!(sheet.rows[1].item.as_ref().unwrap_err().contains("missing tracking number"));
    }

    #[test]
    fn bad_rows_say_why_and_none_is_lost() {
        let text = "1,CJGLS,111\n2,NOPE,222\n,CJGLS,333\n1,CJGLS,444\n,,\n2.02611E+15,CJGLS,555\n3,CJGLS\n";
        let sheet = read(text.as_bytes(), &defaults()).unwrap();
        assert_eq!(sheet.header, POSITIONAL);
        let reasons: Vec<String> =
            sheet.rows.iter().map(|r| r.item.as_ref().err().cloned().unwrap_or_default()).collect();
        assert_eq!(reasons.len(), 7);
        assert!(reasons[0].is_empty());
        assert!(reasons[1].contains("unknown courier code 'NOPE'"), "{}", reasons[1]);
        assert!(reasons[2].contains("missing product order id"));
        assert!(reasons[3].contains("same product order as row 1"));
        assert_eq!(reasons[4], "empty row");
        assert!(reasons[5].contains("spreadsheet"));
        assert!(reasons[6].contains("missing tracking number"));
    }

    #[test]
    fn result_columns_of_an_earlier_run_are_dropped_and_other_methods_need_no_courier() {
        let text =
            "productOrderId,courier,trackingNumber,deliveryMethod,result,message\n7,,,DIRECT_DELIVERY,failed,x\n";
        let sheet = read(text.as_bytes(), &defaults()).unwrap();
        assert_eq!(sheet.header, ["productOrderId", "courier", "trackingNumber", "deliveryMethod"]);
        assert_eq!(sheet.rows[0].cells, ["7", "", "", "DIRECT_DELIVERY"]);
        assert!(sheet.rows[0].item.is_ok());
        assert!(read("courier\nCJGLS\n".as_bytes(), &defaults()).is_err());
        assert!(read(&[0xbb, 0xf3, 0xc7, 0xb0], &defaults()).unwrap_err().to_string().contains("UTF-8"));
    }
}
