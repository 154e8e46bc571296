import Foundation
import Testing
@testable import SMTPKit

@Suite("Raw message files (RFC 5322 §2.1.1)")
struct RawMessageFileTests {
    static func readAll(_ source: MessageDataSource, chunk: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        while true {
            let piece = try source.read(maxLength: chunk)
            if piece.isEmpty { return out }
            #expect(piece.count <= chunk)
            out += piece
        }
    }

    @Test("streams the file unchanged", arguments: [1, 7, 4096, 65_536, 1_000_000])
    func streams(_ chunk: Int) throws {
        let content = Array("From: a@example.org\r\nSubject: hi\n\n.\nbody\rline\r\n".utf8)
            + Array(repeating: UInt8(ascii: "z"), count: 200_000).enumerated().map { $0.offset % 100 == 99 ? 10 : $0.element }
        let path = try MessageTestSupport.temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try RawMessageFile(path: path)
        #expect(file.path == path)
        #expect(file.bodyType == .sevenBit)
        #expect(file.estimatedSize == content.count)
        #expect(try Self.readAll(file, chunk: chunk) == content)
        #expect(try file.read(maxLength: 10) == [])
    }

    @Test("8-bit detection", arguments: [
        ("Subject: hi\r\n\r\nplain\r\n", MessageBodyType.sevenBit),
        ("Subject: hi\r\n\r\nblåbær\r\n", .eightBitMIME),
        ("Subject: =?UTF-8?B?w7g=?=\r\n\r\nx", .sevenBit),
        ("x", .sevenBit),
        ("\u{80}", .eightBitMIME),
    ])
    func detects8Bit(_ pair: (String, MessageBodyType)) throws {
        let path = try MessageTestSupport.temporaryFile(Array(pair.0.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try RawMessageFile(path: path)
        #expect(file.bodyType == pair.1)
        #expect(file.estimatedSize == pair.0.utf8.count)
    }

    @Test func eightBitByteDeepInALargeFile() throws {
        var content = Array(repeating: UInt8(ascii: "a"), count: 300_000)
        for index in stride(from: 80, to: content.count, by: 81) { content[index] = 10 }
        content[250_001] = 0xC3
        let path = try MessageTestSupport.temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try RawMessageFile(path: path).bodyType == .eightBitMIME)
    }

    @Test("a line of 998 octets is accepted", arguments: ["\r\n", "\n", "\r"])
    func accepts998(_ lineEnd: String) throws {
        let content = "Subject: x" + lineEnd + String(repeating: "y", count: 998) + lineEnd + "end"
        let path = try MessageTestSupport.temporaryFile(Array(content.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try RawMessageFile(path: path).estimatedSize == content.utf8.count)
    }

    @Test("a line of 999 octets makes the message BINARYMIME, its number noted", arguments: [
        ("\r\n", 3), ("\n", 3), ("\r", 3),
    ])
    func notes999(_ testCase: (String, Int)) throws {
        let end = testCase.0
        let content = "Subject: x" + end + end + String(repeating: "y", count: 999) + end + "z" + end
        let path = try MessageTestSupport.temporaryFile(Array(content.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try RawMessageFile(path: path)
        #expect(file.bodyType == .binaryMIME)
        #expect(file.firstOverlongLine?.line == testCase.1)
        #expect(file.firstOverlongLine?.length == 999)
    }

    @Test func anOverlongLastLineWithoutLineEndIsRefused() throws {
        let path = try MessageTestSupport.temporaryFile(Array(("a\r\nb\r\n" + String(repeating: "c", count: 5000)).utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: MessageError.self) { try RawMessageFile(path: path) }
        #expect(error.line == 3)
        #expect(error.description.contains("5000 octets"))
    }

    @Test func anOverlongLineAcrossAChunkBoundaryIsMeasuredWhole() throws {
        // Lines of 100, then one of 1500 octets that straddles the 64 KiB read boundary.
        var content: [UInt8] = []
        var lines = 0
        while content.count < 65_000 {
            content += Array(repeating: UInt8(ascii: "a"), count: 100) + [13, 10]
            lines += 1
        }
        content += Array(repeating: UInt8(ascii: "b"), count: 1500) + [13, 10] + Array("tail\r\n".utf8)
        let path = try MessageTestSupport.temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: MessageError.self) { try RawMessageFile(path: path) }
        #expect(error.line == lines + 1)
        #expect(error.description.contains("1500 octets"))
    }

    @Test func aCRLFSplitAcrossTheChunkBoundaryCountsOnce() throws {
        // The CR is the last octet of the first 64 KiB read, the LF the first of the next.
        var content = Array(repeating: UInt8(ascii: "a"), count: 65_535)
        for index in stride(from: 500, to: 65_000, by: 501) { content[index - 1] = 13; content[index] = 10 }
        content[65_535 - 1] = 13
        content += [10] + Array(repeating: UInt8(ascii: "b"), count: 999)
        let lineCount = content.prefix(65_536).filter { $0 == 10 }.count
        let path = try MessageTestSupport.temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: MessageError.self) { try RawMessageFile(path: path) }
        #expect(error.line == lineCount + 1)
    }

    @Test func missingFileIsUnreadableWithTheSystemReason() throws {
        let path = MessageTestSupport.temporaryPath("does-not-exist.eml")
        let error = try #require(throws: MessageError.self) { try RawMessageFile(path: path) }
        #expect(error.kind == .unreadable)
        #expect(error.path == path)
        #expect(error.description == "cannot read message file \"\(path)\": No such file or directory")
    }

    @Test func directoryIsUnreadable() throws {
        let path = MessageTestSupport.temporaryPath("dir")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: MessageError.self) { try RawMessageFile(path: path) }
        #expect(error.kind == .unreadable)
        #expect(error.reason == "it is a directory")
    }

    @Test func aPipeIsReadOnceAndReplayed() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let content = Array("Subject: piped\r\n\r\nblåbær\r\n".utf8)
        _ = content.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
        close(fds[1])
        let file = try RawMessageFile(path: "/dev/fd/\(fds[0])")
        close(fds[0])
        #expect(file.bodyType == .eightBitMIME)
        #expect(file.estimatedSize == content.count)
        #expect(try Self.readAll(file, chunk: 5) == content)
    }

    @Test func anEmptyFileIsRefused() throws {
        let path = try MessageTestSupport.temporaryFile([])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: MessageError.self) { try RawMessageFile(path: path) }
        #expect(error.kind == .unreadable)
        #expect(error.path == path)
        #expect(error.description == "cannot read message file \"\(path)\": the message is empty (0 octets); there is nothing to send")
    }

    @Test func aFileThatShrinksAfterTheScanIsNeverSentTruncated() throws {
        let content = Array(repeating: UInt8(ascii: "a"), count: 200_000).enumerated().map { $0.offset % 80 == 79 ? 10 : $0.element }
        let path = try MessageTestSupport.temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try RawMessageFile(path: path)
        #expect(try file.read(maxLength: 1000) == Array(content.prefix(1000)))
        #expect(truncate(path, 50_000) == 0)
        let error = try #require(throws: MessageError.self) { try Self.readAll(file, chunk: 65_536) }
        #expect(error.kind == .unreadable)
        #expect(error.reason == "it changed while it was being sent: it is now shorter than the 200000 octets scanned")
    }

    @Test func aFileThatGrowsAfterTheScanSendsOnlyWhatWasScanned() throws {
        let content = Array("Subject: s\r\n\r\nbody\r\n".utf8)
        let path = try MessageTestSupport.temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try RawMessageFile(path: path)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(String(repeating: "z", count: 5000).utf8))
        handle.closeFile()
        #expect(try Self.readAll(file, chunk: 7) == content)
    }

    @Test func standardInputRedirectedFromAFileIsReadFromItsPositionAndLeftOpen() throws {
        let content = Array("skipped\nSubject: s\n\nbody\n".utf8)
        let path = try MessageTestSupport.temporaryFile(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let descriptor = open(path, O_RDONLY)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        #expect(lseek(descriptor, 8, SEEK_SET) == 8)
        do {
            let file = try RawMessageFile(descriptor: descriptor)
            #expect(file.path == "-")
            #expect(file.estimatedSize == content.count - 8)
            #expect(try Self.readAll(file, chunk: 3) == Array(content.dropFirst(8)))
        }
        #expect(fcntl(descriptor, F_GETFD) >= 0, "the descriptor must still be open")
    }
}
