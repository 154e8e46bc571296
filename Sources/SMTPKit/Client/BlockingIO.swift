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
                    TLSLibrary.finishThread()
                    continuation.resume(with: result.mapError { outcome(of: $0, cancelled: hook.isCancelled) })
                }
                thread.name = name
                thread.start()
            }
        } onCancel: {
            hook.cancel()
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
final class CancellationHook: @unchecked Sendable {
    private let lock = NSLock()
    private var socket: Socket?
    private var cancelled = false

    /// Registers `socket` (each connection attempt's); if the task was already cancelled it
    /// is shut down at once.
    func watch(_ socket: Socket) {
        let cancelNow = lock.withLock {
            self.socket = socket
            return cancelled
        }
        if cancelNow { socket.shutdown() }
    }

    func cancel() {
        let socket = lock.withLock {
            cancelled = true
            return self.socket
        }
        socket?.shutdown()
    }

    var isCancelled: Bool { lock.withLock { cancelled } }
}
