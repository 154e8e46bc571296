import Foundation

/// An HTTPS proxy from the environment (`HTTPS_PROXY` / `https_proxy`, with `NO_PROXY` /
/// `no_proxy` exceptions, as curl reads them), reached with `CONNECT host:port` (RFC 9110 §9.3.6).
/// TLS then runs end to end through the tunnel, verified against the real host: the proxy
/// sees only ciphertext. Loopback addresses never go through a proxy.
struct HTTPProxy: Equatable {
    let host: String
    let port: Int

    /// The proxy for `target`, or nil when none is set or `NO_PROXY` names the host.
    init?(for target: String, environment: [String: String]) {
        guard let value = environment["HTTPS_PROXY"] ?? environment["https_proxy"], !value.isEmpty else { return nil }
        let exceptions = (environment["NO_PROXY"] ?? environment["no_proxy"] ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        let name = target.lowercased()
        for exception in exceptions {
            let domain = exception.hasPrefix(".") ? String(exception.dropFirst()) : exception
            if exception == "*" || name == domain || name.hasSuffix("." + domain) { return nil }
        }
        guard let url = URL(string: value.contains("://") ? value : "http://" + value), let host = url.host, !host.isEmpty else { return nil }
        self.host = host
        self.port = url.port ?? 80
    }

    /// Asks the proxy for a tunnel to `host`:`port` and checks it said 200 with nothing after.
    func tunnel(_ connection: Connection, to host: String, port: Int, deadline: Deadline, url: String) throws {
        let authority = (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
        try connection.write(Array("CONNECT \(authority) HTTP/1.1\r\nHost: \(authority)\r\nUser-Agent: smtpkit\r\n\r\n".utf8), deadline: deadline)
        var reader = ResponseReader(connection: connection, deadline: deadline, url: url)
        let (status, _) = try reader.readHead()
        let extra = reader.bufferedCount
        guard status == 200 else {
            throw HTTPError(.malformedResponse, url: url, reason: "the proxy \(self.host):\(self.port) refused the tunnel with HTTP \(status)")
        }
        guard extra == 0 else {
            throw HTTPError(.malformedResponse, url: url, reason: "the proxy sent bytes after its 200, before TLS")
        }
    }
}
