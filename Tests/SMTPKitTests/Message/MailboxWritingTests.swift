import Testing
@testable import SMTPKit

struct MailboxWritingCase: CustomTestStringConvertible, Sendable {
    var displayName: String?
    var localPart: String
    var domain: String
    var address: String
    var headerValue: String
    var testDescription: String { headerValue }
}

@Suite("Mailbox writing (RFC 5322 §3.4, RFC 2047 §5)")
struct MailboxWritingTests {
    static let cases: [MailboxWritingCase] = [
        .init(localPart: "kari", domain: "example.no", address: "kari@example.no", headerValue: "kari@example.no"),
        .init(displayName: "", localPart: "kari", domain: "example.no",
              address: "kari@example.no", headerValue: "kari@example.no"),
        .init(displayName: "Kari Nordmann", localPart: "kari", domain: "example.no",
              address: "kari@example.no", headerValue: "Kari Nordmann <kari@example.no>"),
        .init(displayName: "Nordmann, Kari", localPart: "kari", domain: "example.no",
              address: "kari@example.no", headerValue: "\"Nordmann, Kari\" <kari@example.no>"),
        .init(displayName: "Dr. Kari", localPart: "kari", domain: "example.no",
              address: "kari@example.no", headerValue: "\"Dr. Kari\" <kari@example.no>"),
        .init(displayName: "Kari \"K\" N", localPart: "kari", domain: "example.no",
              address: "kari@example.no", headerValue: "\"Kari \\\"K\\\" N\" <kari@example.no>"),
        .init(displayName: "Kari  Nordmann", localPart: "kari", domain: "example.no",
              address: "kari@example.no", headerValue: "\"Kari  Nordmann\" <kari@example.no>"),
        .init(displayName: "Kåre", localPart: "kare", domain: "example.no",
              address: "kare@example.no", headerValue: "=?UTF-8?B?S8OlcmU=?= <kare@example.no>"),
        .init(displayName: "=?x?=", localPart: "a", domain: "example.org",
              address: "a@example.org", headerValue: "=?UTF-8?B?PT94Pz0=?= <a@example.org>"),
        .init(localPart: "john doe", domain: "example.org",
              address: "\"john doe\"@example.org", headerValue: "\"john doe\"@example.org"),
        .init(localPart: "a\"b\\c", domain: "example.org",
              address: "\"a\\\"b\\\\c\"@example.org", headerValue: "\"a\\\"b\\\\c\"@example.org"),
        .init(localPart: ".start", domain: "example.org", address: "\".start\"@example.org",
              headerValue: "\".start\"@example.org"),
        .init(displayName: "Søren", localPart: "søren", domain: "bücher.de",
              address: "søren@bücher.de", headerValue: "=?UTF-8?B?U8O4cmVu?= <søren@bücher.de>"),
        .init(localPart: "ops", domain: "[192.0.2.1]", address: "ops@[192.0.2.1]", headerValue: "ops@[192.0.2.1]"),
    ]

    @Test("address and headerValue", arguments: cases)
    func writes(_ testCase: MailboxWritingCase) throws {
        let mailbox = try Mailbox(displayName: testCase.displayName, localPart: testCase.localPart, domain: testCase.domain)
        #expect(mailbox.address == testCase.address)
        #expect(mailbox.headerValue == testCase.headerValue)
        #expect(mailbox.description == testCase.headerValue)
        let parsed = try Mailbox(mailbox.headerValue)
        #expect(parsed.localPart == testCase.localPart)
        #expect(parsed.domain == testCase.domain)
        #expect(parsed.displayName == ((testCase.displayName?.isEmpty ?? true) ? nil : testCase.displayName))
    }

    @Test("a long non-ASCII display name becomes several encoded words that decode back")
    func longNameEncodesInWords() throws {
        let name = String(repeating: "Åse Ørnulf Bjørnstjerne ", count: 6)
        let mailbox = try Mailbox(displayName: name, localPart: "ase", domain: "example.no")
        let value = mailbox.headerValue
        #expect(value.hasSuffix(" <ase@example.no>"))
        let words = MessageTestSupport.encodedWords(value)
        #expect(words.count > 2)
        #expect(words.allSatisfy { $0.count <= 75 })
        #expect(words.first.map { "Reply-To: ".count + $0.count <= 78 } == true)
        #expect(MessageTestSupport.decodeWords(String(value.dropLast(" <ase@example.no>".count))) == name)
    }

    struct BadPartsCase: Sendable, CustomTestStringConvertible {
        var displayName: String?
        var localPart: String
        var domain: String
        var reason: String
        var testDescription: String { reason }
    }

    @Test("parts are validated", arguments: [
        BadPartsCase(displayName: "Kari\r\nBcc: x@y", localPart: "kari", domain: "example.no", reason: "line break"),
        BadPartsCase(displayName: nil, localPart: "ka\nri", domain: "example.no", reason: "line break"),
        BadPartsCase(displayName: nil, localPart: "", domain: "example.no", reason: "local part (before '@') is empty"),
        BadPartsCase(displayName: nil, localPart: "a\tb", domain: "example.no", reason: "tab"),
        BadPartsCase(displayName: nil, localPart: "kari", domain: "", reason: "domain (after '@') is empty"),
        BadPartsCase(displayName: nil, localPart: "kari", domain: "a..b", reason: "empty label"),
        BadPartsCase(displayName: nil, localPart: "kari", domain: "-a.b", reason: "starts or ends with '-'"),
        BadPartsCase(displayName: nil, localPart: "kari", domain: "ex ample.no", reason: "contains ' '"),
        BadPartsCase(displayName: nil, localPart: "kari", domain: "example.no>", reason: "contains '>'"),
        BadPartsCase(displayName: nil, localPart: "kari", domain: "[1.2.3]", reason: "address literal"),
    ])
    func validatesParts(_ testCase: BadPartsCase) throws {
        let error = try #require(throws: MessageError.self) {
            try Mailbox(displayName: testCase.displayName, localPart: testCase.localPart, domain: testCase.domain)
        }
        #expect(error.kind == .invalidAddress)
        #expect(error.reason?.contains(testCase.reason) == true, "reason was: \(error.reason ?? "nil")")
    }

    @Test func controlCharactersInASettableDisplayNameAreNeverWrittenRaw() throws {
        var mailbox = try Mailbox("kari@example.no")
        mailbox.displayName = "Kari\r\nBcc: victim@example.org"
        #expect(!mailbox.headerValue.contains("\r") && !mailbox.headerValue.contains("\n"))
        let error = try #require(throws: MessageError.self) {
            try Message(from: mailbox, to: [mailbox]).render(options: RenderOptions(allow8Bit: false, allowUTF8Headers: true))
        }
        #expect(error.kind == .invalidHeader)
        #expect(error.headerName == "From")
    }
}
