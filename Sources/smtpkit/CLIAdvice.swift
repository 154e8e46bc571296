import SMTPKit

/// The CLI's advice for a library error: the one place that names flags and files.
///
/// The library's errors say what happened, in its own words, with structured context
/// (DESIGN.md, "Where each decision lives"). From an error's kind and that context this adds what
/// to type next — the flag that changes the outcome, the example config file — as a second line,
/// `smtpkit: hint: …`, under `smtpkit: error: …`. Errors the CLI raises itself (``CLIError``)
/// carry their advice already.
enum CLIAdvice {
    /// Advice naming the CLI's flags or files for `error`, or nil when the library's words suffice.
    static func advice(for error: any Error) -> String? {
        switch error {
        case let error as TransportError: transport(error)
        case let error as SMTPError: smtp(error)
        case let error as AuthenticationError: authentication(error)
        case let error as ConfigError: config(error)
        case let error as OAuthError: oauth(error)
        default: nil
        }
    }

    private static func transport(_ error: TransportError) -> String? {
        switch error.kind {
        case .timedOut:
            "raise --timeout to wait longer"
        case .certificateRejected:
            "if you trust this server, pass its CA with --ca-file (or, insecurely, --insecure-skip-verify)"
        case .tlsHandshakeFailed where error.isImplicitTLS:
            "if the server greets in clear, use --tls starttls (usually port 587) or --tls none"
        default:
            nil
        }
    }

    private static func smtp(_ error: SMTPError) -> String? {
        switch error.kind {
        case .startTLSNotOffered where error.reply != nil:
            "use --tls none and no login to send unencrypted"
        case .startTLSNotOffered:
            "use --tls none to send unencrypted (or --tls tls if it speaks implicit TLS, usually on port 465)"
        case .recipientsRefused where error.partialDeliveryRefused:
            "use --allow-partial to send to the others"
        case .eightBitNotSupported:
            "or let smtpkit compose it (--subject, --body, --attach instead of --message-file)"
        default:
            nil
        }
    }

    private static func authentication(_ error: AuthenticationError) -> String? {
        switch error.kind {
        case .rejected where error.reply?.code == 534, .mechanismNotOffered:
            "choose a mechanism the server offers with --auth"
        case .rejected where error.reply?.code == 538:
            "use --tls starttls or --tls tls"
        case .rejected where error.reply?.enhancedStatus?.description == "5.7.139":
            "Microsoft 365 has SMTP AUTH turned off for this tenant or mailbox: an admin must enable it for the mailbox (Set-CASMailbox -Identity USER -SmtpClientAuthenticationDisabled $false)"
        case .rejected where error.reply?.enhancedStatus?.description == "5.7.30":
            "the server no longer takes passwords (basic authentication is off): log in with an OAuth2 access token, --auth xoauth2 with --password-command printing the token"
        case .rejected where error.mechanism == "XOAUTH2" || error.mechanism == "OAUTHBEARER":
            "with auth = oauth2 run `smtpkit auth refresh PROFILE` (or `auth login` again); with a password source, make it print a fresh access token"
        case .tokenRequiresTLS:
            "use --tls starttls or --tls tls; --allow-plaintext-auth does not apply to tokens"
        case .notOffered:
            "if it needs no login, drop --user / the profile's user, or use --auth none"
        case .plaintextRefused:
            "use --tls starttls or --tls tls, or pass --allow-plaintext-auth if you accept that anyone on the path can read it"
        default:
            nil
        }
    }

    private static func oauth(_ error: OAuthError) -> String? {
        if let advice = microsoftAdvice(error.errorDescription) { return advice }
        switch error.kind {
        case .notLoggedIn: return "run `smtpkit auth login \(error.path)`"
        case .loginRequired, .loginExpired: return "run `smtpkit auth login PROFILE` to log in again"
        default: return nil
        }
    }

    /// What to do about the Microsoft identity platform errors people hit, by their AADSTS code.
    private static func microsoftAdvice(_ description: String?) -> String? {
        guard let description, let range = description.range(of: #"AADSTS\d+"#, options: .regularExpression) else { return nil }
        switch description[range].dropFirst(6) {
        case "65001", "90094":
            return "an admin must consent to the application's SMTP.Send permission (Entra admin center → Enterprise applications → the app → Permissions → Grant admin consent for the tenant)"
        case "7000218":
            return "turn on \"Allow public client flows\" on the app registration's Authentication page"
        case "700016":
            return "the application (client) id or the tenant is wrong: check oauth_client_id and oauth_tenant in the profile"
        case "700025":
            return "the app is registered as a public client, which takes no secret: remove oauth_client_secret_command"
        case "50076", "50079":
            return "multi-factor authentication or conditional access wants an interactive login: run `smtpkit auth login PROFILE`"
        case "70043", "700082", "50173", "70008":
            return "the stored login has expired: run `smtpkit auth login PROFILE` to log in again"
        default:
            return nil
        }
    }

    private static func config(_ error: ConfigError) -> String? {
        guard error.kind == .fileNotFound else { return nil }
        let example = "Configs/config.toml in the SMTPKit repository is an example to start from (see the README)"
        return error.origin == nil ? "check the path given with --config; " + example : example
    }
}
