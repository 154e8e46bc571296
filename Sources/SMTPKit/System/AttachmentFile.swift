/// An attachment file opened for reading: owns its descriptor and closes it when it goes away.
///
/// It is opened when the data source is made, so a missing or unreadable file fails before any
/// SMTP command; its size comes from `fstat`, so the encoded size is known without reading it.
/// Every call goes through ``SystemCall``; a failure becomes ``MessageError/Kind/unreadable``.
final class AttachmentFile {
    let path: String
    /// The size in octets for a regular file; nil for a pipe, a device or another special file,
    /// which is read to its end.
    let size: Int?
    private let file: SystemFile

    /// Opens `path` read-only; throws ``MessageError/Kind/unreadable`` with the system's reason
    /// (no such file, permission denied) or when it is a directory.
    init(path: String) throws {
        self.path = path
        do {
            file = try SystemFile.open(readingFrom: path)
            let status = try file.status()
            if status.type == .directory {
                throw MessageError.unreadableAttachment(path, reason: "it is a directory, not a file")
            }
            size = status.type == .regular ? Int(status.size) : nil
        } catch let failure as SystemCall.Failure {
            throw MessageError.unreadableAttachment(path, reason: failure.reason)
        }
    }

    /// Reads up to `buffer.count` octets into `buffer`; 0 at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        do {
            return try file.read(into: buffer)
        } catch {
            throw MessageError.unreadableAttachment(path, reason: error.reason)
        }
    }

    /// Closes the descriptor; calling it again does nothing.
    func closeFile() {
        file.close()
    }
}
