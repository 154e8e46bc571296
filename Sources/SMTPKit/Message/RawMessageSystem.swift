#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The system calls the raw-message readers make, in one place: each is retried while it is
/// interrupted (`EINTR`), `errno` is read at once, and a failure becomes
/// ``MessageError/Kind/unreadable`` naming the input and giving the system's reason.
enum RawMessageSystem {
    /// Runs `call` until it is not interrupted; a negative result throws with errno's text.
    @discardableResult
    static func call(path: String, _ call: () -> Int32) throws -> Int32 {
        while true {
            let result = call()
            if result >= 0 { return result }
            let code = errno
            if code != EINTR { throw MessageError.unreadable(path: path, reason: reason(code)) }
        }
    }

    /// One `read(2)` of at most `buffer.count` octets into `buffer`; 0 at the end of the input.
    static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
        while true {
            let result = systemRead(descriptor, buffer.baseAddress, buffer.count)
            if result >= 0 { return result }
            let code = errno
            if code != EINTR { throw MessageError.unreadable(path: path, reason: reason(code)) }
        }
    }

    /// One `pread(2)` at `offset`; 0 at the end of the file.
    static func read(
        _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int, path: String
    ) throws -> Int {
        while true {
            let result = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            if result >= 0 { return result }
            let code = errno
            if code != EINTR { throw MessageError.unreadable(path: path, reason: reason(code)) }
        }
    }

    /// Writes all of `bytes`, looping over short writes.
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, describing what: String) throws {
        var done = 0
        while done < bytes.count {
            let result = write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if result >= 0 {
                done += result
                continue
            }
            let code = errno
            if code != EINTR { throw MessageError.unreadable(path: what, reason: spoolReason(code)) }
        }
    }

    /// A new temporary file in `$TMPDIR` (or `/tmp`), already unlinked, so it vanishes with its
    /// descriptor whatever happens to the process; the descriptor is closed on exec.
    static func makeSpoolFile(describing what: String) throws -> Int32 {
        let directory = temporaryDirectory()
        var template = Array((directory + "/smtpkit-spool-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw MessageError.unreadable(path: what, reason: spoolReason(errno, in: directory))
        }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        return descriptor
    }

    /// `$TMPDIR` when it is set and not empty, else `/tmp`, without a trailing `/`.
    static func temporaryDirectory() -> String {
        var directory = getenv("TMPDIR").map { String(cString: $0) } ?? ""
        while directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }
        return directory.isEmpty ? "/tmp" : directory
    }

    /// The system's text for `code`, e.g. `No such file or directory`.
    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    private static func spoolReason(_ code: Int32, in directory: String? = nil) -> String {
        let place = directory ?? temporaryDirectory()
        return "cannot keep the message in a temporary file in \(place) (set TMPDIR to use another "
            + "directory): \(reason(code))"
    }
}

/// The POSIX `read(2)`, named so it does not clash with the readers' `read(maxLength:)`.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
