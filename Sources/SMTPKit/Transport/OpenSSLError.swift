import CSSL

/// Reads OpenSSL's per-thread error queue.
enum OpenSSLError {
    /// Empties the queue and returns its entries joined, most specific last
    /// ("error:0A000086:SSL routines::certificate verify failed"), or `fallback` when empty.
    static func drain(or fallback: String) -> String {
        var messages: [String] = []
        var buffer = [CChar](repeating: 0, count: 256)
        while case let code = ERR_get_error(), code != 0 {
            ERR_error_string_n(code, &buffer, buffer.count)
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            messages.append(reasonPart(text))
        }
        return messages.isEmpty ? fallback : messages.joined(separator: "; ")
    }

    /// "error:0A000086:SSL routines::certificate verify failed" → "certificate verify failed".
    private static func reasonPart(_ text: String) -> String {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 5, let reason = parts.last, !reason.isEmpty else { return text }
        return String(reason)
    }
}
