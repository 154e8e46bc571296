/// Small text helpers of the message layer, kept in a namespace so they cannot clash with
/// helpers elsewhere in the module.
enum MessageText {
    /// `text` left-padded with `pad` to `width` characters (for two-digit times, `U+00E9` codes).
    static func padded(_ text: String, to width: Int, with pad: Character = "0") -> String {
        text.count >= width ? text : String(repeating: pad, count: width - text.count) + text
    }

    /// `text` without leading and trailing spaces and tabs (RFC 5322 §3.2.2 WSP).
    static func trimmed(_ text: some StringProtocol) -> String {
        let scalars = Array(text.unicodeScalars)
        var lower = 0
        var upper = scalars.count
        while lower < upper, scalars[lower] == " " || scalars[lower] == "\t" { lower += 1 }
        while upper > lower, scalars[upper - 1] == " " || scalars[upper - 1] == "\t" { upper -= 1 }
        return String(String.UnicodeScalarView(scalars[lower..<upper]))
    }
}
