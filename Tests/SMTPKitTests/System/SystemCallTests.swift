#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SMTPKit
import SystemPackage
import Testing

/// The one system-call funnel: EINTR is retried, errno is read at once and reported as the
/// system's text, and both doors (a C call, a swift-system call) behave alike.
@Suite("SystemCall funnel")
struct SystemCallTests {
    /// A C call interrupted `interruptions` times, then failing with `final` or returning 7.
    final class FlakyCall {
        var calls = 0
        let interruptions: Int
        let final: Int32?

        init(interruptions: Int, final: Int32? = nil) {
            self.interruptions = interruptions
            self.final = final
        }

        func callAsFunction() -> Int {
            calls += 1
            if calls <= interruptions {
                errno = EINTR
                return -1
            }
            if let final {
                errno = final
                return -1
            }
            return 7
        }
    }

    @Test("a C call interrupted by signals is retried until it returns", arguments: [0, 1, 5])
    func retriesEINTR(interruptions: Int) throws {
        let call = FlakyCall(interruptions: interruptions)
        #expect(try SystemCall.run("read") { call() } == 7)
        #expect(call.calls == interruptions + 1)
    }

    @Test("a failure after interruptions reports its own errno, not EINTR")
    func reportsTheFinalErrno() throws {
        let call = FlakyCall(interruptions: 2, final: ENOENT)
        let failure = try #require(throws: SystemCall.Failure.self) { try SystemCall.run("open") { call() } }
        #expect(call.calls == 3)
        #expect(failure.errno == .noSuchFileOrDirectory)
        #expect(failure.description == "open: No such file or directory")
    }

    @Test("a swift-system call goes through the same retry loop")
    func swiftSystemDoor() throws {
        var calls = 0
        let value = try SystemCall.run("read", system: { () throws -> Int in
            calls += 1
            if calls < 3 { throw Errno.interrupted }
            return 42
        })
        #expect(value == 42)
        #expect(calls == 3)
        let failure = try #require(throws: SystemCall.Failure.self) {
            try SystemCall.run("stat", system: { () throws -> Int in throw Errno.permissionDenied })
        }
        #expect(failure.description == "stat: Permission denied")
    }

    @Test("a missing file: the funnel, a message file, an attachment and a password file say so")
    func missingFile() throws {
        let path = "/nonexistent-smtpkit-\(getpid())/message.eml"
        let failure = try #require(throws: SystemCall.Failure.self) { try SystemFile.open(readingFrom: path) }
        #expect(failure.description == "open: No such file or directory")
        let message = try #require(throws: MessageError.self) { try RawMessageFile(path: path) }
        #expect(message.description.hasSuffix(": No such file or directory"))
        #expect(message.description.contains(path))
        var draft = try Message(from: Mailbox("a@example.org"), to: [Mailbox("b@example.org")], subject: "s", body: "b")
        draft.attachments = [Attachment(path: path)]
        let attachment = try #require(throws: MessageError.self) { try draft.makeDataSource(options: RenderOptions()) }
        #expect(attachment.description.hasSuffix(": No such file or directory"))
        let password = try #require(throws: ConfigError.self) { try PasswordSource.file(path).resolve() }
        #expect(password.description.contains("it does not exist"))
    }

    @Test("a spool file is written whole and read back at any offset")
    func temporaryFileRoundTrip() throws {
        let file = try SystemFile.makeTemporary(in: "/tmp")
        let content = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try content.withUnsafeBytes { raw in try file.writeAll(raw) }
        #expect(try file.status().size == Int64(content.count))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1000, alignment: 1)
        defer { buffer.deallocate() }
        let got = try file.read(into: buffer, at: 150_000)
        #expect(Array(buffer[..<got]) == Array(content[150_000..<(150_000 + got)]))
    }
}
