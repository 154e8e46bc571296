import Testing
@testable import SMTPKit

struct MailboxListCase: CustomTestStringConvertible, Sendable {
    var input: String
    /// The expected mailboxes as `headerValue`s.
    var expected: [String]
    var testDescription: String { input }
}

struct MailboxInvalidListCase: CustomTestStringConvertible, Sendable {
    var input: String
    /// The item the error must name.
    var item: String
    var reason: String
    var testDescription: String { input }
}

@Suite("Address lists (RFC 5322 §3.4 address-list)")
struct MailboxListTests {
    static let lists: [MailboxListCase] = [
        .init(input: "", expected: []),
        .init(input: "  ,  , ", expected: []),
        .init(input: "a@example.org", expected: ["a@example.org"]),
        .init(input: "a@example.org, b@example.org", expected: ["a@example.org", "b@example.org"]),
        .init(input: "a@example.org,b@example.org", expected: ["a@example.org", "b@example.org"]),
        .init(input: "a@example.org,, ,b@example.org,", expected: ["a@example.org", "b@example.org"]),
        .init(input: "\"Nordmann, Kari\" <kari@example.no>, Ola <ola@example.no>",
              expected: ["\"Nordmann, Kari\" <kari@example.no>", "Ola <ola@example.no>"]),
        .init(input: "kari@example.no (Nordmann, Kari), ola@example.no",
              expected: ["kari@example.no", "ola@example.no"]),
        .init(input: "\"x,y\"@example.org, z@example.org", expected: ["\"x,y\"@example.org", "z@example.org"]),
        .init(input: "<@r1.example,@r2.example:a@example.org>, b@example.org",
              expected: ["a@example.org", "b@example.org"]),
        .init(input: "Team: a@example.org, b@example.org;", expected: ["a@example.org", "b@example.org"]),
        .init(input: "Team: a@example.org, Bo <b@example.org>; c@example.org",
              expected: ["a@example.org", "Bo <b@example.org>", "c@example.org"]),
        .init(input: "x@example.org, Team: a@example.org;, y@example.org",
              expected: ["x@example.org", "a@example.org", "y@example.org"]),
        .init(input: "undisclosed-recipients:;", expected: []),
        .init(input: "\"Core Team\": a@example.org;", expected: ["a@example.org"]),
        .init(input: "Kåre <kare@example.no>, 山田 <taro@example.jp>",
              expected: ["=?UTF-8?B?S8OlcmU=?= <kare@example.no>", "=?UTF-8?B?5bGx55Sw?= <taro@example.jp>"]),
    ]

    static let invalidLists: [MailboxInvalidListCase] = [
        .init(input: "a@example.org, bad, c@example.org", item: "bad", reason: "it has no '@'"),
        .init(input: "a@example.org, john doe@example.org", item: "john doe@example.org",
              reason: "white space or a comment"),
        .init(input: "Team: a@example.org", item: "Team: a@example.org", reason: "never closed with ';'"),
        .init(input: "a@example.org; b@example.org", item: "a@example.org; b@example.org", reason: "unexpected ';'"),
        .init(input: "A: B: a@example.org;;", item: "B: a@example.org;;", reason: "groups cannot be nested"),
        .init(input: "ok@example.org, x@y\r\n.example", item: "ok@example.org, x@y\r\n.example", reason: "line break"),
        .init(input: "Nordmann, Kari <kari@example.no>", item: "Nordmann", reason: "it has no '@'"),
    ]

    @Test("lists parse", arguments: lists)
    func parses(_ testCase: MailboxListCase) throws {
        let list = try Mailbox.parseList(testCase.input)
        #expect(list.map(\.headerValue) == testCase.expected)
    }

    @Test("invalid lists name the offending item", arguments: invalidLists)
    func refuses(_ testCase: MailboxInvalidListCase) throws {
        let error = try #require(throws: MessageError.self) { try Mailbox.parseList(testCase.input) }
        #expect(error.kind == .invalidAddress)
        #expect(error.address == testCase.item)
        #expect(error.reason?.contains(testCase.reason) == true, "reason was: \(error.reason ?? "nil")")
    }

    @Test func displayNamesKeepTheirCommas() throws {
        let list = try Mailbox.parseList("\"Nordmann, Kari\" <kari@example.no>, \"Hansen, Ola\" <ola@example.no>")
        #expect(list.map(\.displayName) == ["Nordmann, Kari", "Hansen, Ola"])
    }
}
