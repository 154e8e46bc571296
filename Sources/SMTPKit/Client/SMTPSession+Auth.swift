import Foundation

extension SMTPSession {
    /// The most challenges a server may send in one AUTH exchange.
    static let maximumChallenges = 10

    /// AUTH with the configured or best offered mechanism (RFC 4954 §4). Credentials never
    /// go over a connection that is not encrypted unless that was explicitly allowed.
    func authenticate() throws {
        guard let provider = configuration.credentials else { return }
        try configuration.checkCredentialPolicy(encrypted: connection.isEncrypted)
        let offered = capabilities.authMechanisms
        guard !offered.isEmpty else { throw AuthenticationError.notOffered(server: serverName) }
        let name = try Self.mechanismName(for: configuration.auth, offered: offered, kind: provider.kind)
        // The secret is fetched only now, right before AUTH, and only if AUTH can happen.
        let credentials = try provider.credentials()
        do {
            try login(name, credentials)
        } catch let error as AuthenticationError where error.kind == .rejected && error.reply?.isPermanent == true {
            provider.forget()
            // An access token the server refuses may have been revoked or have expired early:
            // fetch (refresh) it once and try once more on the same connection, which RFC 4954
            // §4 allows after a failed AUTH. A password fetched again would be the same one.
            guard provider.kind == .bearerToken else { throw error }
            let fresh = try provider.credentials()
            guard fresh.secret != credentials.secret else { throw error }
            note(.info, "the server refused the access token; trying once more with a fresh one")
            do {
                try login(name, fresh)
            } catch let again as AuthenticationError where again.kind == .rejected {
                provider.forget()  // refused too: the next connection must not start with it
                throw again
            }
        }
    }

    /// One AUTH exchange with `name`; on success the session is logged in as the user.
    private func login(_ name: String, _ credentials: Credentials) throws {
        try Self.validate(user: credentials.user, secret: credentials.secret)
        var mechanism = Self.mechanism(named: name, credentials: credentials, host: configuration.host, port: configuration.port)
        try exchange(&mechanism)
        authenticatedUser = credentials.user
    }

    /// Picks the mechanism: the one asked for, or with `auto` the best the server offers for
    /// the kind of secret — for a password PLAIN, then LOGIN (both send it once; PLAIN in one
    /// round trip); for an access token OAUTHBEARER (the standard, RFC 7628), then XOAUTH2.
    /// A token never goes to a password mechanism, nor a password to a token mechanism.
    static func mechanismName(for choice: AuthChoice, offered: [String], kind: CredentialProvider.Kind = .password) throws -> String {
        let wanted: [String]
        switch choice {
        case .auto, .disabled: wanted = kind == .bearerToken ? ["OAUTHBEARER", "XOAUTH2"] : ["PLAIN", "LOGIN"]
        case .plain: wanted = ["PLAIN"]
        case .login: wanted = ["LOGIN"]
        case .xoauth2: wanted = ["XOAUTH2"]
        case .oauthbearer: wanted = ["OAUTHBEARER"]
        case .oauth2: wanted = ["OAUTHBEARER", "XOAUTH2"]
        }
        guard let name = wanted.first(where: offered.contains) else {
            throw AuthenticationError.mechanismNotOffered(wanted, offered: offered)
        }
        return name
    }

    static func mechanism(named name: String, credentials: Credentials, host: String, port: Int) -> any SASLMechanism {
        switch name {
        case "PLAIN": return PlainMechanism(credentials: credentials)
        case "LOGIN": return LoginMechanism(credentials: credentials)
        case "OAUTHBEARER": return OAuthBearerMechanism(credentials: credentials, host: host, port: port)
        default: return XOAuth2Mechanism(credentials: credentials)
        }
    }

    /// The SASL exchange (RFC 4954 §4). The initial response goes with AUTH unless the line
    /// would pass 12,288 octets (a long access token); then AUTH goes alone and the response
    /// answers the server's empty 334 — the two-step form.
    private func exchange(_ mechanism: inout any SASLMechanism) throws {
        var initial = mechanism.initialResponse().map { $0.isEmpty ? "=" : Data($0).base64EncodedString() }
        var deferred: String?
        if let response = initial, "AUTH \(mechanism.name) \(response)\r\n".utf8.count > Command.maxAuthLineLength {
            deferred = response
            initial = nil
        }
        var reply = try execute(.auth(mechanism: mechanism.name, initialResponse: initial), timeout: timeouts.command)
        if let response = deferred, reply.code == 334 {
            reply = try execute(.authResponse(response == "=" ? "" : response), timeout: timeouts.command)
        }
        var rounds = 0
        while reply.code == 334 {
            rounds += 1
            guard rounds <= Self.maximumChallenges else {
                try cancelExchange()
                throw AuthenticationError.tooManyChallenges(Self.maximumChallenges)
            }
            let encoded = reply.lines.first ?? ""
            guard let challenge = encoded.isEmpty ? Data() : Data(base64Encoded: encoded) else {
                try cancelExchange()
                throw AuthenticationError.malformedChallenge(encoded)
            }
            let response: [UInt8]
            do {
                response = try mechanism.respond(to: Array(challenge))
            } catch {
                try cancelExchange()
                throw error
            }
            reply = try execute(.authResponse(Data(response).base64EncodedString()), timeout: timeouts.command)
        }
        guard reply.code == 235 else {
            if reply.isPositive || reply.isIntermediate { throw SMTPError.unexpectedReply("AUTH \(mechanism.name)", reply: reply) }
            throw AuthenticationError.rejected(mechanism: mechanism.name, reply: reply, oauthError: mechanism.serverError)
        }
    }

    /// "*" ends an exchange the client cannot finish (RFC 4954 §4); the server answers 501.
    private func cancelExchange() throws {
        _ = try execute(.authResponse("*"), timeout: timeouts.command)
    }
}
