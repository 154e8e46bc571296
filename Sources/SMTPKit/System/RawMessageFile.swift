#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A complete RFC 5322 message read from a file or standard input and sent as it is
/// (`--message-file`); the DATA encoder normalises its line ends and dot-stuffs it.
///
/// Opening it scans the input once, in chunks: octets ≥ 0x80 make ``bodyType``
/// `.eightBitMIME` (RFC 6152), the octets counted give ``estimatedSize`` (RFC 1870), and a line
/// over 998 octets (RFC 5322 §2.1.1) in the header section is refused with
/// ``MessageError/Kind/lineTooLong`` and its number, and one in the body makes it `.binaryMIME`, its number kept in
/// ``firstOverlongLine``: it then goes as `BODY=BINARYMIME` over BDAT to a server that offers
/// both (RFC 3030), and is refused before MAIL FROM with ``MessageError/Kind/lineTooLong``
/// anywhere else, never broken in transit; an empty input is refused with
/// ``MessageError/Kind/unreadable``. A regular file is then streamed from where it started.
/// Standard input, a pipe or a FIFO cannot be read twice, so it is copied into an unlinked
/// temporary file (in `$TMPDIR`, else `/tmp`) while it is scanned and streamed from there:
/// memory stays at one chunk whatever the message's size.
///
/// To send a message's To, Cc and Bcc recipients with Bcc removed (`sendmail -t`), use
/// ``RawMessage``. Reads are serialised by a lock, so the object may be passed between threads;
/// it is still meant to be read once, front to back.
public final class RawMessageFile: MessageDataSource, OverlongLineReporting, ReplayableSource, Sendable {
    /// The path that was opened (`-` for standard input).
    public let path: String
    /// `.eightBitMIME` when any octet is ≥ 0x80 (RFC 6152 §2), else `.sevenBit`.
    public let bodyType: MessageBodyType
    /// The exact size in octets as scanned, for `SIZE=` (RFC 1870 §4).
    public let estimatedSize: Int?
    /// The first line over 998 octets (1-based number, length), when there is one: the message
    /// goes only to a server that offers BINARYMIME and CHUNKING (RFC 3030), else the send
    /// throws ``MessageError/Kind/lineTooLong`` before MAIL FROM.
    public let firstOverlongLine: (line: Int, length: Int)?

    let stream: RawMessageStream

    /// Opens and scans the file at `path` (a regular file, or a FIFO or `/dev/fd/N`, which is spooled).
    ///
    /// Throws ``MessageError/Kind/unreadable`` with the system's reason when it cannot be opened
    /// or read (missing, no permission, a directory) or is empty, and
    /// and records a line over 998 octets in ``firstOverlongLine``.
    public convenience init(path: String) throws {
        try self.init(input: RawMessageInput(path: path))
    }

    /// The message on standard input (`cat message.eml | smtpkit send …`), read to its end and
    /// scanned like a file before this returns. Standard input is not closed.
    public static func standardInput() throws -> RawMessageFile {
        try RawMessageFile(descriptor: STDIN_FILENO)
    }

    /// The message on `descriptor`, which is read to its end and left open: the seam that
    /// ``standardInput()`` uses, so tests can feed a pipe.
    convenience init(descriptor: Int32) throws {
        try self.init(input: RawMessageInput(descriptor: descriptor, path: "-", owns: false))
    }

    private init(copying other: RawMessageFile) {
        path = other.path
        bodyType = other.bodyType
        estimatedSize = other.estimatedSize
        firstOverlongLine = other.firstOverlongLine
        stream = other.stream.restarted()
    }

    /// The same message, read again from its start (another transaction of a split message).
    public func replayed() -> (any MessageDataSource & Sendable)? { RawMessageFile(copying: self) }

    private init(input: RawMessageInput) {
        self.path = input.path
        self.bodyType = input.firstOverlongLine != nil ? .binaryMIME : input.hasEightBit ? .eightBitMIME : .sevenBit
        self.firstOverlongLine = input.firstOverlongLine
        self.estimatedSize = input.size
        self.stream = RawMessageStream(input)
    }

    /// The next chunk of at most `maxLength` octets, exactly as in the input; empty at the end.
    ///
    /// Throws ``MessageError/Kind/unreadable`` when the file cannot be read or has become
    /// shorter since it was scanned, so a truncated message is never sent.
    public func read(maxLength: Int) throws -> [UInt8] {
        try stream.read(maxLength: maxLength)
    }
}
