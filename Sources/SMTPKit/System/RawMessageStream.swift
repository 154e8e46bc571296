import Foundation

/// Reads a ``RawMessageInput`` front to back in chunks, leaving out given byte ranges
/// (the `Bcc:` fields that `--read-recipients` removes, RFC 5322 §3.6.3).
///
/// Each call reads straight from the file into the chunk it returns: memory is one chunk,
/// whatever the message's size. The position is guarded by a lock, so the owner may be handed
/// from the task that made it to the thread that sends it.
final class RawMessageStream: @unchecked Sendable {
    let input: RawMessageInput
    /// The octets the stream yields in all: the input's size less the ranges left out.
    let size: Int
    /// The parts of the input that are yielded, in order, none empty.
    private let segments: [Range<Int>]

    private let lock = NSLock()
    private var segmentIndex = 0
    private var segmentOffset = 0
    private var position = 0

    /// Streams `input` without the octets in `removed` (sorted, not overlapping, within the input).
    init(_ input: RawMessageInput, removing removed: [Range<Int>] = []) {
        var kept: [Range<Int>] = []
        var next = 0
        for range in removed.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if range.lowerBound > next { kept.append(next..<range.lowerBound) }
            next = max(next, range.upperBound)
        }
        if next < input.size { kept.append(next..<input.size) }
        self.input = input
        self.segments = kept
        self.size = kept.reduce(0) { $0 + $1.count }
    }

    private init(_ input: RawMessageInput, segments: [Range<Int>], size: Int) {
        self.input = input
        self.segments = segments
        self.size = size
    }

    /// A new stream over the same octets, from the start (the input is read with `pread`).
    func restarted() -> RawMessageStream { RawMessageStream(input, segments: segments, size: size) }

    /// The next at most `maxLength` octets; empty at the end.
    func read(maxLength: Int) throws -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        let count = min(max(0, maxLength), size - position)
        guard count > 0 else { return [] }
        var index = segmentIndex
        var offset = segmentOffset
        let chunk = try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            let raw = UnsafeMutableRawBufferPointer(buffer)
            var filled = 0
            while filled < count {
                let segment = segments[index]
                let take = min(count - filled, segment.count - offset)
                try input.read(
                    at: segment.lowerBound + offset, count: take,
                    into: UnsafeMutableRawBufferPointer(rebasing: raw[filled..<(filled + take)]))
                filled += take
                offset += take
                if offset == segment.count {
                    index += 1
                    offset = 0
                }
            }
            initialized = count
        }
        segmentIndex = index
        segmentOffset = offset
        position += count
        return chunk
    }
}
