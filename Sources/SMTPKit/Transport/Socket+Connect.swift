#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

extension Socket {
    /// Resolves `host` with `getaddrinfo` and tries every address it returns, IPv6 and IPv4,
    /// in the resolver's order, until one accepts; the whole attempt ends at `deadline`.
    /// Each address gets an equal share of the time that is left, so one black-holed
    /// address cannot use up the time the next one needs.
    /// The connected socket has `TCP_NODELAY` set: SMTPKit writes whole command groups,
    /// so Nagle's algorithm would only add delayed-ACK stalls.
    /// - Parameters:
    ///   - watch: receives each socket before it connects, so another thread can shut it
    ///     down (cancellation).
    ///   - isCancelled: checked between attempts.
    static func connect(host: String, port: Int, deadline: Deadline, watch: (Socket) -> Void = { _ in },
                        isCancelled: () -> Bool = { false }) throws(TransportError) -> Socket {
        let addresses = try resolve(host: host, port: port)
        var attempts: [String] = []
        for (index, address) in addresses.enumerated() {
            if isCancelled() { throw TransportError.cancelled }
            let share = deadline.secondsLeft / Double(addresses.count - index)
            let attemptDeadline = Deadline.after(seconds: share).earliest(deadline)
            do {
                return try connect(to: address, port: port, deadline: attemptDeadline, watch: watch)
            } catch let failure {
                attempts.append("\(address.text): \(failure)")
            }
            if deadline.hasPassed { break }
        }
        if isCancelled() { throw TransportError.cancelled }
        if deadline.hasPassed && attempts.allSatisfy({ $0.hasSuffix(": timed out") }) {
            throw TransportError.timedOut("connecting to \(host) port \(port)", seconds: deadline.budget)
        }
        throw TransportError.connectFailed(host, port: port, attempts: attempts)
    }

    /// One resolved address: family and raw sockaddr bytes, plus its text form.
    struct ResolvedAddress {
        let family: Int32
        let storage: [UInt8]
        let text: String
    }

    static func resolve(host: String, port: Int) throws(TransportError) -> [ResolvedAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc) || canImport(Musl)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        hints.ai_protocol = Int32(IPPROTO_TCP)
        hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        if status == EAI_NONAME && hints.ai_flags & AI_ADDRCONFIG != 0 {
            // AI_ADDRCONFIG hides loopback-only families on hosts without other addresses.
            hints.ai_flags = AI_NUMERICSERV
            if let list { freeaddrinfo(list) }
            list = nil
            if getaddrinfo(host, String(port), &hints, &list) == 0 { return collect(list) }
        }
        guard status == 0 else {
            let reason = String(cString: gai_strerror(status))
            if status == EAI_AGAIN || status == EAI_SYSTEM || status == EAI_FAIL {
                throw TransportError.resolutionFailed(host, reason: reason)
            }
            throw TransportError.hostNotFound(host, reason: reason)
        }
        return collect(list)
    }

    private static func collect(_ list: UnsafeMutablePointer<addrinfo>?) -> [ResolvedAddress] {
        defer { if let list { freeaddrinfo(list) } }
        var result: [ResolvedAddress] = []
        var entry = list
        while let info = entry?.pointee {
            if let address = info.ai_addr, info.ai_family == AF_INET || info.ai_family == AF_INET6 {
                let bytes = Array(UnsafeRawBufferPointer(start: address, count: Int(info.ai_addrlen)))
                result.append(ResolvedAddress(family: info.ai_family, storage: bytes, text: numericHost(address, Int(info.ai_addrlen))))
            }
            entry = info.ai_next
        }
        return result
    }

    static func numericHost(_ address: UnsafePointer<sockaddr>, _ length: Int) -> String {
        var name = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(address, socklen_t(length), &name, socklen_t(name.count), nil, 0, NI_NUMERICHOST) == 0 else {
            return "?"
        }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A connect failure for one address, described as the resolver list shows it.
    struct AttemptFailure: Error, CustomStringConvertible {
        let description: String
    }

    private static func connect(to address: ResolvedAddress, port: Int, deadline: Deadline,
                                watch: (Socket) -> Void) throws(AttemptFailure) -> Socket {
        #if canImport(Glibc) || canImport(Musl)
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
        let type = SOCK_STREAM
        #endif
        let fd: Int32
        do {
            fd = try SystemCall.run("socket") { Glibc_socket(address.family, type, 0) }
        } catch {
            throw AttemptFailure(description: error.reason)
        }
        let socket = Socket(descriptor: fd, remoteAddress: address.text, remotePort: port)
        watch(socket)
        do {
            try setOptions(fd)
            do {
                try SystemCall.run("connect") {
                    address.storage.withUnsafeBytes { raw in
                        Glibc_connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
                    }
                }
            } catch let failure where failure.code == EINPROGRESS || failure.code == EALREADY {
                // Non-blocking: the handshake goes on (EALREADY: it was interrupted and retried).
                try waitForConnect(socket, deadline: deadline)
            } catch let failure where failure.code == EISCONN {
                // An interrupted connect that completed before it was retried.
            } catch {
                throw AttemptFailure(description: error.reason)
            }
            return socket
        } catch let failure as AttemptFailure {
            socket.close()
            throw failure
        } catch {
            socket.close()
            throw AttemptFailure(description: "\(error)")
        }
    }

    private static func setOptions(_ fd: Int32) throws(AttemptFailure) {
        do {
            try prepareForIO(fd)
        } catch {
            throw AttemptFailure(description: error.reason)
        }
    }

    /// Makes a connected TCP descriptor what ``Socket`` expects: non-blocking, `TCP_NODELAY`
    /// (whole command groups are written, Nagle would only add delayed-ACK stalls) and, where
    /// `MSG_NOSIGNAL` does not exist, `SO_NOSIGPIPE`. For connected and accepted sockets alike.
    package static func prepareForIO(_ fd: Int32) throws(SystemCall.Failure) {
        let flags = try SystemCall.run("fcntl") { fcntl(fd, F_GETFL) }
        try SystemCall.run("fcntl") { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
        var one: Int32 = 1
        try SystemCall.run("setsockopt") {
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        #if canImport(Darwin)
        try SystemCall.run("setsockopt") {
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        #endif
    }

    private static func waitForConnect(_ socket: Socket, deadline: Deadline) throws(AttemptFailure) {
        do {
            try socket.waitUntil(.writable, deadline: deadline, operation: "connecting")
        } catch let error where error.kind == .timedOut {
            throw AttemptFailure(description: "timed out")
        } catch {
            throw AttemptFailure(description: error.description)
        }
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        let fd = socket.fileDescriptor
        do {
            try SystemCall.run("getsockopt") { getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) }
        } catch {
            throw AttemptFailure(description: error.reason)
        }
        if code != 0 { throw AttemptFailure(description: Errno(rawValue: code).description) }
    }
}

@inline(__always) private func Glibc_connect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(fd, address, length)
}
@inline(__always) private func Glibc_socket(_ family: Int32, _ type: Int32, _ proto: Int32) -> Int32 {
    socket(family, type, proto)
}

extension Socket {
    /// The local address of the connection, as text ("192.0.2.1", "::1").
    package var localAddress: String? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = fileDescriptor
        let result = try? SystemCall.run("getsockname") {
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
        }
        guard result == 0 else { return nil }
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Socket.numericHost($0, Int(length)) }
        }
    }
}
