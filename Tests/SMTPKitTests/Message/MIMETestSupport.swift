import Foundation
import Testing
@testable import SMTPKit

/// Shared fixtures and checks for the MIME tests.
enum MIMETestSupport {
    static let fixedDate = Date(timeIntervalSince1970: 1_795_923_126)

    /// A message from Kari to Ola with a fixed date and Message-ID.
    static func message(body: String = "Hei!\n", subject: String = "Rapport") throws -> Message {
        var message = Message(
            from: try Mailbox("Kari Nordmann <kari@example.no>"),
            to: [try Mailbox("ola@example.no")],
            subject: subject,
            body: body,
            date: fixedDate)
        message.timeZone = try #require(TimeZone(identifier: "Europe/Oslo"))
        message.messageID = "fixed.1@example.no"
        return message
    }

    /// `count` pseudo-random bytes, the same for the same `seed`.
    static func bytes(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var out = [UInt8](repeating: 0, count: count)
        for index in 0..<count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            out[index] = UInt8(truncatingIfNeeded: state >> 24)
        }
        return out
    }

    /// Reads `source` to its end in calls of `maxLength`, checking that no chunk is longer and
    /// that the total equals `estimatedSize` when it is known.
    static func collect(_ source: MessageDataSource, maxLength: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        while true {
            let chunk = try source.read(maxLength: maxLength)
            if chunk.isEmpty { break }
            #expect(chunk.count <= maxLength)
            out += chunk
        }
        if let size = source.estimatedSize { #expect(size == out.count) }
        #expect(try source.read(maxLength: maxLength).isEmpty)
        return out
    }

    /// Renders `message` through a data source and parses the result, checking the line rules
    /// on the way.
    static func roundTrip(
        _ message: Message, options: RenderOptions = RenderOptions(), maxLength: Int = 65_536
    ) throws -> (bytes: [UInt8], entity: MIMETestEntity) {
        let source = try message.makeDataSource(options: options)
        let bytes = try collect(source, maxLength: maxLength)
        #expect(source.estimatedSize == bytes.count)
        let entity = try MIMETestParser.parse(bytes)
        checkLines(entity, message: bytes)
        return (bytes, entity)
    }

    /// Every line ends in CRLF and has at most 998 octets (RFC 5322 §2.1.1); lines of base64
    /// and quoted-printable bodies have at most 76 (RFC 2045 §6.7, §6.8); MIME-Version appears
    /// once, at the top.
    static func checkLines(_ entity: MIMETestEntity, message: [UInt8]) {
        var index = 0
        var length = 0
        var longest = 0
        var bareLineEnds = 0
        message.withUnsafeBufferPointer { bytes in
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 13 {
                    if index + 1 >= bytes.count || bytes[index + 1] != 10 { bareLineEnds += 1 }
                    longest = max(longest, length)
                    length = 0
                    index += 2
                    continue
                }
                if byte == 10 { bareLineEnds += 1 }
                length += 1
                index += 1
            }
        }
        #expect(bareLineEnds == 0)
        longest = max(longest, length)
        #expect(longest <= 998)
        #expect(message.suffix(2) == [13, 10])
        #expect(entity.count("MIME-Version") == 1)
        check(entity, isRoot: true)
    }

    private static func check(_ entity: MIMETestEntity, isRoot: Bool) {
        if !isRoot { #expect(entity.count("MIME-Version") == 0) }
        if entity.transferEncoding == "base64" || entity.transferEncoding == "quoted-printable" {
            let lengths = lineLengths(entity.body)
            #expect(lengths.allSatisfy { $0 <= 76 }, "a \(entity.transferEncoding) line over 76")
            #expect(entity.decodedBody != nil, "the \(entity.transferEncoding) body does not decode")
            if entity.transferEncoding == "base64" {
                #expect(lengths.filter { $0 > 0 }.dropLast().allSatisfy { $0 == 76 }, "a short base64 line before the last")
            }
        }
        if entity.transferEncoding == "7bit" { #expect(entity.body.allSatisfy { $0 < 0x80 }) }
        if let boundary = entity.typeParameters["boundary"] {
            #expect(boundary.hasPrefix("=_") && boundary.utf8.count >= 24 && boundary.utf8.count <= 70)
            for leaf in entity.leaves {
                #expect(Data(leaf.body).range(of: Data(boundary.utf8)) == nil, "the boundary occurs in a part")
            }
        }
        for part in entity.parts { check(part, isRoot: false) }
    }

    /// The length of every CRLF-terminated line of `bytes` (and of a last unterminated one).
    static func lineLengths(_ bytes: [UInt8]) -> [Int] {
        var lengths: [Int] = []
        var start = 0
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            while index < buffer.count {
                if buffer[index] == 13, index + 1 < buffer.count, buffer[index + 1] == 10 {
                    lengths.append(index - start)
                    index += 2
                    start = index
                } else {
                    index += 1
                }
            }
        }
        if start < bytes.count { lengths.append(bytes.count - start) }
        return lengths
    }

    /// A file with `bytes` in the temporary directory; removed by the caller.
    static func temporaryFile(_ bytes: [UInt8], name: String = "attachment.bin") throws -> String {
        try MessageTestSupport.temporaryFile(bytes, name: name)
    }
}

/// A ``ByteStream`` over bytes that hands out at most `step` bytes per call and counts calls.
final class TestByteStream: ByteStream {
    private let bytes: [UInt8]
    private let step: Int
    private var offset = 0
    private(set) var calls = 0
    private(set) var largestRequest = 0

    init(_ bytes: [UInt8], step: Int = .max) {
        self.bytes = bytes
        self.step = step
    }

    func read(maxLength: Int) throws -> [UInt8] {
        calls += 1
        largestRequest = max(largestRequest, maxLength)
        let end = min(bytes.count, offset + min(maxLength, step))
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// Boxes a ``TestByteStream`` so a `@Sendable` opener can hand it out (the tests use it on one thread).
final class StreamBox: @unchecked Sendable {
    let stream: TestByteStream
    init(_ stream: TestByteStream) { self.stream = stream }
}

/// Swift Testing has an `Attachment` type of its own, so the tests name SMTPKit's explicitly.
typealias MailAttachment = SMTPKit.Attachment
