import Testing
@testable import SMTPKit

struct HeaderScannerCase: CustomTestStringConvertible, Sendable {
    var text: String
    var headerLength: Int
    var bodyStart: Int
    var bodyHasEightBit = false
    var testDescription: String { text.debugDescription }
}

@Suite("Finding the end of the header section (RFC 5322 §2.1)")
struct RawMessageHeaderScannerTests {
    static let cases: [HeaderScannerCase] = [
        .init(text: "A: 1\r\n\r\nbody", headerLength: 6, bodyStart: 8),
        .init(text: "A: 1\n\nbody", headerLength: 5, bodyStart: 6),
        .init(text: "A: 1\r\rbody", headerLength: 5, bodyStart: 6),
        .init(text: "A: 1\n\r\nbody", headerLength: 5, bodyStart: 7),
        .init(text: "A: 1\r\r\nbody", headerLength: 5, bodyStart: 7),
        .init(text: "A: 1\r\n\r", headerLength: 6, bodyStart: 7),
        .init(text: "A: 1\r\n\r\n", headerLength: 6, bodyStart: 8),
        .init(text: "A: 1\r\n\n\r\n", headerLength: 6, bodyStart: 7),
        .init(text: "A: 1", headerLength: 4, bodyStart: 4),
        .init(text: "A: 1\r\n", headerLength: 6, bodyStart: 6),
        .init(text: "A: 1\r", headerLength: 5, bodyStart: 5),
        .init(text: "\r\nbody", headerLength: 0, bodyStart: 2),
        .init(text: "\nbody", headerLength: 0, bodyStart: 1),
        .init(text: "\r", headerLength: 0, bodyStart: 1),
        .init(text: "A: 1\r\n \r\n\r\nb", headerLength: 9, bodyStart: 11),
        .init(text: "A: 1\r\n\t\n\nb", headerLength: 8, bodyStart: 9),
        .init(text: "A: å\r\n\r\nx", headerLength: 7, bodyStart: 9, bodyHasEightBit: false),
        .init(text: "A: 1\r\n\r\nblåbær", headerLength: 6, bodyStart: 8, bodyHasEightBit: true),
        .init(text: "A: 1\r\r\u{E5}", headerLength: 5, bodyStart: 6, bodyHasEightBit: true),
    ]

    static func scan(_ bytes: [UInt8], splitAt splits: [Int]) -> RawMessageHeaderScanner {
        var scanner = RawMessageHeaderScanner()
        var start = 0
        for end in splits + [bytes.count] where end >= start {
            bytes[start..<end].withUnsafeBytes { scanner.scan($0) }
            start = end
        }
        scanner.finish(size: bytes.count)
        return scanner
    }

    @Test("in one chunk, in single octets, and split at every position", arguments: cases)
    func findsTheEnd(_ testCase: HeaderScannerCase) {
        let bytes = Array(testCase.text.utf8)
        var splittings: [[Int]] = [[], Array(0...bytes.count)]
        splittings += (0...bytes.count).map { [$0] }
        for splits in splittings {
            let scanner = Self.scan(bytes, splitAt: splits)
            #expect(scanner.headerLength == testCase.headerLength, "split at \(splits)")
            #expect(scanner.bodyStart == testCase.bodyStart, "split at \(splits)")
            #expect(scanner.bodyHasEightBit == testCase.bodyHasEightBit, "split at \(splits)")
        }
    }

    @Test func overflowLeavesTheEndUnknown() {
        let bytes = RawMessageHeadersTests.filler(octets: RawMessageHeaderScanner.limit + 1000) + Array("\r\nå".utf8)
        let scanner = Self.scan(bytes, splitAt: Array(stride(from: 0, to: bytes.count, by: 65_536)))
        #expect(scanner.headerLength == nil)
        #expect(scanner.bodyStart == nil)
    }
}
