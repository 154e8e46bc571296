#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An attachment file opened for reading: owns its descriptor and closes it when it goes away.
///
/// It is opened when the data source is made, so a missing or unreadable file fails before any
/// SMTP command; its size comes from `fstat`, so the encoded size is known without reading it.
final class AttachmentFile {
    let path: String
    /// The size in octets for a regular file; nil for a pipe, a device or another special file,
    /// which is read to its end.
    let size: Int?
    private let descriptor: Int32
    private var isClosed = false

    /// Opens `path` read-only; throws ``MessageError/Kind/unreadable`` with the system's reason
    /// (no such file, permission denied) or when it is a directory.
    init(path: String) throws {
        self.path = path
        var descriptor: Int32
        repeat {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else {
            throw MessageError.unreadableAttachment(path, reason: Self.reason(errno))
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            _ = close(descriptor)
            throw MessageError.unreadableAttachment(path, reason: Self.reason(code))
        }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR {
            _ = close(descriptor)
            throw MessageError.unreadableAttachment(path, reason: "it is a directory, not a file")
        }
        self.descriptor = descriptor
        self.size = kind == S_IFREG ? Int(info.st_size) : nil
    }

    deinit { closeFile() }

    /// Reads up to `buffer.count` octets into `buffer`, retrying on EINTR; 0 at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            #if canImport(Darwin)
            let count = Darwin.read(descriptor, base, buffer.count)
            #elseif canImport(Musl)
            let count = Musl.read(descriptor, base, buffer.count)
            #else
            let count = Glibc.read(descriptor, base, buffer.count)
            #endif
            if count >= 0 { return count }
            let code = errno
            if code == EINTR { continue }
            throw MessageError.unreadableAttachment(path, reason: Self.reason(code))
        }
    }

    /// Closes the descriptor; calling it again does nothing.
    func closeFile() {
        guard !isClosed else { return }
        isClosed = true
        _ = close(descriptor)
    }

    /// The system's text for `code` (`No such file or directory`).
    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
