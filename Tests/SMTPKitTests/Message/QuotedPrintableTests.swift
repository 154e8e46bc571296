import Testing
@testable import SMTPKit

@Suite("Quoted-printable (RFC 2045 §6.7)")
struct QuotedPrintableTests {
    @Test("exact encodings", arguments: [
        ("plain text\r\n", "plain text\r\n"),
        ("a=b\r\n", "a=3Db\r\n"),
        ("Møte\r\n", "M=C3=B8te\r\n"),
        ("trailing space \r\n", "trailing space=20\r\n"),
        ("trailing tab\t\r\n", "trailing tab=09\r\n"),
        ("end space ", "end space=20"),
        ("bare\nLF", "bare=0ALF"),
        ("nul\0", "nul=00"),
        ("\r\n\r\n", "\r\n\r\n"),
        (".\r\n", ".\r\n"),
    ])
    func encodes(_ pair: (String, String)) {
        #expect(String(decoding: QuotedPrintable.encode(Array(pair.0.utf8)), as: UTF8.self) == pair.1)
    }

    @Test func softBreaksAt76() {
        let line = String(repeating: "a", count: 200)
        let encoded = String(decoding: QuotedPrintable.encode(Array((line + "\r\n").utf8)), as: UTF8.self)
        #expect(encoded == String(repeating: "a", count: 75) + "=\r\n" + String(repeating: "a", count: 75) + "=\r\n"
            + String(repeating: "a", count: 50) + "\r\n")
    }

    @Test func aLineOfExactly76StaysWhole() {
        let line = String(repeating: "b", count: 76) + "\r\n"
        #expect(QuotedPrintable.encode(Array(line.utf8)) == Array(line.utf8))
    }

    @Test func escapesAreNeverSplit() {
        let text = Array(String(repeating: "ø", count: 100).utf8)
        let encoded = QuotedPrintable.encode(text)
        for line in MessageTestSupport.lines(encoded) {
            #expect(line.count <= 76)
            // A soft-broken line ends in '=' directly after a whole =XX triplet.
            let body = line.last == UInt8(ascii: "=") ? Array(line.dropLast()) : line
            #expect(body.count % 3 == 0)
        }
        #expect(MessageTestSupport.decodeQuotedPrintable(encoded) == text)
    }

    @Test("round trips", arguments: [
        String(repeating: "Ærlig talt, dette er en lang linje på norsk med æøå. ", count: 30) + "\r\nslutt \r\n",
        String(repeating: "=", count: 300),
        String(repeating: " ", count: 100) + "\r\n",
        "日本語のテキスト\r\n" + String(repeating: "🎉", count: 50),
        String(repeating: "x", count: 2000) + "\r\n.\r\n",
    ])
    func roundTrips(_ text: String) throws {
        let encoded = QuotedPrintable.encode(Array(text.utf8))
        #expect(encoded.allSatisfy { $0 < 0x80 })
        for line in MessageTestSupport.lines(encoded) {
            #expect(line.count <= 76)
            #expect(line.last != 0x20 && line.last != 0x09)
        }
        #expect(MessageTestSupport.decodeQuotedPrintable(encoded) == Array(text.utf8))
    }
}
