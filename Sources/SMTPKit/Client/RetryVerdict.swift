/// What is safe after a send failed — the one verdict that a caller's retry loop (and later
/// the pool and the outbox) decides from, for any error a send can throw.
///
/// ```swift
/// do {
///     _ = try await connection.send(message)
/// } catch {
///     switch RetryVerdict(for: error) {
///     case .retryable: queueForLater(message)        // nothing was accepted, or a 4xx
///     case .permanent: report(error)                 // a 5xx or a problem with the message itself
///     case .unsafeToRetry: askBeforeResending(message) // it may have been delivered
///     }
/// }
/// ```
public enum RetryVerdict: Sendable, Hashable {
    /// Nothing was accepted, or the server said "not now" (4xx, RFC 5321 §4.2.1): sending the
    /// same message again — later, or on a new connection — is safe and may work.
    case retryable
    /// The server said "never" (5xx), or the message, the address, the configuration or the
    /// server's abilities stop it: sending it again unchanged fails again.
    case permanent
    /// The whole message was sent and the reply to the final dot never came (RFC 5321 §6.1):
    /// it may have been delivered, so a resend may deliver it twice.
    case unsafeToRetry

    /// The verdict for `error`, as thrown by ``SMTPClient`` or ``SMTPConnection``.
    public init(for error: any Error) {
        switch error {
        case let error as SMTPError:
            if error.kind == .deliveryStatusUnknown || error.kind == .partiallyDelivered {
                self = .unsafeToRetry
            } else if error.kind == .connectionUnusable {
                self = .retryable
            } else {
                self = error.isPermanent || !error.isTransient ? .permanent : .retryable
            }
        case let error as TransportError:
            self = error.isTransient || error.kind == .cancelled ? .retryable : .permanent
        case let error as AuthenticationError:
            self = error.isTransient ? .retryable : .permanent
        case is CancellationError:
            // A cancellation after the final dot is reported as deliveryStatusUnknown instead.
            self = .retryable
        default:
            self = .permanent
        }
    }
}
