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
//! A row is checked by the order rules the API applies
//! ([`crate::domain::parse_customer`], [`crate::domain::parse_item`]), and
//! an order's total by what one payment may take.
//!
//! Parsing is deterministic, so a resumed import parses its stored file again
//! and gets the very same orders and keys.

use std::collections::HashMap;

use ec_common::{
    error::{FieldCode, FieldViolation},
    rules::{self, order as limits, payment},
};
use ec_proto::order::v1 as pb;

use crate::domain::{MAX_ITEMS, NewItem, NewOrder, parse_customer, parse_item};

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
    /// The column at fault; empty when the whole row is.
    pub column: String,
    pub code: FieldCode,
    /// What the code needs to be said in words (`min`, `max`, ...).
    pub params: Vec<(String, String)>,
    /// The same in English.
    pub reason: String,
}

impl RowError {
    fn new(row: i64, column: &str, code: FieldCode, reason: impl Into<String>) -> Self {
        Self { row, column: column.to_owned(), code, params: Vec::new(), reason: reason.into() }
    }

    /// A violation of the order rules, in the column of its field.
    fn violation(row: i64, v: FieldViolation) -> Self {
        Self { row, column: v.field, code: v.code, params: v.params, reason: v.description }
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
    let columns = Columns::read(&header, &decoder)?;
    // Line numbers from byte offsets: the csv crate's own line count lags by
    // one on CRLF files (what Excel writes).
    let mut lines = LineCounter::new(content);
    let mut orders = Grouping::default();
    let mut total_rows = 0i64;
    for record in records {
        total_rows += 1;
        if total_rows > max_rows {
            continue; // counted, not validated, for an exact message
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
                orders.errors.push(RowError::new(line, "", FieldCode::MalformedRow, format!("unreadable CSV: {e}")));
                continue;
            }
        };
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            total_rows -= 1; // blank lines are not rows
            continue;
        }
        let line = record.position().map_or(total_rows + 1, |p| lines.line_at(p.byte()));
        let external_ref = columns.raw_ref(&record);
        match columns.row(&record, line, &decoder) {
            Ok(row) => orders.add(row, line),
            Err(errors) => orders.refuse(external_ref, errors),
        }
    }
    if total_rows == 0 {
        return Err(FileError::Empty);
    }
    if total_rows > max_rows {
        return Err(FileError::TooManyRows { found: total_rows, limit: max_rows });
    }
    let (orders, errors) = orders.finish();
    Ok(ParsedFile { encoding, total_rows, orders, errors })
}

/// Where each known column is in the file.
struct Columns {
    index: HashMap<String, usize>,
    width: usize,
}

impl Columns {
    fn read(header: &csv::ByteRecord, decoder: &Decoder) -> Result<Self, FileError> {
        let mut index: HashMap<String, usize> = HashMap::new();
        for (i, raw) in header.iter().enumerate() {
            let name = decode(raw, decoder).map_err(|why| FileError::Header(format!("column {} {why}", i + 1)))?;
            let name = name.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
            if name.is_empty() {
                continue;
            }
            if index.insert(name.clone(), i).is_some() {
                return Err(FileError::Header(format!("column {name:?} appears twice")));
            }
        }
        let missing: Vec<&str> = REQUIRED.iter().copied().filter(|c| !index.contains_key(*c)).collect();
        if !missing.is_empty() {
            let known: Vec<&str> = REQUIRED.iter().chain(OPTIONAL.iter()).copied().collect();
            return Err(FileError::Header(format!(
                "missing required columns: {} (the columns are: {})",
                missing.join(", "),
                known.join(", ")
            )));
        }
        Ok(Self { index, width: header.len() })
    }

    /// The external_ref of a row as written, if readable (a bad row still
    /// refuses the order it belongs to).
    fn raw_ref(&self, record: &csv::ByteRecord) -> Option<String> {
        let i = *self.index.get("external_ref")?;
        let r = std::str::from_utf8(record.get(i)?).ok()?.trim();
        (!r.is_empty()).then(|| r.to_owned())
    }

    /// One row, checked by the order rules.
    fn row(&self, record: &csv::ByteRecord, line: i64, decoder: &Decoder) -> Result<Row, Vec<RowError>> {
        if record.len() != self.width {
            return Err(vec![RowError::new(
                line,
                "",
                FieldCode::MalformedRow,
                format!("has {} fields, the header has {} (broken quoting?)", record.len(), self.width),
            )]);
        }
        // An undecodable line is one error, whichever fields are affected.
        let mut cells = HashMap::new();
        for (name, &i) in &self.index {
            match decode(record.get(i).unwrap_or_default(), decoder) {
                Ok(text) => cells.insert(name.as_str(), text.trim().to_owned()),
                Err(why) => {
                    return Err(vec![RowError::new(line, "", FieldCode::InvalidEncoding, format!("the line {why}"))]);
                }
            };
        }
        let cell = |name: &str| cells.get(name).cloned().unwrap_or_default();
        Row::check(line, &cell)
    }
}

/// A row that passed the order rules.
struct Row {
    external_ref: String,
    order: NewOrder,
}

impl Row {
    fn check(line: i64, cell: &dyn Fn(&str) -> String) -> Result<Row, Vec<RowError>> {
        let mut errors = Vec::new();
        let external_ref = cell("external_ref");
        if external_ref.chars().count() > limits::EXTERNAL_REF_MAX {
            errors.push(RowError::violation(line, FieldViolation::too_long("external_ref", limits::EXTERNAL_REF_MAX)));
        }
        let (phone, address) = (cell("customer_phone"), cell("shipping_address"));
        let customer = parse_customer(&cell("customer_name"), &cell("customer_email"), Some(&phone), Some(&address));
        let item = pb::NewOrderItem {
            product_id: cell("product_id"),
            product_name: cell("product_name"),
            quantity: whole_number(line, "quantity", &cell("quantity"), &mut errors),
            // "1,500" as Excel writes prices.
            unit_price: whole_number(line, "unit_price", &cell("unit_price").replace(',', ""), &mut errors),
        };
        let item = if item.quantity.is_some() && item.unit_price.is_some() {
            parse_item("", &item).map_err(|vs| errors.extend(vs.into_iter().map(|v| RowError::violation(line, v)))).ok()
        } else {
            None
        };
        let customer = customer.map_err(|vs| errors.extend(vs.into_iter().map(|v| RowError::violation(line, v)))).ok();
        match (customer, item) {
            (Some(customer), Some(item)) if errors.is_empty() => {
                let mut order = NewOrder::new(customer, vec![item]);
                order.staged = true;
                Ok(Row { external_ref, order })
            }
            _ => Err(errors),
        }
    }
}

/// A cell that must be a whole number; a blank or malformed one is refused
/// here (the rules then check its range).
fn whole_number(line: i64, column: &str, text: &str, errors: &mut Vec<RowError>) -> Option<i64> {
    match text.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) if text.is_empty() => {
            errors.push(RowError::violation(line, FieldViolation::required(column)));
            None
        }
        Err(_) => {
            let v = FieldViolation::new(column, FieldCode::InvalidType, &[("expected", &"a whole number")]);
            errors.push(RowError::violation(line, v));
            None
        }
    }
}

/// Rows grouped into orders, and the rows refused.
#[derive(Default)]
struct Grouping {
    orders: Vec<ImportOrder>,
    by_ref: HashMap<String, usize>,
    /// An order is imported whole or not at all: its first bad line.
    refused_refs: HashMap<String, i64>,
    errors: Vec<RowError>,
}

impl Grouping {
    fn refuse(&mut self, external_ref: Option<String>, errors: Vec<RowError>) {
        if let (Some(r), Some(first)) = (external_ref, errors.first()) {
            self.refused_refs.entry(r).or_insert(first.row);
        }
        self.errors.extend(errors);
    }

    fn add(&mut self, row: Row, line: i64) {
        let Row { external_ref, order } = row;
        if external_ref.is_empty() {
            self.orders.push(ImportOrder { key: format!("line-{line}"), rows: vec![line], order });
            return;
        }
        let Some(&i) = self.by_ref.get(&external_ref) else {
            self.by_ref.insert(external_ref.clone(), self.orders.len());
            self.orders.push(ImportOrder { key: external_ref, rows: vec![line], order });
            return;
        };
        let o = &mut self.orders[i];
        let conflict = |why: String| RowError::new(line, "external_ref", FieldCode::Conflict, why);
        if o.order.customer_email != order.customer_email || o.order.customer_name != order.customer_name {
            let why = format!("{external_ref:?} already belongs to another customer (line {})", o.rows[0]);
            self.errors.push(conflict(why));
        } else if o.order.items.len() >= MAX_ITEMS {
            let v = FieldViolation::new("external_ref", FieldCode::TooMany, &[("max", &MAX_ITEMS)]);
            self.errors.push(RowError::violation(line, v));
        } else {
            let items: Vec<NewItem> = order.items;
            o.order.total_amount += items.iter().map(NewItem::subtotal).sum::<i64>();
            o.order.items.extend(items);
            o.rows.push(line);
        }
    }

    /// Refuses the orders with a bad line and those no payment can take.
    fn finish(mut self) -> (Vec<ImportOrder>, Vec<RowError>) {
        let (refused, mut errors) = (self.refused_refs, self.errors);
        self.orders.retain(|o| match refused.get(&o.key) {
            Some(bad) if !o.key.starts_with("line-") => {
                for row in &o.rows {
                    let why = format!("line {bad} of order {:?} is invalid, so the whole order is not imported", o.key);
                    errors.push(RowError::new(*row, "external_ref", FieldCode::Conflict, why));
                }
                false
            }
            _ => true,
        });
        self.orders.retain(|o| {
            let ok = rules::payable(o.order.total_amount);
            if !ok {
                for row in &o.rows {
                    let v = FieldViolation::out_of_range("unit_price", payment::AMOUNT_MIN, payment::AMOUNT_MAX);
                    let reason = format!(
                        "the order's total {} JPY is outside the payment limit {}..={} JPY",
                        o.order.total_amount,
                        payment::AMOUNT_MIN,
                        payment::AMOUNT_MAX
                    );
                    errors.push(RowError { reason, ..RowError::violation(*row, v) });
                }
            }
            ok
        });
        errors.sort_by_key(|e| e.row);
        (self.orders, errors)
    }
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
