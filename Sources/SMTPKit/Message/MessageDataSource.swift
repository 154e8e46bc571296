/// A source of bytes read in chunks: the one pull interface for content that is not all in
/// memory at once — a message for DATA (``MessageDataSource``), an attachment's content
/// (``Attachment/Source/stream(size:open:)``: a pipe, a generated report, a download in progress).
///
/// ``read(maxLength:)`` is called on the thread that writes DATA, one call at a time, until it
/// returns an empty array; it may return fewer bytes than asked for.
public protocol ByteStream: AnyObject {
    /// The next chunk of at most `maxLength` bytes; an empty array at the end.
    func read(maxLength: Int) throws -> [UInt8]
}

/// A message's bytes as the client streams them into DATA (RFC 5321 §4.1.1.4): a
/// ``ByteStream`` that also knows what the message needs from the server.
///
/// The client pulls chunks until an empty one arrives and passes each through
/// `DataEncoder`, which normalises line ends and dot-stuffs, so a source yields the
/// message as written (any line ends) and never needs the whole message in memory.
/// A source is used by one session on one thread, start to end, once.
public protocol MessageDataSource: ByteStream {
    /// What the body needs from the server: 7-bit clean, or `BODY=8BITMIME` (RFC 6152).
    var bodyType: MessageBodyType { get }
    /// The size in octets if known before sending, for `SIZE=` on MAIL FROM (RFC 1870 §4).
    var estimatedSize: Int? { get }
}

/// The `BODY=` parameter a message needs on MAIL FROM (RFC 6152 §2).
public enum MessageBodyType: String, Sendable {
    /// Only 7-bit bytes: no parameter needed.
    case sevenBit = "7BIT"
    /// Contains octets above 127 in text: needs `BODY=8BITMIME`.
    case eightBitMIME = "8BITMIME"
    /// Has a line over 998 octets (RFC 5322 §2.1.1): needs `BODY=BINARYMIME`, which only goes
    /// with BDAT (RFC 3030 §3). A server that offers no BINARYMIME cannot take it at all.
    case binaryMIME = "BINARYMIME"
}

/// A source that knows its first line over 998 octets (a raw message): what the session
/// reports when the server cannot take it as BINARYMIME.
protocol OverlongLineReporting {
    var firstOverlongLine: (line: Int, length: Int)? { get }
}

/// A message that is already in memory.
public final class BytesDataSource: MessageDataSource {
    private let bytes: [UInt8]
    private var offset = 0
    public let bodyType: MessageBodyType
    public var estimatedSize: Int? { bytes.count }

    /// Wraps `bytes`; the body type is derived from the content.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.bodyType = bytes.contains(where: { $0 >= 0x80 }) ? .eightBitMIME : .sevenBit
    }

    public func read(maxLength: Int) throws -> [UInt8] {
        let end = min(bytes.count, offset + maxLength)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}
