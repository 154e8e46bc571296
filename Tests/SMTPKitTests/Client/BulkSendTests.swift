import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// `SMTPClient.send(_:connections:)`: a pool of pipelined connections fed from one bounded
/// queue. Every message is delivered once or reported; none is sent twice.
@Suite struct BulkSendTests {
    static func messages(_ count: Int) throws -> [OutgoingMessage] {
        try (0..<count).map { try PipelineTests.message("m\($0)") }
    }

    static func collect(_ send: BulkSend) async throws -> [SendResult] {
        var results: [SendResult] = []
        for try await result in send { results.append(result) }
        return results
    }

    /// How many times each subject arrived at the server.
    static func arrivals(_ server: SMTPServer) -> [String: Int] {
        PipelineTests.subjects(server).reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    @Test func manyMessagesOverFourConnectionsArriveOnceEach() async throws {
        let server = try PipelineTests.server()
        defer { server.stop() }
        let client = PipelineTests.client(port: server.port)

        let results = try await Self.collect(client.send(try Self.messages(200), connections: 4))

        #expect(results.count == 200)
        #expect(results.allSatisfy { $0.isDelivered })
        #expect(Set(results.map(\.index)) == Set(0..<200))
        #expect(Self.arrivals(server).count == 200)
        #expect(Self.arrivals(server).values.allSatisfy { $0 == 1 })
        let sessions = ClientFixture.finishedSessions(server)
        #expect((1...4).contains(sessions.count))
        #expect(sessions.allSatisfy { $0.ending == "quit" })
    }

    @Test func droppedConnectionsAreReopenedAndNothingIsSentTwice() async throws {
        // Every connection drops at its third MAIL, after two messages.
        let server = try PipelineTests.server { $0.faults = [.onOccurrence(3, .drop(at: .mail))] }
        defer { server.stop() }

        let results = try await Self.collect(PipelineTests.client(port: server.port).send(try Self.messages(9)))

        #expect(results.count == 9)
        #expect(results.allSatisfy { $0.isDelivered })
        #expect(results.contains { $0.attempts == 2 }, "a message caught by a drop went on another connection")
        #expect(Self.arrivals(server) == Dictionary(uniqueKeysWithValues: (0..<9).map { ("Subject: m\($0)", 1) }))
        #expect(ClientFixture.finishedSessions(server).count >= 4)
    }

    /// A 421 closes the connection (RFC 5321 §3.8) and refuses what it answers: that message
    /// goes on a new connection — in lock-step, and when MAIL, RCPT and the whole BDAT went
    /// together (its data went out, but after a refused MAIL nothing can have been delivered).
    @Test(arguments: [(false, false), (true, true)])
    func a421ToMAILSendsTheMessageOnANewConnection(pipelining: Bool, chunking: Bool) async throws {
        let server = try PipelineTests.server(chunking: chunking) {
            $0.pipelining = pipelining
            $0.faults = [.onOccurrence(2, .reply(to: .mail, lines: ["421 4.7.0 Too many messages on this connection"]))]
        }
        defer { server.stop() }

        let results = try await Self.collect(PipelineTests.client(port: server.port).send(try Self.messages(3)))

        #expect(results.count == 3)
        #expect(results.allSatisfy { $0.isDelivered }, "\(results.map(\.outcome))")
        #expect(results.first { $0.index == 1 }?.attempts == 2)
        #expect(Self.arrivals(server) == ["Subject: m0": 1, "Subject: m1": 1, "Subject: m2": 1])
    }

    @Test func aLostReplyToTheDotIsReportedUnknownAndNeverResent() async throws {
        let server = try PipelineTests.server { $0.faults = [.onOccurrence(2, .silence(at: .endOfData))] }
        defer { server.stop() }
        var timeouts = SMTPTimeouts.uniform(10)
        timeouts.dataTermination = 1

        let results = try await Self.collect(PipelineTests.client(port: server.port, timeouts: timeouts).send(try Self.messages(5)))

        // Each connection's second end of data goes unanswered: m1 on the first, m3 on the
        // reopened one; m4 goes on a third.
        #expect(results.count == 5)
        let unknown = results.filter { ($0.outcome.error as? SMTPError)?.kind == .deliveryStatusUnknown }
        #expect(unknown.map(\.index).sorted() == [1, 3])
        #expect(unknown.allSatisfy { $0.attempts == 1 }, "never handed to another connection")
        #expect(results.filter { $0.isDelivered }.map(\.index).sorted() == [0, 2, 4])
        #expect(Self.arrivals(server)["Subject: m1"] == nil)
        #expect(Self.arrivals(server).values.allSatisfy { $0 == 1 })
    }

    @Test func aPermanentConnectionFailureReportsEveryMessageAtOnce() async throws {
        let server = try PipelineTests.server { $0.faults = [.reply(to: .greeting, lines: ["554 5.7.1 No SMTP service here"])] }
        defer { server.stop() }

        let results = try await Self.collect(PipelineTests.client(port: server.port).send(try Self.messages(6), connections: 2))

        #expect(results.count == 6)
        #expect(results.allSatisfy { ($0.outcome.error as? SMTPError)?.reply?.code == 554 })
        #expect(server.messages.isEmpty)
    }

    @Test func aServerThatIsDownFailsEveryMessageAfterBoundedRetries() async throws {
        let port = try ClientFixture.deadPort()
        let results = try await Self.collect(PipelineTests.client(port: port).send(try Self.messages(3)))
        #expect(results.count == 3)
        #expect(results.allSatisfy { ($0.outcome.error as? TransportError)?.kind == .connectFailed })
    }

    @Test func theSequenceIsReadOnlyAsFastAsMessagesAreSent() async throws {
        let server = try PipelineTests.server()
        defer { server.stop() }
        let source = CountingSequence(count: 60)

        var most = 0
        var completed = 0
        for try await _ in PipelineTests.client(port: server.port).send(source, connections: 1) {
            completed += 1
            most = max(most, source.pulled - completed)
        }

        #expect(completed == 60)
        // The queue (4 per connection), the two a pipelined connection holds, the one the reader
        // waits to put, and the results sent but not yet read here: a few, never the sequence.
        #expect(most <= 12)
    }

    @Test func stopLetsTheMessagesInFlightFinishAndReportsTheRest() async throws {
        let server = try PipelineTests.server()
        defer { server.stop() }
        let send = PipelineTests.client(port: server.port).send(try Self.messages(500))

        var results: [SendResult] = []
        for try await result in send {
            results.append(result)
            if results.count == 5 { send.stop() }
        }

        let delivered = results.filter(\.isDelivered)
        #expect(delivered.count >= 5 && delivered.count < 500)
        #expect(results.filter { !$0.isDelivered }.allSatisfy { $0.outcome.error is CancellationError })
        #expect(Set(results.map(\.index)).count == results.count)
        #expect(Self.arrivals(server).count == delivered.count)
        #expect(ClientFixture.finishedSessions(server).allSatisfy { $0.ending == "quit" })
    }

    @Test func aPerConnectionLimitOpensAFreshConnection() async throws {
        let server = try PipelineTests.server()
        defer { server.stop() }
        var client = PipelineTests.client(port: server.port)
        var configuration = client.configuration
        configuration.limits.messagesPerConnection = 3
        client = SMTPClient(configuration: configuration)

        let results = try await Self.collect(client.send(try Self.messages(7)))

        #expect(results.allSatisfy { $0.isDelivered })
        let sessions = ClientFixture.finishedSessions(server)
        #expect(sessions.map { $0.lines.filter { $0.hasPrefix("MAIL ") }.count }.sorted() == [1, 3, 3])
        #expect(sessions.allSatisfy { $0.ending == "quit" })
    }

    @Test func theRateLimiterNeverLetsMoreThanItsLimitIntoAWindow() {
        let limiter = SendRateLimiter(perMinute: 3, window: 0.3)
        var starts: [Date] = []
        for _ in 0..<3 { #expect(limiter.acquire(wait: false)); starts.append(Date()) }
        #expect(!limiter.acquire(wait: false), "a fourth at once is over the limit")
        for _ in 0..<4 { #expect(limiter.acquire(wait: true)); starts.append(Date()) }
        for (index, start) in starts.enumerated() where index >= 3 {
            #expect(start.timeIntervalSince(starts[index - 3]) >= 0.3 - 0.01)
        }
    }
}

/// An async sequence of messages that counts how many have been pulled from it.
final class CountingSequence: AsyncSequence, @unchecked Sendable {
    typealias Element = OutgoingMessage
    private let lock = NSLock()
    private var count = 0
    private let total: Int

    init(count: Int) { total = count }

    var pulled: Int { lock.withLock { count } }

    struct AsyncIterator: AsyncIteratorProtocol {
        let sequence: CountingSequence
        mutating func next() async throws -> OutgoingMessage? {
            let index: Int? = sequence.lock.withLock {
                guard sequence.count < sequence.total else { return nil }
                sequence.count += 1
                return sequence.count - 1
            }
            guard let index else { return nil }
            return try PipelineTests.message("c\(index)")
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(sequence: self) }
}
