import Foundation
import TOMLKit

/// Turns a parsed TOML table into validated ``Profile`` layers, with file and line in every error.
///
/// Keys are checked in the order the file writes them, so the error reported is the first
/// problem in the file.
struct ConfigParser {
    let file: String
    let index: TOMLLineIndex
    let directory: String
    let home: String

    struct Result {
        var defaults = Profile()
        var profiles: [String: Profile] = [:]
        var profileNames: [String] = []
        var defaultProfile: String?
    }

    static let topLevelKeys = ["default_profile", "defaults", "profiles"]

    func parse(_ root: TOMLTable) throws -> Result {
        var result = Result()
        var defaultProfileLine: Int?
        for key in ordered(root.keys, under: []) {
            guard let value = root[key] else { continue }
            let line = index.line(of: [key])
            switch key {
            case "default_profile":
                guard let name = value.string else {
                    throw wrongType(line, key, "a string (the name of a profile)", value)
                }
                result.defaultProfile = name
                defaultProfileLine = line
            case "defaults":
                guard let table = value.table else {
                    throw wrongType(line, key, "a table ([defaults])", value)
                }
                result.defaults = try parseProfile(table, path: ["defaults"], display: "[defaults]")
            case "profiles":
                guard let table = value.table else {
                    throw wrongType(line, key, "a table of profiles ([profiles.NAME])", value)
                }
                for name in ordered(table.keys, under: ["profiles"]) {
                    guard let profileValue = table[name] else { continue }
                    let path = ["profiles", name]
                    guard let profileTable = profileValue.table else {
                        throw wrongType(index.line(of: path), "profiles.\(name)",
                                        "a table ([profiles.\(name)])", profileValue)
                    }
                    result.profiles[name] = try parseProfile(
                        profileTable, path: path, display: "[profiles.\(Self.quotedIfNeeded(name))]")
                    result.profileNames.append(name)
                }
            default:
                let suggestion = Profile.tomlKeys.contains(key)
                    ? nil : KeySuggestion.suggest(for: key, among: Self.topLevelKeys)
                throw ConfigError.unknownKey(
                    file: file, line: line, table: ConfigError.topLevel, key: key, suggestion: suggestion)
            }
        }
        if let name = result.defaultProfile, result.profiles[name] == nil {
            throw ConfigError.unknownProfile(
                name: name, available: result.profileNames, file: file, line: defaultProfileLine)
        }
        return result
    }

    /// `keys` sorted by the line they are written on (TOMLKit returns them sorted by name).
    func ordered(_ keys: [String], under path: [String]) -> [String] {
        keys.map { (key: $0, line: index.line(of: path + [$0]) ?? Int.max) }
            .sorted { ($0.line, $0.key) < ($1.line, $1.key) }
            .map(\.key)
    }

    func parseProfile(_ table: TOMLTable, path: [String], display: String) throws -> Profile {
        var profile = Profile()
        var passwordLines: [Int] = []
        for key in ordered(table.keys, under: path) {
            guard let value = table[key] else { continue }
            let line = index.line(of: path + [key])
            switch key {
            case "host":
                let host = try text(value, key, line)
                guard !host.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 })
                else { throw invalid(line, key, "'\(host)' is not a host name; write it without spaces") }
                profile.host = host
            case "port":
                let port = try integer(value, key, line)
                guard (1...65535).contains(port) else {
                    throw invalid(line, key, "\(port) is not a TCP port; use a number from 1 to 65535")
                }
                profile.port = port
            case "tls":
                profile.tls = try choice(value, key, line, TLSMode.allCases)
            case "ca_file":
                profile.caFile = try filePath(value, key, line)
            case "insecure_skip_verify":
                profile.insecureSkipVerify = try boolean(value, key, line)
            case "auth":
                profile.auth = try choice(value, key, line, AuthChoice.allCases)
            case "user":
                profile.user = try text(value, key, line)
            case "password_env":
                let name = try text(value, key, line)
                guard !name.contains("=") else {
                    throw invalid(line, key, "'\(name)' is not an environment variable name")
                }
                profile.passwordEnv = name
                passwordLines.append(line ?? 0)
            case "password_command":
                profile.passwordCommand = try text(value, key, line, singleLine: false)
                passwordLines.append(line ?? 0)
            case "password_file":
                profile.passwordFile = try filePath(value, key, line)
                passwordLines.append(line ?? 0)
            case "allow_plaintext_auth":
                profile.allowPlaintextAuth = try boolean(value, key, line)
            case "from":
                profile.from = try text(value, key, line)
            case "helo":
                let name = try text(value, key, line)
                guard !name.unicodeScalars.contains(where: { $0.properties.isWhitespace }) else {
                    throw invalid(line, key, "'\(name)' contains a space; EHLO takes one domain name (RFC 5321 §4.1.1.1)")
                }
                profile.helo = name
            case "timeout":
                profile.timeout = try seconds(value, key, line)
            case "allow_partial":
                profile.allowPartial = try boolean(value, key, line)
            case "password":
                throw ConfigError.literalPassword(file: file, line: line, profile: display)
            default:
                throw ConfigError.unknownKey(
                    file: file, line: line, table: display, key: key,
                    suggestion: KeySuggestion.suggest(for: key, among: Profile.tomlKeys))
            }
        }
        if passwordLines.count > 1 {
            throw ConfigError.conflictingPasswordSources(
                profile: display, file: file, line: passwordLines.max() ?? index.line(of: path))
        }
        return profile
    }

    // MARK: - Values

    /// A non-empty string, on one line unless `singleLine` is false: it may end up in an SMTP
    /// command line, where CR and LF would inject commands (RFC 5321 §2.3.8).
    func text(
        _ value: TOMLValueConvertible, _ key: String, _ line: Int?, singleLine: Bool = true
    ) throws -> String {
        guard let string = value.string else { throw wrongType(line, key, "a string", value) }
        guard !string.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw invalid(line, key, "it is empty; give a value or remove the line")
        }
        guard !singleLine || !string.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) else {
            throw invalid(line, key, "it contains a line break, which SMTP commands cannot carry")
        }
        return string
    }

    func integer(_ value: TOMLValueConvertible, _ key: String, _ line: Int?) throws -> Int {
        guard let int = value.int else { throw wrongType(line, key, "an integer", value) }
        return int
    }

    func boolean(_ value: TOMLValueConvertible, _ key: String, _ line: Int?) throws -> Bool {
        guard let bool = value.bool else { throw wrongType(line, key, "true or false", value) }
        return bool
    }

    func seconds(_ value: TOMLValueConvertible, _ key: String, _ line: Int?) throws -> Double {
        let number: Double
        if let int = value.int {
            number = Double(int)
        } else if let double = value.double {
            number = double
        } else {
            throw wrongType(line, key, "a number of seconds", value)
        }
        guard number.isFinite, number > 0 else {
            throw invalid(line, key, "\(Profile.format(seconds: number)) is not a positive number of seconds")
        }
        return number
    }

    func choice<Choice: RawRepresentable & CaseIterable>(
        _ value: TOMLValueConvertible, _ key: String, _ line: Int?, _ choices: Choice.AllCases
    ) throws -> Choice where Choice.RawValue == String {
        let names = choices.map(\.rawValue).joined(separator: ", ")
        guard let string = value.string else {
            throw wrongType(line, key, "a quoted string (one of \(names))", value)
        }
        guard let choice = Choice(rawValue: string) else {
            throw invalid(line, key, "'\(string)' is not one of \(names)")
        }
        return choice
    }

    /// A file name: `~/` expanded, relative to the config file's directory.
    func filePath(_ value: TOMLValueConvertible, _ key: String, _ line: Int?) throws -> String {
        let path = try text(value, key, line)
        guard let resolved = PathResolver.resolve(path, relativeTo: directory, home: home) else {
            throw invalid(line, key, "'\(path)': ~user is not expanded; write the full path")
        }
        return resolved
    }

    // MARK: - Errors

    func wrongType(_ line: Int?, _ key: String, _ expected: String, _ value: TOMLValueConvertible) -> ConfigError {
        ConfigError.wrongType(file: file, line: line, key: key, expected: expected, found: Self.name(of: value.type))
    }

    func invalid(_ line: Int?, _ key: String, _ reason: String) -> ConfigError {
        ConfigError.invalidValue(file: file, line: line, key: key, reason: reason)
    }

    /// A TOML type with its article: "a string", "an integer".
    static func name(of type: TOMLType) -> String {
        switch type {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a floating-point number"
        case .bool: "a boolean"
        case .date: "a date"
        case .time: "a time"
        case .dateTime: "a date-time"
        }
    }

    /// A profile name as TOML would write it in a header: bare when it can be.
    static func quotedIfNeeded(_ name: String) -> String {
        let bare = !name.isEmpty && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
        return bare ? name : "\"\(name)\""
    }
}
