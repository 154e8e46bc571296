/// An enhanced mail system status code such as `5.7.8` (RFC 3463 §2), as servers that offer
/// `ENHANCEDSTATUSCODES` put it after the reply code (RFC 2034 §4).
///
/// `class.subject.detail`: the class says success (2), temporary failure (4) or permanent
/// failure (5); subject and detail are 1–3 digits each.
public struct EnhancedStatusCode: Sendable, Hashable, CustomStringConvertible {
    /// The class digit: 2 success, 4 persistent transient failure, 5 permanent failure (RFC 3463 §3.1).
    /// 3 is accepted too, because a few servers tag intermediate (3xx) replies the same way.
    public let klass: Int
    /// The subject, 0–999: 1 addressing, 2 mailbox, 3 mail system, 4 network, 5 protocol,
    /// 6 content, 7 security (RFC 3463 §3.2).
    public let subject: Int
    /// The detail within the subject, 0–999 (RFC 3463 §3.3 onwards).
    public let detail: Int

    /// Creates a code from its three parts. Values are taken as given.
    public init(klass: Int, subject: Int, detail: Int) {
        self.klass = klass
        self.subject = subject
        self.detail = detail
    }

    /// Parses exactly `D.D{1,3}.D{1,3}` (e.g. `"5.7.8"`), class 2–5 (RFC 3463 §2);
    /// nil for anything else, including surrounding text or spaces.
    public init?(_ text: Substring) {
        guard let (code, end) = Self.parsePrefix(text.utf8), end == text.utf8.endIndex else { return nil }
        self = code
    }

    /// Parses exactly `D.D{1,3}.D{1,3}` (e.g. `"5.7.8"`); see the `Substring` initialiser.
    public init?(_ text: String) {
        self.init(Substring(text))
    }

    /// `class.subject.detail`, e.g. `5.7.8`.
    public var description: String { "\(klass).\(subject).\(detail)" }

    /// Reads a code at the start of `bytes`; returns it and the index just past it.
    /// Does not look at what follows the code.
    static func parsePrefix<C: Collection>(_ bytes: C) -> (EnhancedStatusCode, C.Index)?
    where C.Element == UInt8 {
        var index = bytes.startIndex
        guard index != bytes.endIndex else { return nil }
        let first = bytes[index]
        guard first >= UInt8(ascii: "2"), first <= UInt8(ascii: "5") else { return nil }
        index = bytes.index(after: index)

        func dotThenNumber(_ index: inout C.Index) -> Int? {
            guard index != bytes.endIndex, bytes[index] == UInt8(ascii: ".") else { return nil }
            index = bytes.index(after: index)
            var value = 0
            var digits = 0
            while index != bytes.endIndex, digits < 4 {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { break }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                index = bytes.index(after: index)
            }
            return (1...3).contains(digits) ? value : nil
        }

        guard let subject = dotThenNumber(&index), let detail = dotThenNumber(&index) else { return nil }
        return (EnhancedStatusCode(klass: Int(first - UInt8(ascii: "0")), subject: subject, detail: detail), index)
    }
}
