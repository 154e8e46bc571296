import Testing
@testable import SMTPKit

@Suite("Raw message headers (RFC 5322 §2.2, §3.6)")
struct RawMessageHeadersTests {
    static func parse(_ text: String) throws -> RawMessageHeaders {
        try RawMessageHeaders(Array(text.utf8))
    }

    static func pairs(_ headers: RawMessageHeaders) -> [String] {
        headers.fields.map { "\($0.name)=\($0.value)" }
    }

    @Test("fields in order, unfolded, with any line end", arguments: ["\r\n", "\n", "\r"])
    func fieldsInOrder(_ end: String) throws {
        let text = ["From: Alice <alice@example.org>", "To: bob@example.org,", "  carol@example.org",
                    "Subject: a long", "\tsubject  ", "X-Empty:", "", "Body: not a header", ""]
            .joined(separator: end)
        let headers = try Self.parse(text)
        #expect(Self.pairs(headers) == [
            "From=Alice <alice@example.org>",
            "To=bob@example.org,  carol@example.org",
            "Subject=a long\tsubject",
            "X-Empty=",
        ])
        #expect(headers.to.map(\.address) == ["bob@example.org", "carol@example.org"])
        #expect(headers.from.map(\.headerValue) == ["Alice <alice@example.org>"])
        #expect(headers.values("body").isEmpty)
        #expect(headers.length == text.utf8.count - ("Body: not a header" + end).utf8.count - end.utf8.count)
    }

    @Test func mixedLineEndsInOneSection() throws {
        let headers = try Self.parse("A: 1\r\nB: 2\n  two\rC: 3\r\n\r\nbody")
        #expect(Self.pairs(headers) == ["A=1", "B=2  two", "C=3"])
        #expect(headers.ranges == [0..<6, 6..<17, 17..<23])
    }

    @Test func foldedAddressFieldsAndEveryContinuationStyle() throws {
        let headers = try Self.parse(
            "To:\r\n Kari Nordmann\r\n <kari@example.no>,\r\n\t\"Hansen, Ola\"\r\n  <ola@example.no>\r\n\r\n")
        #expect(headers.to.map(\.headerValue) == ["Kari Nordmann <kari@example.no>", "\"Hansen, Ola\" <ola@example.no>"])
        #expect(headers.values("to") == ["Kari Nordmann <kari@example.no>,\t\"Hansen, Ola\"  <ola@example.no>"])
    }

    @Test("groups are flattened; an empty group gives none", arguments: [
        ("To: Team: a@example.org, b@example.org;, c@example.org", ["a@example.org", "b@example.org", "c@example.org"]),
        ("To: undisclosed-recipients:;", []),
        ("To: undisclosed-recipients: ;", []),
        ("To:", []),
        ("To:   ", []),
        ("To: \"Core, Team\": Bo <b@example.org>;", ["b@example.org"]),
    ])
    func groups(_ testCase: (String, [String])) throws {
        let headers = try Self.parse(testCase.0 + "\r\n\r\nbody\r\n")
        #expect(headers.to.map(\.address) == testCase.1)
        #expect(headers.recipients.map(\.address) == testCase.1)
    }

    @Test func commentsAreIgnored() throws {
        let headers = try Self.parse(
            "From: alice@example.org (Alice Liddell)\r\nTo: Bob <bob@example.org> (the boss), (x) carol@example.org\r\n\r\n")
        #expect(headers.from.map(\.headerValue) == ["alice@example.org"])
        #expect(headers.to.map(\.address) == ["bob@example.org", "carol@example.org"])
        #expect(headers.to.first?.displayName == "Bob")
    }

    @Test("encoded-word display names are decoded", arguments: [
        ("=?UTF-8?B?S8OlcmUgTm9yZG1hbm4=?= <kare@example.no>", "Kåre Nordmann"),
        ("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@example.dk>", "Keld Jørn Simonsen"),
        ("=?UTF-8?B?5bGx55Sw?= =?UTF-8?B?5aSq6YOO?= <taro@example.jp>", "山田太郎"),
        ("Kåre <kare@example.no>", "Kåre"),
    ])
    func encodedWordNames(_ testCase: (String, String)) throws {
        let headers = try Self.parse("From: \(testCase.0)\r\n\r\n")
        #expect(headers.from.first?.displayName == testCase.1)
        #expect(headers.envelopeSender == headers.from.first)
    }

    @Test func duplicateToAndCcFieldsAllCount() throws {
        let headers = try Self.parse("""
            To: a@example.org\r
            Cc: c1@example.org\r
            Subject: x\r
            to: b@example.org, a@EXAMPLE.org\r
            CC: c2@example.org\r
            bcc: hidden@example.org\r
            BCC: Team: h2@example.org;\r
            \r
            To: body@example.org\r

            """)
        #expect(headers.to.map(\.address) == ["a@example.org", "b@example.org", "a@EXAMPLE.org"])
        #expect(headers.cc.map(\.address) == ["c1@example.org", "c2@example.org"])
        #expect(headers.bcc.map(\.address) == ["hidden@example.org", "h2@example.org"])
        #expect(headers.recipients.map(\.address) ==
            ["a@example.org", "b@example.org", "c1@example.org", "c2@example.org", "hidden@example.org", "h2@example.org"])
    }

    @Test func recipientsCompareDomainsWithoutCaseButLocalPartsExactly() throws {
        let headers = try Self.parse(
            "To: bob@Example.org\r\nCc: bob@example.ORG, Bob@example.org\r\nBcc: bob@EXAMPLE.org, carol@example.org\r\n\r\n")
        #expect(headers.recipients.map(\.address) == ["bob@Example.org", "Bob@example.org", "carol@example.org"])
    }

    @Test func senderAndEnvelopeSender() throws {
        let headers = try Self.parse(
            "From: Ann <ann@example.org>, bo@example.org\r\nSender: Sec <sec@example.org>\r\nSender: other@example.org\r\n\r\n")
        #expect(headers.from.map(\.address) == ["ann@example.org", "bo@example.org"])
        #expect(headers.sender?.address == "sec@example.org")
        #expect(headers.envelopeSender?.address == "ann@example.org")
        #expect(headers.values("SENDER") == ["Sec <sec@example.org>", "other@example.org"])
    }

    @Test func noFromMeansNoEnvelopeSender() throws {
        let headers = try Self.parse("To: a@example.org\r\n\r\n")
        #expect(headers.from.isEmpty)
        #expect(headers.sender == nil)
        #expect(headers.envelopeSender == nil)
    }

    @Test func valuesAreCaseInsensitiveAndInOrder() throws {
        let headers = try Self.parse(
            "Received: one\r\nX-A: a\r\nreceived: two\r\n  folded\r\nRECEIVED:three\r\nSubject : obsolete space\r\n\r\n")
        #expect(headers.values("Received") == ["one", "two  folded", "three"])
        #expect(headers.values("subject") == ["obsolete space"])
        #expect(headers.fields.map(\.name) == ["Received", "X-A", "received", "RECEIVED", "Subject"])
        #expect(headers.values("X-Missing").isEmpty)
    }

    @Test func utf8ValuesAreText() throws {
        let headers = try Self.parse("Subject: Møte på fredag ✓\r\nFrom: Kåre <kåre@eksempel.no>\r\n\r\n")
        #expect(headers.values("Subject") == ["Møte på fredag ✓"])
        #expect(headers.from.first?.address == "kåre@eksempel.no")
        #expect(headers.from.first?.isASCII == false)
    }

    @Test("headers without a body or without a final line end", arguments: [
        "To: a@example.org\r\nSubject: s", "To: a@example.org\r\nSubject: s\r\n", "To: a@example.org\nSubject: s\n",
    ])
    func headersOnly(_ text: String) throws {
        let headers = try Self.parse(text)
        #expect(Self.pairs(headers) == ["To=a@example.org", "Subject=s"])
        #expect(headers.length == text.utf8.count)
    }

    @Test("an empty header section", arguments: ["\r\nbody", "\nbody", "\r\n", "\n"])
    func emptySection(_ text: String) throws {
        let headers = try Self.parse(text)
        #expect(headers.fields.isEmpty)
        #expect(headers.recipients.isEmpty)
        #expect(headers.length == 0)
    }

    @Test("a malformed address names the header", arguments: [
        ("To: a@example.org, bad", "bad", "(in the To header)"),
        ("cc: a@example.org,\r\n  john doe@example.org", "john doe@example.org", "(in the cc header)"),
        ("Bcc: Team: a@example.org", "Team: a@example.org", "(in the Bcc header)"),
        ("From: <alice@>", "<alice@>", "(in the From header)"),
        ("Sender: a@example.org, b@example.org", "a@example.org, b@example.org", "it must hold one"),
    ])
    func malformedAddress(_ testCase: (String, String, String)) throws {
        let error = try #require(throws: MessageError.self) { try Self.parse(testCase.0 + "\r\n\r\nbody") }
        #expect(error.kind == .invalidAddress)
        #expect(error.address == testCase.1)
        #expect(error.reason?.contains(testCase.2) == true, "reason was: \(error.reason ?? "nil")")
    }

    @Test func malformedAddressInAnUnreadFieldIsIgnored() throws {
        let headers = try Self.parse("Reply-To: not an address\r\nTo: a@example.org\r\n\r\n")
        #expect(headers.values("Reply-To") == ["not an address"])
    }

    @Test("a line that is not a field is refused with its number", arguments: [
        ("Hello Bob,\r\n\r\nbody", "Hello Bob,", "line 1 of the header section is not a header field (it has no ':')"),
        ("To: a@example.org\r\nno colon here\r\n\r\n", "no colon here", "line 2 of the header section"),
        ("To: a@example.org\r\n: x\r\n", ": x", "line 2 of the header section is not a header field (the field name before ':' is empty)"),
        ("Bad Name: x\r\n", "Bad Name: x", "the field name contains white space"),
        ("From alice@example.org Mon Jan  1 12:00:00 2024\nTo: a@example.org\n\n", "From alice@example.org Mon Jan  1 12:00:00 2024", "white space"),
        ("Nämn: x\r\n", "Nämn: x", "the field name contains the octet 0xC3"),
        (" leading: x\r\n", " leading: x", "line 1 starts with white space, but there is no header field before it"),
    ])
    func notAField(_ testCase: (String, String, String)) throws {
        let error = try #require(throws: MessageError.self) { try Self.parse(testCase.0) }
        #expect(error.kind == .invalidHeader)
        #expect(error.headerName == testCase.1)
        #expect(error.reason?.contains(testCase.2) == true, "reason was: \(error.reason ?? "nil")")
    }

    @Test func aLongBadLineIsShortenedInTheError() throws {
        let line = String(repeating: "x", count: 200)
        let error = try #require(throws: MessageError.self) { try Self.parse(line + "\r\n\r\n") }
        #expect(error.headerName == String(repeating: "x", count: 60) + "…")
    }

    @Test func aHeaderSectionOfExactlyOneMiBIsAccepted() throws {
        let section = Self.filler(octets: RawMessageHeaderScanner.limit)
        let headers = try RawMessageHeaders(section + Array("\r\nbody".utf8))
        #expect(headers.length == RawMessageHeaderScanner.limit)
        #expect(headers.fields.count == (RawMessageHeaderScanner.limit + 99) / 100)
        #expect(headers.fields.allSatisfy { $0.name == "X" })
    }

    @Test("a header section over 1 MiB is refused", arguments: [true, false])
    func aHeaderSectionOverOneMiBIsRefused(_ withBody: Bool) throws {
        let section = Self.filler(octets: RawMessageHeaderScanner.limit) + Array("Y: z\r\n".utf8)
        let message = section + (withBody ? Array("\r\nbody".utf8) : [])
        let error = try #require(throws: MessageError.self) { try RawMessageHeaders(message) }
        #expect(error.kind == .invalidHeader)
        #expect(error.headerName == "(header section)")
        #expect(error.reason?.contains("no empty line ends the header section within its first 1048576 octets") == true)
    }

    /// Header lines of 100 octets (`X: xxx…` CRLF), the last one shorter, `octets` in all.
    static func filler(octets: Int) -> [UInt8] {
        let line = Array(("X: " + String(repeating: "x", count: 95) + "\r\n").utf8)
        precondition(octets % 100 == 0 || octets % 100 > 5)
        var out: [UInt8] = []
        out.reserveCapacity(octets)
        while out.count + 100 <= octets { out += line }
        if out.count < octets {
            out += Array(("X: " + String(repeating: "x", count: octets - out.count - 5) + "\r\n").utf8)
        }
        return out
    }
}
