#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The name a client gives in EHLO/HELO (RFC 5321 §4.1.4): its fully qualified domain name,
/// or, when the host has none, an address literal of the local end of the connection
/// (`[192.0.2.1]`, `[IPv6:2001:db8::1]`).
enum HeloName {
    static func `default`(for connection: Connection) -> String {
        if let name = hostName(), name.contains("."), !name.hasSuffix(".") { return name }
        guard let address = connection.socket.localAddress else { return "[127.0.0.1]" }
        return address.contains(":") ? "[IPv6:\(address)]" : "[\(address)]"
    }

    private static func hostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }
}
