#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one funnel every system call of the transport goes through (the model is
/// swift-nio's `NIOPosix/System.swift`): it retries on `EINTR`, reads `errno`
/// at once, before anything else can overwrite it, and throws a typed error.
enum SystemCall {
    /// A failed system call: its name and the `errno` it left.
    struct Failure: Error, Sendable {
        let call: String
        let code: Int32

        /// The operating system's text for `code` ("Connection refused").
        var reason: String { String(cString: strerror(code)) }
        /// The call would block on a non-blocking descriptor; wait and try again.
        var wouldBlock: Bool { code == EAGAIN || code == EWOULDBLOCK }
    }

    /// Runs `body` until it returns something other than -1 with `EINTR`.
    /// - Throws: `Failure` when it returns -1 for any other reason.
    @discardableResult
    static func run<T: FixedWidthInteger>(_ call: String, _ body: () -> T) throws(Failure) -> T {
        while true {
            let result = body()
            if result != -1 { return result }
            let code = errno
            if code == EINTR { continue }
            throw Failure(call: call, code: code)
        }
    }
}
