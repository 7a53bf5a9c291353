//! Reading a gzip-compressed JSONL export into rows, as the crate documentation shows.

use canvas_logs::{WebLog, WebLogRecord};
use flate2::read::MultiGzDecoder;
use std::io::{BufRead, BufReader, Read};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/web_logs-sample.jsonl"
);

/// The crate documentation's example, verbatim.
fn read_export(path: &str) -> Result<Vec<WebLog>, Box<dyn std::error::Error>> {
    let reader = BufReader::new(MultiGzDecoder::new(std::fs::File::open(path)?));
    let mut rows = Vec::new();
    for line in reader.lines() {
        let record: WebLogRecord = serde_json::from_str(&line?)?;
        rows.extend(record.into_row()); // a delete carries no row
    }
    Ok(rows)
}

#[test]
fn the_sample_export_reads_into_rows() {
    let rows = read_export(&format!("{SAMPLE}.gz")).expect("the sample reads");
    assert_eq!(rows.len(), 2, "two upserts and a delete");
    assert_eq!(rows[0].http_status, canvas_logs::HttpStatus::Ok);
    assert_eq!(
        rows[1].user_agent.as_ref().map(|u| u.is_truncated()),
        Some(true)
    );
    assert_eq!(
        rows[1].web_application_controller,
        Some(canvas_logs::Controller::Unspecified)
    );
    assert_eq!(rows[1].remote_ip.to_string(), "2001:db8::17");
}

#[test]
fn the_compressed_sample_matches_its_plain_text() {
    let mut decompressed = String::new();
    MultiGzDecoder::new(std::fs::File::open(format!("{SAMPLE}.gz")).expect("opens"))
        .read_to_string(&mut decompressed)
        .expect("decompresses");
    let plain = std::fs::read_to_string(SAMPLE).expect("reads");
    assert_eq!(decompressed, plain);
}
