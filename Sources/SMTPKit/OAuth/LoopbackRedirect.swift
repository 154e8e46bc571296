#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The redirect target of a native app's browser login (RFC 8252 §7.3): a one-shot HTTP
/// listener on `http://127.0.0.1:PORT/`, a random port, that waits for the browser to bring
/// back `?code=…&state=…` (or `?error=…`). A request for anything else (`/favicon.ico`) is
/// answered 404 and ignored. Every system call goes through SMTPKit's one funnel.
final class LoopbackRedirect {
    private let descriptor: Int32
    /// The port the kernel gave.
    let port: Int

    /// The redirect URI to register the request with: `http://127.0.0.1:PORT/` (Microsoft
    /// ignores the port when matching a loopback redirect, RFC 8252 §8.3).
    var redirectURI: String { "http://127.0.0.1:\(port)/" }

    init() throws {
        do {
            (descriptor, port) = try Socket.listenOnLoopback(port: 0, backlog: 8)
        } catch {
            throw TransportError.ioFailed("opening the login listener on 127.0.0.1", reason: error.reason)
        }
    }

    deinit { SystemCall.close(descriptor) }

    /// Waits until `deadline` for a request to `/` with a query, answering each request with
    /// `page(query)` (nil: 404, keep waiting). Returns the query of the request that was answered.
    func waitForRedirect(until deadline: Deadline, page: ([String: String]) -> (status: Int, html: String)?) throws -> [String: String]? {
        while !deadline.hasPassed {
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let fd = descriptor
            guard let ready = try? SystemCall.run("poll", { poll(&entry, 1, min(deadline.pollTimeout, 500)) }), ready > 0,
                  let client = try? SystemCall.run("accept", { accept(fd, nil, nil) }) else { continue }
            let socket = Socket(descriptor: client, remoteAddress: "127.0.0.1", remotePort: 0)
            guard (try? Socket.prepareForIO(client)) != nil else { continue }
            let connection = Connection(socket: socket)
            defer { connection.close(deadline: .after(seconds: 1)) }
            guard let (path, query) = try? Self.readRequestLine(connection, deadline: .after(seconds: 5).earliest(deadline)) else { continue }
            let answer = path == "/" && !query.isEmpty ? page(query) : nil
            let (status, html) = answer ?? (404, "")
            let reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request"
            let response = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(html.utf8.count)\r\nConnection: close\r\n\r\n" + html
            try? connection.write(Array(response.utf8), deadline: .after(seconds: 5))
            if answer != nil { return query }
        }
        return nil
    }

    /// The path and the decoded query of the request line `GET /?a=b HTTP/1.1`.
    private static func readRequestLine(_ connection: Connection, deadline: Deadline) throws -> (String, [String: String]) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !buffer.contains(10) && buffer.count < 16_384 {
            let count = try chunk.withUnsafeMutableBytes { raw in
                Result { () throws(TransportError) in try connection.read(into: raw, deadline: deadline) }
            }.get()
            guard count > 0 else { break }
            buffer += chunk[..<count]
        }
        let line = String(decoding: buffer.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let target = line.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        let components = URLComponents(string: "http://127.0.0.1" + target)
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        return (components?.path.isEmpty == false ? components!.path : "/", query)
    }
}
