import Foundation
import Testing
@testable import SMTPKit
import SMTPKitServer

/// `SendingLimits.recipientsPerMessage`: a message with more recipients than the server takes
/// goes in several transactions (with partial delivery allowed), reported as one.
@Suite struct RecipientCapTests {
    static let recipients = (1...7).map { "r\($0)@example.net" }

    static func client(_ server: SMTPServer, cap: Int = 3, allowPartial: Bool = true) -> SMTPClient {
        var configuration = PipelineTests.client(port: server.port).configuration
        configuration.limits.recipientsPerMessage = cap
        configuration.allowPartialDelivery = allowPartial
        return SMTPClient(configuration: configuration)
    }

    static func envelope() throws -> Envelope { try Envelope(sender: ClientFixture.user, recipients: recipients) }

    @Test func sevenRecipientsGoInThreeTransactionsReportedAsOne() async throws {
        let server = try PipelineTests.server()
        defer { server.stop() }

        let report = try await Self.client(server).send(.message(try ClientFixture.message()), envelope: try Self.envelope())

        #expect(report.accepted.map(\.address) == Self.recipients)
        #expect(server.messages.map(\.recipients.count) == [3, 3, 1])
        #expect(Set(server.messages.map(\.data)).count == 1, "every transaction carries the same message")
        let sessions = ClientFixture.finishedSessions(server)
        #expect(sessions.count == 1)
        #expect(sessions.first?.lines.filter { $0.hasPrefix("MAIL ") }.count == 3)
    }

    @Test func withoutPartialDeliveryTheMessageIsRefusedBeforeAnythingIsSent() async throws {
        let server = try PipelineTests.server()
        defer { server.stop() }

        let error = try await #require(throws: SMTPProtocolError.self) {
            try await Self.client(server, allowPartial: false).send(.message(try ClientFixture.message()), envelope: try Self.envelope())
        }

        #expect(error.description.contains("more than the 3"))
        #expect(error.description.contains("--allow-partial"))
        #expect(!(ClientFixture.finishedSessions(server).first?.lines ?? []).contains { $0.hasPrefix("MAIL") })
    }

    @Test func aRefusedPartMakesItPartlyDeliveredAndNeverSafeToResend() async throws {
        let server = try PipelineTests.server { $0.faults = [.onOccurrence(2, .reply(to: .endOfData, lines: ["554 5.7.1 Rejected as spam"]))] }
        defer { server.stop() }

        let error = try await #require(throws: SMTPError.self) {
            try await Self.client(server).send(.message(try ClientFixture.message()), envelope: try Self.envelope())
        }

        #expect(error.kind == .partiallyDelivered)
        #expect(error.recipients.filter(\.isAccepted).map(\.address) == ["r1@example.net", "r2@example.net", "r3@example.net", "r7@example.net"])
        #expect(error.recipients.filter { !$0.isAccepted }.allSatisfy { $0.reply.code == 554 })
        #expect(RetryVerdict(for: error) == .unsafeToRetry)
        #expect(error.description.contains("went to 4 of 7 recipients"))
        #expect(server.messages.count == 2)
    }

    @Test func aDropAfterTheFirstPartNamesTheRecipientsNeverSent() async throws {
        let server = try PipelineTests.server { $0.faults = [.onOccurrence(2, .drop(at: .mail))] }
        defer { server.stop() }

        let error = try await #require(throws: SMTPError.self) {
            try await Self.client(server).send(.message(try ClientFixture.message()), envelope: try Self.envelope())
        }

        #expect(error.kind == .partiallyDelivered)
        #expect(error.recipients.filter(\.isAccepted).count == 3)
        #expect(error.notSent == Array(Self.recipients[3...]))
        #expect(server.messages.map(\.recipients.count) == [3])
    }

    @Test func aRawMessageFileIsReadAgainForEachPart() async throws {
        let server = try PipelineTests.server(chunking: true)
        defer { server.stop() }
        let bytes = Bytes.utf8("Subject: raw\r\n\r\n" + String(repeating: "line\r\n", count: 20_000))
        let path = try MessageTestSupport.temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }

        _ = try await Self.client(server).send(.source(try RawMessageFile(path: path)), envelope: try Self.envelope())

        #expect(server.messages.map(\.recipients.count) == [3, 3, 1])
        #expect(server.messages.allSatisfy { $0.data == bytes })
    }

    @Test func aOneTimeStreamCannotBeSplit() async throws {
        let server = try PipelineTests.server()
        defer { server.stop() }
        let error = try await #require(throws: SMTPProtocolError.self) {
            try await Self.client(server).send(.source(OneTimeSource(Bytes.utf8("Subject: x\r\n\r\nbody\r\n"))), envelope: try Self.envelope())
        }
        #expect(error.description.contains("one-time stream"))
        #expect(server.messages.isEmpty)
    }

    @Test func aBulkSendSplitsEachMessage() async throws {
        let server = try PipelineTests.server()
        defer { server.stop() }
        let message = OutgoingMessage(.message(try ClientFixture.message()), envelope: try Self.envelope())

        var results: [SendResult] = []
        for try await result in Self.client(server).send([message, message], connections: 1) { results.append(result) }

        #expect(results.count == 2)
        #expect(results.allSatisfy { $0.isDelivered })
        #expect(results.compactMap { try? $0.outcome.get().accepted.count } == [7, 7])
        #expect(server.messages.map(\.recipients.count) == [3, 3, 1, 3, 3, 1])
    }
}

/// A source that can be read once only.
final class OneTimeSource: MessageDataSource, @unchecked Sendable {
    private let inner: BytesDataSource
    init(_ bytes: [UInt8]) { inner = BytesDataSource(bytes) }
    var bodyType: MessageBodyType { inner.bodyType }
    var estimatedSize: Int? { inner.estimatedSize }
    func read(maxLength: Int) throws -> [UInt8] { try inner.read(maxLength: maxLength) }
}
