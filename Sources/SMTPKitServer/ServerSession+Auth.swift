import Foundation
import SMTPKit

extension ServerSession {
    /// AUTH PLAIN (RFC 4616) and LOGIN against the user table (RFC 4954 §4).
    func authenticate(_ argument: String) throws -> Next {
        let words = argument.split(separator: " ").map(String.init)
        guard let mechanism = words.first?.uppercased() else {
            return try answer(.auth, "501 " + text("5.5.4", "Syntax: AUTH mechanism"))
        }
        guard heloName != nil else { return try answer(.auth, "503 " + text("5.5.1", "Error: send EHLO first")) }
        guard authenticatedUser == nil else { return try answer(.auth, "503 " + text("5.5.1", "Error: already authenticated")) }
        guard isTLS || !configuration.authRequiresTLS else {
            return try answer(.auth, "538 " + text("5.7.11", "Encryption required for requested authentication mechanism"))
        }
        guard configuration.authMechanisms.contains(mechanism) else {
            return try answer(.auth, "504 " + text("5.5.4", "Unsupported authentication mechanism"))
        }
        let user: String
        let password: String
        switch mechanism {
        case "PLAIN":
            let response: String
            if words.count > 1 {
                response = words[1]
            } else {
                if case .close(let why) = try answer(.authChallenge, "334 ") { return .close(why) }
                guard let line = try nextLine() else { return .close("closed during AUTH") }
                response = String(decoding: line, as: UTF8.self)
            }
            if response == "*" { return try answer(.auth, "501 " + text("5.7.0", "Authentication aborted")) }
            let decoded = response == "=" ? [] : Array(Data(base64Encoded: response) ?? Data())
            let parts = decoded.split(separator: 0, omittingEmptySubsequences: false)
            guard parts.count == 3 else { return try answer(.auth, "501 " + text("5.5.2", "Cannot decode response")) }
            user = String(decoding: parts[1], as: UTF8.self)
            password = String(decoding: parts[2], as: UTF8.self)
        case "LOGIN":
            guard let name = try challenge("VXNlcm5hbWU6"), let secret = try challenge("UGFzc3dvcmQ6") else {
                return try answer(.auth, "501 " + text("5.7.0", "Authentication aborted"))
            }
            user = name
            password = secret
        case "XOAUTH2", "OAUTHBEARER":
            return try bearer(mechanism, initial: words.count > 1 ? words[1] : nil)
        default:
            return try answer(.auth, "504 " + text("5.5.4", "Unsupported authentication mechanism"))
        }
        guard let expected = configuration.users[user], expected == password else {
            return try answer(.auth, "535 " + text("5.7.8", "Error: authentication failed: authentication failure"))
        }
        let next = try answer(.auth, "235 " + text("2.7.0", "Authentication successful"))
        if case .proceed = next { authenticatedUser = user }
        return next
    }

    /// XOAUTH2 (`user=U^Aauth=Bearer T^A^A`) and OAUTHBEARER (RFC 7628: `n,a=U,^Ahost=…^Aport=…^Aauth=Bearer T^A^A`),
    /// with or without an initial response. A token not in ``ServerConfiguration/bearerTokens``
    /// for that user gets the 334 JSON error challenge, then — after the client's empty line
    /// (XOAUTH2) or ^A (OAUTHBEARER, RFC 7628 §3.2.3) — a 535, as Google and Microsoft answer.
    private func bearer(_ mechanism: String, initial: String?) throws -> Next {
        var response = initial
        if response == nil {
            if case .close(let why) = try answer(.authChallenge, "334 ") { return .close(why) }
            guard let line = try nextLine() else { return .close("closed during AUTH") }
            response = String(decoding: line, as: UTF8.self)
        }
        guard let response, response != "*", let decoded = Data(base64Encoded: response) else {
            return try answer(.auth, "501 " + text("5.5.2", "Cannot decode response"))
        }
        let fields = String(decoding: decoded, as: UTF8.self).split(separator: "\u{01}", omittingEmptySubsequences: true).map(String.init)
        var user: String?
        var token: String?
        for field in fields {
            if field.hasPrefix("auth=Bearer ") { token = String(field.dropFirst("auth=Bearer ".count)) }
            if mechanism == "XOAUTH2", field.hasPrefix("user=") { user = String(field.dropFirst(5)) }
            if mechanism == "OAUTHBEARER", field.hasPrefix("n,a="), field.hasSuffix(",") {
                user = String(field.dropFirst(4).dropLast()).replacingOccurrences(of: "=2C", with: ",").replacingOccurrences(of: "=3D", with: "=")
            }
        }
        if let user, let token, (configuration.bearerTokens[token] ?? configuration.bearerTokenValidator?(token)) == user {
            let next = try answer(.auth, "235 " + text("2.7.0", "Authentication successful"))
            if case .proceed = next { authenticatedUser = user }
            return next
        }
        let error = mechanism == "XOAUTH2"
            ? #"{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}"#
            : #"{"status":"invalid_token","scope":"https://outlook.office.com/SMTP.Send","openid-configuration":"https://login.example.test/.well-known/openid-configuration"}"#
        if case .close(let why) = try answer(.authChallenge, "334 " + Data(error.utf8).base64EncodedString()) { return .close(why) }
        guard let line = try nextLine() else { return .close("closed during AUTH") }
        let expected = mechanism == "XOAUTH2" ? "" : "AQ=="
        guard String(decoding: line, as: UTF8.self) == expected else {
            return try answer(.auth, "501 " + text("5.5.2", "Expected the client's answer to the error challenge"))
        }
        return try answer(.auth, "535 " + text("5.7.8", "Username and Password not accepted"))
    }

    /// Sends a 334 challenge and returns the decoded answer; nil when the client cancels.
    private func challenge(_ prompt: String) throws -> String? {
        if case .close = try answer(.authChallenge, "334 " + prompt) { return nil }
        guard let line = try nextLine() else { return nil }
        let response = String(decoding: line, as: UTF8.self)
        guard response != "*", let data = Data(base64Encoded: response) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
