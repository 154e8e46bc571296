/// Multipart boundaries (RFC 2046 §5.1.1) that cannot collide with the content.
///
/// A boundary is `=_` and 28 random letters and digits from `SystemRandomNumberGenerator`
/// (about 166 bits). The `=_` can never appear in quoted-printable output (where `=` is
/// always followed by two hex digits or a line break) nor in base64 (whose only `=` is final
/// padding), so only 7bit and 8bit parts need checking: ``make(avoiding:)`` draws again when
/// the boundary occurs in one of them. All boundaries of one message have the same length and
/// differ, so none is a prefix of another.
struct MIMEBoundaryGenerator {
    /// The random characters after `=_`.
    static let randomLength = 28
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// Produces candidate boundaries; tests replace it to force a collision.
    private var next: () -> String
    private var used: Set<String> = []

    /// Random boundaries.
    init() {
        self.next = {
            var generator = SystemRandomNumberGenerator()
            var bytes: [UInt8] = Array("=_".utf8)
            for _ in 0..<Self.randomLength {
                bytes.append(Self.alphabet[Int(generator.next(upperBound: UInt64(Self.alphabet.count)))])
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Boundaries from `candidates`, for tests.
    init(candidates: @escaping () -> String) {
        self.next = candidates
    }

    /// A boundary not used before in this message that occurs in none of `contents`
    /// (the 7bit and 8bit bodies; RFC 2046 §5.1.1 requires that it not appear in any part).
    mutating func make(avoiding contents: [[UInt8]]) -> String {
        while true {
            let candidate = next()
            guard !used.contains(candidate) else { continue }
            let needle = Array(candidate.utf8)
            if contents.contains(where: { Self.contains($0, needle) }) { continue }
            used.insert(candidate)
            return candidate
        }
    }

    /// True when `needle` occurs in `haystack`.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<index + needle.count].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
