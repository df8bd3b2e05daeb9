//! Times on the command line: a timestamp (`2026-12-01T09:00:00+09:00`) or a duration before now
//! (`90s`, `15m`, `1h`, `2d`).

use std::time::Duration;

use npay_order::Timestamp;

/// Parses `90s`, `15m`, `1h`, `2d`, `500ms` (a bare number is seconds).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: f64 = number.parse().map_err(|_| format!("'{text}' is not a duration such as 90s, 15m, 1h or 2d"))?;
    let seconds = match unit.trim() {
        "ms" => 0.001,
        "" | "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        other => return Err(format!("unknown unit '{other}' in '{text}' (use ms, s, m, h or d)")),
    };
    let total = n * seconds;
    if !(total.is_finite() && (0.0..1e10).contains(&total)) {
        return Err(format!("'{text}' is out of range"));
    }
    Ok(Duration::from_secs_f64(total))
}

/// A timestamp, or a duration before now (`1h` = an hour ago).
pub fn parse_time(text: &str) -> Result<Timestamp, String> {
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    let ago = parse_duration(text).map_err(|_| {
        format!("'{text}' is neither a timestamp (2026-12-01T09:00:00.000+09:00) nor a duration (1h, 30m, 2d)")
    })?;
    let ago = chrono::Duration::from_std(ago).map_err(|e| e.to_string())?;
    Ok(Timestamp::from_utc_in_kst(chrono::Utc::now() - ago))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_timestamps_parse() {
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(2));
        assert!(parse_duration("1y").is_err());
        let t = parse_time("2026-12-01T09:00:00.000+09:00").unwrap();
        assert_eq!(t.to_string(), "2026-12-01T09:00:00.000+09:00");
        let ago = parse_time("1h").unwrap();
        let delta = chrono::Utc::now() - ago.to_utc();
        assert!((delta.num_seconds() - 3600).abs() < 5);
        assert!(parse_time("yesterday").is_err());
    }
}
