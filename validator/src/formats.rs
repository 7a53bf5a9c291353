//! Text formats the checks recognise: uuid, timestamp, IP address, and integers of a given width.
//!
//! Each is the exact rule the emitted JSON Schema states (`codegen/src/emit/json_schema.rs`):
//!
//! - **uuid**: 36 characters, hyphenated `8-4-4-4-12` hex digits, either case (any version and
//!   variant; the 32-digit form without hyphens is not accepted in JSON).
//! - **timestamp**: `YYYY-MM-DDThh:mm:ss[.f{1,6}]Z`: upper-case `T` and `Z` only, no offsets
//!   other than `Z` (an offset would be silently dropped by a naive `timestamp` column), at most
//!   microseconds, hours 00-23, minutes and seconds 00-59 (no leap second), and a real calendar
//!   date (Gregorian leap years) in years 0001-9999: year `0000`, which RFC 3339 allows, is refused,
//!   since PostgreSQL, SQL Server and the official client's TSV parser all refuse it, so no DAP
//!   loader could store it.
//! - **ip**: whatever `std::net::IpAddr` parses: dotted-quad IPv4 (no leading zeros) or RFC 4291
//!   IPv6 text (no zone id, no brackets, no prefix length).
//! - **integers**: the JSON integer text parsed digit by digit into `i64` with overflow checks,
//!   never through `f64` (int64 ids exceed 2^53).

use std::net::IpAddr;

/// Hex digit values, `0xFF` for anything that is not a hex digit (the reference the word-at-a-time
/// uuid parser is tested against).
#[cfg(test)]
const HEX: [u8; 256] = {
    let mut table = [0xFFu8; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// Parses a hyphenated uuid into its 128-bit value.
///
/// The form is checked by [`is_uuid`]; then the groups `8-4-4-4-12` are read as four words of
/// eight digits (the two middle words each joined from two 4-digit groups), eight digits at a
/// time (`hex8_value`).
#[inline]
pub fn parse_uuid(text: &[u8]) -> Option<u128> {
    if !is_uuid(text) {
        return None;
    }
    checked_uuid_value(text)
}

/// The value of a uuid already found valid by [`is_uuid`] (a key column's value that passed its
/// check: testing the form again was 70 instructions per record). `None` only when `text` is
/// not 36 bytes; any other text gives some number, meaningless.
#[inline]
pub fn checked_uuid_value(text: &[u8]) -> Option<u128> {
    let bytes: &[u8; 36] = text.try_into().ok()?;
    let word8 = |at: usize| crate::plan::word8(bytes, at);
    let word4 = |at: usize| u64::from(crate::plan::word4(bytes, at));
    let a = hex8_value(word8(0));
    let b = hex8_value(word4(9) | (word4(14) << 32));
    let c = hex8_value(word4(19) | (word4(24) << 32));
    let d = hex8_value(word8(28));
    Some((u128::from(a) << 96) | (u128::from(b) << 64) | (u128::from(c) << 32) | u128::from(d))
}

/// Whether `text` is a hyphenated uuid: exactly `parse_uuid(text).is_some()`, without working
/// out the value (a column that is not the key only needs to know). Three overlapping 16-byte
/// windows (bytes 0-15, 16-31 and 20-35) are tested with SSE2 through `wide`: every byte must
/// be a hyphen where the form has one and a hex digit elsewhere. As `i8`, a byte >= 0x80 is
/// negative and fails both ranges. Not inlined: inlined into the record walker, its vector
/// registers cost the walker more instructions than the call.
#[inline(never)]
pub fn is_uuid(text: &[u8]) -> bool {
    let Ok(bytes) = <&[u8; 36]>::try_from(text) else {
        return false;
    };
    uuid_window(bytes, 0, 1 << 8 | 1 << 13)
        && uuid_window(bytes, 16, 1 << (18 - 16) | 1 << (23 - 16))
        && uuid_window(bytes, 20, 1 << (23 - 20))
}

/// Whether the 16 bytes of `bytes` from `at` are hyphens at the bits of `hyphens` and hex
/// digits elsewhere.
#[inline]
fn uuid_window(bytes: &[u8; 36], at: usize, hyphens: u32) -> bool {
    use wide::{CmpEq, CmpGt, CmpLt, i8x16};
    let mut window = [0u8; 16];
    if let Some(chunk) = bytes.get(at..at + 16) {
        window.copy_from_slice(chunk);
    }
    let v: i8x16 = bytemuck::cast(window);
    let between = |v: i8x16, lo: u8, hi: u8| {
        v.cmp_gt(i8x16::splat(lo as i8 - 1)) & v.cmp_lt(i8x16::splat(hi as i8 + 1))
    };
    let hex = between(v, b'0', b'9') | between(v | i8x16::splat(0x20), b'a', b'f');
    let hex = hex.move_mask() as u32;
    let hyphen = v.cmp_eq(i8x16::splat(b'-' as i8)).move_mask() as u32;
    (hex & !hyphens) | (hyphen & hyphens) == 0xFFFF
}

/// The value of eight hex digits (either case, already checked) packed little-endian in `w`
/// (the first digit in the lowest byte). A digit's value is its low nibble; a letter's (`A-F`,
/// `a-f`: bit 6 set, which no digit has) is its low nibble plus 9.
#[inline]
fn hex8_value(w: u64) -> u32 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let nibbles = (w & (ONES * 0x0F)) + ((w >> 6) & ONES) * 9;
    // The first digit is the most significant: gather the nibbles from the top byte down.
    let v = nibbles.swap_bytes();
    let v = (v | (v >> 4)) & 0x00FF_00FF_00FF_00FF;
    let v = (v | (v >> 8)) & 0x0000_FFFF_0000_FFFF;
    let v = (v | (v >> 16)) & 0xFFFF_FFFF;
    v as u32
}

/// Whether `text` is a timestamp in the one accepted form (see the module docs).
///
/// The fixed part `YYYY-MM-DDThh:mm:ss` is checked a word at a time: the separators by a masked
/// compare, the fourteen digits by a per-byte range test (see `digit_bytes`).
#[inline]
pub fn is_timestamp(text: &[u8]) -> bool {
    // YYYY-MM-DDThh:mm:ssZ is 20 bytes; with .ffffff at most 27.
    if text.len() < 20 || text.len() > 27 || text.last() != Some(&b'Z') {
        return false;
    }
    let Some(t) = text.first_chunk::<20>() else {
        return false;
    };
    // The date and hour of the last valid timestamp this thread saw: one with the same
    // `YYYY-MM-DDThh` needs only its minutes, seconds and fraction checked (neighbouring
    // records mostly share the hour; the calendar rule was most of the cost).
    let hour = hour_key(t);
    if LAST_VALID_HOUR.get() == Some(hour) {
        return minutes_valid(t) && fraction_valid(text);
    }
    let w0 = crate::plan::word8(t, 0); // YYYY-MM-
    let w1 = crate::plan::word8(t, 8); // DDThh:mm
    let w2 = u64::from(crate::plan::word4(t, 16)); // :ss then Z or .
    const SEP0: u64 = 0xFF00_00FF_0000_0000; // bytes 4 and 7
    const SEP1: u64 = 0x0000_FF00_00FF_0000; // bytes 10 and 13 (2 and 5 of the word)
    const DIGITS0: u64 = 0x0080_8000_8080_8080; // bytes 0-3, 5, 6
    const DIGITS1: u64 = 0x8080_0080_8000_8080; // bytes 8, 9, 11, 12, 14, 15
    const DIGITS2: u64 = 0x0080_8000; // bytes 17, 18
    let separators_ok = w0 & SEP0 == u64::from_le_bytes(*b"\0\0\0\0-\0\0-")
        && w1 & SEP1 == u64::from_le_bytes(*b"\0\0T\0\0:\0\0")
        && w2 & 0xFF == u64::from(b':');
    if !separators_ok
        || digit_bytes(w0) & DIGITS0 != DIGITS0
        || digit_bytes(w1) & DIGITS1 != DIGITS1
        || digit_bytes(w2) & DIGITS2 != DIGITS2
    {
        return false;
    }
    let d = |i: usize| u32::from(t[i] - b'0');
    let year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
    let month = d(5) * 10 + d(6);
    let day = d(8) * 10 + d(9);
    let (hh, minute, second) = (d(11) * 10 + d(12), d(14) * 10 + d(15), d(17) * 10 + d(18));
    let valid = fields_valid([year, month, day, hh, minute, second]) && fraction_valid(text);
    if valid {
        LAST_VALID_HOUR.set(Some(hour));
    }
    valid
}

thread_local! {
    /// See [`is_timestamp`]: the [`hour_key`] of the last valid timestamp checked on this thread.
    static LAST_VALID_HOUR: std::cell::Cell<Option<(u64, u64)>> = const { std::cell::Cell::new(None) };
}

/// `YYYY-MM-DDThh` (bytes 0..13) as two overlapping words.
#[inline(always)]
fn hour_key(t: &[u8; 20]) -> (u64, u64) {
    (crate::plan::word8(t, 0), crate::plan::word8(t, 5))
}

/// `:mm:ss` (bytes 13..19) of a timestamp whose date and hour are valid: the separators, the
/// digits, minutes and seconds below 60.
#[inline(always)]
fn minutes_valid(t: &[u8; 20]) -> bool {
    let w = crate::plan::word8(t, 12); // h:mm:ss then Z or .
    // Bytes 1 and 4 are the colons; 2, 3, 5 and 6 digits; 2 and 5 at most '5'.
    const SEPARATORS: u64 = 0x0000_00FF_0000_FF00;
    const DIGITS: u64 = 0x0080_8000_8080_0000;
    w & SEPARATORS == u64::from_le_bytes(*b"\0:\0\0:\0\0\0")
        && digit_bytes(w) & DIGITS == DIGITS
        && t[14] <= b'5'
        && t[17] <= b'5'
}

/// The calendar and clock rule of [`is_timestamp`] on its parsed fields (year, month, day,
/// hour, minute, second): a real Gregorian date in years 0001-9999, 00:00:00 to 23:59:59. Always inlined: as a
/// call it cost [`is_timestamp`] 30 instructions more (two timestamps a record).
#[inline(always)]
fn fields_valid([year, month, day, hour, minute, second]: [u32; 6]) -> bool {
    if year == 0
        || hour > 23
        || minute > 59
        || second > 59
        || !(1..=12).contains(&month)
        || day == 0
    {
        return false;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    day <= days_in_month
}

/// Between the seconds and the closing `Z` of a timestamp `text` (at least 20 bytes): nothing,
/// or a dot and 1-6 digits.
#[inline(always)]
fn fraction_valid(text: &[u8]) -> bool {
    // DAP's six digits (`.ffffffZ`, bytes 19..27) as one word: the dot, then digits.
    if let Some(w) = text.get(19..27).and_then(|w| w.first_chunk::<8>())
        && text.len() == 27
    {
        const DIGITS: u64 = 0x0080_8080_8080_8000;
        let w = u64::from_le_bytes(*w);
        return w & 0xFF == u64::from(b'.') && digit_bytes(w) & DIGITS == DIGITS;
    }
    match text.get(19..text.len().saturating_sub(1)) {
        Some([]) => true,
        Some([b'.', fraction @ ..]) => {
            (1..=6).contains(&fraction.len()) && fraction.iter().all(u8::is_ascii_digit)
        }
        _ => false,
    }
}

/// 10^0 to 10^8.
const POWERS_OF_TEN: [u64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// The value of eight ASCII digits (a little-endian word of them), in three multiplies
/// (the SWAR method of simdjson's `parse_eight_digits_unrolled`).
#[inline]
pub(crate) fn eight_digits(word: u64) -> u64 {
    let v = word.wrapping_sub(0x3030_3030_3030_3030);
    let v = v.wrapping_mul(10).wrapping_add(v >> 8) & 0x00FF_00FF_00FF_00FF;
    let v = v.wrapping_mul(100).wrapping_add(v >> 16) & 0x0000_FFFF_0000_FFFF;
    v.wrapping_mul(10_000).wrapping_add(v >> 32) & 0xFFFF_FFFF
}

/// The value of an integer literal `-?[0-9]+` (the only text a [`crate::plan::FieldValue::Integer`]
/// holds) of at most 18 digits, which always fits in `i64`: what [`parse_i64`] returns for it,
/// eight digits at a time. Longer literals go to [`parse_i64`]; other text gives some number,
/// never a panic. For the profile's minimum and maximum.
#[inline]
pub fn small_integer(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let n = digits.len();
    if n == 0 || n > 18 {
        return parse_i64(text);
    }
    let value = match (digits.first_chunk::<8>(), digits.last_chunk::<8>()) {
        (Some(head), Some(tail)) if n > 8 && n <= 16 => {
            // The first eight digits, then the last n - 8 (the overlap masked to '0').
            let high = eight_digits(u64::from_le_bytes(*head));
            let overlap = 16 - n;
            let mask = if overlap == 0 {
                0
            } else {
                u64::MAX >> (64 - 8 * overlap)
            };
            let low =
                eight_digits((u64::from_le_bytes(*tail) & !mask) | (0x3030_3030_3030_3030 & mask));
            high.wrapping_mul(POWERS_OF_TEN.get(n - 8).copied().unwrap_or(0))
                .wrapping_add(low)
        }
        (Some(head), _) if n == 8 => eight_digits(u64::from_le_bytes(*head)),
        _ => digits.iter().fold(0u64, |v, d| {
            v.wrapping_mul(10)
                .wrapping_add(u64::from(d.wrapping_sub(b'0')))
        }),
    };
    let value = value as i64;
    Some(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

/// Microseconds since the Unix epoch of a timestamp [`is_timestamp`] accepts (`None` for any
/// other text). For the profile's minimum, maximum and hours: it runs only on valid values.
pub fn timestamp_micros(text: &[u8]) -> Option<i64> {
    let t = text.first_chunk::<20>()?;
    let d = |i: usize| i64::from(t[i].wrapping_sub(b'0'));
    let year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
    let month = d(5) * 10 + d(6);
    let day = d(8) * 10 + d(9);
    let seconds = (d(11) * 10 + d(12)) * 3600 + (d(14) * 10 + d(15)) * 60 + d(17) * 10 + d(18);
    let mut micros = 0i64;
    if let Some([b'.', fraction @ ..]) = text.get(19..text.len().saturating_sub(1)) {
        for digit in fraction.iter().chain(std::iter::repeat(&b'0')).take(6) {
            micros = micros * 10 + i64::from(digit.wrapping_sub(b'0'));
        }
    }
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + seconds) * 1_000_000 + micros)
}

/// Microseconds since the Unix epoch as DAP writes a timestamp, `YYYY-MM-DDThh:mm:ss[.ffffff]Z`
/// (the fraction only when there is one, always six digits).
pub fn format_micros(micros: i64) -> String {
    let (date, seconds) = civil(micros);
    let fraction = micros.rem_euclid(1_000_000);
    let clock = format!(
        "{date}T{:02}:{:02}:{:02}",
        seconds / 3600,
        (seconds / 60) % 60,
        seconds % 60
    );
    if fraction == 0 {
        format!("{clock}Z")
    } else {
        format!("{clock}.{fraction:06}Z")
    }
}

/// The hour of `micros` (hours since the epoch) as `YYYY-MM-DDThh`.
pub fn format_hour(hour: i64) -> String {
    let (date, seconds) = civil(hour.saturating_mul(3_600_000_000));
    format!("{date}T{:02}", seconds / 3600)
}

/// The day of an hour as `YYYY-MM-DD`.
pub fn format_day(hour: i64) -> String {
    civil(hour.saturating_mul(3_600_000_000)).0
}

/// `YYYY-MM-DD` and the second of the day.
fn civil(micros: i64) -> (String, i64) {
    let secs = micros.div_euclid(1_000_000);
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    (
        format!("{year:04}-{month:02}-{day:02}"),
        secs.rem_euclid(86_400),
    )
}

/// The proleptic Gregorian year, month and day of a day number (days since 1970-01-01):
/// Howard Hinnant's `civil_from_days`. Shared by the profile's output and the Parquet reader.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Parses `YYYY-MM-DDThh` (an hour as [`format_hour`] writes it) back to hours since the epoch.
pub fn parse_hour(text: &str) -> Option<i64> {
    let stamp = format!("{text}:00:00Z");
    if !is_timestamp(stamp.as_bytes()) {
        return None;
    }
    timestamp_micros(stamp.as_bytes()).map(|m| m.div_euclid(3_600_000_000))
}

/// The high bit of each byte of `w` that is an ASCII digit (a byte with its own high bit set is
/// not one).
///
/// Range checks per byte without carries between bytes (every byte is below 0x80 once its high
/// bit is masked off): adding `0x80 - lo` sets a byte's high bit when it is `>= lo`, adding
/// `0x7F - hi` when it is `> hi`.
#[inline]
fn digit_bytes(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let low = w & !HIGHS;
    low.wrapping_add(ONES * u64::from(0x80 - b'0'))
        & !low.wrapping_add(ONES * u64::from(0x7F - b'9'))
        & !w
        & HIGHS
}

/// Whether `text` is an IPv4 or IPv6 address as `std::net` parses them.
#[inline]
pub fn is_ip(text: &[u8]) -> bool {
    // The longest IPv6 text (with an embedded IPv4) is 45 bytes; reject early what cannot be one.
    if text.len() > 45 {
        return false;
    }
    if ipv4_fast(text) {
        return true;
    }
    // Only an all-digit text is in reach of both (and both call it invalid): the order is free.
    if let Some(verdict) = colon_hex(text) {
        return verdict;
    }
    if let Some(verdict) = dotted_quad(text) {
        return verdict;
    }
    std::str::from_utf8(text).is_ok_and(|s| s.parse::<IpAddr>().is_ok())
}

/// Whether `text` is a dotted-quad IPv4 address that `std::net::Ipv4Addr` accepts, read part by
/// part with no per-byte dispatch: the common case of the `ip` check. `false` only means "not
/// shown valid here": [`dotted_quad`], [`colon_hex`] and `std` then decide.
#[inline]
fn ipv4_fast(text: &[u8]) -> bool {
    // A byte's digit value, or something above 9 for a non-digit (and for the end of the text).
    let digit = |at: usize| text.get(at).map_or(0xFF, |&b| b.wrapping_sub(b'0'));
    let mut at = 0;
    for part in 0..4 {
        if part > 0 {
            if text.get(at) != Some(&b'.') {
                return false;
            }
            at += 1;
        }
        let first = digit(at);
        if first > 9 {
            return false;
        }
        let (second, third) = (digit(at + 1), digit(at + 2));
        let value = if second > 9 {
            at += 1;
            u32::from(first)
        } else if first == 0 {
            return false; // a leading zero
        } else if third > 9 {
            at += 2;
            u32::from(first) * 10 + u32::from(second)
        } else {
            at += 3;
            u32::from(first) * 100 + u32::from(second) * 10 + u32::from(third)
        };
        if value > 255 {
            return false;
        }
    }
    at == text.len()
}

/// The IPv6 rule of `std::net::Ipv6Addr`'s parser, for text made only of hex digits and colons
/// (no embedded IPv4, which needs a dot): eight groups of one to four hex digits separated by
/// single colons, or one `::` standing for at least one zero group, with at most seven groups
/// around it. `None` when the text has any other byte, or more than 64 bytes (then `std`
/// decides).
///
/// Eight bytes at a time: per-byte range tests (as in [`digit_bytes`]) give one bit per byte for "hex
/// digit" and for "colon"; then a group starts at each hex bit after a non-hex one, `::` is two
/// adjacent colon bits, and the text is valid when no five hex bits are adjacent, `::` occurs at
/// most once (`:::` counts twice), no single colon starts or ends the text, and there are eight
/// groups without `::` or at most seven with it.
#[inline]
fn colon_hex(text: &[u8]) -> Option<bool> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    if text.len() > 64 {
        return None;
    }
    let in_range = |x: u64, lo: u8, hi: u8| {
        x.wrapping_add(ONES * u64::from(0x80 - lo))
            & !x.wrapping_add(ONES * u64::from(0x7F - hi))
            & HIGHS
    };
    // The high bit of byte i becomes bit i of the result (no two partial products overlap).
    let to_bits = |m: u64| (m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
    // (hex digit bits, colon bits) of eight bytes.
    let classify = |w: u64| {
        let ascii = !w & HIGHS;
        let low = w & !HIGHS; // every byte below 0x80: the range tests cannot carry
        let digit = in_range(low, b'0', b'9');
        let letter = in_range(low | (ONES * 0x20), b'a', b'f');
        (
            to_bits((digit | letter) & ascii),
            to_bits(in_range(low, b':', b':') & ascii),
        )
    };
    let mut hex = 0u64;
    let mut colons = 0u64;
    let mut words = text.chunks_exact(8);
    let mut shift = 0;
    for chunk in &mut words {
        let (h, c) = classify(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        hex |= h << shift;
        colons |= c << shift;
        shift += 8;
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        // The tail, zero-padded (a zero byte is neither a hex digit nor a colon): the text's
        // last eight bytes shifted down past the ones already seen, or a copy of a short text.
        let w = match text.last_chunk::<8>() {
            Some(last) => u64::from_le_bytes(*last) >> (8 * (8 - rest.len())),
            None => {
                let mut bytes = [0u8; 8];
                for (b, &r) in bytes.iter_mut().zip(rest) {
                    *b = r;
                }
                u64::from_le_bytes(bytes)
            }
        };
        let (h, c) = classify(w);
        hex |= h << shift;
        colons |= c << shift;
    }
    let all = if text.is_empty() {
        0
    } else {
        u64::MAX >> (64 - text.len())
    };
    if hex | colons != all {
        return None;
    }
    let groups = (hex & !(hex << 1)).count_ones();
    let doubles = (colons & (colons >> 1)).count_ones();
    let long_group = hex & (hex >> 1) & (hex >> 2) & (hex >> 3) & (hex >> 4) != 0;
    let single_colon_at_start = colons & 0b11 == 0b01;
    let last = 1u64 << text.len().saturating_sub(1);
    let single_colon_at_end = colons & last != 0 && colons & (last >> 1) == 0;
    let counted = match doubles {
        0 => groups == 8,
        1 => groups <= 7,
        _ => false,
    };
    Some(counted && !long_group && !single_colon_at_start && !single_colon_at_end)
}

/// The IPv4 rule of `std::net::Ipv4Addr`'s parser, for text made only of digits and dots (which
/// cannot be IPv6): four parts of one to three digits, no leading zero, each at most 255.
/// `None` when the text has any other byte (then `std` decides).
#[inline]
fn dotted_quad(text: &[u8]) -> Option<bool> {
    // One pass, no splitting: per part its digit count, value (capped, so it cannot overflow)
    // and whether it started with a zero.
    let mut ok = true;
    let mut dots = 0u32;
    let mut digits = 0u32;
    let mut value = 0u32;
    let mut leading_zero = false;
    for &b in text {
        match b {
            b'0'..=b'9' => {
                if digits == 0 {
                    leading_zero = b == b'0';
                } else if leading_zero {
                    ok = false;
                }
                digits += 1;
                value = (value * 10 + u32::from(b - b'0')).min(1000);
            }
            b'.' => {
                ok &= digits != 0 && digits <= 3 && value <= 255;
                dots += 1;
                digits = 0;
                value = 0;
            }
            _ => return None,
        }
    }
    ok &= digits != 0 && digits <= 3 && value <= 255;
    Some(ok && dots == 3)
}

/// Parses a JSON integer literal (`-?(0|[1-9][0-9]*)`, already checked by the scanner) into `i64`;
/// `None` when it does not fit.
#[inline]
pub fn parse_i64(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    // Accumulate as a negative number so that i64::MIN fits.
    let mut value: i64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_sub(i64::from(b - b'0'))?;
    }
    if negative {
        Some(value)
    } else {
        value.checked_neg()
    }
}

#[cfg(test)]
mod tests {
    /// The eight-at-a-time reader gives exactly `parse_i64` for every length and digit.
    #[test]
    fn small_integers_equal_the_general_parse() {
        let mut texts = vec![
            "0".to_owned(),
            "-0".to_owned(),
            "".to_owned(),
            "-".to_owned(),
        ];
        for n in 1..=19 {
            for d in b'0'..=b'9' {
                let same = String::from_utf8(vec![d; n]).unwrap_or_default();
                texts.push(same.clone());
                texts.push(format!("-{same}"));
            }
            let counting: String = (0..n)
                .map(|i| char::from(b'0' + ((i * 7 + 3) % 10) as u8))
                .collect();
            texts.push(counting.clone());
            texts.push(format!("-{counting}"));
            texts.push(format!("1{}", "0".repeat(n - 1)));
            texts.push("9".repeat(n));
        }
        for text in &texts {
            assert_eq!(
                super::small_integer(text.as_bytes()),
                super::parse_i64(text.as_bytes()),
                "{text}"
            );
        }
    }

    #[test]
    fn timestamps_to_micros_and_back() {
        for text in [
            "1970-01-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999Z",
            "2000-02-29T12:34:56.5Z",
            "1969-12-31T23:59:59.000001Z",
            "2026-12-05T04:18:23.123456Z",
        ] {
            let micros = super::timestamp_micros(text.as_bytes()).unwrap_or(i64::MIN);
            let back = super::format_micros(micros);
            // The fraction is written with six digits.
            let expected = match text.split_once('.') {
                Some((head, f)) => format!("{head}.{:0<6}Z", f.trim_end_matches('Z')),
                None => text.to_owned(),
            };
            assert_eq!(back, expected, "{text}");
        }
        assert_eq!(
            super::timestamp_micros(b"1970-01-01T01:00:00.25Z"),
            Some(3_600_250_000)
        );
        assert_eq!(super::format_hour(-1), "1969-12-31T23");
        assert_eq!(super::parse_hour("1969-12-31T23"), Some(-1));
        assert_eq!(super::parse_hour("2026-02-30T00"), None);
        assert_eq!(super::format_day(25), "1970-01-02");
    }

    use super::*;

    #[test]
    fn uuids_hyphenated_either_case() {
        assert_eq!(parse_uuid(b"00000000-0000-0000-0000-000000000001"), Some(1));
        let lower = parse_uuid(b"0a1b2c3d-4e5f-6789-abcd-ef0123456789");
        let upper = parse_uuid(b"0A1B2C3D-4E5F-6789-ABCD-EF0123456789");
        assert!(lower.is_some());
        assert_eq!(lower, upper);
        for bad in [
            &b"0a1b2c3d4e5f6789abcdef0123456789"[..],
            b"0a1b2c3d-4e5f-6789-abcd-ef012345678",
            b"0a1b2c3d-4e5f-6789-abcd-ef01234567890",
            b"0a1b2c3d-4e5f-6789-abcd_ef0123456789",
            b"0a1b2c3d-4e5f-6789-abcd-ef012345678g",
            b"{0a1b2c3d-4e5f-6789-abcd-ef01234567}",
            b"",
        ] {
            assert_eq!(parse_uuid(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    /// The digit-by-digit table parse, the reference for [`parse_uuid`].
    fn reference_uuid(text: &[u8]) -> Option<u128> {
        if text.len() != 36 {
            return None;
        }
        let mut value = 0u128;
        for (i, &b) in text.iter().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                if b != b'-' {
                    return None;
                }
                continue;
            }
            let digit = HEX[usize::from(b)];
            if digit == 0xFF {
                return None;
            }
            value = (value << 4) | u128::from(digit);
        }
        Some(value)
    }

    #[test]
    fn uuid_parse_matches_the_reference_for_every_byte_at_every_position() {
        let base = *b"0a1b2c3d-4e5f-6789-abcd-ef0123456789";
        assert_eq!(parse_uuid(&base), reference_uuid(&base));
        assert!(is_uuid(&base) && is_uuid(b"FEDCBA98-7654-3210-FEDC-BA9876543210"));
        for len in [0, 35, 37] {
            let text: Vec<u8> = base.iter().copied().cycle().take(len).collect();
            assert!(!is_uuid(&text), "{len} bytes");
        }
        assert_eq!(
            parse_uuid(b"fedcba98-7654-3210-FEDC-BA9876543210"),
            Some(0xfedc_ba98_7654_3210_fedc_ba98_7654_3210)
        );
        for at in 0..36 {
            for b in 0..=255u8 {
                let mut text = base;
                text[at] = b;
                assert_eq!(parse_uuid(&text), reference_uuid(&text), "{at} {b}");
                assert_eq!(is_uuid(&text), reference_uuid(&text).is_some(), "{at} {b}");
                if let Some(value) = reference_uuid(&text) {
                    assert_eq!(checked_uuid_value(&text), Some(value), "{at} {b}");
                }
            }
        }
    }

    /// The byte-by-byte timestamp rule, the reference for [`is_timestamp`].
    fn reference_timestamp(text: &[u8]) -> bool {
        // YYYY-MM-DDThh:mm:ssZ is 20 bytes; with .ffffff at most 27.
        if text.len() < 20 || text.len() > 27 {
            return false;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let mut value = 0u32;
            for &b in text.get(range)? {
                if !b.is_ascii_digit() {
                    return None;
                }
                value = value * 10 + u32::from(b - b'0');
            }
            Some(value)
        };
        let separators_ok = text.get(4) == Some(&b'-')
            && text.get(7) == Some(&b'-')
            && text.get(10) == Some(&b'T')
            && text.get(13) == Some(&b':')
            && text.get(16) == Some(&b':')
            && text.last() == Some(&b'Z');
        if !separators_ok {
            return false;
        }
        let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = (
            digits(0..4),
            digits(5..7),
            digits(8..10),
            digits(11..13),
            digits(14..16),
            digits(17..19),
        ) else {
            return false;
        };
        // The calendar and the fraction are shared: what is tested here is how the word-at-a-time
        // check finds the separators and digits (the calendar has its own boundary test).
        fields_valid([year, month, day, hour, minute, second]) && fraction_valid(text)
    }

    #[test]
    fn timestamp_check_matches_the_reference_for_every_byte_at_every_position() {
        for base in [
            "2024-02-29T23:59:59Z",
            "2023-12-31T10:20:30.123456Z",
            "1900-02-28T00:00:00.5Z",
            "2000-02-29T12:00:00.12Z",
        ] {
            assert!(is_timestamp(base.as_bytes()));
            for at in 0..base.len() {
                for b in 0..=255u8 {
                    let mut text = base.as_bytes().to_vec();
                    text[at] = b;
                    assert_eq!(
                        is_timestamp(&text),
                        reference_timestamp(&text),
                        "{base} {at} {b}"
                    );
                }
            }
            // Again with this thread's hour cache warm: a valid timestamp of the same date and
            // hour just before, so only the minutes, seconds and fraction are read.
            for at in 13..base.len() {
                for b in 0..=255u8 {
                    let mut text = base.as_bytes().to_vec();
                    text[at] = b;
                    assert!(is_timestamp(base.as_bytes()));
                    assert_eq!(
                        is_timestamp(&text),
                        reference_timestamp(&text),
                        "warm {base} {at} {b}"
                    );
                }
            }
            for len in 0..30 {
                let text: Vec<u8> = base.bytes().cycle().take(len).collect();
                assert_eq!(is_timestamp(&text), reference_timestamp(&text), "{len}");
            }
        }
        for month in 0..=13u32 {
            for day in 0..=32u32 {
                for year in [1900, 2000, 2023, 2024, 0] {
                    let text = format!("{year:04}-{month:02}-{day:02}T23:59:59Z");
                    assert_eq!(
                        is_timestamp(text.as_bytes()),
                        reference_timestamp(text.as_bytes()),
                        "{text}"
                    );
                }
            }
        }
    }

    fn std_ip(text: &[u8]) -> bool {
        text.len() <= 45 && std::str::from_utf8(text).is_ok_and(|s| s.parse::<IpAddr>().is_ok())
    }

    /// `is_ip` gives `std`'s verdict on `text`.
    fn assert_ip_like_std(text: &[u8]) {
        assert_eq!(
            is_ip(text),
            std_ip(text),
            "{}",
            String::from_utf8_lossy(text)
        );
    }

    #[test]
    fn ip_check_matches_std_on_every_short_colon_hex_text_and_random_longer_ones() {
        // Every text up to 9 bytes over a small alphabet, then random ones up to 45 bytes.
        let alphabet = b"0aF:";
        let mut texts: Vec<Vec<u8>> = vec![Vec::new()];
        let mut frontier: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..9 {
            let mut next = Vec::new();
            for t in &frontier {
                for &b in alphabet {
                    let mut u = t.clone();
                    u.push(b);
                    next.push(u);
                }
            }
            texts.extend(next.iter().cloned());
            frontier = next;
        }
        let mut rng = crate::synth::Rng::new(0x9E37_79B9_7F4A_7C15);
        let mut random = |n: u64| rng.below(n);
        let wide = b"0123456789abcdefABCDEFg:::...";
        for _ in 0..300_000 {
            let len = random(46) as usize;
            texts.push(
                (0..len)
                    .map(|_| wide[random(wide.len() as u64) as usize])
                    .collect(),
            );
        }
        // Structured: 1 to 10 groups of 0 to 5 hex digits (an empty group makes a `::`).
        for _ in 0..300_000 {
            let groups = 1 + random(10) as usize;
            let mut text = Vec::new();
            for g in 0..groups {
                if g > 0 {
                    text.push(b':');
                }
                for _ in 0..random(6) {
                    text.push(b"0fA9"[random(4) as usize]);
                }
            }
            texts.push(text);
        }
        for good in [
            "::",
            "::1",
            "1::",
            "fe80::1",
            "2001:db8:85a3:0:0:8a2e:370:7334",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
            "ffff:FFFF:0:0:0:0:0:1",
            "::ffff:1.2.3.4",
        ] {
            texts.push(good.as_bytes().to_vec());
            assert!(is_ip(good.as_bytes()), "{good}");
        }
        for text in &texts {
            assert_ip_like_std(text);
        }
    }

    #[test]
    fn timestamps_utc_microseconds_real_dates() {
        for ok in [
            "2024-02-29T23:59:59Z",
            "2024-01-01T00:00:00.1Z",
            "2024-01-01T00:00:00.123456Z",
            "2000-02-29T12:00:00Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999Z",
            "2023-12-31T10:20:30.000000Z",
        ] {
            assert!(is_timestamp(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-00-01T00:00:00Z",
            "2024-01-00T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:60:00Z",
            "2024-01-01T00:00:60Z",
            "2024-01-01T00:00:00.1234567Z",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00+00:00",
            "2024-01-01T00:00:00z",
            "2024-01-01t00:00:00Z",
            "2024-01-01 00:00:00Z",
            "2024-1-01T00:00:00Z",
            "+2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00.12a4Z",
            // Year 0000 (a leap year to the calendar rule): no DAP loader can store it.
            "0000-01-01T00:00:00Z",
            "0000-02-29T00:00:00Z",
            "",
        ] {
            assert!(!is_timestamp(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn ip_addresses_as_std_parses_them() {
        for ok in [
            "10.0.0.1",
            "255.255.255.255",
            "::1",
            "2001:db8::8a2e:370:7334",
            "::ffff:192.0.2.1",
        ] {
            assert!(is_ip(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "256.0.0.1",
            "10.0.0",
            "010.0.0.1",
            "[::1]",
            "fe80::1%eth0",
            "10.0.0.1/24",
            " 10.0.0.1",
            "",
            "example.org",
        ] {
            assert!(!is_ip(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn digit_and_dot_texts_agree_with_std() {
        let alphabet = b"0125.";
        let mut frontier: Vec<Vec<u8>> = vec![Vec::new()];
        let mut texts = frontier.clone();
        for _ in 0..8 {
            let mut next = Vec::new();
            for t in &frontier {
                for &b in alphabet {
                    let mut u = t.clone();
                    u.push(b);
                    next.push(u);
                }
            }
            texts.extend(next.iter().cloned());
            frontier = next;
        }
        let mut rng = crate::synth::Rng::new(0x2545_F491_4F6C_DD1D);
        let mut random = |n: u64| rng.below(n);
        for _ in 0..300_000 {
            let parts = 1 + random(6);
            let mut text = Vec::new();
            for p in 0..parts {
                if p > 0 {
                    text.push(b'.');
                }
                for _ in 0..random(5) {
                    text.push(b"0123456789"[random(10) as usize]);
                }
            }
            texts.push(text);
        }
        for text in &texts {
            let std_says =
                std::str::from_utf8(text).is_ok_and(|s| s.parse::<std::net::Ipv4Addr>().is_ok());
            assert_eq!(
                dotted_quad(text),
                Some(std_says),
                "{}",
                String::from_utf8_lossy(text)
            );
            assert_eq!(
                ipv4_fast(text),
                std_says,
                "{}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn ip_check_matches_std_on_mutated_addresses() {
        let seeds: &[&[u8]] = &[
            b"183.220.242.108",
            b"0.0.0.0",
            b"255.255.255.255",
            b"10.0.0.1",
            b"1.22.255.9",
            b"2001:db8:85a3::8a2e:370:7334",
            b"fe80::1",
            b"::ffff:192.168.1.10",
            b"1:2:3:4:5:6:7:8",
            b"::",
        ];
        let alphabet: &[u8] = b"0159.:aFgx %/[]-\0\xff";
        let mut texts: Vec<Vec<u8>> = Vec::new();
        for seed in seeds {
            texts.push(seed.to_vec());
            for at in 0..=seed.len() {
                let mut cut = seed.to_vec();
                if at < seed.len() {
                    cut.remove(at);
                    texts.push(cut);
                }
                for &b in alphabet.iter().chain([0u8, 0xFF, b'2', b'6'].iter()) {
                    let mut grown = seed.to_vec();
                    grown.insert(at, b);
                    texts.push(grown);
                    if at < seed.len() {
                        let mut changed = seed.to_vec();
                        changed[at] = b;
                        texts.push(changed);
                    }
                }
            }
        }
        // Random double and triple mutations of every seed.
        let mut rng = crate::synth::Rng::new(0x1234_5678_9ABC_DEF1);
        let mut random = |n: u64| rng.below(n);
        let bytes = b"0123456789.:abcdefABCDEF";
        for _ in 0..200_000 {
            let mut text = seeds[random(seeds.len() as u64) as usize].to_vec();
            for _ in 0..1 + random(3) {
                let at = random(text.len() as u64 + 1) as usize;
                let b = bytes[random(bytes.len() as u64) as usize];
                match random(3) {
                    0 if at < text.len() => text[at] = b,
                    1 if at < text.len() => {
                        text.remove(at);
                    }
                    _ => text.insert(at, b),
                }
            }
            texts.push(text);
        }
        for text in &texts {
            assert_ip_like_std(text);
            let v4 =
                std::str::from_utf8(text).is_ok_and(|s| s.parse::<std::net::Ipv4Addr>().is_ok());
            assert_eq!(ipv4_fast(text), v4, "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn dotted_quads_agree_with_std() {
        let mut cases: Vec<String> = vec![
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1..2.3",
            ".1.2.3",
            "1.2.3.",
            "1.2.3.4.",
            "999.1.1.1",
            "1.2.3.0",
            "10.00.1.1",
            "1234.1.1.1",
            "",
            ".",
            "1",
            "1.2.3.04",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        for a in [
            0u32, 1, 9, 10, 99, 100, 199, 200, 249, 250, 255, 256, 300, 999,
        ] {
            cases.push(format!("{a}.{a}.1.{a}"));
        }
        for case in &cases {
            let std_says = case.parse::<std::net::Ipv4Addr>().is_ok();
            assert_eq!(dotted_quad(case.as_bytes()), Some(std_says), "{case}");
            assert_eq!(ipv4_fast(case.as_bytes()), std_says, "{case}");
            assert_eq!(is_ip(case.as_bytes()), std_says, "{case}");
        }
        assert_eq!(dotted_quad(b"::1"), None);
    }

    #[test]
    fn integers_parse_exactly_at_the_boundaries() {
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_i64(b"-9223372036854775809"), None);
        assert_eq!(parse_i64(b"9007199254740993"), Some(9_007_199_254_740_993));
        assert_eq!(parse_i64(b"-0"), Some(0));
        assert_eq!(parse_i64(b"-"), None);
        assert_eq!(parse_i64(b"1.0"), None);
    }
}
