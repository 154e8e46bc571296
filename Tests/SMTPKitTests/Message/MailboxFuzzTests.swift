import Testing
@testable import SMTPKit


@Suite("Mailbox parsing on generated input")
struct MailboxFuzzTests {
    static let locals = ["kari", "a.b", "\"john doe\"", "\"a\\\"b\"", "søren", "x+y", ".a", "a..b", "", "a b",
                         "\"a,b\"", "\"\"", "a\"b"]
    static let domains = ["example.no", "bücher.de", "[192.0.2.1]", "[IPv6:::1]", "a..b", "-a.b", "localhost",
                          "x_y.z", "日本.jp", "ex ample.no", "", "a.", "[1.2.3]"]
    static let names = ["", "Kari ", "\"Nordmann, Kari\" ", "Kåre Ø ", "=?UTF-8?B?w7g=?= ", "Dr. K ", "a@b ",
                        "(c) ", "\"q\\\"x\" ", "🎉 "]
    static let noise = ["@", ".", " ", "<", ">", "\"", "\\", "(", ")", ",", ";", ":", "[", "]", "\r\n", "\t", "ø"]

    static func generate(using generator: inout SeededRandom) -> String {
        let spec = locals.randomElement(using: &generator)! + "@" + domains.randomElement(using: &generator)!
        var text: String
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: text = spec
        case 1: text = "<" + spec + ">"
        case 2: text = names.randomElement(using: &generator)! + "<" + spec + ">"
        default: text = spec + " (comment)"
        }
        if Int.random(in: 0..<4, using: &generator) == 0 {
            var characters = Array(text)
            let position = Int.random(in: 0...characters.count, using: &generator)
            characters.insert(contentsOf: noise.randomElement(using: &generator)!, at: position)
            text = String(characters)
        }
        return text
    }

    @Test("accepted input round-trips and never writes a line break", arguments: 0..<8)
    func roundTrip(_ seed: Int) throws {
        var generator = SeededRandom(seed: UInt64(seed))
        var accepted = 0
        for _ in 0..<3000 {
            let text = Self.generate(using: &generator)
            let mailbox: Mailbox
            do {
                mailbox = try Mailbox(text)
            } catch let error as MessageError {
                #expect(error.kind == .invalidAddress)
                #expect(!error.description.contains("\r") && !error.description.contains("\n"))
                continue
            }
            accepted += 1
            #expect(!text.contains("\r") && !text.contains("\n"), "accepted \(text.debugDescription)")
            for written in [mailbox.address, mailbox.headerValue] {
                #expect(!written.contains("\r") && !written.contains("\n") && !written.contains("\0"))
                #expect(try Mailbox(written).address == mailbox.address, "\(text.debugDescription) → \(written)")
            }
            _ = try Mailbox.parseList(text)
        }
        #expect(accepted > 500, "accepted \(accepted)")
    }
}
