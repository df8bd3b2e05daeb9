// Date-times cross the FFI as ISO-8601 text; Swift sees Foundation.Date (uniffi.toml maps the
// library's `Timestamp` through these two functions).
import Foundation

/// Reads a date-time as the library writes it (`2026-11-27T14:03:11.120+09:00`).
func npayParseTimestamp(_ text: String) throws -> Date {
    let withFraction = ISO8601DateFormatter()
    withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = withFraction.date(from: text) {
        return date
    }
    if let date = ISO8601DateFormatter().date(from: text) {
        return date
    }
    throw NpayTimestampError.notADateTime(text)
}

/// Writes a date-time as the API expects it: Korea Standard Time, with milliseconds.
func npayFormatTimestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    formatter.timeZone = TimeZone(secondsFromGMT: 9 * 3600)
    return formatter.string(from: date)
}

/// A date-time from the library that Foundation cannot read (never expected: the library
/// writes every date-time in one format).
public enum NpayTimestampError: Error {
    case notADateTime(String)
}
