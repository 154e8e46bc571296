import Foundation
import SMTPKit

/// The progress of a bulk send: counts, and on a terminal a line on standard error redrawn at
/// most ten times a second (sent / failed / msg/s / ETA); nothing when standard error is not a
/// terminal, so logs and pipes get only the summary.
final class BulkProgress {
    private let total: Int?
    private let start = Date()
    private let drawing = isatty(STDERR_FILENO) == 1
    private var lastDrawn = Date.distantPast
    private(set) var sent = 0
    private(set) var failed = 0
    private(set) var unknown = 0
    /// Taken but never sent, because the run was stopped (Ctrl-C).
    private(set) var stopped = 0
    var done: Int { sent + failed + unknown + stopped }

    init(total: Int?) { self.total = total }

    func record(_ result: SendResult) {
        switch BulkStatus(result) {
        case .sent: sent += 1
        case .failed: failed += 1
        case .unknown: unknown += 1
        case .notSent: stopped += 1
        }
        if drawing, Date().timeIntervalSince(lastDrawn) >= 0.1 || done == total { draw() }
    }

    /// Clears the progress line.
    func finish() {
        if drawing && lastDrawn != .distantPast { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private var rate: Double {
        let elapsed = Date().timeIntervalSince(start)
        return elapsed > 0 ? Double(done) / elapsed : 0
    }

    private func draw() {
        lastDrawn = Date()
        var line = "sent \(sent)" + (total.map { "/\($0)" } ?? "") + "  failed \(failed)"
        if unknown > 0 { line += "  unknown \(unknown)" }
        line += String(format: "  %.0f msg/s", rate)
        if let total, rate > 0, done < total { line += String(format: "  ETA %.0fs", Double(total - done) / rate) }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    /// The closing line: how many went, where, how fast, and what did not.
    func summary(server: String) -> String {
        let elapsed = Date().timeIntervalSince(start)
        let count = max(total ?? done, done)
        var line = "sent \(sent) of \(count) message\(count == 1 ? "" : "s") via \(server) in \(String(format: "%.2f", elapsed)) s"
        line += String(format: " (%.0f msg/s)", rate)
        if failed > 0 { line += "; \(failed) failed" }
        let notSent = count - done + stopped
        if notSent > 0 { line += "; \(notSent) not sent (the run stopped before them)" }
        if unknown > 0 { line += "; \(unknown) delivery status unknown — check before sending those again" }
        return line
    }
}

/// `--report FILE`: one JSON object per line and message, written as each completes.
final class BulkReportFile {
    private let handle: FileHandle

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw CLIError(code: ExitStatus.cannotCreate, description: "--report: cannot create '\(path)'; check the folder exists and is writable")
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// `{"index":…,"id":…,"recipients":[…],"status":"sent|failed|unknown|not sent","reply":…,"error":…}`
    func write(_ result: SendResult, id: String, problem: String?) {
        var entry: [String: Any] = [
            "index": result.index, "id": id, "attempts": result.attempts,
            "recipients": result.envelope.recipients.map { "\($0.address)" },
        ]
        entry["status"] = BulkStatus(result).rawValue
        switch result.outcome {
        case .success(let delivery):
            entry["reply"] = "\(delivery.finalReply)"
            entry["refused"] = delivery.refused.map { "\($0.address): \($0.reply)" }
        case .failure(let error):
            entry["error"] = problem ?? "\(error)"
            if let reply = (error as? SMTPError)?.reply { entry["reply"] = "\(reply)" }
        }
        guard var line = try? JSONSerialization.data(withJSONObject: entry, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line.append(10)
        handle.write(line)
    }
}

/// Ctrl-C during a bulk send: the first stops taking messages (those on the wire finish, so
/// nothing is cut off or sent twice); a second one ends the process at once.
final class InterruptHandler: @unchecked Sendable {
    private let source: DispatchSourceSignal
    private let lock = NSLock()
    private var count = 0

    init(onFirst: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [unowned self] in
            let count = lock.withLock { self.count += 1; return self.count }
            if count == 1 {
                FileHandle.standardError.write(Data("\nsmtpkit: interrupted: finishing the messages on the wire (Ctrl-C again to quit now)\n".utf8))
                onFirst()
            } else {
                exit(130)
            }
        }
        source.resume()
    }

    var fired: Bool { lock.withLock { count > 0 } }

    func cancel() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
