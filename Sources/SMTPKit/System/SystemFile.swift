#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// An open file descriptor — a file, standard input, a pipe, the raw-message spool, a terminal —
/// whose every call goes through ``SystemCall`` (EINTR retried, `errno` read at once, a
/// ``SystemCall/Failure`` thrown). The calls themselves are swift-system's `FileDescriptor`.
///
/// An owned descriptor is closed by ``close()`` or when the object goes away; a borrowed one
/// (standard input, standard error) is left open. `close()` is idempotent. One thread at a time.
package final class SystemFile {
    /// The descriptor; not to be closed by anyone else while this object owns it.
    package let descriptor: FileDescriptor
    private let owns: Bool
    private var isClosed = false

    /// Takes over `descriptor`: it is closed with this object.
    package init(owning descriptor: Int32) {
        self.descriptor = FileDescriptor(rawValue: descriptor)
        self.owns = true
    }

    /// Uses `descriptor` without owning it: it stays open (standard input, standard error).
    package init(borrowing descriptor: Int32) {
        self.descriptor = FileDescriptor(rawValue: descriptor)
        self.owns = false
    }

    deinit { close() }

    /// Opens `path` read-only, closed on exec.
    package static func open(readingFrom path: String) throws(SystemCall.Failure) -> SystemFile {
        let descriptor = try SystemCall.run("open", system: {
            try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec, retryOnInterrupt: false)
        })
        return SystemFile(owning: descriptor.rawValue)
    }

    /// A new file in `directory`, already unlinked, so it vanishes with its descriptor whatever
    /// happens to the process; closed on exec.
    package static func makeTemporary(in directory: String) throws(SystemCall.Failure) -> SystemFile {
        var template = Array((directory + "/smtpkit-spool-XXXXXX").utf8CString)
        let descriptor = try SystemCall.run("mkstemp") { template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) } }
        let file = SystemFile(owning: descriptor)
        try SystemCall.run("unlink") { template.withUnsafeBufferPointer { unlink($0.baseAddress!) } }
        try SystemCall.run("fcntl") { fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        return file
    }

    /// The file's type, size and mode (`fstat(2)`).
    package func status() throws(SystemCall.Failure) -> Stat {
        try SystemCall.run("fstat", system: { try descriptor.stat(retryOnInterrupt: false) })
    }

    /// The current offset (`lseek(fd, 0, SEEK_CUR)`), where a redirected standard input starts.
    package func currentOffset() throws(SystemCall.Failure) -> Int {
        Int(try SystemCall.run("lseek", system: { try descriptor.seek(offset: 0, from: .current) }))
    }

    /// One `read(2)` of at most `buffer.count` octets; 0 at the end of the input.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemCall.Failure) -> Int {
        guard buffer.count > 0 else { return 0 }
        return try SystemCall.run("read", system: { try descriptor.read(into: buffer, retryOnInterrupt: false) })
    }

    /// One `pread(2)` at `offset`; 0 at the end of the file.
    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(SystemCall.Failure) -> Int {
        guard buffer.count > 0 else { return 0 }
        return try SystemCall.run("pread", system: {
            try descriptor.read(fromAbsoluteOffset: Int64(offset), into: buffer, retryOnInterrupt: false)
        })
    }

    /// Writes all of `bytes`, looping over short writes.
    package func writeAll(_ bytes: UnsafeRawBufferPointer) throws(SystemCall.Failure) {
        var done = 0
        while done < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[done...])
            let written = try SystemCall.run("write", system: { try descriptor.write(rest, retryOnInterrupt: false) })
            // write(2) returns 0 only for an empty buffer; never loop on it.
            guard written > 0 else { throw SystemCall.Failure(call: "write", errno: .ioError) }
            done += written
        }
    }

    /// Closes an owned descriptor (never retried, see ``SystemCall/close(_:)``); a borrowed one is
    /// left open. Later calls do nothing.
    package func close() {
        guard !isClosed else { return }
        isClosed = true
        if owns { SystemCall.close(descriptor.rawValue) }
    }
}
