/// The extensions a server announced in its EHLO reply (RFC 5321 §4.1.1.1).
///
/// The first line is the server's domain and a greeting; each further line is an
/// `ehlo-keyword` with optional space-separated parameters (`SIZE 35882577`, `AUTH PLAIN LOGIN`).
/// Keywords are matched case-insensitively. The legacy `AUTH=LOGIN PLAIN` form some old
/// servers send besides (or instead of) `AUTH LOGIN PLAIN` is read as `AUTH`.
public struct Capabilities: Sendable, Equatable {
    /// The domain the server named itself with: the first word of the EHLO reply's first line.
    public let greetingDomain: String
    /// Each announced keyword, uppercased, mapped to its parameters as sent. A keyword announced
    /// twice (e.g. `AUTH` and `AUTH=`) gets the parameters of both, without repeats.
    public let keywords: [String: [String]]

    /// No extensions at all: what a session that had to fall back to HELO knows (RFC 5321 §4.1.1.1).
    public static let empty = Capabilities(greetingDomain: "", keywords: [:])

    private init(greetingDomain: String, keywords: [String: [String]]) {
        self.greetingDomain = greetingDomain
        self.keywords = keywords
    }

    /// Reads the capabilities from a positive EHLO reply. Blank lines are skipped; parameters
    /// are split on spaces and tabs.
    public init(ehlo reply: Reply) {
        let first = reply.lines.first ?? ""
        greetingDomain = Self.words(first).first.map(String.init) ?? ""
        var keywords: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            let words = Self.words(line)
            guard let head = words.first else { continue }
            var keyword = head
            var parameters = words.dropFirst().map(String.init)
            // Legacy form "AUTH=LOGIN PLAIN": the keyword ends at "=", the rest is the first parameter.
            if let equals = head.firstIndex(of: "="), equals != head.startIndex {
                keyword = head[..<equals]
                let value = head[head.index(after: equals)...]
                if !value.isEmpty { parameters.insert(String(value), at: 0) }
            }
            let key = keyword.uppercased()
            var merged = keywords[key] ?? []
            for parameter in parameters where !merged.contains(parameter) {
                merged.append(parameter)
            }
            keywords[key] = merged
        }
        self.keywords = keywords
    }

    /// Whether the server announced `keyword`, compared case-insensitively.
    public func supports(_ keyword: String) -> Bool {
        keywords[keyword.uppercased()] != nil
    }

    /// `STARTTLS` (RFC 3207 §4).
    public var startTLS: Bool { supports("STARTTLS") }
    /// `PIPELINING` (RFC 2920 §3).
    public var pipelining: Bool { supports("PIPELINING") }
    /// `8BITMIME` (RFC 6152 §2).
    public var eightBitMIME: Bool { supports("8BITMIME") }
    /// `SMTPUTF8` (RFC 6531 §3.1).
    public var smtpUTF8: Bool { supports("SMTPUTF8") }
    /// `ENHANCEDSTATUSCODES` (RFC 2034 §3).
    public var enhancedStatusCodes: Bool { supports("ENHANCEDSTATUSCODES") }
    /// `CHUNKING`, the BDAT command (RFC 3030 §2).
    public var chunking: Bool { supports("CHUNKING") }
    /// `DSN`, delivery status notifications (RFC 3461 §4).
    public var dsn: Bool { supports("DSN") }

    /// The SASL mechanisms offered (RFC 4954 §3), uppercased, in announced order, without repeats:
    /// the union of `AUTH a b` and the legacy `AUTH=a b` lines.
    public var authMechanisms: [String] {
        var result: [String] = []
        for mechanism in keywords["AUTH"] ?? [] {
            let upper = mechanism.uppercased()
            if !result.contains(upper) { result.append(upper) }
        }
        return result
    }

    /// Whether the server announced `SIZE` at all (RFC 1870 §4).
    public var supportsSize: Bool { supports("SIZE") }

    /// The largest message the server accepts, in octets: the `SIZE n` parameter when n > 0.
    /// nil when SIZE is absent, has no parameter, or is 0 (no fixed limit, RFC 1870 §4).
    public var sizeLimit: Int? {
        guard let value = keywords["SIZE"]?.first, let limit = Int(value), limit > 0 else { return nil }
        return limit
    }

    private static func words(_ line: String) -> [Substring] {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" })
    }
}
