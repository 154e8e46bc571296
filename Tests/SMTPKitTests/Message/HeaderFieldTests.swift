import Testing
@testable import SMTPKit

@Suite("Header fields (RFC 5322 §2.2)")
struct HeaderFieldTests {
    @Test("valid names", arguments: ["Subject", "X-Mailer", "x-custom_field.1", "List-Unsubscribe", "!#$%&'*+-.^_`|~"])
    func validNames(_ name: String) throws {
        let field = try HeaderField(name: name, value: "v")
        #expect(field.name == name)
        #expect(field.description == "\(name): v")
    }

    @Test("invalid names are refused", arguments: [
        ("", "the header name is empty"),
        ("X Bad", "contains ' '"),
        ("X:Bad", "contains ':'"),
        ("Tëst", "contains U+00EB"),
        ("X-\tTab", "contains U+0009"),
        ("X-Line\r\n", "contains U+000D"),
    ])
    func invalidNames(_ pair: (String, String)) throws {
        let error = try #require(throws: MessageError.self) { try HeaderField(name: pair.0, value: "v") }
        #expect(error.kind == .invalidHeader)
        #expect(error.headerName == pair.0)
        #expect(error.reason?.contains(pair.1) == true, "reason was: \(error.reason ?? "nil")")
    }

    @Test("CR, LF and NUL in a value are refused, naming the field", arguments: [
        "Hi\r\nBcc: victim@example.org", "Hi\nX-Injected: 1", "Hi\r", "\r\n\r\nbody", "nul\0byte",
    ])
    func injectionRefused(_ value: String) throws {
        let error = try #require(throws: MessageError.self) { try HeaderField(name: "Subject", value: value) }
        #expect(error.kind == .invalidHeader)
        #expect(error.headerName == "Subject")
        #expect(error.description.hasPrefix("invalid header \"Subject\": the value contains"))
    }

    @Test("parses Name: value lines", arguments: [
        ("Reply-To: team@example.no", "Reply-To", "team@example.no"),
        ("X-Priority:1", "X-Priority", "1"),
        ("  X-Tag :  a: b  ", "X-Tag", "a: b"),
        ("Subject:", "Subject", ""),
    ])
    func parsesLines(_ testCase: (String, String, String)) throws {
        let field = try HeaderField(testCase.0)
        #expect(field.name == testCase.1)
        #expect(field.value == testCase.2)
    }

    @Test func lineWithoutColonIsRefused() throws {
        let error = try #require(throws: MessageError.self) { try HeaderField("Reply-To team@example.no") }
        #expect(error.kind == .invalidHeader)
        #expect(error.reason?.contains("expected \"Name: value\"") == true)
    }

    @Test func addressFieldsEncodeDisplayNamesNotAddresses() throws {
        let field = try HeaderField(name: "Reply-To", value: "Kåre Ødegård <kare@example.no>, ola@example.no")
        let rendered = try field.render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))
        #expect(rendered == "Reply-To: =?UTF-8?B?S8OlcmUgw5hkZWfDpXJk?= <kare@example.no>,\r\n ola@example.no\r\n"
            || rendered == "Reply-To: =?UTF-8?B?S8OlcmUgw5hkZWfDpXJk?= <kare@example.no>, ola@example.no\r\n")
        #expect(rendered.contains("<kare@example.no>"))
    }

    @Test func asciiAddressFieldsAreKeptAsWritten() throws {
        let value = "Team: a@example.org, b@example.org;"
        #expect(try HeaderField(name: "To", value: value).render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true)) == "To: \(value)\r\n")
    }

    @Test func invalidAddressFieldsAreRefused() throws {
        let error = try #require(throws: MessageError.self) {
            try HeaderField(name: "Reply-To", value: "team at example.no").render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))
        }
        #expect(error.kind == .invalidHeader)
        #expect(error.headerName == "Reply-To")
        #expect(error.reason?.contains("\"team at example.no\"") == true)
    }

    @Test func structuredFieldsMustBeASCII() throws {
        let error = try #require(throws: MessageError.self) {
            try HeaderField(name: "In-Reply-To", value: "<ø@example.no>").render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))
        }
        #expect(error.kind == .invalidHeader)
        #expect(error.headerName == "In-Reply-To")
    }

    @Test func unfoldableStructuredLinesOver998AreRefused() throws {
        let error = try #require(throws: MessageError.self) {
            try HeaderField(name: "References", value: "<" + String(repeating: "r", count: 1000) + "@x>").render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))
        }
        #expect(error.kind == .invalidHeader)
        #expect(error.reason?.contains("allows at most 998") == true)
    }

    @Test func longReferencesFoldBetweenIDs() throws {
        let ids = (1...12).map { "<message-\($0)@example.org>" }
        let rendered = try HeaderField(name: "References", value: ids.joined(separator: " ")).render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))
        let lines = MessageTestSupport.lines(of: rendered)
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.count <= 78 })
        #expect(lines.joined() == "References: " + ids.joined(separator: " "))
    }

    @Test func unstructuredExtraFieldsAreEncoded() throws {
        let rendered = try HeaderField(name: "X-Note", value: "Hilsen fra Tromsø").render(options: RenderOptions(allow8Bit: true, allowUTF8Headers: true))
        #expect(rendered == "X-Note: =?UTF-8?B?SGlsc2VuIGZyYSBUcm9tc8O4?=\r\n")
    }
}
