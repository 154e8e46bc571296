/// An incremental base64 encoder for MIME bodies (RFC 2045 §6.8): the output is cut into lines
/// of 76 characters, each ended by CRLF, and input may arrive in chunks of any size.
///
/// Up to two input octets that do not yet make a 3-octet group are carried to the next call,
/// and the column of the line being written is kept, so encoding a file chunk by chunk gives
/// exactly the bytes that encoding it whole would. The inner loop works on unsafe buffers with a
/// lookup table: one 57-octet line becomes 76 characters and a CRLF with no per-byte `String` work.
struct Base64LineEncoder {
    /// Characters per encoded line, CRLF excluded (RFC 2045 §6.8: "no more than 76").
    static let lineLength = 76
    /// Input octets per full line: 76 / 4 × 3.
    static let octetsPerLine = 57

    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Octets waiting for a complete group (0, 1 or 2 of them).
    private var carry0: UInt8 = 0
    private var carry1: UInt8 = 0
    private var carryCount = 0
    /// Characters already written on the current output line (a multiple of 4, below 76).
    private var column = 0

    /// The exact length of the encoding of `count` octets, CRLF line ends included: 4·⌈n/3⌉
    /// characters plus a CRLF after every line, the last one too (0 for no input).
    static func encodedLength(of count: Int) -> Int {
        let characters = (count + 2) / 3 * 4
        let lines = (characters + lineLength - 1) / lineLength
        return characters + 2 * lines
    }

    /// Encodes all of `bytes` at once, ending with CRLF (empty input gives no output).
    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var encoder = Base64LineEncoder()
        var out: [UInt8] = []
        out.reserveCapacity(encodedLength(of: bytes.count))
        bytes.withUnsafeBufferPointer { encoder.encode($0, into: &out) }
        encoder.finish(into: &out)
        return out
    }

    /// Appends the encoding of `input` to `output`; octets that do not fill a group wait for
    /// the next call or for ``finish(into:)``.
    mutating func encode(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        var index = 0
        let count = input.count
        // Complete a group started in an earlier chunk.
        while carryCount > 0, index < count {
            if carryCount == 1 {
                carry1 = base[index]
                carryCount = 2
            } else {
                appendGroup(carry0, carry1, base[index], into: &output)
                carryCount = 0
            }
            index += 1
        }
        if carryCount > 0 { return }
        let groups = (count - index) / 3
        if groups > 0 {
            let characters = groups * 4
            let lineEnds = (column + characters) / Self.lineLength
            let start = output.count
            output.append(contentsOf: repeatElement(0, count: characters + 2 * lineEnds))
            output.withUnsafeMutableBufferPointer { buffer in
                Self.alphabet.withUnsafeBufferPointer { table in
                    guard let out = buffer.baseAddress, let table = table.baseAddress else { return }
                    var write = start
                    var read = index
                    var column = self.column
                    for _ in 0..<groups {
                        let b0 = base[read], b1 = base[read + 1], b2 = base[read + 2]
                        read += 3
                        out[write] = table[Int(b0 >> 2)]
                        out[write + 1] = table[Int((b0 & 0x03) << 4 | b1 >> 4)]
                        out[write + 2] = table[Int((b1 & 0x0F) << 2 | b2 >> 6)]
                        out[write + 3] = table[Int(b2 & 0x3F)]
                        write += 4
                        column += 4
                        if column == Self.lineLength {
                            out[write] = 0x0D
                            out[write + 1] = 0x0A
                            write += 2
                            column = 0
                        }
                    }
                    self.column = column
                }
            }
            index += groups * 3
        }
        // Keep what is left (at most two octets) for the next call.
        let left = count - index
        if left >= 1 { carry0 = base[index] }
        if left == 2 { carry1 = base[index + 1] }
        carryCount = left
    }

    /// Writes the last group with `=` padding (RFC 2045 §6.8) and ends the last line with CRLF.
    mutating func finish(into output: inout [UInt8]) {
        let table = Self.alphabet
        switch carryCount {
        case 1:
            output.append(table[Int(carry0 >> 2)])
            output.append(table[Int((carry0 & 0x03) << 4)])
            output.append(UInt8(ascii: "="))
            output.append(UInt8(ascii: "="))
            column += 4
        case 2:
            output.append(table[Int(carry0 >> 2)])
            output.append(table[Int((carry0 & 0x03) << 4 | carry1 >> 4)])
            output.append(table[Int((carry1 & 0x0F) << 2)])
            output.append(UInt8(ascii: "="))
            column += 4
        default:
            break
        }
        carryCount = 0
        if column > 0 {
            output.append(0x0D)
            output.append(0x0A)
            column = 0
        }
    }

    private mutating func appendGroup(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, into output: inout [UInt8]) {
        let table = Self.alphabet
        output.append(table[Int(b0 >> 2)])
        output.append(table[Int((b0 & 0x03) << 4 | b1 >> 4)])
        output.append(table[Int((b1 & 0x0F) << 2 | b2 >> 6)])
        output.append(table[Int(b2 & 0x3F)])
        column += 4
        if column == Self.lineLength {
            output.append(0x0D)
            output.append(0x0A)
            column = 0
        }
    }
}
