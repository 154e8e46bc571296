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
/// over 998 octets (RFC 5322 §2.1.1) is refused with ``MessageError/Kind/lineTooLong`` and its
/// 1-based number rather than being broken in transit. A regular file is then read again from
/// where it started; a pipe cannot be, so its content is kept from the scan.
/// The descriptor is closed when the object goes away.
public final class RawMessageFile: MessageDataSource {
    /// The path that was opened (`-` for standard input).
    public let path: String
    /// `.eightBitMIME` when any octet is ≥ 0x80 (RFC 6152 §2), else `.sevenBit`.
    public let bodyType: MessageBodyType
    /// The size in octets as scanned, for `SIZE=` (RFC 1870 §4).
    public let estimatedSize: Int?

    private static let chunkSize = 64 * 1024
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// The content of an input that cannot seek (a pipe), kept from the scan.
    private var buffered: [UInt8]?
    private var bufferedOffset = 0

    /// Opens and scans the file at `path`.
    ///
    /// Throws ``MessageError/Kind/unreadable`` with the system's reason when it cannot be opened
    /// or read (missing, no permission, a directory), and ``MessageError/Kind/lineTooLong`` for a
    /// line over 998 octets.
    public convenience init(path: String) throws {
        let descriptor = try Self.retrying(path: path) { open(path, O_RDONLY | O_CLOEXEC) }
        try self.init(descriptor: descriptor, path: path, owns: true)
    }

    /// The message on standard input (`cat message.eml | smtpkit send …`), scanned like a file.
    /// Standard input is not closed.
    public static func standardInput() throws -> RawMessageFile {
        try RawMessageFile(descriptor: STDIN_FILENO, path: "-", owns: false)
    }

    private init(descriptor: Int32, path: String, owns: Bool) throws {
        do {
            let scan = try Self.scan(descriptor: descriptor, path: path)
            self.path = path
            self.descriptor = descriptor
            self.ownsDescriptor = owns
            self.buffered = scan.buffered
            self.bodyType = scan.eightBit ? .eightBitMIME : .sevenBit
            self.estimatedSize = scan.size
        } catch {
            if owns { _ = close(descriptor) }
            throw error
        }
    }

    deinit {
        if ownsDescriptor { _ = close(descriptor) }
    }

    /// The next chunk of at most `maxLength` octets, exactly as in the file; empty at the end.
    public func read(maxLength: Int) throws -> [UInt8] {
        guard maxLength > 0 else { return [] }
        if let buffered {
            let end = min(buffered.count, bufferedOffset + maxLength)
            defer { bufferedOffset = end }
            return Array(buffered[bufferedOffset..<end])
        }
        return try Self.readChunk(descriptor: descriptor, path: path, maxLength: maxLength)
    }

    private struct Scan {
        var eightBit: Bool
        var size: Int
        var buffered: [UInt8]?
    }

    /// Reads the input once to its end, measuring lines (RFC 5322 §2.1.1), then seeks back.
    private static func scan(descriptor: Int32, path: String) throws -> Scan {
        var status = stat()
        _ = try retrying(path: path) { fstat(descriptor, &status) }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw MessageError.unreadable(path: path, reason: "it is a directory")
        }
        let start = (status.st_mode & S_IFMT) == S_IFREG ? lseek(descriptor, 0, SEEK_CUR) : -1
        var buffered: [UInt8]? = start < 0 ? [] : nil
        var scanner = MessageLineScanner()
        while true {
            let chunk = try readChunk(descriptor: descriptor, path: path, maxLength: chunkSize)
            if chunk.isEmpty { break }
            scanner.scan(chunk)
            if let overlong = scanner.firstOverlongLine {
                throw MessageError.lineTooLong(line: overlong.line, length: overlong.length)
            }
            buffered? += chunk
        }
        scanner.finish()
        if let overlong = scanner.firstOverlongLine {
            throw MessageError.lineTooLong(line: overlong.line, length: overlong.length)
        }
        if start >= 0 {
            guard lseek(descriptor, start, SEEK_SET) == start else {
                throw MessageError.unreadable(path: path, reason: reason(errno))
            }
        }
        return Scan(eightBit: scanner.hasEightBit, size: scanner.octetCount, buffered: buffered)
    }

    private static func readChunk(descriptor: Int32, path: String, maxLength: Int) throws -> [UInt8] {
        var failure: Int32 = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: maxLength) { buffer, count in
            count = 0
            while true {
                let result = systemRead(descriptor, buffer.baseAddress, maxLength)
                if result >= 0 {
                    count = result
                    return
                }
                if errno != EINTR {
                    failure = errno
                    return
                }
            }
        }
        if failure != 0 { throw MessageError.unreadable(path: path, reason: reason(failure)) }
        return chunk
    }

    /// Runs a system call until it is not interrupted (EINTR); a failure throws with errno's text.
    private static func retrying(path: String, _ call: () -> Int32) throws -> Int32 {
        while true {
            let result = call()
            if result >= 0 { return result }
            let code = errno
            if code != EINTR { throw MessageError.unreadable(path: path, reason: reason(code)) }
        }
    }

    private static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// The POSIX `read(2)`, named so it does not clash with ``RawMessageFile/read(maxLength:)``.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
