import Foundation
import SMTPKit

/// The messages of `send --messages PATH`: every `.eml` file of a folder, in name order, or each
/// message of an mbox file (mboxrd: `From ` separator lines, `>From ` unquoted), read one at a
/// time as the pool asks for them, so a mailbox of any size is never in memory whole.
struct MessageFolder {
    let path: String
    let isDirectory: Bool
    /// The folder's `.eml` files, sorted; empty for an mbox.
    let files: [String]

    init(path: String) throws {
        var directory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &directory) else {
            throw CLIError.noInput("--messages: '\(path)' does not exist; give a folder of .eml files or an mbox file")
        }
        self.path = path
        isDirectory = directory.boolValue
        if isDirectory {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            files = names.filter { $0.lowercased().hasSuffix(".eml") && !$0.hasPrefix(".") }.sorted()
                .map { (path as NSString).appendingPathComponent($0) }
            if files.isEmpty { throw CLIError.noInput("--messages: the folder '\(path)' has no .eml file") }
        } else {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw CLIError.noInput("--messages: cannot read '\(path)'; check the path and permissions")
            }
            files = []
        }
    }

    /// The number of messages, when known without reading them all (a folder).
    var count: Int? { isDirectory ? files.count : nil }

    /// Each message with a name for reports (its file name, or `mbox #n`).
    func makeIterator() throws -> AnyIterator<(name: String, open: () throws -> RawMessage)> {
        if isDirectory {
            var index = 0
            return AnyIterator {
                guard index < files.count else { return nil }
                defer { index += 1 }
                let file = files[index]
                return ((file as NSString).lastPathComponent, { try RawMessage(path: file) })
            }
        }
        let reader = try MboxReader(path: path)
        var number = 0
        return AnyIterator {
            guard let bytes = reader.next() else { return nil }
            number += 1
            return ("mbox #\(number)", { try RawMessage.spooled(bytes) })
        }
    }
}

/// Splits an mbox file into messages, reading it in blocks.
final class MboxReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var atEnd = false
    private var started = false

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CLIError.noInput("--messages: cannot open '\(path)'")
        }
        self.handle = handle
    }

    /// The next line, LF included; nil at the end of the file.
    private func line() -> ArraySlice<UInt8>? {
        while true {
            if let lf = buffer.firstIndex(of: 10) {
                let line = buffer[...lf]
                buffer.removeFirst(lf + 1)
                return line
            }
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return buffer[...]
            }
            let data = handle.readData(ofLength: 256 * 1024)
            if data.isEmpty { atEnd = true } else { buffer += data }
        }
    }

    private var pendingSeparator = false

    /// The next message's bytes, without its `From ` line; nil when there are no more.
    func next() -> [UInt8]? {
        var message: [UInt8] = []
        var previousBlank = true
        while let line = line() {
            if line.starts(with: Array("From ".utf8)) && previousBlank {
                if started && (pendingSeparator || !message.isEmpty) {
                    pendingSeparator = true
                    // Drop the blank line that precedes the separator.
                    if message.suffix(2) == [13, 10] { message.removeLast(2) } else if message.last == 10 { message.removeLast() }
                    return message
                }
                started = true
                pendingSeparator = true
                previousBlank = false
                continue
            }
            previousBlank = line.allSatisfy { $0 == 10 || $0 == 13 }
            // mboxrd: one '>' comes off a line that is '>'s and then "From ".
            let quoted = line.prefix { $0 == UInt8(ascii: ">") }.count
            if quoted > 0 && line.dropFirst(quoted).starts(with: Array("From ".utf8)) {
                message += line.dropFirst()
            } else {
                message += line
            }
        }
        pendingSeparator = false
        return message.allSatisfy({ $0 == 10 || $0 == 13 }) ? nil : message
    }
}

extension RawMessage {
    /// A message held in memory as a ``RawMessage`` (scanned, Bcc removed): written to a
    /// temporary file that is unlinked at once, so only the open descriptor holds it.
    static func spooled(_ bytes: [UInt8]) throws -> RawMessage {
        let path = NSTemporaryDirectory() + "smtpkit-mbox-\(UUID().uuidString).eml"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw CLIError(code: ExitStatus.cannotCreate, description: "cannot write a temporary file in \(NSTemporaryDirectory())")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try RawMessage(path: path)
    }
}
