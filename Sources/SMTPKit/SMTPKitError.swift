/// The one shape of every public SMTPKit error (DESIGN.md, "Errors"; AsyncHTTPClient's `HTTPClientError`).
///
/// - ``kind`` says *what* went wrong: a `Hashable` struct over a private enum with `static let`
///   cases, so cases can be added without breaking anyone's `switch`;
/// - the context is public properties (host, port, command, reply, path, …), for a program to read
///   and for `description` to quote;
/// - ``underlying`` is the error that caused this one, kept as a value (never folded into the text);
/// - `description` is computed from the kind and the context, in the library's own words: it may say
///   what to do in the library's terms ("use STARTTLS or implicit TLS") but never names a
///   command-line flag, a file of the SMTPKit repository or a program. A program, such as the CLI,
///   adds its own advice from ``kind`` and the context.
///
/// **Equality**: two errors are equal when their kind and their context are equal; the underlying
/// error is not compared (an arbitrary `Error` is not `Equatable`). So
/// `SMTPProtocolError.lineTooLong(limit: 10) == .lineTooLong(limit: 10)`, and to match the kind alone,
/// compare ``kind``.
public protocol SMTPKitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The type of ``kind``: a struct with `static let` cases.
    associatedtype Kind: Hashable, Sendable, CustomStringConvertible
    /// What kind of failure this is, without its context.
    var kind: Kind { get }
    /// The error that caused this one (a system call's, OpenSSL's, a password command's), if any.
    var underlying: (any Error & Sendable)? { get }
}

/// An error's cause, stored so that the error's synthesised `==` compares kind and context only:
/// every `UnderlyingError` equals every other (the equality rule of ``SMTPKitError``).
package struct UnderlyingError: Sendable, Equatable {
    package let error: (any Error & Sendable)?

    package init(_ error: (any Error & Sendable)?) { self.error = error }

    package static func == (lhs: UnderlyingError, rhs: UnderlyingError) -> Bool { true }
}
