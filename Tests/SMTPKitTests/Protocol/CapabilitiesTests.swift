import Testing
import SMTPKit

@Suite("Capabilities from EHLO replies (RFC 5321 §4.1.1.1)")
struct CapabilitiesTests {
    typealias S = ProtocolTestSupport

    static func capabilities(_ wire: String) throws -> Capabilities {
        Capabilities(ehlo: try #require(try S.reply(fromWire: wire)))
    }

    static let postfix = """
        250-mail.example.org\r
        250-PIPELINING\r
        250-SIZE 10240000\r
        250-VRFY\r
        250-ETRN\r
        250-STARTTLS\r
        250-ENHANCEDSTATUSCODES\r
        250-8BITMIME\r
        250-DSN\r
        250-SMTPUTF8\r
        250 CHUNKING\r

        """

    static let postfixAfterTLS = """
        250-mail.example.org\r
        250-PIPELINING\r
        250-SIZE 10240000\r
        250-ETRN\r
        250-AUTH PLAIN LOGIN\r
        250-AUTH=PLAIN LOGIN\r
        250-ENHANCEDSTATUSCODES\r
        250-8BITMIME\r
        250-DSN\r
        250-SMTPUTF8\r
        250 CHUNKING\r

        """

    static let office365 = """
        250-LO2P265CA0061.outlook.office365.com Hello [203.0.113.5]\r
        250-SIZE 157286400\r
        250-PIPELINING\r
        250-DSN\r
        250-ENHANCEDSTATUSCODES\r
        250-STARTTLS\r
        250-8BITMIME\r
        250-BINARYMIME\r
        250-CHUNKING\r
        250 SMTPUTF8\r

        """

    static let office365AfterTLS = """
        250-LO2P265CA0061.outlook.office365.com Hello [203.0.113.5]\r
        250-SIZE 157286400\r
        250-PIPELINING\r
        250-DSN\r
        250-ENHANCEDSTATUSCODES\r
        250-AUTH LOGIN XOAUTH2\r
        250-8BITMIME\r
        250-BINARYMIME\r
        250-CHUNKING\r
        250 SMTPUTF8\r

        """

    static let gmailAfterTLS = """
        250-smtp.gmail.com at your service, [203.0.113.5]\r
        250-SIZE 35882577\r
        250-8BITMIME\r
        250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH\r
        250-ENHANCEDSTATUSCODES\r
        250-PIPELINING\r
        250-CHUNKING\r
        250 SMTPUTF8\r

        """

    static let exim = """
        250-mx.example.net Hello client.example.org [192.0.2.1]\r
        250-SIZE 52428800\r
        250-8BITMIME\r
        250-PIPELINING\r
        250-AUTH=CRAM-MD5 LOGIN\r
        250-AUTH PLAIN LOGIN CRAM-MD5\r
        250-CHUNKING\r
        250-STARTTLS\r
        250-PRDR\r
        250 HELP\r

        """

    @Test("Postfix before TLS")
    func postfixPlain() throws {
        let caps = try Self.capabilities(Self.postfix)
        #expect(caps.greetingDomain == "mail.example.org")
        #expect(caps.startTLS && caps.pipelining && caps.eightBitMIME && caps.smtpUTF8)
        #expect(caps.enhancedStatusCodes && caps.chunking && caps.dsn)
        #expect(caps.authMechanisms == [])
        #expect(!caps.supports("AUTH"))
        #expect(caps.sizeLimit == 10_240_000)
        #expect(caps.supportsSize)
        #expect(caps.keywords["VRFY"] == [])
        #expect(caps.keywords.count == 10)
    }

    @Test("Postfix after TLS, with broken_sasl_auth_clients' AUTH= line")
    func postfixTLS() throws {
        let caps = try Self.capabilities(Self.postfixAfterTLS)
        #expect(!caps.startTLS)
        #expect(caps.authMechanisms == ["PLAIN", "LOGIN"])
        #expect(caps.keywords["AUTH"] == ["PLAIN", "LOGIN"])
    }

    @Test("Microsoft 365 before and after TLS")
    func office365() throws {
        let plain = try Self.capabilities(Self.office365)
        #expect(plain.greetingDomain == "LO2P265CA0061.outlook.office365.com")
        #expect(plain.startTLS)
        #expect(plain.authMechanisms == [])
        #expect(plain.sizeLimit == 157_286_400)
        #expect(plain.supports("binarymime"))

        let tls = try Self.capabilities(Self.office365AfterTLS)
        #expect(!tls.startTLS)
        #expect(tls.authMechanisms == ["LOGIN", "XOAUTH2"])
        #expect(tls.pipelining && tls.chunking && tls.smtpUTF8 && tls.dsn && tls.enhancedStatusCodes)
        #expect(tls.sizeLimit == 157_286_400)
    }

    @Test("Gmail after TLS")
    func gmail() throws {
        let caps = try Self.capabilities(Self.gmailAfterTLS)
        #expect(caps.greetingDomain == "smtp.gmail.com")
        #expect(caps.authMechanisms == ["LOGIN", "PLAIN", "XOAUTH2", "PLAIN-CLIENTTOKEN", "OAUTHBEARER", "XOAUTH"])
        #expect(caps.sizeLimit == 35_882_577)
        #expect(!caps.dsn && !caps.startTLS)
    }

    @Test("Exim with a legacy AUTH= line: union in order, no duplicates")
    func exim() throws {
        let caps = try Self.capabilities(Self.exim)
        #expect(caps.greetingDomain == "mx.example.net")
        #expect(caps.authMechanisms == ["CRAM-MD5", "LOGIN", "PLAIN"])
        #expect(caps.supports("prdr") && caps.supports("HELP"))
        #expect(caps.sizeLimit == 52_428_800)
    }

    @Test("AUTH mechanisms from various announcements", arguments: [
        (["AUTH=LOGIN"], ["LOGIN"]),
        (["AUTH GSSAPI NTLM", "AUTH=LOGIN"], ["GSSAPI", "NTLM", "LOGIN"]),
        (["auth login plain"], ["LOGIN", "PLAIN"]),
        (["AUTH plain", "AUTH PLAIN"], ["PLAIN"]),
        (["AUTH"], []),
        (["AUTH=", "AUTH PLAIN"], ["PLAIN"]),
        (["AUTH\tPLAIN  LOGIN "], ["PLAIN", "LOGIN"]),
        (["8BITMIME"], []),
    ])
    func authMechanisms(lines: [String], mechanisms: [String]) {
        let caps = Capabilities(ehlo: Reply(code: 250, lines: ["mx.example.org"] + lines))
        #expect(caps.authMechanisms == mechanisms)
    }

    @Test("SIZE parameter", arguments: [
        (["SIZE 35882577"], 35_882_577, true),
        (["SIZE"], nil, true),
        (["SIZE 0"], nil, true),
        (["SIZE -5"], nil, true),
        (["SIZE abc"], nil, true),
        (["size 1000"], 1000, true),
        (["PIPELINING"], nil, false),
    ] as [([String], Int?, Bool)])
    func size(lines: [String], limit: Int?, supported: Bool) {
        let caps = Capabilities(ehlo: Reply(code: 250, lines: ["mx.example.org"] + lines))
        #expect(caps.sizeLimit == limit)
        #expect(caps.supportsSize == supported)
    }

    @Test("keywords are case-insensitive and blank lines are skipped")
    func caseAndBlank() {
        let caps = Capabilities(ehlo: Reply(code: 250, lines: ["mx", "starttls", "", "  ", "Pipelining", "X-Custom a B"]))
        #expect(caps.startTLS && caps.pipelining)
        #expect(caps.supports("x-custom") && caps.supports("X-CUSTOM"))
        #expect(caps.keywords == ["STARTTLS": [], "PIPELINING": [], "X-CUSTOM": ["a", "B"]])
    }

    @Test("a single-line EHLO reply announces nothing")
    func singleLine() {
        let caps = Capabilities(ehlo: Reply(code: 250, lines: ["mx.example.org Hello there"]))
        #expect(caps.greetingDomain == "mx.example.org")
        #expect(caps.keywords.isEmpty)
        #expect(!caps.startTLS && !caps.pipelining)
    }

    @Test("the greeting line is never read as a keyword")
    func greetingNotKeyword() {
        let caps = Capabilities(ehlo: Reply(code: 250, lines: ["STARTTLS", "PIPELINING"]))
        #expect(caps.greetingDomain == "STARTTLS")
        #expect(!caps.startTLS)
        #expect(caps.pipelining)
    }

    @Test("Capabilities.empty knows nothing")
    func none() {
        let caps = Capabilities.empty
        #expect(caps.greetingDomain == "")
        #expect(caps.keywords.isEmpty)
        #expect(!caps.startTLS && !caps.pipelining && !caps.eightBitMIME && !caps.smtpUTF8)
        #expect(!caps.enhancedStatusCodes && !caps.chunking && !caps.dsn && !caps.supportsSize)
        #expect(caps.authMechanisms.isEmpty && caps.sizeLimit == nil)
        #expect(caps == Capabilities(ehlo: Reply(code: 250, lines: [""])))
    }
}
