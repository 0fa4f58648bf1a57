//! `ec-platform import FILE`: submit a CSV to a running gateway and follow
//! its progress in the terminal (for operators who script imports).

use std::{io::Write, path::PathBuf, time::Duration};

use serde_json::Value;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The CSV file (UTF-8, with or without BOM, or Shift_JIS).
    pub file: PathBuf,
    /// The gateway to send it to.
    #[arg(long, env = "EC_GATEWAY_URL", default_value = "http://127.0.0.1:8080")]
    pub gateway: String,
    /// Validate and report only; store nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// One digest mail per customer instead of one per order.
    #[arg(long)]
    pub digest: bool,
    /// auto, utf-8 or shift_jis.
    #[arg(long, default_value = "auto")]
    pub encoding: String,
    /// An operator's (or admin's) API key, `sk_...`.
    #[arg(long, env = "EC_API_KEY", hide_env_values = true)]
    pub api_key: ec_common::config::Secret,
}

/// Exit codes: 0 completed, 2 completed with refused rows, 1 failed.
pub async fn run(args: ImportArgs) -> anyhow::Result<i32> {
    let content = std::fs::read(&args.file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let name = args.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut bearer = reqwest::header::HeaderValue::try_from(format!("Bearer {}", args.api_key.expose()))
        .map_err(|_| anyhow::anyhow!("the API key is not a valid header value"))?;
    bearer.set_sensitive(true);
    let headers = reqwest::header::HeaderMap::from_iter([(reqwest::header::AUTHORIZATION, bearer)]);
    let http = reqwest::Client::builder().connect_timeout(Duration::from_secs(5)).default_headers(headers).build()?;
    let base = args.gateway.trim_end_matches('/');
    let query = format!(
        "dry_run={}&digest={}&encoding={}&file_name={}",
        args.dry_run,
        args.digest,
        percent_encode(&args.encoding),
        percent_encode(&name)
    );
    let res = http
        .post(format!("{base}/api/v1/orders/imports?{query}"))
        .header("content-type", "text/csv")
        .body(content)
        .send()
        .await?;
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        eprintln!("refused ({status}): {}", body["detail"].as_str().unwrap_or("no detail"));
        for e in body["errors"].as_array().into_iter().flatten() {
            eprintln!("  {}: {}", e["field"].as_str().unwrap_or(""), e["message"].as_str().unwrap_or(""));
        }
        return Ok(1);
    }
    if args.dry_run {
        print_errors(&body["errors"]);
        println!("dry run: {} rows, {} would be refused", body["total_rows"], body["failed_rows"]);
        return Ok(if body["failed_rows"].as_i64().unwrap_or(0) == 0 { 0 } else { 2 });
    }
    let id = body["id"].as_str().unwrap_or_default().to_owned();
    println!("import {id} accepted ({} rows)", body["total_rows"]);
    let mut events = http.get(format!("{base}/api/v1/orders/imports/{id}/events")).send().await?;
    let mut buffer = String::new();
    let mut last = body;
    'stream: while let Some(chunk) = events.chunk().await? {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            let data = event.lines().filter_map(|l| l.strip_prefix("data:")).collect::<Vec<_>>().join("");
            if let Ok(import) = serde_json::from_str::<Value>(data.trim()) {
                progress(&import);
                last = import;
            }
            if event.lines().any(|l| l.trim() == "event: done" || l.trim() == "event: error") {
                break 'stream;
            }
        }
    }
    println!();
    let status = last["status"].as_str().unwrap_or("unknown").to_owned();
    println!(
        "{status}: {} orders, {} rows paid, {} rows refused, {} JPY, {} confirmations queued",
        last["orders_created"],
        last["succeeded_rows"],
        last["failed_rows"],
        last["payments_total_amount"],
        last["notifications_queued"]
    );
    if last["failed_rows"].as_i64().unwrap_or(0) > 0 {
        let errors: Value = http.get(format!("{base}/api/v1/orders/imports/{id}/errors")).send().await?.json().await?;
        print_errors(&errors["errors"]);
        println!("all refused rows as CSV: {base}/api/v1/orders/imports/{id}/errors?format=csv");
    }
    Ok(match status.as_str() {
        "completed" => 0,
        "completed_with_errors" => 2,
        _ => 1,
    })
}

fn progress(import: &Value) {
    let total = import["total_rows"].as_i64().unwrap_or(0).max(1);
    let done = import["processed_rows"].as_i64().unwrap_or(0);
    let width = 30;
    let filled = (done * width / total) as usize;
    print!(
        "\r[{}{}] {:>3}% {done}/{total} rows  {} orders  {} queued / {} sent   ",
        "#".repeat(filled),
        ".".repeat(width as usize - filled.min(width as usize)),
        done * 100 / total,
        import["orders_created"],
        import["notifications_queued"],
        import["notifications_sent"]
    );
    let _ = std::io::stdout().flush();
}

fn print_errors(errors: &Value) {
    for e in errors.as_array().into_iter().flatten().take(20) {
        println!("  line {}: {} {}", e["row"], e["column"].as_str().unwrap_or(""), e["reason"].as_str().unwrap_or(""));
    }
}

/// Percent-encodes a query value (file names are often Japanese).
fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
