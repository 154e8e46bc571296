/// "Did you mean …?" for a misspelt configuration key.
///
/// Tries, in order: the key with `-` written as `_` (flag spelling in a TOML file), a few
/// names other mail clients use (msmtp's `passwordeval`, `username`, `ssl`), the one key a
/// truncated name begins (`insecure`), and the known key closest by edit distance (optimal string alignment: insertions, deletions,
/// substitutions and swaps of neighbours each cost one).
enum KeySuggestion {
    /// Names other programs use for SMTPKit's keys.
    static let aliases: [String: String] = [
        "username": "user",
        "login": "user",
        "server": "host",
        "hostname": "host",
        "smtp_host": "host",
        "ssl": "tls",
        "starttls": "tls",
        "tls_mode": "tls",
        "cafile": "ca_file",
        "tls_trust_file": "ca_file",
        "passwordeval": "password_command",
        "password_eval": "password_command",
        "password_cmd": "password_command",
        "sender": "from",
        "ehlo": "helo",
        "domain": "helo",
        "profile": "profiles",
        "default": "defaults",
    ]

    /// The known key `key` was probably meant to be, or nil when none is close.
    static func suggest(for key: String, among known: [String]) -> String? {
        let normalized = key.lowercased().replacingOccurrences(of: "-", with: "_")
        if known.contains(normalized) { return normalized }
        if let alias = aliases[normalized], known.contains(alias) { return alias }
        if normalized.count >= 4 {
            let extensions = known.filter { $0.hasPrefix(normalized) }
            if extensions.count == 1 { return extensions[0] }
        }
        let limit = max(1, min(3, normalized.count / 3))
        var best: (key: String, distance: Int)?
        for candidate in known {
            let distance = editDistance(normalized, candidate)
            if distance <= limit, distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.key
    }

    /// Optimal-string-alignment distance between `a` and `b`, over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
