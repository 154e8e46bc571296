#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A raw message's octets, scanned once and then readable at any offset, in bounded memory.
///
/// A regular file is read where it is. Anything else — standard input from a pipe, a FIFO,
/// `/dev/fd/N` — is copied in chunks into an unlinked temporary file while it is scanned, and
/// read from there: the message is never held whole in memory, whatever its size.
///
/// The scan (RFC 5322 §2.1.1 line lengths, 8-bit octets, exact size, where the header section
/// ends) happens before anything is sent, so an unsendable message is refused before the first
/// SMTP command. The object owns the descriptor it reads (the file it opened or the temporary
/// file) and closes it when it goes away. It never changes after `init`, and `pread(2)` keeps
/// no position, so it may be read from any thread.
final class RawMessageInput: @unchecked Sendable {
    /// Octets read or written per system call while scanning.
    static let chunkSize = 64 * 1024

    /// The path that was opened, or `-` for standard input.
    let path: String
    /// The exact size in octets.
    let size: Int
    /// Any octet ≥ 0x80 anywhere (RFC 6152 §2).
    let hasEightBit: Bool
    /// Where the header section ends and the body starts (see ``RawMessageHeaderScanner``).
    let header: RawMessageHeaderScanner

    /// The descriptor read from: the file opened, standard input, or the temporary file.
    let descriptor: Int32
    private let ownsDescriptor: Bool
    /// Where the message starts in a regular file (standard input redirected from a file
    /// may already have been read from).
    private let start: Int

    /// Opens and scans the file at `path`.
    convenience init(path: String) throws {
        let descriptor = try RawMessageSystem.call(path: path) { open(path, O_RDONLY | O_CLOEXEC) }
        try self.init(descriptor: descriptor, path: path, owns: true)
    }

    /// Scans the input on `descriptor`, spooling it first when it is not a regular file. When
    /// `owns` is false the descriptor is left open (standard input); when true it is closed here
    /// or by `deinit`, also when `init` throws.
    init(descriptor: Int32, path: String, owns: Bool) throws {
        var result: (descriptor: Int32, start: Int, scan: Scan)?
        do {
            var status = stat()
            try RawMessageSystem.call(path: path) { fstat(descriptor, &status) }
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                throw MessageError.unreadable(path: path, reason: "it is a directory")
            case S_IFREG:
                let start = max(0, Int(lseek(descriptor, 0, SEEK_CUR)))
                result = (descriptor, start, try Self.scanFile(descriptor, from: start, path: path))
            default:
                let spool = try RawMessageSystem.makeSpoolFile(describing: path)
                do {
                    result = (spool, 0, try Self.spool(descriptor, into: spool, path: path))
                } catch {
                    _ = close(spool)
                    throw error
                }
                if owns { _ = close(descriptor) }
            }
        } catch {
            if owns { _ = close(descriptor) }
            throw error
        }
        guard let result else { preconditionFailure("every branch sets the result or throws") }
        let ownsResult = owns || result.descriptor != descriptor
        guard result.scan.size > 0 else {
            if ownsResult { _ = close(result.descriptor) }
            throw MessageError.unreadable(path: path, reason: "the message is empty (0 octets); there is nothing to send")
        }
        self.path = path
        self.descriptor = result.descriptor
        self.ownsDescriptor = ownsResult
        self.start = result.start
        self.size = result.scan.size
        self.hasEightBit = result.scan.eightBit
        self.header = result.scan.header
    }

    deinit {
        if ownsDescriptor { _ = close(descriptor) }
    }

    /// Exactly `count` octets from `offset` (which must lie within ``size``). A file that has become
    /// shorter since it was scanned throws rather than letting a truncated message go out.
    func read(at offset: Int, count: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        precondition(offset >= 0 && count >= 0 && offset + count <= size && count <= buffer.count)
        var done = 0
        while done < count {
            let target = UnsafeMutableRawBufferPointer(rebasing: buffer[done..<count])
            let got = try RawMessageSystem.read(descriptor, into: target, at: start + offset + done, path: path)
            if got == 0 {
                throw MessageError.unreadable(
                    path: path,
                    reason: "it changed while it was being sent: it is now shorter than the \(size) octets scanned")
            }
            done += got
        }
    }

    /// `count` octets from `offset`, as an array.
    func bytes(at offset: Int, count: Int) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            try read(at: offset, count: count, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    // MARK: - Scanning

    private struct Scan {
        var size = 0
        var eightBit = false
        var header = RawMessageHeaderScanner()
    }

    /// Reads a regular file from `start` to its end, measuring it.
    private static func scanFile(_ descriptor: Int32, from start: Int, path: String) throws -> Scan {
        var measure = Measure()
        try withChunkBuffer { buffer in
            while true {
                let got = try RawMessageSystem.read(descriptor, into: buffer, at: start + measure.size, path: path)
                if got == 0 { break }
                try measure.scan(UnsafeRawBufferPointer(rebasing: buffer[..<got]))
            }
        }
        return try measure.finish()
    }

    /// Copies `descriptor` (a pipe or other stream) to `spool` chunk by chunk, measuring it.
    private static func spool(_ descriptor: Int32, into spool: Int32, path: String) throws -> Scan {
        var measure = Measure()
        try withChunkBuffer { buffer in
            while true {
                let got = try RawMessageSystem.read(descriptor, into: buffer, path: path)
                if got == 0 { break }
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<got])
                try measure.scan(chunk)
                try RawMessageSystem.writeAll(spool, chunk, describing: path)
            }
        }
        return try measure.finish()
    }

    private static func withChunkBuffer(_ body: (UnsafeMutableRawBufferPointer) throws -> Void) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        try body(buffer)
    }

    /// The running scan: size, 8-bit octets, line lengths (RFC 5322 §2.1.1), header section end.
    private struct Measure {
        var lines = MessageLineScanner()
        var result = Scan()

        var size: Int { result.size }

        mutating func scan(_ chunk: UnsafeRawBufferPointer) throws {
            lines.scan(chunk)
            if let overlong = lines.firstOverlongLine {
                throw MessageError.lineTooLong(line: overlong.line, length: overlong.length)
            }
            result.header.scan(chunk)
            result.size += chunk.count
        }

        mutating func finish() throws -> Scan {
            lines.finish()
            if let overlong = lines.firstOverlongLine {
                throw MessageError.lineTooLong(line: overlong.line, length: overlong.length)
            }
            result.eightBit = lines.hasEightBit
            result.header.finish(size: result.size)
            return result
        }
    }
}
