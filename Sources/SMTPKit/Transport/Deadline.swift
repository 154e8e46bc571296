#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A point on the monotonic clock by which an operation must be over.
///
/// Every blocking wait in SMTPKit is bounded by a deadline rather than a per-read timeout,
/// so a peer that drips one byte at a time cannot stretch a reply past its limit
/// (RFC 5321 §4.5.3.2 gives the per-phase limits; DESIGN.md the one-deadline rule).
public struct Deadline: Sendable, Comparable, Hashable {
    /// Nanoseconds on `CLOCK_MONOTONIC`.
    let nanoseconds: UInt64
    /// The time the deadline was set with, in seconds: what an error message reports.
    public let budget: Double

    /// A deadline that never comes.
    public static let never = Deadline(nanoseconds: .max, budget: .infinity)

    /// The instant `seconds` from now; values that do not fit mean `never`.
    public static func after(seconds: Double) -> Deadline {
        guard seconds.isFinite, seconds < 1e9 else { return .never }
        let delta = UInt64(max(0, seconds) * 1e9)
        let now = monotonicNanoseconds()
        return Deadline(nanoseconds: now &+ delta < now ? .max : now + delta, budget: seconds)
    }

    /// The earlier of two deadlines.
    public func earliest(_ other: Deadline) -> Deadline { Swift.min(self, other) }

    /// True when the deadline has passed.
    public var hasPassed: Bool { self != .never && Deadline.monotonicNanoseconds() >= nanoseconds }

    /// Seconds left (0 once passed, `.infinity` for `never`).
    public var secondsLeft: Double {
        if self == .never { return .infinity }
        let now = Deadline.monotonicNanoseconds()
        return now >= nanoseconds ? 0 : Double(nanoseconds - now) / 1e9
    }

    /// What `poll(2)` takes: milliseconds left, rounded up, -1 for `never`.
    var pollTimeout: Int32 {
        if self == .never { return -1 }
        let left = secondsLeft
        return left >= Double(Int32.max) / 1000 ? Int32.max : Int32((left * 1000).rounded(.up))
    }

    /// True when `lhs` comes before `rhs`.
    public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
    /// Two deadlines are equal when they fall on the same instant, whatever their ``budget``.
    public static func == (lhs: Deadline, rhs: Deadline) -> Bool { lhs.nanoseconds == rhs.nanoseconds }
    /// Hashes the instant only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(nanoseconds) }

    private static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
