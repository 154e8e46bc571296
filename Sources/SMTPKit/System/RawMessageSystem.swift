#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How the raw-message readers turn a ``SystemCall/Failure`` into ``MessageError/Kind/unreadable``
/// naming the input and giving the system's reason, and where they keep a spooled message.
enum RawMessageSystem {
    /// Runs `call` (a ``SystemFile`` or ``SystemCall`` call); a failure becomes
    /// ``MessageError/Kind/unreadable`` for `path` with the system's text.
    static func unreadable<T>(_ path: String, _ call: () throws(SystemCall.Failure) -> T) throws(MessageError) -> T {
        do {
            return try call()
        } catch {
            throw MessageError.unreadable(path: path, reason: error.reason)
        }
    }

    /// A new unlinked temporary file in ``temporaryDirectory()`` for a message that cannot be read twice.
    static func makeSpoolFile(describing what: String) throws(MessageError) -> SystemFile {
        let directory = temporaryDirectory()
        do {
            return try SystemFile.makeTemporary(in: directory)
        } catch {
            throw MessageError.unreadable(path: what, reason: spoolReason(error, in: directory))
        }
    }

    /// Appends `chunk` to the spool file.
    static func write(_ chunk: UnsafeRawBufferPointer, to spool: SystemFile, describing what: String) throws(MessageError) {
        do {
            try spool.writeAll(chunk)
        } catch {
            throw MessageError.unreadable(path: what, reason: spoolReason(error, in: temporaryDirectory()))
        }
    }

    /// `$TMPDIR` when it is set and not empty, else `/tmp`, without a trailing `/`.
    static func temporaryDirectory() -> String {
        var directory = getenv("TMPDIR").map { String(cString: $0) } ?? ""
        while directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }
        return directory.isEmpty ? "/tmp" : directory
    }

    private static func spoolReason(_ failure: SystemCall.Failure, in directory: String) -> String {
        "cannot keep the message in a temporary file in \(directory) (set TMPDIR to use another "
            + "directory): \(failure.reason)"
    }
}
