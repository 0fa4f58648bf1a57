//! Reading an order CSV: encoding, header, one validation verdict per row,
//! rows grouped into orders.
//!
//! Columns (header names, any order, case-insensitive): `customer_name`,
//! `customer_email`, `product_id`, `product_name`, `quantity`, `unit_price`
//! (required); `external_ref`, `customer_phone`, `shipping_address`
//! (optional). Rows sharing an `external_ref` form one order with several
//! items; every other row is an order of its own. A bad row is reported with
//! its line, column and reason and never stops the others.
//!
//! Parsing is deterministic, so a resumed import parses its stored file again
//! and gets the very same orders and keys.

use std::collections::HashMap;

use crate::domain::{MAX_ITEMS, MAX_QUANTITY, NewItem, NewOrder, is_valid_email, is_valid_phone};

/// Payment bounds per transaction (the payment service enforces them too;
/// checking here lets a dry run report them).
const MIN_TOTAL: i64 = 100;
const MAX_TOTAL: i64 = 1_000_000;

const REQUIRED: [&str; 6] = ["customer_name", "customer_email", "product_id", "product_name", "quantity", "unit_price"];
const OPTIONAL: [&str; 3] = ["external_ref", "customer_phone", "shipping_address"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Auto,
    Utf8,
    ShiftJis,
}

impl Encoding {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "" | "auto" => Some(Self::Auto),
            "utf_8" | "utf8" => Some(Self::Utf8),
            "shift_jis" | "sjis" | "cp932" | "windows_31j" => Some(Self::ShiftJis),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Utf8 => "utf-8",
            Self::ShiftJis => "shift_jis",
        }
    }
}

/// A refused row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Line in the file (the header is line 1).
    pub row: i64,
    pub column: String,
    pub reason: String,
}

impl RowError {
    fn new(row: i64, column: &str, reason: impl Into<String>) -> Self {
        Self { row, column: column.to_owned(), reason: reason.into() }
    }
}

/// One order to create, with the lines it came from.
#[derive(Debug, Clone)]
pub struct ImportOrder {
    /// Unique within the file: the external_ref, or `line-N`.
    pub key: String,
    pub rows: Vec<i64>,
    pub order: NewOrder,
}

#[derive(Debug)]
pub struct ParsedFile {
    /// The encoding used: utf-8 or shift_jis.
    pub encoding: Encoding,
    pub total_rows: i64,
    pub orders: Vec<ImportOrder>,
    pub errors: Vec<RowError>,
}

impl ParsedFile {
    /// Lines refused (a line may have several errors).
    pub fn failed_rows(&self) -> i64 {
        let mut rows: Vec<i64> = self.errors.iter().map(|e| e.row).collect();
        rows.sort_unstable();
        rows.dedup();
        rows.len() as i64
    }
}

/// Whole-file problems: nothing can be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty or has no data rows")]
    Empty,
    #[error("wrong header: {0}")]
    Header(String),
    #[error("the file has {found} data rows; at most {limit} are allowed")]
    TooManyRows { found: i64, limit: i64 },
    #[error("the file cannot be read as CSV: {0}")]
    Unreadable(String),
}

/// How each line's bytes become text.
enum Decoder {
    Utf8,
    ShiftJis,
}

fn decode(bytes: &[u8], decoder: &Decoder) -> Result<String, &'static str> {
    match decoder {
        Decoder::Utf8 => {
            std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| "is not valid UTF-8 (mixed encodings?)")
        }
        Decoder::ShiftJis => {
            // Text that is valid UTF-8 with non-ASCII characters in a
            // Shift_JIS file is another encoding, not Japanese.
            if !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
                return Err("is UTF-8 in a Shift_JIS file (mixed encodings)");
            }
            let (text, _, had_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
            if had_errors { Err("is not valid Shift_JIS") } else { Ok(text.into_owned()) }
        }
    }
}

/// Picks the encoding of a file: UTF-8 if it is all valid UTF-8; otherwise
/// whichever most non-ASCII lines are valid in.
fn detect(content: &[u8]) -> Encoding {
    if std::str::from_utf8(content).is_ok() {
        return Encoding::Utf8;
    }
    let (mut utf8, mut other) = (0, 0);
    for line in content.split(|b| *b == b'\n').filter(|l| !l.is_ascii()) {
        if std::str::from_utf8(line).is_ok() { utf8 += 1 } else { other += 1 }
    }
    if other >= utf8 { Encoding::ShiftJis } else { Encoding::Utf8 }
}

pub fn parse(content: &[u8], encoding: Encoding, max_rows: i64) -> Result<ParsedFile, FileError> {
    let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    let encoding = match encoding {
        Encoding::Auto => detect(content),
        e => e,
    };
    let decoder = match encoding {
        Encoding::ShiftJis => Decoder::ShiftJis,
        _ => Decoder::Utf8,
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(content);
    let mut records = reader.byte_records();

    let header = match records.next() {
        None => return Err(FileError::Empty),
        Some(Err(e)) => return Err(FileError::Unreadable(e.to_string())),
        Some(Ok(h)) => h,
    };
    let mut columns: HashMap<String, usize> = HashMap::new();
    for (i, raw) in header.iter().enumerate() {
        let name = decode(raw, &decoder).map_err(|why| FileError::Header(format!("column {} {why}", i + 1)))?;
        let name = name.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        if columns.insert(name.clone(), i).is_some() {
            return Err(FileError::Header(format!("column {name:?} appears twice")));
        }
    }
    let missing: Vec<&str> = REQUIRED.iter().copied().filter(|c| !columns.contains_key(*c)).collect();
    if !missing.is_empty() {
        let known: Vec<&str> = REQUIRED.iter().chain(OPTIONAL.iter()).copied().collect();
        return Err(FileError::Header(format!(
            "missing required columns: {} (the columns are: {})",
            missing.join(", "),
            known.join(", ")
        )));
    }

    // Line numbers from byte offsets: the csv crate's own line count lags by
    // one on CRLF files (what Excel writes).
    let mut lines = LineCounter::new(content);
    let mut errors = Vec::new();
    let mut orders: Vec<ImportOrder> = Vec::new();
    let mut by_ref: HashMap<String, usize> = HashMap::new();
    // An order is imported whole or not at all: refs with a bad row.
    let mut refused_refs: HashMap<String, i64> = HashMap::new();
    let ref_column = columns.get("external_ref").copied();
    let mut total_rows = 0i64;
    for record in records {
        total_rows += 1;
        if total_rows > max_rows {
            // Count the rest without validating, for an exact message.
            continue;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
                errors.push(RowError::new(line, "", format!("unreadable CSV: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(total_rows + 1, |p| lines.line_at(p.byte()));
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            total_rows -= 1; // blank lines are not rows
            continue;
        }
        if let Some(r) = ref_column.and_then(|i| record.get(i)).and_then(|b| std::str::from_utf8(b).ok()) {
            // Remembered now, dropped below if the row turns out fine.
            let r = r.trim();
            if !r.is_empty() {
                refused_refs.entry(r.to_owned()).or_insert(line);
            }
        }
        let ref_of_line =
            ref_column.and_then(|i| record.get(i)).and_then(|b| std::str::from_utf8(b).ok()).map(str::trim);
        if record.len() != header.len() {
            errors.push(RowError::new(
                line,
                "",
                format!("has {} fields, the header has {} (broken quoting?)", record.len(), header.len()),
            ));
            continue;
        }
        let mut row_errors = Vec::new();
        // An undecodable line is one error, whichever fields are affected.
        let mut field = |name: &str| -> String {
            let Some(&i) = columns.get(name) else { return String::new() };
            match decode(record.get(i).unwrap_or_default(), &decoder) {
                Ok(text) => text.trim().to_owned(),
                Err(why) => {
                    if row_errors.is_empty() {
                        row_errors.push(RowError::new(line, "", format!("the line {why}")));
                    }
                    String::new()
                }
            }
        };
        let (external_ref, name, email, phone, address) = (
            field("external_ref"),
            field("customer_name"),
            field("customer_email"),
            field("customer_phone"),
            field("shipping_address"),
        );
        let (product_id, product_name, quantity, unit_price) =
            (field("product_id"), field("product_name"), field("quantity"), field("unit_price"));
        let has_decode_errors = !row_errors.is_empty();
        let mut check = |ok: bool, column: &str, reason: &str| {
            if !ok && !has_decode_errors {
                row_errors.push(RowError::new(line, column, reason));
            }
        };
        check(!name.is_empty() && name.chars().count() <= 200, "customer_name", "must be 1 to 200 characters");
        check(is_valid_email(&email), "customer_email", "must be an e-mail address");
        check(phone.is_empty() || is_valid_phone(&phone), "customer_phone", "must be a phone number (6 to 20 digits)");
        check(address.chars().count() <= 500, "shipping_address", "must be at most 500 characters");
        check(!product_id.is_empty() && product_id.chars().count() <= 64, "product_id", "must be 1 to 64 characters");
        check(
            !product_name.is_empty() && product_name.chars().count() <= 200,
            "product_name",
            "must be 1 to 200 characters",
        );
        let qty = quantity.parse::<i64>().ok().filter(|q| (1..=MAX_QUANTITY).contains(q));
        check(qty.is_some(), "quantity", &format!("must be a whole number from 1 to {MAX_QUANTITY}"));
        let price = unit_price.replace(',', "").parse::<i64>().ok().filter(|p| (0..=MAX_TOTAL).contains(p));
        check(price.is_some(), "unit_price", &format!("must be a whole number of JPY from 0 to {MAX_TOTAL}"));
        check(external_ref.chars().count() <= 100, "external_ref", "must be at most 100 characters");
        if !row_errors.is_empty() {
            errors.extend(row_errors);
            continue;
        }
        // A good row: it does not refuse its order (unless an earlier row did).
        if let Some(r) = ref_of_line
            && refused_refs.get(r) == Some(&line)
        {
            refused_refs.remove(r);
        }
        let item = NewItem { product_id, product_name, quantity: qty.unwrap_or(1), unit_price: price.unwrap_or(0) };
        let existing = (!external_ref.is_empty()).then(|| by_ref.get(&external_ref).copied()).flatten();
        match existing {
            Some(i) => {
                let o = &mut orders[i];
                if o.order.customer_email != email || o.order.customer_name != name {
                    errors.push(RowError::new(
                        line,
                        "external_ref",
                        format!("{external_ref:?} already belongs to another customer (line {})", o.rows[0]),
                    ));
                } else if o.order.items.len() >= MAX_ITEMS {
                    errors.push(RowError::new(line, "external_ref", format!("an order has at most {MAX_ITEMS} items")));
                } else {
                    o.order.total_amount += item.subtotal();
                    o.order.items.push(item);
                    o.rows.push(line);
                }
            }
            None => {
                let key = if external_ref.is_empty() { format!("line-{line}") } else { external_ref.clone() };
                if !external_ref.is_empty() {
                    by_ref.insert(external_ref, orders.len());
                }
                orders.push(ImportOrder {
                    key,
                    rows: vec![line],
                    order: NewOrder {
                        customer_name: name,
                        customer_email: email,
                        customer_phone: Some(phone).filter(|p| !p.is_empty()),
                        shipping_address: Some(address).filter(|a| !a.is_empty()),
                        total_amount: item.subtotal(),
                        items: vec![item],
                        idempotency: None,
                        batch_id: None,
                        staged: true,
                    },
                });
            }
        }
    }
    if total_rows == 0 {
        return Err(FileError::Empty);
    }
    if total_rows > max_rows {
        return Err(FileError::TooManyRows { found: total_rows, limit: max_rows });
    }
    // Orders with a refused row: their other rows are refused too.
    orders.retain(|o| match refused_refs.get(&o.key) {
        Some(bad) if !o.key.starts_with("line-") => {
            for row in &o.rows {
                errors.push(RowError::new(
                    *row,
                    "external_ref",
                    format!("line {bad} of order {:?} is invalid, so the whole order is not imported", o.key),
                ));
            }
            false
        }
        _ => true,
    });
    // Totals outside what one payment may take: every line of the order.
    orders.retain(|o| {
        let total = o.order.total_amount;
        let ok = (MIN_TOTAL..=MAX_TOTAL).contains(&total);
        if !ok {
            for row in &o.rows {
                errors.push(RowError::new(
                    *row,
                    "unit_price",
                    format!("the order's total {total} JPY is outside the payment limit {MIN_TOTAL}..={MAX_TOTAL} JPY"),
                ));
            }
        }
        ok
    });
    errors.sort_by_key(|e| e.row);
    Ok(ParsedFile { encoding, total_rows, orders, errors })
}

/// The line (1-based) of byte offsets met in increasing order.
struct LineCounter<'a> {
    content: &'a [u8],
    scanned: usize,
    newlines: i64,
}

impl<'a> LineCounter<'a> {
    fn new(content: &'a [u8]) -> Self {
        Self { content, scanned: 0, newlines: 0 }
    }

    /// A record "starting" on the `\n` of a CRLF pair belongs to the next
    /// line, so the byte at the offset itself is counted too.
    fn line_at(&mut self, byte: u64) -> i64 {
        let upto = (byte as usize).saturating_add(1).min(self.content.len());
        if upto > self.scanned {
            self.newlines += self.content[self.scanned..upto].iter().filter(|b| **b == b'\n').count() as i64;
            self.scanned = upto;
        }
        self.newlines + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_files_report_the_same_lines() {
        let lf = format!("{HEADER},x,bad,P,n,1,500\n,x,a@b.co,P,n,0,500\n,ok,a@b.co,P,n,1,500\n");
        let crlf = lf.replace('\n', "\r\n");
        let rows = |text: &str| -> Vec<i64> {
            parse(text.as_bytes(), Encoding::Auto, 10).expect("parses").errors.iter().map(|e| e.row).collect()
        };
        assert_eq!(rows(&lf), [2, 3]);
        assert_eq!(rows(&crlf), [2, 3]);
    }

    const HEADER: &str = "external_ref,customer_name,customer_email,product_id,product_name,quantity,unit_price\n";

    #[test]
    fn groups_by_external_ref_and_keeps_single_rows_apart() {
        let csv = format!(
            "{HEADER}A,山田,a@example.jp,P1,お茶,2,500\nA,山田,a@example.jp,P2,羊羹,1,300\n,佐藤,s@example.jp,P1,お茶,1,500\n"
        );
        let p = parse(csv.as_bytes(), Encoding::Auto, 100).expect("parses");
        assert_eq!(p.total_rows, 3);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.orders.len(), 2);
        assert_eq!(p.orders[0].order.total_amount, 1300);
        assert_eq!(p.orders[0].rows, [2, 3]);
        assert_eq!(p.orders[1].key, "line-4");
    }

    #[test]
    fn reports_each_bad_row_with_its_column() {
        let csv = format!(
            "{HEADER},x,not-mail,P,n,1,500\n,x,a@b.co,P,n,0,500\n,x,a@b.co,P,n,1,9999999\n,x,a@b.co,P,n,1\n,x,a@b.co,P,n,1,50\n,ok,a@b.co,P,n,1,500\n"
        );
        let p = parse(csv.as_bytes(), Encoding::Auto, 100).expect("parses");
        let got: Vec<(i64, &str)> = p.errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(got, [(2, "customer_email"), (3, "quantity"), (4, "unit_price"), (5, ""), (6, "unit_price")]);
        assert_eq!(p.orders.len(), 1);
        assert_eq!(p.failed_rows(), 5);
    }

    #[test]
    fn an_order_with_a_bad_line_is_refused_whole() {
        let csv = format!(
            "{HEADER}A,山田,a@example.jp,P1,お茶,2,500\nA,山田,a@example.jp,P2,羊羹,0,300\nB,佐藤,s@example.jp,P1,お茶,1,500\n"
        );
        let p = parse(csv.as_bytes(), Encoding::Auto, 100).expect("parses");
        assert_eq!(p.orders.len(), 1);
        assert_eq!(p.orders[0].key, "B");
        let got: Vec<(i64, &str)> = p.errors.iter().map(|e| (e.row, e.column.as_str())).collect();
        assert_eq!(got, [(2, "external_ref"), (3, "quantity")]);
        assert_eq!(p.failed_rows(), 2);
    }

    #[test]
    fn header_problems_and_limits_refuse_the_file() {
        assert!(matches!(parse(b"", Encoding::Auto, 10), Err(FileError::Empty)));
        assert!(matches!(parse(HEADER.as_bytes(), Encoding::Auto, 10), Err(FileError::Empty)));
        assert!(matches!(parse(b"name,email\nx,y\n", Encoding::Auto, 10), Err(FileError::Header(_))));
        let many = format!("{HEADER}{}", ",x,a@b.co,P,n,1,500\n".repeat(11));
        assert_eq!(
            parse(many.as_bytes(), Encoding::Auto, 10).err(),
            Some(FileError::TooManyRows { found: 11, limit: 10 })
        );
    }

    #[test]
    fn shift_jis_and_bom_are_read() {
        let text = format!("{HEADER},髙橋 花子,h@example.jp,P1,抹茶 100g,1,1200\n");
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let p = parse(&sjis, Encoding::Auto, 10).expect("parses");
        assert_eq!(p.encoding, Encoding::ShiftJis);
        assert_eq!(p.orders[0].order.customer_name, "髙橋 花子");
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let p = parse(&bom, Encoding::Auto, 10).expect("parses");
        assert_eq!(p.encoding, Encoding::Utf8);
        assert_eq!(p.orders[0].order.items[0].product_name, "抹茶 100g");
    }

    #[test]
    fn a_line_in_another_encoding_is_one_bad_row() {
        let good = format!("{HEADER},山田,a@example.jp,P1,お茶,1,500\n,佐藤,s@example.jp,P1,お茶,1,500\n");
        let (bad, _, _) = encoding_rs::SHIFT_JIS.encode(",鈴木,k@example.jp,P1,お茶,1,500\n");
        let file = [good.as_bytes(), &bad].concat();
        let p = parse(&file, Encoding::Auto, 10).expect("parses");
        assert_eq!(p.encoding, Encoding::Utf8);
        assert_eq!(p.orders.len(), 2);
        assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
        assert_eq!(p.errors[0].row, 4);
    }
}
