/// Splits bytes from the network into lines (RFC 5321 §2.3.8), with a bound on line length.
///
/// Append whatever a read returned, then call ``nextLine()`` until it returns nil. Lines end
/// with CRLF; a bare LF is accepted too (leniently), and one CR before the LF is stripped.
/// A server that sends more than ``maxLineLength`` octets without a line end makes
/// ``nextLine()`` throw at once, without waiting for the newline that may never come.
///
/// Consumed bytes are skipped with a read index and compacted away only once they make up
/// at least half the storage, so consuming lines costs O(1) amortised per byte; the search
/// for LF resumes where the previous search stopped, so bytes arriving one at a time are
/// scanned once.
public struct LineBuffer: Sendable {
    /// The longest line accepted, in octets without the line end. The default, 16,384, leaves room
    /// for the 12,288-octet lines of SASL exchanges (RFC 4954 §4) and any server's reply lines
    /// (at least 512 octets, RFC 5321 §4.5.3.1.5).
    public let maxLineLength: Int

    private var storage: [UInt8] = []
    /// The first byte not yet returned in a line.
    private var readIndex = 0
    /// Bytes in `readIndex..<scanIndex` are known to contain no LF.
    private var scanIndex = 0

    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    /// Creates an empty buffer that accepts lines of up to `maxLineLength` octets.
    public init(maxLineLength: Int = 16_384) {
        self.maxLineLength = max(1, maxLineLength)
    }

    /// The number of buffered bytes not yet returned as lines.
    public var bufferedByteCount: Int { storage.count - readIndex }

    /// True when no unread byte is buffered. After a STARTTLS 220 reply this must be true:
    /// anything else is injected plaintext (RFC 3207 §4, CVE-2011-0411).
    public var isEmpty: Bool { bufferedByteCount == 0 }

    /// Appends bytes received from the network.
    public mutating func append(_ bytes: [UInt8]) {
        compactIfWorthwhile(adding: bytes.count)
        storage.append(contentsOf: bytes)
    }

    /// Appends bytes received from the network, straight from a read buffer.
    public mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        compactIfWorthwhile(adding: bytes.count)
        storage.append(contentsOf: bytes)
    }

    /// Removes and returns the next complete line without its line end (CRLF, or a bare LF with
    /// any one CR before it stripped); nil when no complete line is buffered yet.
    /// - Throws: ``SMTPProtocolError/lineTooLong(limit:)`` when a line, complete or not, is longer
    ///   than ``maxLineLength``. The bytes stay buffered; the connection should be closed.
    public mutating func nextLine() throws -> [UInt8]? {
        let count = storage.count
        let found: Int? = storage.withUnsafeBufferPointer { buffer in
            buffer[scanIndex..<count].firstIndex(of: Self.lf)
        }
        guard let lfIndex = found else {
            scanIndex = count
            try checkUnterminatedLength()
            return nil
        }
        var end = lfIndex
        if end > readIndex, storage[end - 1] == Self.cr { end -= 1 }
        guard end - readIndex <= maxLineLength else {
            scanIndex = lfIndex
            throw SMTPProtocolError.lineTooLong(limit: maxLineLength)
        }
        let line = Array(storage[readIndex..<end])
        readIndex = lfIndex + 1
        scanIndex = readIndex
        if readIndex == storage.count {
            storage.removeAll(keepingCapacity: true)
            readIndex = 0
            scanIndex = 0
        }
        return line
    }

    /// Removes and returns up to `count` buffered bytes as they are, line ends and all: the
    /// data of a BDAT chunk, which is counted in octets, not lines (RFC 3030 §2).
    public mutating func take(upTo count: Int) -> [UInt8] {
        let end = min(storage.count, readIndex + max(0, count))
        let bytes = Array(storage[readIndex..<end])
        readIndex = end
        scanIndex = max(scanIndex, readIndex)
        if readIndex == storage.count { removeAll() }
        return bytes
    }

    /// Discards everything buffered, e.g. when the connection is reset or upgraded to TLS.
    public mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        readIndex = 0
        scanIndex = 0
    }

    /// Throws when the unterminated bytes already exceed the limit. One trailing CR is not counted,
    /// as an LF may still follow it to end a line of exactly ``maxLineLength`` octets.
    private func checkUnterminatedLength() throws {
        var pending = storage.count - readIndex
        if pending > 0, storage[storage.count - 1] == Self.cr { pending -= 1 }
        if pending > maxLineLength {
            throw SMTPProtocolError.lineTooLong(limit: maxLineLength)
        }
    }

    /// Drops consumed bytes from the front once they are at least as many as the unread ones,
    /// so each byte is moved at most a constant number of times overall.
    private mutating func compactIfWorthwhile(adding newBytes: Int) {
        guard readIndex > 0 else { return }
        let unread = storage.count - readIndex
        guard readIndex >= unread else { return }
        if storage.count + newBytes <= storage.capacity, readIndex < 4096 { return }
        storage.removeSubrange(0..<readIndex)
        scanIndex -= readIndex
        readIndex = 0
    }
}
