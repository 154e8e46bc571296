import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a password command (`password_command`) with a time limit.
///
/// The command runs as `/bin/sh -c COMMAND` with no standard input (so it cannot eat a message
/// piped to `smtpkit send`). Both output pipes are drained on threads of their own, so a
/// command that writes a lot to standard error cannot block; standard output is capped at
/// ``PasswordSource/maximumLength``. When the limit passes, the command's process group is
/// sent SIGTERM, then SIGKILL, and the caller gets an error at once — a hanging command
/// cannot hang SMTPKit.
struct CommandRunner {
    let source: PasswordSource
    let timeout: Double

    /// The command's standard output, when it exits 0 in time.
    func run(_ command: String, environment: [String: String]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe

        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw source.unavailable("/bin/sh could not be started: \(error.localizedDescription)")
        }
        let pid = process.processIdentifier
        let stdout = Collector(limit: PasswordSource.maximumLength) { Self.sendSignal(SIGKILL, to: pid) }
        let stderr = Collector(limit: 4096, onOverflow: nil)
        let drained = DispatchGroup()
        stdout.drain(stdoutPipe.fileHandleForReading, group: drained)
        stderr.drain(stderrPipe.fileHandleForReading, group: drained)

        let deadline = DispatchTime.now() + max(0, timeout)
        let exitedInTime = exited.wait(timeout: deadline) == .success
        if !exitedInTime {
            Self.sendSignal(SIGTERM, to: pid)
            if exited.wait(timeout: .now() + 1) == .timedOut { Self.sendSignal(SIGKILL, to: pid) }
        }
        if !exitedInTime || drained.wait(timeout: deadline) == .timedOut {
            // Whatever the shell started may still hold the output open: stop the rest of its
            // process group (a group id is not reused while the group has members).
            _ = try? SystemCall.run("killpg") { killpg(pid, SIGKILL) }
            throw source.unavailable(
                "it did not finish within \(Profile.format(seconds: timeout)) seconds and was stopped")
        }

        if stdout.overflowed {
            throw source.unavailable("it printed more than \(PasswordSource.maximumLength / 1024) KiB")
        }
        guard process.terminationReason == .exit else {
            throw source.unavailable("it was killed by signal \(process.terminationStatus)" + stderr.firstLine)
        }
        guard process.terminationStatus == 0 else {
            throw source.unavailable("it exited with status \(process.terminationStatus)" + stderr.firstLine)
        }
        return stdout.bytes
    }

    /// Signals the command's process group (Foundation starts the child as a group leader
    /// on Linux), or the command alone where it is not one.
    static func sendSignal(_ signal: Int32, to pid: pid_t) {
        guard pid > 0 else { return }
        // A failure (the process is already gone) leaves nothing to do.
        if (try? SystemCall.run("getpgid") { getpgid(pid) }) == pid {
            _ = try? SystemCall.run("killpg") { killpg(pid, signal) }
        } else {
            _ = try? SystemCall.run("kill") { kill(pid, signal) }
        }
    }
}

/// Collects what a pipe delivers, up to a limit, on a thread of its own.
private final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    private let limit: Int
    private let onOverflow: (@Sendable () -> Void)?
    private var data: [UInt8] = []
    private var didOverflow = false

    init(limit: Int, onOverflow: (@Sendable () -> Void)?) {
        self.limit = limit
        self.onOverflow = onOverflow
    }

    var bytes: [UInt8] { lock.withLock { data } }
    var overflowed: Bool { lock.withLock { didOverflow } }

    /// `": <first line>"` of what was collected (for standard error), or "" when there is none.
    var firstLine: String {
        let bytes = self.bytes
        let line = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).first ?? []
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "" : ": \(text)"
    }

    /// Reads `handle` to its end on a global queue, inside `group`.
    func drain(_ handle: FileHandle, group: DispatchGroup) {
        DispatchQueue.global().async(group: group) {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                self.append(chunk)
            }
            try? handle.close()
        }
    }

    private func append(_ chunk: Data) {
        let overflowNow: Bool = lock.withLock {
            guard !didOverflow else { return false }
            if data.count + chunk.count > limit {
                data.append(contentsOf: chunk.prefix(limit - data.count))
                didOverflow = true
                return true
            }
            data.append(contentsOf: chunk)
            return false
        }
        if overflowNow { onOverflow?() }
    }
}
