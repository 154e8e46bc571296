import Foundation

/// A small HTTP/1.1 client (RFC 9112) for OAuth2 token endpoints, on SMTPKit's own transport:
/// the same sockets, deadlines and verified TLS as SMTP (one trust path: the system store or
/// the configured CA), no second TLS stack.
///
/// One request per connection (`Connection: close`); bodies by `Content-Length`, chunked, or
/// to the end of the connection; headers at most 64 KiB and bodies at most 1 MiB; one
/// deadline for the whole exchange. `https` only — `http` is taken for loopback addresses
/// alone (tests and local mock servers), so a token never crosses a network in clear.
public enum HTTPClient {
    /// The most header octets read.
    public static let maximumHeaderSize = 64 * 1024
    /// The most body octets read.
    public static let maximumBodySize = 1 << 20

    /// Sends `request` and returns the whole response, on a thread of its own.
    /// - Throws: ``HTTPError``, ``TransportError`` (connect, TLS, deadline).
    public static func send(_ request: HTTPRequest, tls: TLSConfiguration = TLSConfiguration(),
                            timeout: Double = 30) async throws -> HTTPResponse {
        try await BlockingIO.runOnce("smtpkit http \(request.url.host ?? "")") { hook in
            try exchange(request, tls: tls, timeout: timeout, cancellation: hook)
        }
    }

    /// ``exchange(_:tls:timeout:cancellation:)`` for tests that play a browser: blocking, on their own thread.
    package static func exchangeForTests(_ request: HTTPRequest, tls: TLSConfiguration) throws -> HTTPResponse {
        try exchange(request, tls: tls, timeout: 10)
    }

    /// The exchange, blocking the calling thread (an I/O thread, never the cooperative pool).
    static func exchange(_ request: HTTPRequest, tls: TLSConfiguration, timeout: Double,
                         environment: [String: String]? = nil, cancellation: CancellationHook? = nil) throws -> HTTPResponse {
        let url = request.url.absoluteString
        guard let scheme = request.url.scheme?.lowercased(), let host = request.url.host, !host.isEmpty else {
            throw HTTPError(.invalidURL, url: url, reason: "no scheme or host")
        }
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(host.lowercased())
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw HTTPError(.invalidURL, url: url, reason: "only https is used for tokens (http only to this machine)")
        }
        let port = request.url.port ?? (scheme == "https" ? 443 : 80)
        let head = try requestHead(request, host: host, port: port, defaultPort: scheme == "https" ? 443 : 80)
        let deadline = Deadline.after(seconds: timeout)
        let proxy = scheme == "https" && !loopback
            ? HTTPProxy(for: host, environment: environment ?? ProcessInfo.processInfo.environment) : nil
        let connection = try Connection.open(host: proxy?.host ?? host, port: proxy?.port ?? port, deadline: deadline,
                                             watch: { cancellation?.watch($0) },
                                             isCancelled: { cancellation?.isCancelled ?? false })
        defer { connection.close(deadline: .after(seconds: 1)) }
        if let proxy {
            try proxy.tunnel(connection, to: host, port: port, deadline: deadline, url: url)
        }
        if scheme == "https" {
            try connection.startTLS(context: try TLSContext.client(tls), serverName: host, bufferedBytes: nil, deadline: deadline)
        }
        try connection.write(Array(head.utf8) + request.body, deadline: deadline)
        var reader = ResponseReader(connection: connection, deadline: deadline, url: url)
        return try reader.read()
    }

    /// The request line and header fields; CR, LF and NUL in any of them are refused.
    private static func requestHead(_ request: HTTPRequest, host: String, port: Int, defaultPort: Int) throws -> String {
        let components = URLComponents(url: request.url, resolvingAgainstBaseURL: false)
        var target = components?.percentEncodedPath ?? "/"
        if target.isEmpty { target = "/" }
        if let query = components?.percentEncodedQuery { target += "?" + query }
        let authority = (host.contains(":") ? "[\(host)]" : host) + (port == defaultPort ? "" : ":\(port)")
        var fields = [("Host", authority), ("User-Agent", "smtpkit"), ("Connection", "close")]
        if request.method == "POST" || !request.body.isEmpty { fields.append(("Content-Length", String(request.body.count))) }
        fields += request.headers.map { ($0.name, $0.value) }
        for (name, value) in fields + [("method", request.method), ("target", target)]
        where (name + value).unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
            throw HTTPError(.invalidURL, url: request.url.absoluteString, reason: "a header field contains a line break")
        }
        return "\(request.method) \(target) HTTP/1.1\r\n" + fields.map { "\($0.0): \($0.1)\r\n" }.joined() + "\r\n"
    }
}

/// Reads one HTTP/1.1 response from a connection, within a deadline and the size limits.
struct ResponseReader {
    let connection: Connection
    let deadline: Deadline
    let url: String
    private var buffer: [UInt8] = []
    private var closed = false

    init(connection: Connection, deadline: Deadline, url: String) {
        self.connection = connection
        self.deadline = deadline
        self.url = url
    }

    /// The status line and header fields (the answer to CONNECT has nothing else); any bytes
    /// after them stay in the buffer (`buffer.count` of them).
    mutating func readHead() throws -> (status: Int, headers: [(name: String, value: String)]) {
        let headEnd = try readUntil([13, 10, 13, 10], limit: HTTPClient.maximumHeaderSize)
        let head = String(decoding: buffer[..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]), (100...599).contains(status) else {
            throw malformed("status line '\(ControlCharacters.escaped(String(head.prefix(40))))'")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw malformed("header line without ':'") }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return (status, headers)
    }

    /// Octets already read beyond what has been parsed.
    var bufferedCount: Int { buffer.count }

    mutating func read() throws -> HTTPResponse {
        let (status, headers) = try readHead()
        let response = { (body: [UInt8]) in HTTPResponse(status: status, headers: headers, body: body) }
        let field = { (name: String) in headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value }
        if field("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            return response(try readChunked())
        }
        if let length = field("Content-Length") {
            guard let count = Int(length), count >= 0 else { throw malformed("Content-Length '\(length)'") }
            guard count <= HTTPClient.maximumBodySize else { throw tooLarge() }
            try fill(count)
            guard buffer.count >= count else { throw malformed("the body ended after \(buffer.count) of \(count) octets") }
            return response(Array(buffer[..<count]))
        }
        while !closed {
            try more()
            if buffer.count > HTTPClient.maximumBodySize { throw tooLarge() }
        }
        return response(buffer)
    }

    /// A chunked body (RFC 9112 §7.1): size lines in hex, the data, a final 0 and trailers.
    private mutating func readChunked() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let lineEnd = try readUntil([13, 10], limit: 1024)
            let line = String(decoding: buffer[..<lineEnd], as: UTF8.self)
            buffer.removeFirst(lineEnd + 2)
            let sizeText = line.split(separator: ";", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                throw malformed("chunk size '\(ControlCharacters.escaped(String(line.prefix(20))))'")
            }
            if size == 0 {
                _ = try? readUntil([13, 10], limit: HTTPClient.maximumHeaderSize)  // trailers end; a close is fine
                return body
            }
            guard size <= HTTPClient.maximumBodySize - body.count else { throw tooLarge() }
            try fill(size + 2)
            guard buffer.count >= size + 2 else { throw malformed("a chunk ended early") }
            body += buffer[..<size]
            buffer.removeFirst(size + 2)
        }
    }

    /// The index where `marker` starts in the buffer, reading more as needed.
    private mutating func readUntil(_ marker: [UInt8], limit: Int) throws -> Int {
        var searched = 0
        while true {
            if buffer.count >= marker.count {
                for start in max(0, searched - marker.count)...(buffer.count - marker.count)
                where buffer[start] == marker[0] && Array(buffer[start..<start + marker.count]) == marker {
                    return start
                }
                searched = buffer.count
            }
            guard buffer.count <= limit else { throw tooLarge() }
            guard !closed else { throw malformed("the connection closed in the middle of the response") }
            try more()
        }
    }

    private mutating func fill(_ count: Int) throws {
        while buffer.count < count && !closed { try more() }
    }

    private mutating func more() throws {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = try chunk.withUnsafeMutableBytes { raw in
            Result { () throws(TransportError) in try connection.read(into: raw, deadline: deadline) }
        }.get()
        if count == 0 { closed = true } else { buffer += chunk[..<count] }
    }

    private func malformed(_ reason: String) -> HTTPError { HTTPError(.malformedResponse, url: url, reason: reason) }
    private func tooLarge() -> HTTPError { HTTPError(.responseTooLarge, url: url, reason: "1 MiB") }
}
