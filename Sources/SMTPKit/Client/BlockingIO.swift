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
                    // A cancelled task learns it was cancelled — unless the message may already
                    // have been delivered: that must never be hidden behind a CancellationError.
                    if case .failure(let error) = result, hook.isCancelled,
                       (error as? SMTPError)?.kind != .deliveryStatusUnknown {
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
