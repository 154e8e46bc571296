import ArgumentParser
import Foundation
import SMTPKit

/// How one message of a bulk send ended, as the progress line, the report file and the
/// failure list count it: the one place that reads a ``SendResult`` for them.
enum BulkStatus: String {
    case sent
    case failed
    /// Its end of data went out and no reply came: it may have arrived (never resent).
    case unknown
    /// Taken but never sent, because the run was stopped (Ctrl-C).
    case notSent = "not sent"

    init(_ result: SendResult) {
        switch result.outcome {
        case .success: self = .sent
        case .failure(let error) where error is CancellationError: self = .notSent
        case .failure(let error): self = RetryVerdict(for: error) == .unsafeToRetry ? .unknown : .failed
        }
    }
}

/// Runs a bulk send for `send --messages/--repeat` and `merge`: the messages through
/// ``SMTPClient/send(_:connections:)-([OutgoingMessage],_)``, a progress line on a terminal,
/// one report line per message, a summary, and the exit code of the most serious failure.
struct BulkRunner {
    let verbose: Bool
    let connections: Int
    let report: String?

    func run(_ batch: BulkMessages, configuration: SMTPClientConfiguration) async throws {
        let client = SMTPClient(configuration: configuration, transcript: verbose ? Terminal.transcript() : nil)
        let reportFile = try report.map { try BulkReportFile(path: $0) }
        let progress = BulkProgress(total: batch.total)
        let send = client.send(batch.messages, connections: connections)
        let interrupt = InterruptHandler { send.stop() }
        defer { interrupt.cancel() }

        var failures: [(SendResult, String)] = []
        do {
            for try await result in send {
                let why = result.outcome.failure.map { batch.problems.reason(for: result.index) ?? "\($0)" }
                progress.record(result)
                reportFile?.write(result, id: batch.name(result.index), problem: why)
                if let why, BulkStatus(result) != .notSent { failures.append((result, why)) }
            }
        } catch {
            progress.finish()
            throw error
        }
        progress.finish()
        for (result, why) in failures.prefix(20) {
            Terminal.error("smtpkit: message \(result.index + 1) (\(batch.name(result.index))): \(why)")
        }
        if failures.count > 20 {
            Terminal.error("smtpkit: … and \(failures.count - 20) more failures" + (report.map { " (see \($0))" } ?? "; --report FILE lists every message"))
        }
        Terminal.out(progress.summary(server: "\(configuration.host):\(configuration.port)"))
        if interrupt.fired { throw CLIError(code: 130, description: "interrupted: \(progress.sent) sent; nothing was sent twice, and messages not listed as sent were not sent") }
        if let code = Self.exitCode(for: failures.map(\.0)) {
            throw CLIError(code: code, description: "\(failures.count) of \(progress.done) messages were not sent")
        }
    }

    /// `--connections`: how many at once, from 1 to 100.
    static func validate(connections: Int) throws {
        if !(1...100).contains(connections) { throw ValidationError("--connections \(connections): give a number from 1 to 100") }
    }

    /// 0 when every message went; else the most serious code among the failures: any
    /// permanent one (a 5xx, a bad message) before a temporary one (75).
    static func exitCode(for failures: [SendResult]) -> Int32? {
        let codes = failures.compactMap { $0.outcome.failure.map { ExitStatus.code(for: $0) ?? ExitStatus.software } }
        guard !codes.isEmpty else { return nil }
        return codes.filter { $0 != ExitStatus.temporaryFailure }.max() ?? ExitStatus.temporaryFailure
    }
}
