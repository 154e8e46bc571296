/// Turns message bytes into the text that follows a DATA command (RFC 5321 §4.1.1.4, §4.5.2),
/// chunk by chunk, so a message never has to be in memory twice.
///
/// 1. Every line end becomes CRLF (RFC 5321 §2.3.8): CRLF stays, a bare LF and a bare CR each
///    become CRLF — also a CR that ends one chunk and is not followed by LF at the start of the
///    next. No byte sequence in a body can then look like the end of data to any server: this
///    is the lesson of SMTP smuggling (CVE-2023-51764/51765/51766).
/// 2. A line starting with `.` gets another `.` in front (dot-stuffing, RFC 5321 §4.5.2).
/// 3. ``finish(into:)`` ends an unterminated last line and appends `.` CRLF.
///
/// For BDAT (RFC 3030 §2) an encoder made with `dotStuffing: false` does step 1 only and
/// ends with the line end, no dot: chunks are counted in octets, so a line `.` means nothing.
///
/// The state (line start, a pending CR) is carried across calls, so the output is the same
/// however the input is split into chunks. Use one encoder per message.
public struct DataEncoder: Sendable {
    private var atLineStart = true
    private var pendingCR = false
    private let stuffsDots: Bool

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let dot = UInt8(ascii: ".")

    /// Creates an encoder at the start of a message: for DATA (dot-stuffing, final dot), or
    /// with `dotStuffing: false` for BDAT chunks (line ends only, no final dot).
    public init(dotStuffing: Bool = true) { stuffsDots = dotStuffing }

    /// Encodes one chunk of the message, appending to `output`.
    public mutating func encode(_ chunk: [UInt8], into output: inout [UInt8]) {
        chunk.withUnsafeBufferPointer { encode(buffer: $0, into: &output) }
    }

    /// Encodes one chunk of the message, appending to `output`.
    public mutating func encode(_ chunk: ArraySlice<UInt8>, into output: inout [UInt8]) {
        chunk.withUnsafeBufferPointer { encode(buffer: $0, into: &output) }
    }

    /// Encodes one chunk of the message straight from a read buffer, appending to `output`.
    public mutating func encode(_ chunk: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        guard !chunk.isEmpty else { return }
        chunk.withMemoryRebound(to: UInt8.self) { encode(buffer: $0, into: &output) }
    }

    /// Ends the data: a CRLF after an unterminated last line (or a pending CR), then `.` CRLF
    /// (RFC 5321 §4.1.1.4). An empty message encodes as just `.` CRLF; without dot-stuffing
    /// (BDAT) the end is the line end alone, and an empty message is empty.
    public mutating func finish(into output: inout [UInt8]) {
        if pendingCR || !atLineStart {
            appendLineEnd(to: &output)
        }
        pendingCR = false
        if stuffsDots { output.append(contentsOf: [Self.dot, Self.cr, Self.lf]) }
    }

    private mutating func encode(buffer: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        let count = buffer.count
        guard count > 0 else { return }
        // Room for the chunk plus some line-end growth and stuffed dots; Array grows if more is needed.
        output.reserveCapacity(output.count + count + count / 16 + 8)
        var index = 0
        while index < count {
            let byte = buffer[index]
            if pendingCR {
                // A CR seen earlier ends the line either way; with a following LF they are one line end.
                pendingCR = false
                if byte == Self.lf { index += 1 }
                appendLineEnd(to: &output)
                continue
            }
            if byte == Self.cr {
                pendingCR = true
                index += 1
                continue
            }
            if byte == Self.lf {
                appendLineEnd(to: &output)
                index += 1
                continue
            }
            if atLineStart {
                if byte == Self.dot && stuffsDots { output.append(Self.dot) }
                atLineStart = false
            }
            // Copy the whole run up to the next CR or LF at once.
            var end = index + 1
            while end < count {
                let next = buffer[end]
                if next == Self.cr || next == Self.lf { break }
                end += 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index..<end]))
            index = end
        }
    }

    private mutating func appendLineEnd(to output: inout [UInt8]) {
        output.append(Self.cr)
        output.append(Self.lf)
        atLineStart = true
    }
}
