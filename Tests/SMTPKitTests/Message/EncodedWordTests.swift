import Testing
@testable import SMTPKit

@Suite("RFC 2047 encoded words and header folding")
struct EncodedWordTests {
    static let subjects: [String] = [
        "Møte på fredag ✓",
        "Re: Møte på fredag ✓ — agenda, rom 3.14 og «kaffe»",
        "会議の議事録について",
        "日本語の件名がとても長い場合にはエンコードされた単語が複数に分割されなければなりません。これは折り返しの試験です。",
        "🎉🎉 Party 👨‍👩‍👧‍👦 tonight 🇳🇴🇯🇵",
        String(repeating: "👍🏽", count: 40),
        String(repeating: "Ærlig talt, dette er et veldig langt emne på norsk. ", count: 12),
        String(repeating: "ありがとう", count: 120),
        "Tab\tinside",
        "=?UTF-8?B?Zm9v?= looks encoded",
        "  leading and trailing spaces ünd  ",
        "e" + String(repeating: "\u{301}", count: 40) + " stacked accents",
        "Ελληνικά και Кириллица и עברית",
        "ø",
    ]

    @Test("ASCII subjects are written unchanged", arguments: [
        "Hello", "Hi there, how are you?", "Re: [smtpkit] issue #2 (message layer) = done", "", "a  b",
    ])
    func asciiUnchanged(_ subject: String) throws {
        #expect(!EncodedWord.needsEncoding(subject))
        #expect(EncodedWord.headerText(subject) == subject)
        let rendered = try HeaderField(name: "Subject", value: subject).render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))
        #expect(rendered == (subject.isEmpty ? "Subject:\r\n" : "Subject: \(subject)\r\n"))
    }

    @Test("non-ASCII subjects encode, fold and decode back", arguments: subjects)
    func roundTrips(_ subject: String) throws {
        #expect(EncodedWord.needsEncoding(subject))
        let rendered = try HeaderField(name: "Subject", value: subject).render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))
        #expect(rendered.hasSuffix("\r\n"))
        let lines = MessageTestSupport.lines(of: rendered)
        for (index, line) in lines.enumerated() {
            #expect(line.utf8.count <= 78, "line \(index) is \(line.utf8.count) long: \(line)")
            #expect(line.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) })
            if index > 0 { #expect(line.first == " ") }
        }
        #expect(lines[0].hasPrefix("Subject: =?UTF-8?B?"))
        let unfolded = lines.joined()
        let value = String(unfolded.dropFirst("Subject: ".count))
        let words = MessageTestSupport.encodedWords(value)
        #expect(!words.isEmpty)
        for word in words {
            #expect(word.count <= 75, "word of \(word.count): \(word)")
            #expect(MessageTestSupport.decodeWord(word) != nil, "not whole UTF-8: \(word)")
        }
        #expect(MessageTestSupport.decodeWords(value) == subject)
    }

    @Test("words split between grapheme clusters when clusters fit", arguments: subjects.filter {
        $0.allSatisfy { $0.utf8.count <= 45 }
    })
    func splitsOnGraphemes(_ subject: String) throws {
        let words = EncodedWord.encode(subject)
        let pieces = words.compactMap(MessageTestSupport.decodeWord)
        #expect(pieces.count == words.count)
        #expect(pieces.flatMap { Array($0) } == Array(subject))
    }

    @Test func anOversizedClusterSplitsBetweenScalars() throws {
        let cluster = "e" + String(repeating: "\u{301}", count: 40)
        let words = EncodedWord.encode(cluster)
        #expect(words.count == 2)
        let pieces = words.compactMap(MessageTestSupport.decodeWord)
        #expect(pieces.count == 2)
        #expect(pieces.joined() == cluster)
    }

    @Test func exactWordForAShortText() {
        #expect(EncodedWord.encode("Møte") == ["=?UTF-8?B?TcO4dGU=?="])
        #expect(EncodedWord.headerText("Møte på fredag ✓") == "=?UTF-8?B?TcO4dGUgcMOlIGZyZWRhZyDinJM=?=")
        #expect(EncodedWord.encode("") == [])
    }

    @Test func wordsUseTheWholeBudget() {
        let words = EncodedWord.encode(String(repeating: "x", count: 200) + "ø")
        // 63 characters of payload hold 15 whole base64 groups: 60 characters, 45 octets.
        #expect(words.dropLast().allSatisfy { $0.count == 72 })
    }

    @Test func firstWordLimitIsHonoured() {
        let words = EncodedWord.encode(String(repeating: "ø", count: 100), firstWordLimit: 40)
        #expect(words[0].count <= 40)
        #expect(words.dropFirst().allSatisfy { $0.count <= 75 })
    }

    @Test("decoder reads B and Q words", arguments: [
        ("=?UTF-8?B?TcO4dGU=?=", "Møte"),
        ("=?utf-8?b?TcO4dGU?=", "Møte"),
        ("=?ISO-8859-1?Q?Gr=F8nn_b=E6r?=", "Grønn bær"),
        ("=?UTF-8*no?Q?=C3=85s?=", "Ås"),
        ("=?windows-1252?Q?=80uro?=", "€uro"),
    ])
    func decodes(_ pair: (String, String)) {
        #expect(EncodedWord.decode(word: pair.0) == pair.1)
    }

    @Test("decoder refuses what is not an encoded word", arguments: [
        "plain", "=?UTF-8?X?abc?=", "=?UTF-8?B??=", "=?KOI8-R?B?abc=?=", "=?UTF-8?Q?=ZZ?=", "=?UTF-8?B?abc",
    ])
    func refuses(_ word: String) {
        #expect(EncodedWord.decode(word: word) == nil)
    }

    @Test func longASCIISubjectsFoldAtSpacesAndUnfoldExactly() throws {
        let subject = (1...40).map { "word\($0)" }.joined(separator: " ")
        let rendered = try HeaderField(name: "Subject", value: subject).render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))
        let lines = MessageTestSupport.lines(of: rendered)
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.count <= 78 })
        #expect(lines.joined() == "Subject: " + subject)
    }

    @Test func anUnfoldableASCIIWordOver998IsEncoded() throws {
        let subject = String(repeating: "x", count: 1200)
        let rendered = try HeaderField(name: "X-Long", value: subject).render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))
        let lines = MessageTestSupport.lines(of: rendered)
        #expect(lines.allSatisfy { $0.count <= 78 })
        #expect(MessageTestSupport.decodeWords(String(lines.joined().dropFirst("X-Long: ".count))) == subject)
    }

    @Test func aLongASCIIWordUnder998StaysReadable() throws {
        let subject = String(repeating: "y", count: 500)
        #expect(try HeaderField(name: "Subject", value: subject).render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true)) == "Subject: \(subject)\r\n")
    }
}
