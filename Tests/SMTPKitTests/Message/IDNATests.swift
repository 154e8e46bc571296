import Foundation
import Testing
@testable import SMTPKit

@Suite("IDNA and Punycode (RFC 5891, RFC 3492)")
struct IDNATests {
    /// RFC 3492 §7.1 sample strings (the Russian one without its mixed-case annotation).
    static let samples: [(String, String)] = [
        ("\u{0644}\u{064A}\u{0647}\u{0645}\u{0627}\u{0628}\u{062A}\u{0643}\u{0644}\u{0645}\u{0648}\u{0634}\u{0639}\u{0631}\u{0628}\u{064A}\u{061F}",
         "egbpdaj6bu4bxfgehfvwxn"),
        ("\u{4ED6}\u{4EEC}\u{4E3A}\u{4EC0}\u{4E48}\u{4E0D}\u{8BF4}\u{4E2D}\u{6587}", "ihqwcrb4cv8a8dqg056pqjye"),
        ("\u{4ED6}\u{5011}\u{7232}\u{4EC0}\u{9EBD}\u{4E0D}\u{8AAA}\u{4E2D}\u{6587}", "ihqwctvzc91f659drss3x8bo0yb"),
        ("Pročprostěnemluvíčesky", "Proprostnemluvesky-uyb24dma41a"),
        ("\u{05DC}\u{05DE}\u{05D4}\u{05D4}\u{05DD}\u{05E4}\u{05E9}\u{05D5}\u{05D8}\u{05DC}\u{05D0}\u{05DE}\u{05D3}\u{05D1}\u{05E8}\u{05D9}\u{05DD}\u{05E2}\u{05D1}\u{05E8}\u{05D9}\u{05EA}",
         "4dbcagdahymbxekheh6e0a7fei0b"),
        ("\u{092F}\u{0939}\u{0932}\u{094B}\u{0917}\u{0939}\u{093F}\u{0928}\u{094D}\u{0926}\u{0940}\u{0915}\u{094D}\u{092F}\u{094B}\u{0902}\u{0928}\u{0939}\u{0940}\u{0902}\u{092C}\u{094B}\u{0932}\u{0938}\u{0915}\u{0924}\u{0947}\u{0939}\u{0948}\u{0902}",
         "i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd"),
        ("\u{306A}\u{305C}\u{307F}\u{3093}\u{306A}\u{65E5}\u{672C}\u{8A9E}\u{3092}\u{8A71}\u{3057}\u{3066}\u{304F}\u{308C}\u{306A}\u{3044}\u{306E}\u{304B}",
         "n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa"),
        ("세계의모든사람들이한국어를이해한다면얼마나좋을까", "989aomsvi5e83db1d2a355cv1e0vak1dwrv93d5xbh15a0dt30a5jpsd879ccm6fea98c"),
        ("почемужеонинеговорятпорусски", "b1abfaaepdrnnbgefbadotcwatmq2g4l"),
        ("PorquénopuedensimplementehablarenEspañol", "PorqunopuedensimplementehablarenEspaol-fmd56a"),
        ("TạisaohọkhôngthểchỉnóitiếngViệt", "TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g"),
        ("3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"),
        ("安室奈美恵-with-SUPER-MONKEYS", "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n"),
        ("Hello-Another-Way-それぞれの場所", "Hello-Another-Way--fc4qua05auwb3674vfr0b"),
        ("ひとつ屋根の下2", "2-u9tlzr9756bt3uc0v"),
        ("MajiでKoiする5秒前", "MajiKoi5-783gue6qz075azm5e"),
        ("パフィーdeルンバ", "de-jg4avhby1noc0d"),
        ("そのスピードで", "d9juau41awczczp"),
        ("-> $1.00 <-", "-> $1.00 <--"),
    ]

    @Test("RFC 3492 sample strings encode", arguments: samples)
    func encodes(sample: (String, String)) throws {
        #expect(try Punycode.encode(sample.0) == sample.1)
    }

    @Test("RFC 3492 sample strings decode", arguments: samples)
    func decodes(sample: (String, String)) throws {
        #expect(try Punycode.decode(sample.1) == sample.0)
        #expect(try Punycode.decode(sample.1.uppercased()) == sample.0.unicodeScalars.map {
            $0.isASCII ? String($0).uppercased() : String($0)
        }.joined())
    }

    @Test("bad Punycode is refused", arguments: ["a-é", "abc!", "99999999999999999", "-"])
    func decodeFailures(input: String) {
        #expect(throws: (any Error).self) { try Punycode.decode(input) }
    }

    @Test("domains to ASCII", arguments: [
        ("bücher.example", "xn--bcher-kva.example"),
        ("BÜCHER.Example", "xn--bcher-kva.Example"),
        ("bu\u{0308}cher.example", "xn--bcher-kva.example"),
        ("münchen.de", "xn--mnchen-3ya.de"),
        ("例え.テスト", "xn--r8jz45g.xn--zckzah"),
        ("bücher。example", "xn--bcher-kva.example"),
        ("example.org", "example.org"),
        ("Example.ORG", "Example.ORG"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("[192.0.2.1]", "[192.0.2.1]"),
        ("ÆØÅ.no", "xn--5cab8c.no"),
    ])
    func toASCII(pair: (String, String)) throws {
        #expect(try IDNA.toASCII(pair.0) == pair.1)
    }

    @Test("invalid domains are refused", arguments: [
        ("", "empty"),
        ("a..b", "empty label"),
        ("bücher.example.", "empty label"),
        (String(repeating: "a", count: 64) + ".example", "64 octets long; at most 63"),
        (String(repeating: "ü", count: 60) + ".example", "in ASCII form"),
        (Array(repeating: String(repeating: "a", count: 60), count: 5).joined(separator: "."), "253"),
        ("bü cher.example", "U+0020"),
        ("bü_cher.example", "'_'"),
        ("-bücher.example", "starts or ends with '-'"),
        ("bücher-.example", "starts or ends with '-'"),
        ("bü--cher.example", "third and fourth"),
    ])
    func refuses(pair: (String, String)) throws {
        let error = try #require(throws: MessageError.self) { try IDNA.toASCII(pair.0) }
        #expect(error.kind == .invalidAddress)
        #expect(error.address == pair.0)
        #expect(error.reason?.contains(pair.1) == true, "\(error)")
    }

    @Test func longestAllowedLabelAndDomain() throws {
        let label = String(repeating: "a", count: 63)
        #expect(try IDNA.toASCII(label + ".example") == label + ".example")
        let domain = [label, label, label, String(repeating: "b", count: 61)].joined(separator: ".")
        #expect(domain.utf8.count == 253)
        #expect(try IDNA.toASCII(domain) == domain)
    }

    @Test("ASCII addresses", arguments: [
        ("kari@bücher.example", "kari@xn--bcher-kva.example"),
        ("Kari <Kari.N@Bücher.Example>", "Kari.N@xn--bcher-kva.Example"),
        ("kari@example.no", "kari@example.no"),
        ("\"john doe\"@bücher.example", "\"john doe\"@xn--bcher-kva.example"),
        ("user@[192.0.2.1]", "user@[192.0.2.1]"),
    ])
    func asciiAddress(pair: (String, String)) throws {
        #expect(try Mailbox(pair.0).asciiAddress() == pair.1)
    }

    @Test func nonASCIILocalPartHasNoASCIIAddress() throws {
        let mailbox = try Mailbox("søren@bücher.example")
        #expect(try mailbox.asciiAddress() == nil)
        #expect(try mailbox.address(smtpUTF8: true) == "søren@bücher.example")
        let error = try #require(throws: MessageError.self) { try mailbox.address(smtpUTF8: false) }
        #expect(error.kind == .invalidAddress)
        #expect(error.address == "søren@bücher.example")
        #expect(error.reason?.contains("SMTPUTF8") == true)
    }

    @Test func envelopeAddresses() throws {
        var message = Message(from: try Mailbox("kari@bücher.example"), to: [try Mailbox("ola@example.no")],
                              bcc: [try Mailbox("per@münchen.de")])
        #expect(message.requiresSMTPUTF8)
        #expect(message.canBeSentWithoutSMTPUTF8)
        let ascii = try Envelope(for: message).wireAddresses(smtpUTF8: false)
        #expect(ascii.sender == "kari@xn--bcher-kva.example")
        #expect(ascii.recipients == ["ola@example.no", "per@xn--mnchen-3ya.de"])
        let utf8 = try Envelope(for: message).wireAddresses(smtpUTF8: true)
        #expect(utf8.sender == "kari@bücher.example")
        #expect(utf8.recipients == ["ola@example.no", "per@münchen.de"])

        message.cc = [try Mailbox("søren@example.dk")]
        #expect(!message.canBeSentWithoutSMTPUTF8)
        let error = try #require(throws: SMTPError.self) { try Envelope(for: message).wireAddresses(smtpUTF8: false) }
        #expect(error.kind == .smtpUTF8Required)
        #expect(error.description.contains("<søren@example.dk>"))
        #expect(try Envelope(for: message).wireAddresses(smtpUTF8: true).recipients.count == 3)
    }
}
