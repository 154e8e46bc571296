import Foundation

/// Runs blocking socket and OpenSSL work on a thread of its own, never on Swift's
/// cooperative pool, and bridges the result back with a continuation (DESIGN.md, Concurrency).
/// Task cancellation shuts the registered connection down, which wakes the blocked thread.
enum BlockingIO {
    static func run<T: Sendable>(
        _ name: String,
        _ body: @escaping @Sendable (_ cancellation: CancellationHook) throws -> T
    ) async throws -> T {
        let hook = CancellationHook()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
                let thread = Thread {
                    let result = Result { try body(hook) }
                    if case .failure = result, hook.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else {
                        continuation.resume(with: result)
                    }
                }
                thread.name = name
                thread.start()
            }
        } onCancel: {
            hook.cancel()
        }
    }
}

/// Where the I/O thread registers its connection so that a cancelled task can shut it down.
final class CancellationHook: @unchecked Sendable {
    private let lock = NSLock()
    private var connection: Connection?
    private var cancelled = false

    /// Registers `connection`; if the task was already cancelled it is shut down at once.
    func register(_ connection: Connection) {
        let cancelNow = lock.withLock {
            self.connection = connection
            return cancelled
        }
        if cancelNow { connection.cancel() }
    }

    func cancel() {
        let connection = lock.withLock {
            cancelled = true
            return self.connection
        }
        connection?.cancel()
    }

    var isCancelled: Bool { lock.withLock { cancelled } }
}
