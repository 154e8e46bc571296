#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A complete RFC 5322 message from a file or standard input whose headers say where it goes:
/// the library side of `smtpkit send --read-recipients`, like `sendmail -t`.
///
/// The input is scanned once before anything is sent, exactly as ``RawMessageFile`` does (line
/// lengths per RFC 5322 §2.1.1, 8-bit octets, exact size; standard input spooled to an unlinked
/// temporary file, so memory stays bounded). Its header section (at most 1 MiB, up to the first
/// empty line) is parsed into ``headers``, from which the caller builds the envelope:
///
/// ```swift
/// let message = try RawMessage.standardInput(removeBcc: true)
/// let sender = fromFlag ?? message.headers.envelopeSender        // --from, else the first From
/// let recipients = message.headers.recipients                    // To + Cc + Bcc, deduplicated
/// ```
///
/// With `removeBcc`, every `Bcc` and `Resent-Bcc` field, folded lines included, is left out of
/// the octets yielded (RFC 5322 §3.6.3: the blind recipients must not see each other, nor be
/// seen by To and Cc); everything else, the body above all, streams unchanged, and
/// ``estimatedSize`` is the size of what is yielded.
public final class RawMessage: MessageDataSource, OverlongLineReporting, ReplayableSource, Sendable {
    /// The path that was opened (`-` for standard input).
    public let path: String
    /// The parsed header section, as it was before any field was removed.
    public let headers: RawMessageHeaders
    /// True when `Bcc` and `Resent-Bcc` fields are left out of the octets sent.
    public let removesBcc: Bool
    /// `.eightBitMIME` when an octet ≥ 0x80 is among the octets sent (RFC 6152 §2), else `.sevenBit`.
    public let bodyType: MessageBodyType
    /// The exact number of octets ``read(maxLength:)`` yields, removed fields excluded, for `SIZE=`
    /// (RFC 1870 §4).
    public let estimatedSize: Int?
    /// The first line over 998 octets (1-based number, length), when there is one: the message
    /// goes only to a server that offers BINARYMIME and CHUNKING (RFC 3030).
    public let firstOverlongLine: (line: Int, length: Int)?

    private let stream: RawMessageStream

    /// The names of the fields `removeBcc` leaves out (RFC 5322 §3.6.3, §3.6.6).
    static let blindFieldNames: Set<String> = ["bcc", "resent-bcc"]

    /// Opens, scans and parses the message at `path`.
    ///
    /// Throws ``MessageError/Kind/unreadable`` (cannot be read, a directory, empty),
    /// ``MessageError/Kind/invalidHeader`` (a header line that is not a field, or headers over
    /// 1 MiB without an empty line) or ``MessageError/Kind/invalidAddress`` (a malformed address
    /// in From, Sender, To, Cc or Bcc, naming the field).
    public convenience init(path: String, removeBcc: Bool = true) throws {
        try self.init(input: RawMessageInput(path: path), removeBcc: removeBcc)
    }

    /// The message on standard input, read to its end, scanned and parsed before this returns
    /// (throwing as ``init(path:removeBcc:)`` does). Standard input is not closed.
    public static func standardInput(removeBcc: Bool = true) throws -> RawMessage {
        try RawMessage(descriptor: STDIN_FILENO, removeBcc: removeBcc)
    }

    /// The message on `descriptor`, read to its end and left open: the seam ``standardInput(removeBcc:)``
    /// uses, so tests can feed a pipe.
    convenience init(descriptor: Int32, removeBcc: Bool = true) throws {
        try self.init(input: RawMessageInput(descriptor: descriptor, path: "-", owns: false), removeBcc: removeBcc)
    }

    private init(copying other: RawMessage) {
        path = other.path
        headers = other.headers
        removesBcc = other.removesBcc
        bodyType = other.bodyType
        estimatedSize = other.estimatedSize
        firstOverlongLine = other.firstOverlongLine
        stream = other.stream.restarted()
    }

    /// The same message, read again from its start (another transaction of a split message).
    public func replayed() -> (any MessageDataSource & Sendable)? { RawMessage(copying: self) }

    private init(input: RawMessageInput, removeBcc: Bool) throws {
        guard let headerLength = input.header.headerLength else { throw RawMessageHeaders.tooLong() }
        let section = try input.bytes(at: 0, count: headerLength)
        let headers = try RawMessageHeaders(section: section[...])
        var removed: [Range<Int>] = []
        if removeBcc {
            for (field, range) in zip(headers.fields, headers.ranges)
            where Self.blindFieldNames.contains(field.name.lowercased()) {
                removed.append(range)
            }
        }
        var eightBit = input.hasEightBit
        if eightBit, !removed.isEmpty {
            // Only the kept header octets and the rest of the message are sent.
            let keptHeader = section.indices.contains { index in
                section[index] >= 0x80 && !removed.contains { $0.contains(index) }
            }
            eightBit = keptHeader || input.header.bodyHasEightBit
        }
        self.path = input.path
        self.headers = headers
        self.removesBcc = removeBcc
        self.stream = RawMessageStream(input, removing: removed)
        self.bodyType = input.firstOverlongLine != nil ? .binaryMIME : eightBit ? .eightBitMIME : .sevenBit
        self.firstOverlongLine = input.firstOverlongLine
        self.estimatedSize = stream.size
    }

    /// The next chunk of at most `maxLength` octets of the message as sent; empty at the end.
    ///
    /// Throws ``MessageError/Kind/unreadable`` when the file cannot be read or has become
    /// shorter since it was scanned, so a truncated message is never sent.
    public func read(maxLength: Int) throws -> [UInt8] {
        try stream.read(maxLength: maxLength)
    }
}
