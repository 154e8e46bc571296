import Foundation

/// The messages of one bulk send (``SMTPClient/send(_:connections:)-([OutgoingMessage],_)``) waiting for a
/// connection: filled by the task that reads the caller's sequence, emptied by the
/// connections' I/O threads. It is bounded — the reader waits while it is full — so a
/// sequence of any length holds at most ``capacity`` messages in memory here.
final class OutgoingQueue: @unchecked Sendable {
    /// The most messages waiting at once.
    let capacity: Int

    private let condition = NSCondition()
    private var items: [OutgoingItem] = []
    private var head = 0
    private var inputFinished = false
    private var stopReason: (any Error)?
    private var spaceWaiters: [CheckedContinuation<Void, Never>] = []

    init(capacity: Int) { self.capacity = max(1, capacity) }

    private var count: Int { items.count - head }

    /// Adds `item`, waiting while the queue is full. False when the send was stopped: the item
    /// was not taken, and ``stopReason`` says why.
    func put(_ item: OutgoingItem) async -> Bool {
        while true {
            let full: Bool? = condition.withLock {
                if stopReason != nil { return nil }
                guard count >= capacity else {
                    items.append(item)
                    condition.broadcast()
                    return false
                }
                return true
            }
            guard let full else { return false }
            if !full { return true }
            // Under the lock a take either came before (there is room now) or comes after the
            // waiter is in the list, and then wakes it.
            await withCheckedContinuation { continuation in
                condition.lock()
                if count >= capacity && stopReason == nil {
                    spaceWaiters.append(continuation)
                    condition.unlock()
                } else {
                    condition.unlock()
                    continuation.resume()
                }
            }
        }
    }

    /// No more messages will be put.
    func finishInput() {
        condition.withLock {
            inputFinished = true
            condition.broadcast()
        }
    }

    /// Stops the send: nothing more is taken or put; waiting takers get nil. Returns the
    /// messages that were waiting, so they can be reported unsent.
    @discardableResult
    func stop(because reason: any Error) -> [OutgoingItem] {
        let (left, waiters) = condition.withLock {
            if stopReason == nil { stopReason = reason }
            let left = Array(items[head...])
            items.removeAll()
            head = 0
            condition.broadcast()
            let waiters = spaceWaiters
            spaceWaiters.removeAll()
            return (left, waiters)
        }
        for waiter in waiters { waiter.resume() }
        return left
    }

    /// Why the send was stopped, once it was.
    var stopped: (any Error)? { condition.withLock { stopReason } }

    /// Puts a message back at the front, for another connection to try (it lost its own).
    /// False when the send was stopped: the caller must report the message instead.
    @discardableResult
    func requeue(_ item: OutgoingItem) -> Bool {
        condition.withLock {
            guard stopReason == nil else { return false }
            if head > 0 { head -= 1; items[head] = item } else { items.insert(item, at: 0) }
            condition.broadcast()
            return true
        }
    }

    /// The next message. With `wait`, blocks until there is one, and returns nil only when
    /// none will ever come (input finished and the queue empty, or the send stopped).
    func take(wait: Bool) -> OutgoingItem? {
        condition.lock()
        while wait && count == 0 && !inputFinished && stopReason == nil { condition.wait() }
        guard count > 0, stopReason == nil else {
            condition.unlock()
            return nil
        }
        let item = items[head]
        head += 1
        if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        condition.unlock()
        wakeOne()
        return item
    }

    /// True once nothing will ever be taken again.
    var isExhausted: Bool { condition.withLock { stopReason != nil || (inputFinished && count == 0) } }

    private func wakeOne() {
        let waiter: CheckedContinuation<Void, Never>? = condition.withLock {
            spaceWaiters.isEmpty ? nil : spaceWaiters.removeFirst()
        }
        waiter?.resume()
    }
}
