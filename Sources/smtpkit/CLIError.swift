import ArgumentParser
import Foundation
import SMTPKit
#if canImport(Glibc)
import Glibc
#endif

/// An error the CLI itself raises, with its exit code.
struct CLIError: Error, CustomStringConvertible {
    let code: Int32
    let description: String

    static func usage(_ text: String) -> CLIError { CLIError(code: ExitStatus.usage, description: text) }
    static func config(_ text: String) -> CLIError { CLIError(code: ExitStatus.config, description: text) }
    static func noInput(_ text: String) -> CLIError { CLIError(code: ExitStatus.noInput, description: text) }
}

/// sysexits(3) codes, and which error gets which (DESIGN.md, Errors).
enum ExitStatus {
    static let ok: Int32 = 0
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let noHost: Int32 = 68
    static let unavailable: Int32 = 69
    static let software: Int32 = 70
    static let cannotCreate: Int32 = 73
    static let temporaryFailure: Int32 = 75
    static let protocolError: Int32 = 76
    static let noPermission: Int32 = 77
    static let config: Int32 = 78

    /// The exit code for `error`; nil for errors that are not SMTPKit's (ArgumentParser's own,
    /// such as a help request, which it reports itself).
    static func code(for error: Error) -> Int32? {
        switch error {
        case let error as CLIError: return error.code
        case let error as TransportError: return transportCode(error)
        case let error as SMTPError: return rejectionCode(error)
        case let error as AuthenticationError: return authenticationCode(error)
        case let error as SMTPProtocolError:
            return error.kind == .invalidArgument || error.kind == .commandTooLong ? usage : protocolError
        case let error as MessageError:
            if error.kind == .unreadable { return noInput }
            if error.kind == .lineTooLong || error.kind == .notText { return dataError }
            return usage
        case is ConfigError: return config
        case let error as OAuthError: return oauthCode(error)
        case is HTTPError: return temporaryFailure
        default: return nil
        }
    }

    private static func transportCode(_ error: TransportError) -> Int32 {
        switch error.kind {
        case .hostNotFound: return noHost
        case .tlsHandshakeFailed, .certificateRejected: return unavailable
        case .tlsSetupFailed: return config
        case .startTLSInjection: return protocolError
        default: return temporaryFailure
        }
    }

    private static func rejectionCode(_ error: SMTPError) -> Int32 {
        switch error.kind {
        case .unexpectedReply: return protocolError
        case .startTLSNotOffered, .extensionNotOffered: return unavailable
        case .startTLSRefused, .serviceUnavailable: return error.isTransient ? temporaryFailure : unavailable
        case .deliveryStatusUnknown: return temporaryFailure
        case .messageTooLarge, .smtpUTF8Required, .eightBitNotSupported: return dataError
        default: return error.isPermanent ? dataError : temporaryFailure
        }
    }

    /// A login that only a new login fixes is 77 (EX_NOPERM), an endpoint that cannot answer
    /// now 75, a token store that cannot be used 78.
    private static func oauthCode(_ error: OAuthError) -> Int32 {
        switch error.kind {
        case .loginRequired, .notLoggedIn, .tokenRequestRefused, .loginDeclined, .loginExpired: return noPermission
        case .temporarilyUnavailable: return temporaryFailure
        case .storeWriteFailed: return cannotCreate
        default: return config
        }
    }

    private static func authenticationCode(_ error: AuthenticationError) -> Int32 {
        switch error.kind {
        case .rejected: return error.isTransient ? temporaryFailure : noPermission
        case .notOffered, .mechanismNotOffered: return unavailable
        case .plaintextRefused, .tokenRequiresTLS: return config
        default: return protocolError
        }
    }
}

/// Writing to the terminal.
///
/// Writes never fail the program: a closed or full standard error, or a reader that went
/// away (`smtpkit … | head`), must not turn a delivered message into a crash (SIGPIPE is
/// ignored at start; write errors are dropped). Text from the server is made harmless first:
/// control characters other than tab and newline are shown as `\xNN`, so a reply cannot
/// drive the terminal with escape sequences.
enum Terminal {
    /// A line on standard error, written at once (transcripts interleave with the dialogue).
    static func error(_ text: String) {
        write(text + "\n", to: STDERR_FILENO)
    }

    /// Text on standard output, unbuffered so it keeps its place among transcript lines.
    static func out(_ text: String, terminator: String = "\n") {
        write(text + terminator, to: STDOUT_FILENO)
    }

    private static func write(_ text: String, to descriptor: Int32) {
        // Through the package's one system-call funnel (EINTR retried); an error is dropped.
        Array(sanitized(text).utf8).withUnsafeBytes { _ = try? SystemFile(borrowing: descriptor).writeAll($0) }
    }

    /// The warning for a session whose server certificate is not checked (`--insecure-skip-verify`).
    static func warnIfInsecure(_ configuration: SMTPClientConfiguration) {
        if !configuration.tls.verifiesCertificate {
            error("smtpkit: warning: --insecure-skip-verify: the server's certificate is not checked; anyone on the path could read this session, password included")
        }
    }

    /// `text` with C0/C1 control characters and DEL (but tab and newline) as `\xNN`.
    static func sanitized(_ text: String) -> String {
        ControlCharacters.escaped(text, keeping: ["\t", "\n"])
    }

    /// A transcript printer: swaks-style lines on standard error (or output), as they happen.
    static func transcript(toStandardOutput: Bool = false) -> TranscriptHandler {
        { (entry: TranscriptEntry) in
            if toStandardOutput {
                out(entry.description)
            } else {
                error(entry.description)
            }
        }
    }

    /// Reports `error` as `smtpkit: error: …`, then the CLI's advice for it (``CLIAdvice``) as
    /// `smtpkit: hint: …`, and turns it into the exit code.
    static func fail(_ error: Error) -> ExitCode {
        if let exit = error as? ExitCode { return exit }
        Terminal.error("smtpkit: error: \(error)")
        if let advice = CLIAdvice.advice(for: error) { Terminal.error("smtpkit: hint: \(advice)") }
        return ExitCode(ExitStatus.code(for: error) ?? ExitStatus.software)
    }
}
