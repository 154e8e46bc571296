import Testing
import SMTPKit

/// Properties of the DATA encoder over many inputs and every way of cutting them into chunks:
/// the output never depends on the chunking, has only CRLF line ends, contains the end-of-data
/// sequence only as its terminator, and un-stuffs to the CRLF-normalised input.
@Suite("DataEncoder properties (RFC 5321 §4.5.2; SMTP smuggling)")
struct DataEncoderPropertyTests {
    typealias S = ProtocolTestSupport

    static let smallAlphabet = S.bytes("a.\r\n")
    static let endOfData = S.bytes("\r\n.\r\n")

    /// Why `output` is not a valid encoding of `input`, or nil when it is.
    static func violation(input: [UInt8], output: [UInt8]) -> String? {
        if !S.hasOnlyCRLFLineEnds(output) { return "bare CR or LF in output" }
        if !S.occurrences(of: endOfData, in: output).allSatisfy({ $0 == output.count - 5 }) {
            return "CRLF.CRLF before the end"
        }
        if output.starts(with: S.bytes(".\r\n")), output != S.bytes(".\r\n") { return "data starts with .CRLF" }
        if output != S.bytes(".\r\n"), Array(output.suffix(5)) != endOfData { return "no terminator line" }
        if S.unstuff(output) != S.normalised(input) { return "un-stuffed output differs from normalised input" }
        return nil
    }

    /// Every cut set of `1..<count`, as sorted positions; 2^(count-1) of them.
    static func allChunkings(count: Int) -> [[Int]] {
        guard count > 1 else { return [[]] }
        return (0..<(1 << (count - 1))).map { mask in (1..<count).filter { mask & (1 << ($0 - 1)) != 0 } }
    }

    /// All strings of exactly `length` bytes over `alphabet`.
    static func allStrings(length: Int, alphabet: [UInt8]) -> [[UInt8]] {
        var result: [[UInt8]] = [[]]
        for _ in 0..<length { result = result.flatMap { prefix in alphabet.map { prefix + [$0] } } }
        return result
    }

    @Test("exhaustive: every string over {a . CR LF} up to 6 bytes, every chunking", arguments: 0...6)
    func exhaustive(length: Int) {
        let chunkings = Self.allChunkings(count: length)
        var failures: [String] = []
        for input in Self.allStrings(length: length, alphabet: Self.smallAlphabet) {
            let reference = S.encodeData(input)
            if let problem = Self.violation(input: input, output: reference) {
                failures.append("\(input): \(problem)")
            }
            for cuts in chunkings {
                if S.encodeData(input, cuts: cuts) != reference {
                    failures.append("\(input) cut at \(cuts): differs")
                }
            }
            if failures.count > 10 { break }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test("random strings: every two-chunk split, random chunkings and byte by byte agree",
          arguments: Array(0..<12) as [UInt64])
    func randomSplits(seed: UInt64) {
        var random = SeededRandom(seed: seed &+ 0x9E37_79B9_7F4A_7C15)
        // Even seeds use the small alphabet; odd seeds add NUL, 0xFF and a space.
        let alphabet = seed % 2 == 0 ? Self.smallAlphabet : Self.smallAlphabet + [0x00, 0xFF, 0x20]
        var failures: [String] = []
        for _ in 0..<150 {
            let length = Int.random(in: 0...160, using: &random)
            let input = (0..<length).map { _ in alphabet.randomElement(using: &random)! }
            let reference = S.encodeData(input)
            if let problem = Self.violation(input: input, output: reference) {
                failures.append("\(input): \(problem)")
            }
            var cutSets: [[Int]] = (0...length).map { [$0] }
            cutSets.append(Array(0...length))
            for _ in 0..<8 {
                let count = Int.random(in: 0...max(0, length / 2), using: &random)
                cutSets.append((0..<count).map { _ in Int.random(in: 0...length, using: &random) })
            }
            for cuts in cutSets where S.encodeData(input, cuts: cuts) != reference {
                failures.append("\(input) cut at \(cuts): differs")
            }
            if failures.count > 10 { break }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test("the property checks catch a broken encoding", arguments: [
        ("a\n", "a\n.\r\n"),
        ("a\r\n.\r\nb", "a\r\n.\r\nb\r\n.\r\n"),
        ("x", "x\r\n"),
        (".", ".\r\n.\r\n"),
        ("ab", "a\r\n.\r\n"),
    ])
    func checksCanFail(input: String, brokenOutput: String) {
        let bytes = S.bytes(input)
        #expect(Self.violation(input: bytes, output: S.bytes(brokenOutput)) != nil)
    }
}
