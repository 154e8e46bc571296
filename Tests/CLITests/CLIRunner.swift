import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one run of the `smtpkit` binary did.
struct CLIResult: Sendable, CustomStringConvertible {
    /// The exit status (or the signal number plus 128 when it was killed).
    let status: Int32
    /// Everything written to standard output, as UTF-8 text.
    let stdout: String
    /// Everything written to standard error, as UTF-8 text.
    let stderr: String
    /// True when the runner had to kill the process because it ran past its limit.
    let killed: Bool

    /// The non-empty lines of standard output.
    var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }

    /// Standard output and standard error together, for "appears nowhere" checks.
    var allOutput: String { stdout + "\n" + stderr }

    /// Shown by `#expect` failures, so a failing case says what the binary printed.
    var description: String {
        "smtpkit exited \(status)\(killed ? " (KILLED after the time limit)" : "")\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)"
    }
}

/// Runs the real `smtpkit` binary as a child process.
///
/// The binary is the one SwiftPM builds next to the test bundle (the CLITests target depends on
/// the `smtpkit` executable target, so `swift test` builds it). Each run starts from a minimal
/// environment whose `HOME` is a fresh empty directory, so the user's own
/// `~/.config/smtpkit/config.toml` is never read and `SMTPKIT_CONFIG` is unset unless a test sets it.
enum CLI {
    /// How long a run may take before the child is killed and the test fails: a hang fails
    /// the test instead of hanging the suite. (Never used to assert on elapsed time.)
    static let defaultLimit: Double = 30

    /// The path of the `smtpkit` binary, or nil when it cannot be found.
    static let executablePath: String? = locateExecutable()

    /// Runs `smtpkit arguments…`.
    ///
    /// - Parameters:
    ///   - environment: added to the minimal environment (`HOME`, `PATH`); a value here wins.
    ///   - stdin: bytes fed on a pipe that is then closed; nil connects standard input to /dev/null.
    ///   - directory: the child's working directory (default: the test process's).
    ///   - limit: seconds before the child is killed with SIGKILL.
    ///   - interruptWhen: polled every 10 ms while the child runs; once true, the child gets
    ///     SIGINT (as from Ctrl-C), once.
    static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        stdin: [UInt8]? = nil,
        directory: String? = nil,
        limit: Double = defaultLimit,
        interruptWhen: (@Sendable () -> Bool)? = nil
    ) async throws -> CLIResult {
        let path = try #require(
            executablePath,
            "the smtpkit binary was not found next to the test bundle (\(CommandLine.arguments.first ?? "?")); build it with `swift build` or run `swift test`, which builds it")
        let home = try TemporaryDirectory(prefix: "smtpkit-cli-home")
        defer { home.remove() }
        var env = ["HOME": home.path, "PATH": "/usr/local/bin:/usr/bin:/bin"]
        env.merge(environment) { _, new in new }
        let run = ChildRun(path: path, arguments: arguments, environment: env, stdin: stdin, directory: directory, limit: limit,
                           interruptWhen: interruptWhen)
        return try await withCheckedThrowingContinuation { continuation in
            // Process and pipe reads block: keep them off the cooperative pool.
            let thread = Thread {
                continuation.resume(with: Result { try run.execute() })
            }
            thread.name = "CLI runner"
            thread.start()
        }
    }

    /// Runs `smtpkit arguments…` on a pseudo-terminal (util-linux `script`), as a person at a
    /// terminal would: standard error is a TTY. What the terminal showed comes back as `stdout`.
    static func runOnTerminal(_ arguments: [String], limit: Double = defaultLimit) async throws -> CLIResult {
        let path = try #require(executablePath, "the smtpkit binary was not found next to the test bundle")
        let quoted = ([path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let home = try TemporaryDirectory(prefix: "smtpkit-cli-home")
        defer { home.remove() }
        let run = ChildRun(path: "/usr/bin/script", arguments: ["-qec", quoted, "/dev/null"],
                           environment: ["HOME": home.path, "PATH": "/usr/local/bin:/usr/bin:/bin", "TERM": "xterm"],
                           stdin: nil, directory: nil, limit: limit, interruptWhen: nil)
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try run.execute() }) }
            thread.name = "CLI runner (terminal)"
            thread.start()
        }
    }

    /// Looks for `smtpkit` in the directory of the running test binary, then up the tree (a
    /// macOS `.xctest` bundle keeps its binary in `Contents/MacOS`), then next to `Bundle.main`.
    private static func locateExecutable() -> String? {
        var starts: [URL] = []
        if let first = CommandLine.arguments.first, !first.isEmpty {
            starts.append(URL(fileURLWithPath: first).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        if let main = Bundle.main.executableURL {
            starts.append(main.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        starts.append(Bundle.main.bundleURL)
        for start in starts {
            var directory = start
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("smtpkit").path
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                   FileManager.default.isExecutableFile(atPath: candidate) {
                    return candidate
                }
                directory = directory.deletingLastPathComponent()
            }
        }
        return nil
    }
}

/// One child process: launched, fed, drained and reaped on the calling (dedicated) thread.
private struct ChildRun: Sendable {
    let path: String
    let arguments: [String]
    let environment: [String: String]
    let stdin: [UInt8]?
    let directory: String?
    let limit: Double
    let interruptWhen: (@Sendable () -> Bool)?

    func execute() throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let input = stdin.map { _ in Pipe() }
        if let input {
            process.standardInput = input
        } else {
            process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        }
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()

        let outBox = Collector(output.fileHandleForReading)
        let errBox = Collector(errors.fileHandleForReading)
        if let input, let bytes = stdin {
            let writer = input.fileHandleForWriting
            let thread = Thread {
                // The child may exit without reading; a closed pipe must not kill the tests.
                signal(SIGPIPE, SIG_IGN)
                try? writer.write(contentsOf: Data(bytes))
                try? writer.close()
            }
            thread.start()
        }

        if let interruptWhen {
            let pid = process.processIdentifier
            let watcher = Thread {
                while process.isRunning {
                    if interruptWhen() { kill(pid, SIGINT); return }
                    usleep(10_000)
                }
            }
            watcher.start()
        }
        var killed = false
        if exited.wait(timeout: .now() + limit) == .timedOut {
            killed = true
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        // The pipes reach end-of-file when the child (and anything it started) has exited.
        outBox.waitForEnd(seconds: 10)
        errBox.waitForEnd(seconds: 10)
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return CLIResult(status: status, stdout: outBox.text, stderr: errBox.text, killed: killed)
    }
}

/// Drains one pipe on a thread of its own, so a chatty child never blocks on a full pipe.
private final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.withLock { data.append(chunk) }
            }
            done.signal()
        }
        thread.name = "CLI pipe reader"
        thread.start()
    }

    func waitForEnd(seconds: Double) {
        _ = done.wait(timeout: .now() + seconds)
    }

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}

/// A directory under the system's temporary directory, removed by ``remove()``.
struct TemporaryDirectory: Sendable {
    let path: String

    init(prefix: String = "smtpkit-cli") throws {
        let base = NSTemporaryDirectory()
        var template = Array((base.hasSuffix("/") ? base : base + "/").utf8CString.dropLast())
        template += Array("\(prefix).XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CLITestError("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
    }

    /// The path of `name` inside the directory.
    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `name` with permission bits `mode` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        try write(name, bytes: Array(text.utf8), mode: mode)
    }

    /// Writes `bytes` to `name` with permission bits `mode` and returns its path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8], mode: Int = 0o600) throws -> String {
        let target = file(name)
        guard FileManager.default.createFile(atPath: target, contents: Data(bytes)) else {
            throw CLITestError("cannot write \(target)")
        }
        guard chmod(target, mode_t(mode)) == 0 else { throw CLITestError("cannot chmod \(target)") }
        return target
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A failure in the test scaffolding itself (not in the code under test).
struct CLITestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
