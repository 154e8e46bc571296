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
            if key == "password" {
                throw ConfigError.literalPassword(file: file, line: line, profile: display)
            }
            guard let setting = ProfileSetting.named(key) else {
                throw ConfigError.unknownKey(
                    file: file, line: line, table: display, key: key,
                    suggestion: KeySuggestion.suggest(for: key, among: Profile.tomlKeys))
            }
            var settingValue = try self.value(value, of: setting.type, key, line)
            if let problem = setting.problem(with: settingValue) { throw invalid(line, key, problem) }
            if setting.type == .path, let path = settingValue.text {
                settingValue = .text(try filePath(path, key, line))
            }
            setting.write(&profile, settingValue)
            if setting.isPasswordSource { passwordLines.append(line ?? 0) }
        }
        if passwordLines.count > 1 {
            throw ConfigError.conflictingPasswordSources(
                profile: display, file: file, line: passwordLines.max() ?? index.line(of: path))
        }
        return profile
    }

    // MARK: - Values

    /// The TOML value as a setting's value, if it has the setting's type; the setting's rule
    /// (``ProfileSetting/problem(with:)``) is checked by the caller.
    func value(_ value: TOMLValueConvertible, of type: ProfileSetting.ValueType, _ key: String, _ line: Int?) throws -> SettingValue {
        switch type {
        case .text, .multilineText, .path:
            guard let string = value.string else { throw wrongType(line, key, "a string", value) }
            return .text(string)
        case .integer:
            guard let int = value.int else { throw wrongType(line, key, "an integer", value) }
            return .integer(int)
        case .boolean:
            guard let bool = value.bool else { throw wrongType(line, key, "true or false", value) }
            return .boolean(bool)
        case .seconds:
            if let int = value.int { return .seconds(Double(int)) }
            guard let double = value.double else { throw wrongType(line, key, "a number of seconds", value) }
            return .seconds(double)
        case .choice(let names):
            guard let string = value.string else {
                throw wrongType(line, key, "a quoted string (one of \(names.joined(separator: ", ")))", value)
            }
            return .text(string)
        }
    }

    /// A file name: `~/` expanded, relative to the config file's directory.
    func filePath(_ path: String, _ key: String, _ line: Int?) throws -> String {
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
