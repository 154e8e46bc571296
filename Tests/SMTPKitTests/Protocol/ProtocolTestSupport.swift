import SMTPKit

/// Helpers for the protocol tests, in a namespace so they cannot clash with other test folders.
enum ProtocolTestSupport {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let dot = UInt8(ascii: ".")

    /// The UTF-8 bytes of `text`.
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Runs raw server output through `LineBuffer` and `ReplyParser` and returns every complete reply.
    static func replies(fromWire wire: String, maxLines: Int = 100) throws -> [Reply] {
        var buffer = LineBuffer()
        var parser = ReplyParser(maxLines: maxLines)
        buffer.append(bytes(wire))
        var result: [Reply] = []
        while let line = try buffer.nextLine() {
            if let reply = try parser.consume(line) { result.append(reply) }
        }
        return result
    }

    /// Exactly one reply from `wire`, or nil when there is not exactly one.
    static func reply(fromWire wire: String) throws -> Reply? {
        let all = try replies(fromWire: wire)
        return all.count == 1 ? all[0] : nil
    }

    /// Encodes `input` as DATA in chunks that end at the given cut positions, then finishes.
    static func encodeData(_ input: [UInt8], cuts: [Int] = [], dotStuffing: Bool = true) -> [UInt8] {
        var encoder = DataEncoder(dotStuffing: dotStuffing)
        var output: [UInt8] = []
        var start = 0
        for cut in cuts.sorted() + [input.count] where cut >= start {
            encoder.encode(Array(input[start..<cut]), into: &output)
            start = cut
        }
        encoder.finish(into: &output)
        return output
    }

    /// Replaces every occurrence of `pattern` with `replacement`, scanning left to right.
    static func replacing(_ pattern: [UInt8], with replacement: [UInt8], in input: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < input.count {
            if index + pattern.count <= input.count, Array(input[index..<index + pattern.count]) == pattern {
                result += replacement
                index += pattern.count
            } else {
                result.append(input[index])
                index += 1
            }
        }
        return result
    }

    /// The reference meaning of a body, written independently of `DataEncoder`: CRLF, then any
    /// remaining CR, become LF; a non-empty body gets a final LF; then every LF becomes CRLF.
    static func normalised(_ input: [UInt8]) -> [UInt8] {
        var text = replacing([cr, lf], with: [lf], in: input)
        text = replacing([cr], with: [lf], in: text)
        if let last = text.last, last != lf { text.append(lf) }
        return replacing([lf], with: [cr, lf], in: text)
    }

    /// What a server does with DATA: split at CRLF, stop at the line ".", drop one leading dot
    /// from every other line. Returns nil when the data is not well formed (no terminator, a
    /// bare CR or LF, or bytes after the terminator).
    static func unstuff(_ data: [UInt8]) -> [UInt8]? {
        var result: [UInt8] = []
        var index = 0
        while index < data.count {
            guard let lfIndex = data[index...].firstIndex(of: lf), lfIndex > index, data[lfIndex - 1] == cr else {
                return nil
            }
            let line = Array(data[index..<(lfIndex - 1)])
            if line.contains(cr) || line.contains(lf) { return nil }
            index = lfIndex + 1
            if line == [dot] { return index == data.count ? result : nil }
            result += line.first == dot ? Array(line.dropFirst()) : line
            result += [cr, lf]
        }
        return nil
    }

    /// Whether every CR in `data` is followed by LF and every LF is preceded by CR.
    static func hasOnlyCRLFLineEnds(_ data: [UInt8]) -> Bool {
        for (index, byte) in data.enumerated() {
            if byte == cr, index + 1 >= data.count || data[index + 1] != lf { return false }
            if byte == lf, index == 0 || data[index - 1] != cr { return false }
        }
        return true
    }

    /// Start offsets of every occurrence of `pattern` in `data`.
    static func occurrences(of pattern: [UInt8], in data: [UInt8]) -> [Int] {
        guard data.count >= pattern.count else { return [] }
        return (0...(data.count - pattern.count)).filter { Array(data[$0..<$0 + pattern.count]) == pattern }
    }
}

