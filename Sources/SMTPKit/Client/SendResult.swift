/// What became of one message of a bulk send (``SMTPClient/send(_:connections:)-([OutgoingMessage],_)``).
public struct SendResult: Sendable {
    /// The message's position in the sequence given, from 0.
    public let index: Int
    /// Its envelope, as sent.
    public let envelope: Envelope
    /// The server's acceptance, or why it was not sent: ``RetryVerdict`` says whether sending
    /// it again is safe (``SMTPError/Kind/deliveryStatusUnknown`` means it may have arrived).
    public let outcome: Result<DeliveryReport, any Error>
    /// How many connections it was handed to: more than 1 after a connection was lost
    /// before its end of data went out.
    public let attempts: Int

    /// True when the server accepted it.
    public var isDelivered: Bool {
        if case .success = outcome { return true }
        return false
    }
}
