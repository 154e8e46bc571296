/// The one way SMTPKit and its CLI show text that may hold control characters: a server's reply in
/// an error, a command in the transcript, an address or path in a message, anything on a terminal.
package enum ControlCharacters {
    /// `text` with every C0 control character (U+0000–U+001F), DEL (U+007F) and C1 control
    /// character (U+0080–U+009F) shown as `\xNN` — except those in `kept` — so the text cannot
    /// drive a terminal with escape sequences, nor break a line that must stay one line.
    ///
    /// `"a\r\nb\u{1B}[2J"` → `a\x0D\x0Ab\x1B[2J`. Nothing else changes (a backslash stays one backslash).
    package static func escaped(_ text: String, keeping kept: Set<Unicode.Scalar> = []) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && !kept.contains($0) }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) && !kept.contains(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// True for C0 controls, DEL and C1 controls.
    package static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
