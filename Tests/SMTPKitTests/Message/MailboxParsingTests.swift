import Testing
@testable import SMTPKit

/// A valid mailbox: the input and what it must parse to.
struct MailboxValidCase: CustomTestStringConvertible, Sendable {
    var input: String
    var displayName: String?
    var localPart: String
    var domain: String
    var address: String
    var testDescription: String { input }
}

/// An invalid mailbox: the input and a fragment the error's reason must contain.
struct MailboxInvalidCase: CustomTestStringConvertible, Sendable {
    var input: String
    var reason: String
    var testDescription: String { input }
}

@Suite("Mailbox parsing (RFC 5322 §3.4)")
struct MailboxParsingTests {
    static let valid: [MailboxValidCase] = [
        .init(input: "kari@example.no", localPart: "kari", domain: "example.no", address: "kari@example.no"),
        .init(input: "<kari@example.no>", localPart: "kari", domain: "example.no", address: "kari@example.no"),
        .init(input: "Kari Nordmann <kari@example.no>", displayName: "Kari Nordmann",
              localPart: "kari", domain: "example.no", address: "kari@example.no"),
        .init(input: "\"Nordmann, Kari\" <kari@example.no>", displayName: "Nordmann, Kari",
              localPart: "kari", domain: "example.no", address: "kari@example.no"),
        .init(input: "kari@example.no (Kari)", localPart: "kari", domain: "example.no", address: "kari@example.no"),
        .init(input: "(work) kari@example.no", localPart: "kari", domain: "example.no", address: "kari@example.no"),
        .init(input: "Kari <kari@example.no> (work (nested))", displayName: "Kari",
              localPart: "kari", domain: "example.no", address: "kari@example.no"),
        .init(input: "\"john doe\"@example.org", localPart: "john doe", domain: "example.org",
              address: "\"john doe\"@example.org"),
        .init(input: "\"john\"@example.org", localPart: "john", domain: "example.org", address: "john@example.org"),
        .init(input: "\"a\\\"b\"@example.org", localPart: "a\"b", domain: "example.org",
              address: "\"a\\\"b\"@example.org"),
        .init(input: "\"a@b\"@example.org", localPart: "a@b", domain: "example.org", address: "\"a@b\"@example.org"),
        .init(input: "user@[192.0.2.1]", localPart: "user", domain: "[192.0.2.1]", address: "user@[192.0.2.1]"),
        .init(input: "user@[IPv6:2001:db8::1]", localPart: "user", domain: "[IPv6:2001:db8::1]",
              address: "user@[IPv6:2001:db8::1]"),
        .init(input: "   kari@example.no \t ", localPart: "kari", domain: "example.no", address: "kari@example.no"),
        .init(input: "Kåre Ødegård <kare@example.no>", displayName: "Kåre Ødegård",
              localPart: "kare", domain: "example.no", address: "kare@example.no"),
        .init(input: "山田太郎 <taro@example.jp>", displayName: "山田太郎",
              localPart: "taro", domain: "example.jp", address: "taro@example.jp"),
        .init(input: "Party 🎉 <fest@example.org>", displayName: "Party 🎉",
              localPart: "fest", domain: "example.org", address: "fest@example.org"),
        .init(input: "用户@例子.广告", localPart: "用户", domain: "例子.广告", address: "用户@例子.广告"),
        .init(input: "søren@bücher.de", localPart: "søren", domain: "bücher.de", address: "søren@bücher.de"),
        .init(input: "kari.nordmann+tag@mail.example.no", localPart: "kari.nordmann+tag",
              domain: "mail.example.no", address: "kari.nordmann+tag@mail.example.no"),
        .init(input: "!#$%&'*+-/=?^_`{|}~@example.org", localPart: "!#$%&'*+-/=?^_`{|}~",
              domain: "example.org", address: "!#$%&'*+-/=?^_`{|}~@example.org"),
        .init(input: "=?UTF-8?B?S8OlcmUgw5h2cmU=?= <kare@example.no>", displayName: "Kåre Øvre",
              localPart: "kare", domain: "example.no", address: "kare@example.no"),
        .init(input: "=?ISO-8859-1?Q?Gr=F8nn?= =?UTF-8?Q?_=C3=85s?= <g@example.no>", displayName: "Grønn Ås",
              localPart: "g", domain: "example.no", address: "g@example.no"),
        .init(input: "<@relay.example,@b.example:kari@example.no>", localPart: "kari", domain: "example.no",
              address: "kari@example.no"),
        .init(input: "Dr. Kari Nordmann <kari@example.no>", displayName: "Dr. Kari Nordmann",
              localPart: "kari", domain: "example.no", address: "kari@example.no"),
        .init(input: "\"\" <kari@example.no>", localPart: "kari", domain: "example.no", address: "kari@example.no"),
        .init(input: "Kari\t<kari@example.no>", displayName: "Kari",
              localPart: "kari", domain: "example.no", address: "kari@example.no"),
        .init(input: "< kari@example.no >", localPart: "kari", domain: "example.no", address: "kari@example.no"),
        .init(input: "root@localhost", localPart: "root", domain: "localhost", address: "root@localhost"),
        .init(input: "x@a-b.c-d.example", localPart: "x", domain: "a-b.c-d.example", address: "x@a-b.c-d.example"),
        .init(input: "KARI@EXAMPLE.NO", localPart: "KARI", domain: "EXAMPLE.NO", address: "KARI@EXAMPLE.NO"),
        .init(input: "\"Nordmann, Kari\" <\"kari n\"@example.no>", displayName: "Nordmann, Kari",
              localPart: "kari n", domain: "example.no", address: "\"kari n\"@example.no"),
    ]

    static let invalid: [MailboxInvalidCase] = [
        .init(input: "", reason: "the address is empty"),
        .init(input: "   ", reason: "the address is empty"),
        .init(input: "(just a comment)", reason: "the address is empty"),
        .init(input: "kari", reason: "it has no '@'"),
        .init(input: "kari.example.no", reason: "it has no '@'"),
        .init(input: "Kari Nordmann", reason: "it has no '@'"),
        .init(input: "<kari>", reason: "it has no '@'"),
        .init(input: "@example.no", reason: "the local part (before '@') is empty"),
        .init(input: "\"\"@example.org", reason: "the local part (before '@') is empty"),
        .init(input: "kari@", reason: "the domain (after '@') is empty"),
        .init(input: "<kari@>", reason: "the domain (after '@') is empty"),
        .init(input: "<>", reason: "the address between '<' and '>' is empty"),
        .init(input: "a@b>\r\nRCPT TO:<x@y", reason: "line break (CR or LF)"),
        .init(input: "kari@example.no\r\n", reason: "line break (CR or LF)"),
        .init(input: "kari@example.no\nBcc: x@y", reason: "line break (CR or LF)"),
        .init(input: "Kari\r <kari@example.no>", reason: "line break (CR or LF)"),
        .init(input: "kari\0@example.no", reason: "NUL"),
        .init(input: "kari@example.no\u{7}", reason: "control character U+0007"),
        .init(input: "kari\u{85}@example.no", reason: "control character U+0085"),
        .init(input: "john doe@example.org", reason: "white space or a comment inside the address"),
        .init(input: "kari @example.no", reason: "white space or a comment inside the address"),
        .init(input: "kari@ example.no", reason: "white space or a comment inside the address"),
        .init(input: "kari(x)@example.no", reason: "white space or a comment inside the address"),
        .init(input: "a@b..c", reason: "empty label"),
        .init(input: "a@.b.c", reason: "empty label"),
        .init(input: "a@b.c.", reason: "empty label"),
        .init(input: "a@-b.c", reason: "starts or ends with '-'"),
        .init(input: "a@b-.c", reason: "starts or ends with '-'"),
        .init(input: "a@b_c.example", reason: "contains '_', which is not allowed in a host name"),
        .init(input: "a@" + String(repeating: "x", count: 64) + ".example", reason: "longer than 63 octets"),
        .init(input: "a@192.0.2.1", reason: "write it as an address literal"),
        .init(input: "a@[300.1.1.1]", reason: "neither an IPv4 address"),
        .init(input: "a@[IPv6:zz::1]", reason: "neither an IPv4 address"),
        .init(input: "a@[192.0.2.1", reason: "unbalanced brackets"),
        .init(input: "a@192.0.2.1]", reason: "unbalanced brackets"),
        .init(input: "<kari@example.no", reason: "unbalanced angle brackets: a '<' is never closed"),
        .init(input: "kari@example.no>", reason: "unbalanced angle brackets: '>' without"),
        .init(input: "Kari <kari@example.no>>", reason: "unexpected '>'"),
        .init(input: "\"kari@example.no", reason: "unbalanced quotes"),
        .init(input: "\"Kari <kari@example.no>", reason: "unbalanced quotes"),
        .init(input: "Kari (work <kari@example.no>", reason: "unbalanced parentheses"),
        .init(input: "Kari) <kari@example.no>", reason: "unbalanced parentheses"),
        .init(input: "a@b@c.example", reason: "more than one '@'"),
        .init(input: "a..b@example.org", reason: "two dots in a row"),
        .init(input: ".a@example.org", reason: "starts with '.'"),
        .init(input: "a.@example.org", reason: "ends with '.'"),
        .init(input: "a\"b\"@example.org", reason: "mixes quoted and unquoted"),
        .init(input: "a\\b@example.org", reason: "backslash outside quotes"),
        .init(input: "a,b@example.org", reason: "more than one address"),
        .init(input: "Nordmann, Kari <kari@example.no>", reason: "more than one address"),
        .init(input: "Team: a@b.example;", reason: "it is a group"),
        .init(input: "kari@example.no extra", reason: "unexpected 'extra' after the address"),
        .init(input: "kari@exa mple.no", reason: "unexpected 'mple' after the address"),
        .init(input: "Kari@Home <kari@example.no>", reason: "unexpected '<' after the address"),
        .init(input: "Kari [x] <kari@example.no>", reason: "the display name contains '[x]'"),
        .init(input: "<ka:ri@example.no>", reason: "the local part contains ':' outside quotes"),
    ]

    @Test("valid addresses parse", arguments: valid)
    func parsesValid(_ testCase: MailboxValidCase) throws {
        let mailbox = try Mailbox(testCase.input)
        #expect(mailbox.displayName == testCase.displayName)
        #expect(mailbox.localPart == testCase.localPart)
        #expect(mailbox.domain == testCase.domain)
        #expect(mailbox.address == testCase.address)
    }

    @Test("valid addresses survive a header round trip", arguments: valid)
    func roundTrips(_ testCase: MailboxValidCase) throws {
        let mailbox = try Mailbox(testCase.input)
        let again = try Mailbox(mailbox.headerValue)
        #expect(again == mailbox)
        #expect(try Mailbox(mailbox.address).address == mailbox.address)
    }

    @Test("invalid addresses are refused with the reason", arguments: invalid)
    func refusesInvalid(_ testCase: MailboxInvalidCase) throws {
        let error = try #require(throws: MessageError.self) { try Mailbox(testCase.input) }
        #expect(error.kind == .invalidAddress)
        #expect(error.reason?.contains(testCase.reason) == true, "reason was: \(error.reason ?? "nil")")
        #expect(error.address == testCase.input)
        #expect(error.description.hasPrefix("invalid address \""))
        #expect(!error.description.contains("\r") && !error.description.contains("\n"))
    }

    @Test func injectionErrorShowsTheAddressOnOneLine() throws {
        let error = try #require(throws: MessageError.self) { try Mailbox("a@b>\r\nRCPT TO:<x@y") }
        #expect(error.description
            == "invalid address \"a@b>\\x0D\\x0ARCPT TO:<x@y\": it contains a line break (CR or LF), which could inject commands or headers")
    }

    @Test func unicodeFlagsReportASCII() throws {
        #expect(try Mailbox("Kåre <kare@example.no>").isASCII)
        #expect(try !Mailbox("søren@example.de").isASCII)
        #expect(try !Mailbox("kari@bücher.de").isASCII)
    }

    @Test func decodedControlCharactersNeverReachTheName() throws {
        // "=?UTF-8?B?QQ0KQg==?=" is "A\r\nB".
        let mailbox = try Mailbox("=?UTF-8?B?QQ0KQg==?= <a@example.org>")
        #expect(mailbox.displayName == "A  B")
    }
}
