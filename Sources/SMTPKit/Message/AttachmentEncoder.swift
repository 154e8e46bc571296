/// Reads one attachment's content in chunks and base64-encodes it chunk by chunk
/// (RFC 2045 §6.8), for the data source: at most one chunk of input and its encoding are
/// in memory at a time, whatever the attachment's size.
final class AttachmentEncoder {
    /// Input octets per read: 16 KiB lines of 57 octets (≈ 0.9 MiB), so every chunk but the
    /// last is whole base64 lines.
    static let chunkSize = Base64LineEncoder.octetsPerLine * 1024 * 16

    /// Where the octets come from, opened.
    enum Input {
        case file(AttachmentFile)
        case bytes([UInt8])
        case stream(any ByteStream)
    }

    /// The name used in errors: the path, or the file name.
    let name: String
    /// The exact number of octets the input yields, when known.
    let size: Int?
    private var input: Input?
    private var consumed = 0
    private var encoder = Base64LineEncoder()
    private var readBuffer: [UInt8] = []

    /// The length of the encoded output, CRLFs included, when the input size is known.
    var encodedLength: Int? { size.map(Base64LineEncoder.encodedLength(of:)) }

    /// Opens `source` now: a file is opened and measured with `fstat` (throwing
    /// ``MessageError/Kind/unreadable`` when it cannot be), a stream's `open` is called.
    init(source: Attachment.Source, name: String) throws {
        self.name = name
        switch source {
        case .file(let path):
            let file = try AttachmentFile(path: path)
            self.input = .file(file)
            self.size = file.size
        case .bytes(let bytes):
            self.input = .bytes(bytes)
            self.size = bytes.count
        case .stream(let size, let open):
            if let size, size < 0 {
                throw MessageError.unreadableAttachment(name, reason: "its declared size \(size) is negative")
            }
            do {
                self.input = .stream(try open())
            } catch let error as MessageError {
                throw error
            } catch {
                throw MessageError.unreadableAttachment(name, reason: "the stream cannot be opened", underlying: error)
            }
            self.size = size
        }
    }

    /// Appends the next piece of encoded output to `output`; returns false once the whole
    /// attachment has been written (the last call appends the final group and CRLF).
    ///
    /// Throws ``MessageError/Kind/unreadable`` when reading fails, or when the content does not
    /// have its announced size (a file that shrank while being sent, a stream that yields more
    /// or fewer bytes than declared): the message would no longer match its `SIZE=`.
    func encodeNext(into output: inout [UInt8]) throws -> Bool {
        guard let input else { return false }
        switch input {
        case .file(let file):
            let wanted = size.map { min(Self.chunkSize, $0 - consumed) } ?? Self.chunkSize
            if readBuffer.count < wanted { readBuffer = [UInt8](repeating: 0, count: size == nil ? Self.chunkSize : wanted) }
            var filled = 0
            while filled < wanted {
                let count = try readBuffer.withUnsafeMutableBytes { buffer in
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<wanted]))
                }
                if count == 0 { break }
                filled += count
            }
            if filled < wanted, size != nil {
                throw MessageError.unreadableAttachment(
                    name, reason: "the file became shorter while it was being sent (\(consumed + filled) of \(size ?? 0) bytes)")
            }
            consumed += filled
            readBuffer.withUnsafeBufferPointer { encoder.encode(UnsafeBufferPointer(rebasing: $0[0..<filled]), into: &output) }
            if filled == 0 || (size != nil && consumed == size) {
                file.closeFile()
                return finish(into: &output)
            }
            return true
        case .bytes(let bytes):
            let end = min(bytes.count, consumed + Self.chunkSize)
            bytes.withUnsafeBufferPointer { encoder.encode(UnsafeBufferPointer(rebasing: $0[consumed..<end]), into: &output) }
            consumed = end
            return end == bytes.count ? finish(into: &output) : true
        case .stream(let stream):
            let chunk: [UInt8]
            do {
                chunk = try stream.read(maxLength: Self.chunkSize)
            } catch let error as MessageError {
                throw error
            } catch {
                throw MessageError.unreadableAttachment(name, reason: "reading the stream failed", underlying: error)
            }
            consumed += chunk.count
            if let size, consumed > size {
                throw MessageError.unreadableAttachment(
                    name, reason: "the stream yielded more than its declared size of \(size) bytes")
            }
            if chunk.isEmpty {
                if let size, consumed != size {
                    throw MessageError.unreadableAttachment(
                        name, reason: "the stream ended after \(consumed) of its declared \(size) bytes")
                }
                return finish(into: &output)
            }
            chunk.withUnsafeBufferPointer { encoder.encode($0, into: &output) }
            return true
        }
    }

    /// Writes the padding and last CRLF, releases the input; always false (nothing more to come).
    private func finish(into output: inout [UInt8]) -> Bool {
        encoder.finish(into: &output)
        input = nil
        readBuffer = []
        return false
    }
}
