import Foundation

/// The date-time format of the Date header (RFC 5322 §3.3): `Sun, 29 Nov 2026 04:32:06 +0100`.
///
/// Computed from a Gregorian calendar and written with fixed English day and month names,
/// so the result never depends on the process locale or its calendar (a `DateFormatter`
/// without `en_US_POSIX` would write "søn., 29 nov." on a Norwegian system).
public enum RFC5322Date {
    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `date` in `timeZone` as RFC 5322 §3.3 `date-time`: day name, day, month name, 4-digit
    /// year, `HH:MM:SS`, and the zone offset `+hhmm`/`-hhmm` (`+0000` for UTC, §3.3).
    /// An offset with seconds (historic local mean time) is rounded to whole minutes and the
    /// time shown matches that rounded offset.
    public static func string(from date: Date, timeZone: TimeZone = .current) -> String {
        let seconds = timeZone.secondsFromGMT(for: date)
        let offsetMinutes = Int((Double(seconds) / 60).rounded())
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? timeZone
        let local = date.addingTimeInterval(TimeInterval(offsetMinutes * 60))
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: local)
        let weekday = dayNames[((parts.weekday ?? 1) - 1) % 7]
        let month = monthNames[((parts.month ?? 1) - 1) % 12]
        let sign = offsetMinutes < 0 ? "-" : "+"
        let zone = sign + two(abs(offsetMinutes) / 60) + two(abs(offsetMinutes) % 60)
        return "\(weekday), \(parts.day ?? 1) \(month) \(MessageText.padded(String(parts.year ?? 1970), to: 4)) "
            + "\(two(parts.hour ?? 0)):\(two(parts.minute ?? 0)):\(two(parts.second ?? 0)) \(zone)"
    }

    private static func two(_ value: Int) -> String {
        MessageText.padded(String(value), to: 2)
    }
}
