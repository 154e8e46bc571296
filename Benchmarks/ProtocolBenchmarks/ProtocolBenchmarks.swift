import Benchmark
import SMTPKit

/// The client's hot paths per message: parsing replies, encoding DATA, base64 for attachments,
/// and composing a whole message. Run with `Scripts/bench-micro.sh`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .instructions, .mallocCountTotal], maxDuration: .seconds(2))

    // An EHLO reply as Postfix sends it, and the three replies of one pipelined message.
    let ehlo = Array(("250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n"
        + "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n"
        + "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.0.0 Ok: queued as 4XyZ123\r\n").utf8)
    Benchmark("reply parser: EHLO and one message's replies") { benchmark in
        for _ in benchmark.scaledIterations {
            var lines = LineBuffer()
            var parser = ReplyParser()
            lines.append(ehlo)
            var count = 0
            while let line = try lines.nextLine() {
                if try parser.consume(line) != nil { count += 1 }
            }
            blackHole(count)
        }
    }

    // 1 MiB of mail text: lines of 72, some starting with a dot.
    let text = Array(String(repeating: String(repeating: "x", count: 71) + "\n.dot-stuffed line\n", count: 11_500).utf8)
    Benchmark("DATA encoder: 1 MiB (CRLF, dot-stuffing)", configuration: .init(scalingFactor: .one)) { benchmark in
        var output: [UInt8] = []
        output.reserveCapacity(text.count + text.count / 8)
        for _ in benchmark.scaledIterations {
            var encoder = DataEncoder()
            output.removeAll(keepingCapacity: true)
            encoder.encode(text, into: &output)
            encoder.finish(into: &output)
            blackHole(output.count)
        }
    }

    let binary = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
    let attachmentMessage: Message = {
        var message = Message(from: try! Mailbox("a@example.org"), to: [try! Mailbox("b@example.org")], subject: "report", body: "attached\n")
        message.attachments = [Attachment(bytes: binary, filename: "report.bin")]
        message.messageID = "<bench@example.org>"
        return message
    }()
    Benchmark("base64: a message with a 1 MiB attachment", configuration: .init(scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try attachmentMessage.render(options: RenderOptions(allow8Bit: true)).count)
        }
    }

    let letter: Message = {
        var message = Message(from: try! Mailbox("Kari Nordmann <kari@example.no>"), to: [try! Mailbox("Ærlig Øst <aerlig@example.net>")],
                              subject: "Karakter i TTM4100", body: String(repeating: "Hei, karakteren din er A.\n", count: 40))
        message.messageID = "<bench@example.no>"
        return message
    }()
    Benchmark("compose: a 1 KiB letter (headers, RFC 2047, MIME)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try letter.render(options: RenderOptions(allow8Bit: true)).count)
        }
    }
}
