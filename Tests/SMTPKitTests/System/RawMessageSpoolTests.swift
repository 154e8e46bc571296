import Foundation
import Testing
@testable import SMTPKit

/// A pipe whose write end is fed from another thread, as a shell feeds standard input.
final class RawMessagePipeFeeder: Sendable {
    let readEnd: Int32
    private let writerDone = DispatchSemaphore(value: 0)

    init(_ bytes: [UInt8], pieces: Int = 4096) {
        var ends: [Int32] = [0, 0]
        precondition(pipe(&ends) == 0)
        readEnd = ends[0]
        let writeEnd = ends[1]
        let done = writerDone
        Thread {
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let count = min(pieces, buffer.count - offset)
                    let written = write(writeEnd, buffer.baseAddress! + offset, count)
                    if written < 0 {
                        if errno == EINTR { continue }
                        break
                    }
                    offset += written
                }
            }
            close(writeEnd)
            done.signal()
        }.start()
    }

    /// Reads what the reader left (so the writer never blocks or gets EPIPE), waits for the
    /// writer to finish, and closes the read end.
    func finish() {
        var sink = [UInt8](repeating: 0, count: 65_536)
        while true {
            let got = sink.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if got > 0 || (got < 0 && errno == EINTR) { continue }
            break
        }
        writerDone.wait()
        close(readEnd)
    }
}

@Suite("Standard input spooled to a temporary file")
struct RawMessageSpoolTests {
    /// About `size` octets of message: headers, then lines of varying length with 8-bit text and dots.
    static func bigMessage(size: Int, headers: String = "From: a@example.org\r\nTo: b@example.org\r\n\r\n") -> [UInt8] {
        var out = Array(headers.utf8)
        out.reserveCapacity(size + 1000)
        var index = 0
        while out.count < size {
            let line = String(repeating: "x", count: index % 997) + (index % 3 == 0 ? "\r\n" : index % 3 == 1 ? "\n" : ".\r\n")
            out += Array(line.utf8)
            if index % 101 == 0 { out += Array("blåbær \(index)\r\n".utf8) }
            index += 1
        }
        return out
    }

    @Test("a few MiB through a pipe come out identical", arguments: [1, 65_536, 1_000_000])
    func pipeIsSpooledAndStreamedUnchanged(_ chunk: Int) throws {
        let content = Self.bigMessage(size: chunk == 1 ? 300_000 : 5 * 1024 * 1024)
        let feeder = RawMessagePipeFeeder(content)
        defer { feeder.finish() }
        let file = try RawMessageFile(descriptor: feeder.readEnd)
        #expect(file.path == "-")
        #expect(file.estimatedSize == content.count)
        #expect(file.bodyType == .eightBitMIME)
        #expect(try RawMessageFileTests.readAll(file, chunk: chunk) == content)
        #expect(try file.read(maxLength: chunk) == [])
    }

    @Test func aRawMessageFromAPipeHasItsBccRemovedAndTheRestIdentical() throws {
        let header = "From: Ann <ann@example.org>\r\nTo: b@example.org\r\nBcc: secret@example.org,\r\n"
            + "  other@example.org\r\nSubject: big\r\n\r\n"
        let content = Self.bigMessage(size: 3 * 1024 * 1024, headers: header)
        let feeder = RawMessagePipeFeeder(content, pieces: 1000)
        defer { feeder.finish() }
        let message = try RawMessage(descriptor: feeder.readEnd, removeBcc: true)
        let removed = "Bcc: secret@example.org,\r\n  other@example.org\r\n".utf8.count
        let bccStart = "From: Ann <ann@example.org>\r\nTo: b@example.org\r\n".utf8.count
        let expected = Array(content[..<bccStart]) + Array(content[(bccStart + removed)...])
        #expect(message.path == "-")
        #expect(message.headers.recipients.map(\.address) == ["b@example.org", "secret@example.org", "other@example.org"])
        #expect(message.headers.envelopeSender?.address == "ann@example.org")
        #expect(message.estimatedSize == expected.count)
        #expect(try RawMessageFileTests.readAll(message, chunk: 65_536) == expected)
    }

    @Test func theDescriptorIsLeftOpen() throws {
        let feeder = RawMessagePipeFeeder(Array("Subject: s\r\n\r\nx\r\n".utf8))
        defer { feeder.finish() }
        do {
            let message = try RawMessage(descriptor: feeder.readEnd)
            #expect(message.estimatedSize == 17)
        }
        #expect(fcntl(feeder.readEnd, F_GETFD) >= 0)
    }

    @Test("an overlong line in a pipe is noted with its number", arguments: [998, 999])
    func overlongLineInAPipe(_ length: Int) throws {
        var content = Self.bigMessage(size: 200_000)
        let lines = content.filter { $0 == 10 }.count
        content += Array(repeating: UInt8(ascii: "q"), count: length) + Array("\r\nmore\r\n".utf8)
        let feeder = RawMessagePipeFeeder(content)
        defer { feeder.finish() }
        let file = try RawMessageFile(descriptor: feeder.readEnd)
        #expect(file.estimatedSize == content.count)
        #expect(file.firstOverlongLine?.line == (length <= 998 ? nil : lines + 1))
        #expect((file.bodyType == .binaryMIME) == (length > 998))
    }

    @Test func anEmptyPipeIsRefused() throws {
        let feeder = RawMessagePipeFeeder([])
        defer { feeder.finish() }
        let error = try #require(throws: MessageError.self) { try RawMessage(descriptor: feeder.readEnd) }
        #expect(error.kind == .unreadable)
        #expect(error.path == "-")
        #expect(error.description == "cannot read message file \"-\": the message is empty (0 octets); there is nothing to send")
    }

    @Test func aFIFOPathIsSpooledToo() throws {
        let path = MessageTestSupport.temporaryPath("fifo")
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        let content = Self.bigMessage(size: 1024 * 1024)
        let writer = Thread {
            let handle = FileHandle(forWritingAtPath: path)
            handle?.write(Data(content))
            handle?.closeFile()
        }
        writer.start()
        let file = try RawMessageFile(path: path)
        #expect(file.path == path)
        #expect(try RawMessageFileTests.readAll(file, chunk: 65_536) == content)
    }

    #if os(Linux)
    @Test func theSpoolFileHasNoNameWhileItIsOpen() throws {
        let feeder = RawMessagePipeFeeder(Array("Subject: s\r\n\r\nx\r\n".utf8))
        defer { feeder.finish() }
        let file = try RawMessageFile(descriptor: feeder.readEnd)
        let descriptor = file.stream.input.descriptor
        #expect(descriptor != feeder.readEnd)
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)")
        #expect(target.hasPrefix(RawMessageSystem.temporaryDirectory() + "/smtpkit-spool-"), "\(target)")
        #expect(target.hasSuffix(" (deleted)"), "\(target)")
        #expect(try file.read(maxLength: 100).count == 17)
    }
    #endif
}
