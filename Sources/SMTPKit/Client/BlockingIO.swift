import Foundation

/// Runs blocking socket and OpenSSL work on a thread of its own — never on Swift's
/// cooperative pool, nor on Dispatch's, which a few blocked connections could exhaust — and
/// bridges the result back with a continuation (DESIGN.md, Concurrency). Each connection has
/// its own ``IOThread``, so its work items run one at a time, in the order they were
/// submitted. Task cancellation shuts the registered socket down, which wakes the blocked thread.
package enum BlockingIO {
    /// Runs `body` on `thread`.
    /// - Parameter shielded: ignore the task's cancellation (for QUIT at the end of a scope,
    ///   which must go out even when the task was cancelled; it is bounded by its own timeout).
    static func run<T: Sendable>(
        on thread: IOThread,
        shielded: Bool = false,
        _ body: @escaping @Sendable (_ cancellation: CancellationHook) throws -> T
    ) async throws -> T {
        let hook = CancellationHook()
        let operation = { (continuation: CheckedContinuation<T, Error>) in
            thread.submit {
                let result = Result { () throws -> T in
                    if hook.isCancelled && !shielded { throw CancellationError() }
                    return try body(hook)
                }
                let cancelled = hook.isCancelled
                hook.finish()
                // OpenSSL's per-thread state goes before the result is handed back, so no
                // thread-exit clean-up can race the process's own at exit.
                TLSLibrary.finishThread()
                continuation.resume(with: result.mapError { outcome(of: $0, cancelled: cancelled) })
            }
        }
        if shielded { return try await withCheckedThrowingContinuation(operation) }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation(operation)
        } onCancel: {
            hook.cancel()
        }
    }

    /// Runs `body` once on a thread that ends with it (a probe: one operation, no connection kept).
    package static func runOnce<T: Sendable>(
        _ name: String, _ body: @escaping @Sendable (_ cancellation: CancellationHook) throws -> T
    ) async throws -> T {
        let thread = IOThread(name: name)
        defer { thread.stop() }
        return try await run(on: thread, body)
    }
}

/// A thread that runs submitted work items one at a time, in order, until stopped.
final class IOThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopping = false

    init(name: String) {
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    /// Queues `job`; it runs after every job submitted before it. A job submitted after
    /// ``stop()`` still runs, on a thread of its own, so no caller can wait for it forever.
    func submit(_ job: @escaping @Sendable () -> Void) {
        let accepted = condition.withLock {
            guard !stopping else { return false }
            jobs.append(job)
            condition.signal()
            return true
        }
        if !accepted { Thread { job() }.start() }
    }

    /// Lets the thread end once the jobs already queued have run.
    func stop() {
        condition.withLock {
            stopping = true
            condition.signal()
        }
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            guard !jobs.isEmpty else {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}

/// What a task sees for `error`: `CancellationError` once it was cancelled — unless the
/// message may already have been delivered, which must never hide behind a cancellation.
func outcome(of error: any Error, cancelled: Bool) -> any Error {
    guard cancelled, (error as? SMTPError)?.kind != .deliveryStatusUnknown else { return error }
    return CancellationError()
}

/// Where the I/O thread registers its socket so that a cancelled task can shut it down.
package final class CancellationHook: @unchecked Sendable {
    private let lock = NSLock()
    private var socket: Socket?
    private var cancelled = false
    private var finished = false

    /// Registers `socket` (each connection attempt's); if the task was already cancelled it
    /// is shut down at once.
    func watch(_ socket: Socket) {
        lock.withLock {
            guard !finished else { return }
            self.socket = socket
            if cancelled { socket.shutdown() }
        }
    }

    /// Called when the task is cancelled: shuts the watched socket down, unless the operation
    /// has finished. The shutdown happens under the lock, so once ``finish()`` returns no late
    /// cancellation can reach a socket that another task's operation is using by then.
    func cancel() {
        lock.withLock {
            cancelled = true
            if !finished { socket?.shutdown() }
        }
    }

    /// The operation is over: forget the socket, so that cancelling this task later does not
    /// touch a connection that goes on serving other calls.
    func finish() {
        lock.withLock {
            finished = true
            socket = nil
        }
    }

    var isCancelled: Bool { lock.withLock { cancelled } }
}
