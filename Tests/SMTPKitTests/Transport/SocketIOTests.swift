#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import SMTPKit

/// ``Socket`` tries `send` and `recv` first and polls only on EAGAIN: these check that the
/// deadline still bounds every wait, so a peer that stops reading or never writes cannot make it
/// spin or hang. A connected pair of local stream sockets stands in for the network; the tests
/// assert what the caller gets (bytes, error kind and text), never how long it took.
@Suite("Socket I/O: try first, poll on EAGAIN")
struct SocketIOTests {
    /// Our end as a non-blocking ``Socket`` and the peer's raw descriptor, which the test owns.
    static func pair() throws -> (socket: Socket, peer: Int32) {
        var fds: [Int32] = [-1, -1]
        #if canImport(Glibc)
        let type = Int32(SOCK_STREAM.rawValue)
        #else
        let type = SOCK_STREAM
        #endif
        try #require(socketpair(AF_UNIX, type, 0, &fds) == 0)
        let flags = fcntl(fds[0], F_GETFL)
        try #require(fcntl(fds[0], F_SETFL, flags | O_NONBLOCK) == 0)
        return (Socket(descriptor: fds[0], remoteAddress: "local", remotePort: 0), fds[1])
    }

    @Test("a write to a peer that stops reading times out at its deadline")
    func writeToStalledPeerTimesOut() throws {
        let (socket, peer) = try Self.pair()
        defer { close(peer) }
        let bytes = [UInt8](repeating: 0x61, count: 32 * 1024 * 1024)  // far more than any socket buffer
        let error = try #require(throws: TransportError.self) {
            try bytes.withUnsafeBytes { raw in
                try socket.write(raw, deadline: .after(seconds: 0.2))
            }
        }
        #expect(error.kind == .timedOut)
        #expect(error.description.contains("while sending"), "\(error)")
    }

    @Test("a write whose deadline has passed still sends what fits at once")
    func writeWithPassedDeadlineSendsWhatFits() throws {
        let (socket, peer) = try Self.pair()
        defer { close(peer) }
        let message = Array("EHLO client.example.org\r\n".utf8)
        try message.withUnsafeBytes { raw in try socket.write(raw, deadline: .after(seconds: 0)) }
        var buffer = [UInt8](repeating: 0, count: 100)
        let count = read(peer, &buffer, buffer.count)
        #expect(Array(buffer.prefix(max(0, count))) == message)
    }

    @Test("a read from a silent peer times out, also when the deadline has already passed",
          arguments: [0.0, 0.2])
    func readFromSilentPeerTimesOut(seconds: Double) throws {
        let (socket, peer) = try Self.pair()
        defer { close(peer) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 512, alignment: 1)
        defer { buffer.deallocate() }
        let error = try #require(throws: TransportError.self) {
            try socket.read(into: buffer, deadline: .after(seconds: seconds))
        }
        #expect(error.kind == .timedOut)
        #expect(error.description.contains("waiting for the server"), "\(error)")
    }

    @Test("bytes already waiting are read without a poll, and a closed peer reads as 0")
    func readWaitingBytesThenEnd() throws {
        let (socket, peer) = try Self.pair()
        let reply = Array("220 ready\r\n".utf8)
        #expect(write(peer, reply, reply.count) == reply.count)
        close(peer)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 512, alignment: 1)
        defer { buffer.deallocate() }
        let count = try socket.read(into: buffer, deadline: .after(seconds: 0))
        #expect(Array(buffer[..<count]) == reply)
        #expect(try socket.read(into: buffer, deadline: .after(seconds: 5)) == 0)
    }

    @Test("a closed socket reads and writes as cancelled, not as a system error")
    func closedSocketIsCancelled() throws {
        let (socket, peer) = try Self.pair()
        defer { close(peer) }
        socket.close()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 1)
        defer { buffer.deallocate() }
        let readError = try #require(throws: TransportError.self) { try socket.read(into: buffer, deadline: .after(seconds: 5)) }
        #expect(readError.kind == .cancelled)
        let writeError = try #require(throws: TransportError.self) {
            try socket.write(UnsafeRawBufferPointer(buffer), deadline: .after(seconds: 5))
        }
        #expect(writeError.kind == .cancelled)
    }
}
