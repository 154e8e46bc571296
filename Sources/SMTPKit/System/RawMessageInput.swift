/// A raw message's octets, scanned once and then readable at any offset, in bounded memory.
///
/// A regular file is read where it is. Anything else — standard input from a pipe, a FIFO,
/// `/dev/fd/N` — is copied in chunks into an unlinked temporary file while it is scanned, and
/// read from there: the message is never held whole in memory, whatever its size.
///
/// The scan (``RawMessageScan``: RFC 5322 §2.1.1 line lengths, 8-bit octets, exact size, where
/// the header section ends) happens before anything is sent, so an unsendable message is refused
/// before MAIL FROM. The object owns the descriptor it reads (the file it opened or
/// the temporary file) and closes it when it goes away. It never changes after `init`, and
/// `pread(2)` keeps no position, so it may be read from any thread. Every system call goes
/// through ``SystemCall``; a failure becomes ``MessageError/Kind/unreadable`` naming the input.
final class RawMessageInput: @unchecked Sendable {
    /// Octets read or written per system call while scanning.
    static let chunkSize = 64 * 1024

    /// The path that was opened, or `-` for standard input.
    let path: String
    /// The exact size in octets.
    let size: Int
    /// Any octet ≥ 0x80 anywhere (RFC 6152 §2).
    let hasEightBit: Bool
    /// The first line over 998 octets (RFC 5322 §2.1.1), if any: the message then needs
    /// `BODY=BINARYMIME` (RFC 3030 §3), or cannot be sent.
    let firstOverlongLine: (line: Int, length: Int)?
    /// Where the header section ends and the body starts (see ``RawMessageHeaderScanner``).
    let header: RawMessageHeaderScanner

    /// What is read from: the file opened, standard input, or the temporary file.
    private let file: SystemFile
    /// Where the message starts in a regular file (standard input redirected from a file
    /// may already have been read from).
    private let start: Int

    /// The descriptor read from.
    var descriptor: Int32 { file.descriptor.rawValue }

    /// Opens and scans the file at `path`.
    convenience init(path: String) throws {
        let file = try RawMessageSystem.unreadable(path) { () throws(SystemCall.Failure) in
            try SystemFile.open(readingFrom: path)
        }
        try self.init(file, path: path)
    }

    /// Scans the input on `descriptor`, spooling it first when it is not a regular file. When
    /// `owns` is false the descriptor is left open (standard input); when true it is closed here
    /// or by `deinit`, also when `init` throws.
    convenience init(descriptor: Int32, path: String, owns: Bool) throws {
        try self.init(owns ? SystemFile(owning: descriptor) : SystemFile(borrowing: descriptor), path: path)
    }

    private init(_ input: SystemFile, path: String) throws {
        let status = try RawMessageSystem.unreadable(path) { () throws(SystemCall.Failure) in try input.status() }
        let source: (file: SystemFile, start: Int, scan: RawMessageScan)
        switch status.type {
        case .directory:
            throw MessageError.unreadable(path: path, reason: "it is a directory")
        case .regular:
            let start = max(0, (try? input.currentOffset()) ?? 0)
            source = (input, start, try Self.scanFile(input, from: start, path: path))
        default:
            let spool = try RawMessageSystem.makeSpoolFile(describing: path)
            source = (spool, 0, try Self.spool(input, into: spool, path: path))
            input.close()
        }
        guard source.scan.size > 0 else {
            throw MessageError.unreadable(path: path, reason: "the message is empty (0 octets); there is nothing to send")
        }
        self.path = path
        self.file = source.file
        self.start = source.start
        self.size = source.scan.size
        self.hasEightBit = source.scan.hasEightBit
        self.firstOverlongLine = source.scan.firstOverlongLine
        self.header = source.scan.header
    }

    /// Exactly `count` octets from `offset` (which must lie within ``size``). A file that has become
    /// shorter since it was scanned throws rather than letting a truncated message go out.
    func read(at offset: Int, count: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        precondition(offset >= 0 && count >= 0 && offset + count <= size && count <= buffer.count)
        var done = 0
        while done < count {
            let target = UnsafeMutableRawBufferPointer(rebasing: buffer[done..<count])
            let position = start + offset + done
            let got = try RawMessageSystem.unreadable(path) { () throws(SystemCall.Failure) in
                try file.read(into: target, at: position)
            }
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

    /// Reads a regular file from `start` to its end, measuring it.
    private static func scanFile(_ file: SystemFile, from start: Int, path: String) throws -> RawMessageScan {
        var scan = RawMessageScan()
        try withChunkBuffer { buffer in
            while true {
                let position = start + scan.size
                let got = try RawMessageSystem.unreadable(path) { () throws(SystemCall.Failure) in
                    try file.read(into: buffer, at: position)
                }
                if got == 0 { break }
                try scan.scan(UnsafeRawBufferPointer(rebasing: buffer[..<got]))
            }
        }
        try scan.finish()
        return scan
    }

    /// Copies `input` (a pipe or other stream) to `spool` chunk by chunk, measuring it.
    private static func spool(_ input: SystemFile, into spool: SystemFile, path: String) throws -> RawMessageScan {
        var scan = RawMessageScan()
        try withChunkBuffer { buffer in
            while true {
                let got = try RawMessageSystem.unreadable(path) { () throws(SystemCall.Failure) in
                    try input.read(into: buffer)
                }
                if got == 0 { break }
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<got])
                try scan.scan(chunk)
                try RawMessageSystem.write(chunk, to: spool, describing: path)
            }
        }
        try scan.finish()
        return scan
    }

    private static func withChunkBuffer(_ body: (UnsafeMutableRawBufferPointer) throws -> Void) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        try body(buffer)
    }
}
