import Foundation
import Testing
@testable import SMTPKit

@Suite("Streaming base64 encoder (RFC 2045 §6.8)")
struct MIMEBase64Tests {
    /// Foundation's encoder, cut into 76-character lines with CRLF: the reference.
    static func reference(_ bytes: [UInt8]) -> [UInt8] {
        let text = Array(Data(bytes).base64EncodedString().utf8)
        var out: [UInt8] = []
        var start = 0
        while start < text.count {
            let end = min(start + 76, text.count)
            out += text[start..<end] + [13, 10]
            start = end
        }
        return out
    }

    @Test("whole input matches the reference", arguments: [0, 1, 2, 3, 4, 5, 56, 57, 58, 59, 75, 76, 77, 113, 114, 115, 171, 1000, 4096])
    func whole(size: Int) {
        let bytes = MIMETestSupport.bytes(size, seed: UInt64(size))
        let encoded = Base64LineEncoder.encode(bytes)
        #expect(encoded == Self.reference(bytes))
        #expect(encoded.count == Base64LineEncoder.encodedLength(of: size))
    }

    @Test("chunked input gives the same output", arguments: [1, 2, 3, 4, 5, 7, 56, 57, 58, 100, 1001])
    func chunked(step: Int) {
        let bytes = MIMETestSupport.bytes(3001, seed: 5)
        var encoder = Base64LineEncoder()
        var out: [UInt8] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + step)
            bytes[start..<end].withUnsafeBufferPointer { encoder.encode($0, into: &out) }
            start = end
        }
        encoder.finish(into: &out)
        #expect(out == Self.reference(bytes))
    }

    @Test func irregularChunksAndEmptyCalls() {
        let bytes = MIMETestSupport.bytes(10_000, seed: 6)
        var encoder = Base64LineEncoder()
        var out: [UInt8] = []
        var start = 0
        var step = 0
        while start < bytes.count {
            step = (step * 7 + 3) % 97
            let end = min(bytes.count, start + step)
            bytes[start..<end].withUnsafeBufferPointer { encoder.encode($0, into: &out) }
            [UInt8]().withUnsafeBufferPointer { encoder.encode($0, into: &out) }
            start = end
        }
        encoder.finish(into: &out)
        #expect(out == Self.reference(bytes))
    }

    @Test func knownVectors() {
        // RFC 4648 §10 test vectors, each ending with the line's CRLF.
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (input, output) in vectors {
            #expect(Base64LineEncoder.encode(Array(input.utf8)) == Array((output.isEmpty ? "" : output + "\r\n").utf8))
        }
    }

    @Test("encoded length formula", arguments: [(0, 0), (1, 6), (3, 6), (57, 78), (58, 84), (114, 156), (115, 162)])
    func lengths(pair: (Int, Int)) {
        #expect(Base64LineEncoder.encodedLength(of: pair.0) == pair.1)
    }

    @Test func transferEncodingUsesIt() {
        let bytes = MIMETestSupport.bytes(500, seed: 2)
        #expect(ContentTransferEncoding.base64.encode(bytes) == Self.reference(bytes))
        #expect(ContentTransferEncoding.base64.encode([]) == [])
    }
}
