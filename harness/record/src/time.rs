//! Times as text: parsing Unix seconds or RFC 3339 timestamps (command lines, receipts'
//! `issued_at`), and writing UTC timestamps the way the cMCP gateway does.
//!
//! Owns: the proleptic Gregorian calendar arithmetic. Does not own any clock: callers pass
//! the verification time.

/// Parses `1785000000`, `2026-07-25T17:20:00Z` or `2026-07-25T17:20:00+02:00`.
pub fn parse_time(text: &str) -> Result<i64, String> {
    if let Ok(secs) = text.parse::<i64>() {
        return Ok(secs);
    }
    let bad = || format!("{text:?} is neither Unix seconds nor an RFC 3339 timestamp");
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| text.get(r).and_then(|s| s.parse::<i64>().ok()).ok_or_else(bad);
    let (y, mo, d, h, mi, s) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let mut rest = text.get(19..).ok_or_else(bad)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[digits..];
    }
    let offset = match rest.as_bytes() {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] if [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()) => {
            let (oh, om) = (
                ((h1 - b'0') * 10 + (h2 - b'0')) as i64,
                ((m1 - b'0') * 10 + (m2 - b'0')) as i64,
            );
            if oh > 23 || om > 59 {
                return Err(bad());
            }
            if *sign == b'-' {
                -(oh * 3600 + om * 60)
            } else {
                oh * 3600 + om * 60
            }
        }
        _ => return Err(bad()),
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&mo) || d < 1 || d > month_days[(mo - 1) as usize] || h > 23 || mi > 59 || s > 60 {
        return Err(bad());
    }
    Ok(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset)
}

/// RFC 3339 UTC with `+00:00`, as the cMCP gateway writes `attestation_generated_at`.
pub fn format_utc(unix: i64) -> String {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+00:00",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms() {
        assert_eq!(parse_time("1785000000"), Ok(1_785_000_000));
        assert_eq!(parse_time("2026-07-25T17:20:00Z"), Ok(1_785_000_000));
        assert_eq!(parse_time("2026-07-25T19:20:00+02:00"), Ok(1_785_000_000));
        assert_eq!(parse_time("2026-07-25T17:20:00.5Z"), Ok(1_785_000_000));
        assert_eq!(parse_time("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_time("2000-03-01T00:00:00Z"), Ok(951_868_800));
        assert!(parse_time("yesterday").is_err());
        assert!(parse_time("2026-13-01T00:00:00Z").is_err());
        assert!(parse_time("2026-02-29T00:00:00Z").is_err());
        assert_eq!(parse_time("2024-02-29T00:00:00Z"), Ok(1_709_164_800));
        assert!(parse_time("2026-07-25T17:20:00+99:99").is_err());
        assert!(parse_time("2026-07-25T17:20:00é1:00").is_err());
    }

    #[test]
    fn offsets_fractions_and_case_are_read_exactly() {
        let t = 1_785_000_000;
        for (text, at) in [
            ("2026-07-25T22:50:00+05:30", t),
            ("2026-07-25T11:50:00-05:30", t),
            ("2026-07-25T17:20:00-00:00", t),
            ("2026-07-25T17:20:00+00:01", t - 60),
            ("2026-07-25T17:20:00-00:01", t + 60),
            ("2026-07-25T17:20:00+23:59", t - 23 * 3600 - 59 * 60),
            ("2026-07-25T17:20:00.123456789Z", t),
            ("2026-07-25t17:20:00z", t),
            ("2026-07-25T17:20:60Z", t + 60),
            ("2026-07-25T23:59:59Z", t + 6 * 3600 + 39 * 60 + 59),
            ("2000-02-29T00:00:00Z", 951_782_400),
            ("2100-03-01T00:00:00Z", 4_107_542_400),
        ] {
            assert_eq!(parse_time(text), Ok(at), "{text}");
        }
    }

    #[test]
    fn out_of_range_fields_and_misplaced_separators_are_refused() {
        for text in [
            "2026-07-25T17:20:00",
            "2026-07-25T17:20:00+0200",
            "2026-07-25T17:20:00+24:00",
            "2026-07-25T17:20:00+00:60",
            "2026-07-25T17:20:00+ab:00",
            "2026-07-25 17:20:00Z",
            "2026/07-25T17:20:00Z",
            "2026-07/25T17:20:00Z",
            "2026-07-25T17-20:00Z",
            "2026-07-25T17:20-00Z",
            "2026-07-25T17:20:00.Z5",
            "2026-00-10T00:00:00Z",
            "2026-07-00T00:00:00Z",
            "2026-07-32T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2100-02-29T00:00:00Z",
            "2026-07-25T24:00:00Z",
            "2026-07-25T23:60:00Z",
            "2026-07-25T23:59:61Z",
        ] {
            assert!(parse_time(text).is_err(), "{text}");
        }
    }

    #[test]
    fn every_day_from_1600_to_2400_parses_and_formats_as_a_plain_calendar_counts_it() {
        // An independent calendar: walk day by day with month lengths and the leap rule.
        let mut t = parse_time("1600-01-01T00:00:00Z").expect("start");
        assert_eq!(t, -11_676_096_000);
        for y in 1600..=2400_i64 {
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            for (m, len) in [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
                .into_iter()
                .enumerate()
            {
                for d in 1..=len {
                    let text = format!("{y:04}-{:02}-{d:02}T00:00:00+00:00", m + 1);
                    assert_eq!(parse_time(&text), Ok(t), "{text}");
                    assert_eq!(format_utc(t), text);
                    t += 86_400;
                }
            }
        }
    }

    #[test]
    fn formats_what_it_parses() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00+00:00");
        assert_eq!(format_utc(1_785_000_000), "2026-07-25T17:20:00+00:00");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00+00:00");
        assert_eq!(format_utc(4_102_444_799), "2099-12-31T23:59:59+00:00");
        for t in [-86_401, 0, 951_782_399, 1_709_164_800, 4_102_444_799] {
            assert_eq!(parse_time(&format_utc(t)), Ok(t));
        }
    }
}
