import ArgumentParser
import Foundation
import SMTPKit

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
    static let temporaryFailure: Int32 = 75
    static let protocolError: Int32 = 76
    static let noPermission: Int32 = 77
    static let config: Int32 = 78

    /// The exit code for `error`.
    static func code(for error: Error) -> Int32 {
        switch error {
        case let error as CLIError: return error.code
        case let error as TransportError: return code(for: error)
        case let error as SMTPError: return code(for: error)
        case let error as AuthenticationError: return code(for: error)
        case let error as SMTPProtocolError:
            return error.kind == .invalidArgument || error.kind == .commandTooLong ? usage : protocolError
        case let error as MessageError:
            if error.kind == .unreadable { return noInput }
            if error.kind == .lineTooLong { return dataError }
            return usage
        case is ConfigError: return config
        default: return software
        }
    }

    private static func code(for error: TransportError) -> Int32 {
        switch error.kind {
        case .hostNotFound: return noHost
        case .tlsHandshakeFailed, .certificateRejected: return unavailable
        case .tlsSetupFailed: return config
        case .startTLSInjection: return protocolError
        default: return temporaryFailure
        }
    }

    private static func code(for error: SMTPError) -> Int32 {
        switch error.kind {
        case .unexpectedReply: return protocolError
        case .startTLSNotOffered: return unavailable
        case .startTLSRefused, .serviceUnavailable: return error.isTransient ? temporaryFailure : unavailable
        case .deliveryStatusUnknown: return temporaryFailure
        case .messageTooLarge, .smtpUTF8Required: return dataError
        default: return error.isPermanent ? dataError : temporaryFailure
        }
    }

    private static func code(for error: AuthenticationError) -> Int32 {
        switch error.kind {
        case .rejected: return error.isTransient ? temporaryFailure : noPermission
        case .notOffered, .mechanismNotOffered: return unavailable
        case .plaintextRefused: return config
        default: return protocolError
        }
    }
}

/// Writing to the terminal.
enum Terminal {
    /// A line on standard error, written at once (transcripts interleave with the dialogue).
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Text on standard output, unbuffered so it keeps its place among transcript lines.
    static func out(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((text + terminator).utf8))
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

    /// Reports `error` as `smtpkit: error: …` and turns it into the exit code.
    static func fail(_ error: Error) -> ExitCode {
        if let exit = error as? ExitCode { return exit }
        Terminal.error("smtpkit: error: \(error)")
        return ExitCode(ExitStatus.code(for: error))
    }
}
