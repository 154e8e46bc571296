import Foundation
import SMTPKitServer
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The common pieces of the CLI tests: a ``SMTPServer`` on 127.0.0.1 (port 0, so parallel
/// tests never clash) with one account, its CA written to a file for `--ca-file`, and the
/// arguments that point `smtpkit` at it.
struct TestServer {
    /// The one account every server knows.
    static let user = "alice@example.org"
    /// Distinctive enough that finding it (or its base64) in any output is a leak.
    static let password = "Correct-Horse-7-Battery"

    let server: SMTPServer
    let directory: TemporaryDirectory
    /// The server's CA certificate as a PEM file, or nil for a server without TLS.
    let caFile: String?

    /// Starts a server with the defaults (STARTTLS offered, AUTH PLAIN LOGIN after TLS,
    /// PIPELINING, the account above), adjusted by `configure`. Call ``stop()`` when done.
    init(port: Int = 0, _ configure: (inout ServerConfiguration) throws -> Void = { _ in }) throws {
        var configuration = ServerConfiguration()
        configuration.users = [Self.user: Self.password]
        configuration.idleTimeout = 10
        try configure(&configuration)
        server = try SMTPServer(configuration: configuration, port: port)
        directory = try TemporaryDirectory(prefix: "smtpkit-cli-server")
        if let pem = server.caCertificatePEM {
            caFile = try directory.write("ca.pem", pem, mode: 0o644)
        } else {
            caFile = nil
        }
    }

    var port: Int { server.port }

    /// `--host 127.0.0.1 --port P`.
    var address: [String] { ["--host", "127.0.0.1", "--port", String(server.port)] }

    /// `--host 127.0.0.1 --port P --ca-file CA` (STARTTLS, the default for this port).
    var tlsAddress: [String] { address + ["--ca-file", caFile ?? "/nonexistent-ca.pem"] }

    /// Stops the server (waiting for its session threads) and returns every finished session:
    /// after this the records are final, so "the server never saw X" can be asserted.
    @discardableResult
    func stop() -> [SessionRecord] {
        server.stop()
        directory.remove()
        return server.sessions
    }

    /// The messages the server accepted so far.
    var messages: [ReceivedMessage] { server.messages }
}

/// The arguments every `send` needs besides the server: a sender, one recipient, a body.
enum Mail {
    static let from = "Alice <alice@example.org>"
    static let to = "bob@example.net"

    static func basic(subject: String = "Hi", body: String = "I love computer networks!") -> [String] {
        ["--from", from, "--to", to, "--subject", subject, "--body", body]
    }

    /// The header part of a received message (up to the first empty line), CRLF kept.
    static func header(_ message: ReceivedMessage) -> String {
        let text = message.text
        guard let end = text.range(of: "\r\n\r\n") else { return text }
        return String(text[..<end.upperBound])
    }

    /// The body part of a received message (after the first empty line).
    static func body(_ message: ReceivedMessage) -> String {
        let text = message.text
        guard let end = text.range(of: "\r\n\r\n") else { return "" }
        return String(text[end.upperBound...])
    }

    /// The header field lines named `name` (case-insensitive), unfolded, without the name.
    static func fields(_ name: String, in message: ReceivedMessage) -> [String] {
        let unfolded = header(message).replacingOccurrences(of: "\r\n ", with: " ")
            .replacingOccurrences(of: "\r\n\t", with: " ")
        return unfolded.components(separatedBy: "\r\n").compactMap { line in
            guard let colon = line.firstIndex(of: ":"),
                  line[..<colon].lowercased() == name.lowercased() else { return nil }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }

    /// Decodes RFC 2047 encoded words (`=?charset?B|Q?…?=`, UTF-8 only), written here
    /// independently of the library's encoder; whitespace between adjacent words is dropped (§6.2).
    static func decodeEncodedWords(_ value: String) -> String? {
        var out = ""
        var rest = Substring(value)
        var lastWasWord = false
        while !rest.isEmpty {
            guard let start = rest.range(of: "=?") else {
                out += rest
                break
            }
            let between = rest[..<start.lowerBound]
            if !(lastWasWord && between.allSatisfy(\.isWhitespace)) { out += between }
            let parts = rest[start.upperBound...].split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0].lowercased() == "utf-8", parts[3].hasPrefix("="),
                  let decoded = decodeWord(encoding: parts[1].uppercased(), text: String(parts[2])) else { return nil }
            out += decoded
            rest = parts[3].dropFirst()
            lastWasWord = true
        }
        return out
    }

    private static func decodeWord(encoding: String, text: String) -> String? {
        switch encoding {
        case "B":
            guard let data = Data(base64Encoded: text) else { return nil }
            return String(data: data, encoding: .utf8)
        case "Q":
            var bytes: [UInt8] = []
            var iterator = Array(text.utf8).makeIterator()
            while let byte = iterator.next() {
                if byte == UInt8(ascii: "_") {
                    bytes.append(0x20)
                } else if byte == UInt8(ascii: "=") {
                    guard let high = iterator.next(), let low = iterator.next(),
                          let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
                    bytes.append(value)
                } else {
                    bytes.append(byte)
                }
            }
            return String(bytes: bytes, encoding: .utf8)
        default:
            return nil
        }
    }
}

/// Base64 of the secrets a transcript must never show.
enum Secrets {
    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// The AUTH PLAIN initial response for the test account (RFC 4616: authzid NUL authcid NUL passwd).
    static var plainBlob: String {
        Data([0] + Array(TestServer.user.utf8) + [0] + Array(TestServer.password.utf8)).base64EncodedString()
    }

    /// Every form of the password that must not appear in any output.
    static var forms: [String] {
        [TestServer.password, base64(TestServer.password), plainBlob]
    }
}

/// A port on 127.0.0.1 where nothing listens: bound to port 0 by the kernel, then closed.
func deadPort() throws -> Int {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw CLITestError("socket failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw CLITestError("bind failed") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
