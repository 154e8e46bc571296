import Testing
import SMTPKit

@Suite("DataEncoder: CRLF normalisation and dot-stuffing (RFC 5321 §4.5.2, §2.3.8)")
struct DataEncoderTests {
    typealias S = ProtocolTestSupport

    static let examples: [(String, String)] = [
        ("", ".\r\n"),
        (".", "..\r\n.\r\n"),
        ("..", "...\r\n.\r\n"),
        ("Hello", "Hello\r\n.\r\n"),
        ("Hello\r\n", "Hello\r\n.\r\n"),
        ("a\nb\n", "a\r\nb\r\n.\r\n"),
        ("a\rb\r", "a\r\nb\r\n.\r\n"),
        (".hidden\r\n", "..hidden\r\n.\r\n"),
        ("..x", "...x\r\n.\r\n"),
        (" .x", " .x\r\n.\r\n"),
        ("a.b\r\n", "a.b\r\n.\r\n"),
        ("a\r\n.\r\nb", "a\r\n..\r\nb\r\n.\r\n"),
        ("a\n.\nb", "a\r\n..\r\nb\r\n.\r\n"),
        ("a\r.\rb", "a\r\n..\r\nb\r\n.\r\n"),
        ("\r.\r", "\r\n..\r\n.\r\n"),
        ("\n.\n", "\r\n..\r\n.\r\n"),
        ("\r\n.\r\n", "\r\n..\r\n.\r\n"),
        (".\r\n.\r\n", "..\r\n..\r\n.\r\n"),
        (".\r\n", "..\r\n.\r\n"),
        ("\r\n", "\r\n.\r\n"),
        ("\n", "\r\n.\r\n"),
        ("\r", "\r\n.\r\n"),
        ("\r\r", "\r\n\r\n.\r\n"),
        ("\n\r", "\r\n\r\n.\r\n"),
        ("\n\n", "\r\n\r\n.\r\n"),
        ("\r\n\r\n", "\r\n\r\n.\r\n"),
        ("\r\r\n", "\r\n\r\n.\r\n"),
        ("\n\r\n", "\r\n\r\n.\r\n"),
        // SMTP smuggling payloads (CVE-2023-51764): each "end of data" variant becomes a stuffed line.
        ("Hi\n.\r\nMAIL FROM:<evil@x>\r\n", "Hi\r\n..\r\nMAIL FROM:<evil@x>\r\n.\r\n"),
        ("Hi\r\n.\nMAIL FROM:<evil@x>\r\n", "Hi\r\n..\r\nMAIL FROM:<evil@x>\r\n.\r\n"),
        ("Hi\r.\r\nMAIL FROM:<evil@x>\r\n", "Hi\r\n..\r\nMAIL FROM:<evil@x>\r\n.\r\n"),
        ("Hi\r\n.\rMAIL FROM:<evil@x>\r\n", "Hi\r\n..\r\nMAIL FROM:<evil@x>\r\n.\r\n"),
        ("Hi\n.\nMAIL FROM:<evil@x>\n", "Hi\r\n..\r\nMAIL FROM:<evil@x>\r\n.\r\n"),
        ("Subject: x\r\n\r\nbody\r\n-- \r\n.sig", "Subject: x\r\n\r\nbody\r\n-- \r\n..sig\r\n.\r\n"),
    ]

    @Test("whole-body examples", arguments: examples)
    func whole(input: String, expected: String) {
        #expect(S.encodeData(S.bytes(input)) == S.bytes(expected))
    }

    @Test("every example gives the same output byte by byte", arguments: examples)
    func byteByByte(input: String, expected: String) {
        let bytes = S.bytes(input)
        #expect(S.encodeData(bytes, cuts: Array(0...bytes.count)) == S.bytes(expected))
    }

    /// BDAT (RFC 3030 §2): the same line ends, no dot-stuffing, no final dot, however it is cut.
    @Test("for BDAT: line ends normalised, dots left alone, no terminator", arguments: examples)
    func chunked(input: String, expected: String) {
        let bytes = S.bytes(input)
        #expect(S.encodeData(bytes, dotStuffing: false) == S.normalised(bytes))
        #expect(S.encodeData(bytes, cuts: Array(0...bytes.count), dotStuffing: false) == S.normalised(bytes))
    }

    @Test("8-bit and NUL bytes pass through unchanged")
    func eightBit() {
        let body: [UInt8] = [0xC3, 0xA6, 0x00, 0xFF, 0x2E, 0x0D, 0x0A, 0x2E, 0xFE]
        #expect(S.encodeData(body) == [0xC3, 0xA6, 0x00, 0xFF, 0x2E, 0x0D, 0x0A, 0x2E, 0x2E, 0xFE] + S.bytes("\r\n.\r\n"))
    }

    @Test("a CR at the end of a chunk", arguments: [
        (["a\r", "\nb"], "a\r\nb\r\n.\r\n"),
        (["a\r", ".b"], "a\r\n..b\r\n.\r\n"),
        (["a\r", "", "\n.b"], "a\r\n..b\r\n.\r\n"),
        (["a\r", "\r", "\n"], "a\r\n\r\n.\r\n"),
        (["a\r"], "a\r\n.\r\n"),
        (["a", "\r", "\n", ".", "\r", "\n"], "a\r\n..\r\n.\r\n"),
        (["\r", "\n"], "\r\n.\r\n"),
    ])
    func crAcrossChunks(chunks: [String], expected: String) {
        var encoder = DataEncoder()
        var output: [UInt8] = []
        for chunk in chunks { encoder.encode(S.bytes(chunk), into: &output) }
        encoder.finish(into: &output)
        #expect(output == S.bytes(expected))
    }

    @Test("the array-slice and raw-buffer overloads agree with the array one")
    func overloads() {
        let body = S.bytes("one\n.two\rthree\r\n.")
        let expected = S.encodeData(body)

        var sliceEncoder = DataEncoder()
        var sliceOutput: [UInt8] = []
        sliceEncoder.encode(body[0..<5], into: &sliceOutput)
        sliceEncoder.encode(body[5...], into: &sliceOutput)
        sliceEncoder.finish(into: &sliceOutput)
        #expect(sliceOutput == expected)

        var rawEncoder = DataEncoder()
        var rawOutput: [UInt8] = []
        body.withUnsafeBytes { raw in
            rawEncoder.encode(UnsafeRawBufferPointer(rebasing: raw[0..<9]), into: &rawOutput)
            rawEncoder.encode(UnsafeRawBufferPointer(rebasing: raw[9..<9]), into: &rawOutput)
            rawEncoder.encode(UnsafeRawBufferPointer(rebasing: raw[9...]), into: &rawOutput)
        }
        rawEncoder.finish(into: &rawOutput)
        #expect(rawOutput == expected)
    }

    @Test("output is appended after what the buffer already holds")
    func appends() {
        var encoder = DataEncoder()
        var output = S.bytes("DATA\r\n")
        encoder.encode(S.bytes(".x"), into: &output)
        encoder.finish(into: &output)
        #expect(output == S.bytes("DATA\r\n..x\r\n.\r\n"))
    }

    @Test("a large body in large chunks matches the reference normalisation")
    func largeBody() {
        var random = SeededRandom(seed: 42 &+ 0x9E37_79B9_7F4A_7C15)
        let alphabet = S.bytes("abc .\r\n")
        let body = (0..<200_000).map { _ in alphabet.randomElement(using: &random)! }
        let cuts = stride(from: 65_536, to: body.count, by: 65_536).map { $0 }
        let output = S.encodeData(body, cuts: cuts)
        #expect(S.unstuff(output) == S.normalised(body))
    }
}
