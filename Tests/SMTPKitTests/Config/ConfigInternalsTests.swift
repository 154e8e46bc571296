import Testing
@testable import SMTPKit

@Suite("Config internals: line index, suggestions, paths")
struct ConfigInternalsTests {
    static let document = """
        # comment [profiles.fake]
        default_profile = "a"          # line 2

        [defaults]                     # line 4
        timeout = 30
        helo = \"\"\"
        port = 1
        \"\"\"
        list = [
          "x = 1",
          { host = "inline" },
        ]
        "quoted key" = 1               # line 13
        'literal.key' = 2
        dotted . path = 3              # line 15
        [profiles."a.b"]               # line 16
        host = 'h'
        [[array.tables]]               # line 18
        name = { first = "a", last = "b" }
        """

    @Test(arguments: [
        (["default_profile"], 2), (["defaults"], 4), (["defaults", "timeout"], 5), (["defaults", "helo"], 6),
        (["defaults", "list"], 9), (["defaults", "quoted key"], 13), (["defaults", "literal.key"], 14),
        (["defaults", "dotted"], 15), (["defaults", "dotted", "path"], 15), (["profiles"], 16),
        (["profiles", "a.b"], 16), (["profiles", "a.b", "host"], 17), (["array", "tables"], 18),
        (["array", "tables", "name", "last"], 19),
    ])
    func linesOfKeys(path: [String], line: Int) {
        #expect(TOMLLineIndex(text: Self.document).exactLine(of: path) == line)
    }

    @Test(arguments: [["defaults", "port"], ["profiles", "fake"], ["defaults", "x "], ["x"]])
    func textInsideStringsAndCommentsIsNotAKey(path: [String]) {
        #expect(TOMLLineIndex(text: Self.document).exactLine(of: path) == nil)
    }

    @Test func inlineTableKeysFallBackToTheirTable() {
        let index = TOMLLineIndex(text: "[profiles]\nwork = { host = \"a\" }\n")
        #expect(index.line(of: ["profiles", "work", "host"]) == 2)
        #expect(index.line(of: ["profiles", "work", "missing"]) == 2)
        #expect(index.line(of: ["nothing"]) == nil)
    }

    @Test(arguments: ["", "[", "[[", "= 1", "a = \"\"\"", "a = [", "a = {", "a = { b = ", "\"unterminated",
                      "'", "a.", "[a.\"b", "x = '''\n\n", "\\", "a = [1, [2, {b = 3}], \n ] # c"])
    func malformedTextNeverCrashes(text: String) {
        _ = TOMLLineIndex(text: text).line(of: ["a", "b"])
    }

    @Test(arguments: [
        ("host", "host", 0), ("hots", "host", 1), ("", "abc", 3), ("abc", "", 3), ("kitten", "sitting", 3),
        ("ca-file", "ca_file", 1), ("tsl", "tls", 1), ("timout", "timeout", 1),
    ])
    func editDistance(a: String, b: String, distance: Int) {
        #expect(KeySuggestion.editDistance(a, b) == distance)
        #expect(KeySuggestion.editDistance(b, a) == distance)
    }

    @Test(arguments: [
        ("hots", "host"), ("PORT", "port"), ("allow-partial", "allow_partial"), ("passwordeval", "password_command"),
        ("password_cmd", "password_command"), ("ssl", "tls"), ("sender", "from"), ("allow_plaintext", "allow_plaintext_auth"),
    ])
    func suggestions(key: String, suggestion: String) {
        #expect(KeySuggestion.suggest(for: key, among: Profile.tomlKeys) == suggestion)
    }

    @Test(arguments: ["colour", "x", "allow", "zzzzzzzz"])
    func noSuggestionForFarOrAmbiguousKeys(key: String) {
        #expect(KeySuggestion.suggest(for: key, among: Profile.tomlKeys) == nil)
    }

    @Test(arguments: [
        ("/a/b/../c/./d", "/a/c/d"), ("//a//b/", "/a/b"), ("/..", "/"), ("/", "/"), ("relative/..", "relative/.."),
    ])
    func normalize(path: String, normalized: String) {
        #expect(PathResolver.normalize(path) == normalized)
    }

    @Test(arguments: [
        ("/etc/smtpkit/config.toml", "/etc/smtpkit"), ("config.toml", "/work"),
        ("sub/c.toml", "/work/sub"), ("/c.toml", "/"),
    ])
    func directoryOfAConfigFile(file: String, directory: String) {
        #expect(PathResolver.directory(of: file, workingDirectory: "/work")
            == PathResolver.normalize(directory))
    }
}

@Suite("Config robustness")
struct ConfigRobustnessTests {
    @Test(arguments: [
        ("port = 1979-05-27", "a date"), ("port = 07:32:00", "a time"),
        ("port = 1979-05-27T07:32:00Z", "a date-time"), ("port = true", "a boolean"),
        ("port = {}", "a table"), ("port = []", "an array"),
    ])
    func everyTOMLTypeIsNamedInWrongTypeErrors(line: String, found: String) {
        let error = configError { _ = try parseConfig("[defaults]\n\(line)\n") }
        #expect(error?.kind == .wrongType)
        #expect(error?.description == "\(testConfigPath):2: port must be an integer, not \(found). "
            + "Change the value on that line.")
    }

    @Test(arguments: ["port = 99999999999999999999", "port = 0x1_0000_0000_0000_0000"])
    func integerOverflowIsASyntaxError(line: String) {
        #expect(configError { _ = try parseConfig("[defaults]\n\(line)\n") }?.kind == .syntax)
    }

    @Test func hexAndUnderscorePortsAreIntegers() throws {
        #expect(try parseConfig("[defaults]\nport = 0x24B\n").defaults.port == 587)
        #expect(try parseConfig("[defaults]\nport = 1_025\n").defaults.port == 1025)
    }

    /// Every one-character deletion, and a `"`, `[`, `=` or newline inserted at every tenth
    /// position, of the example config: each must parse or throw a `ConfigError` — never crash,
    /// never another error.
    @Test func mutatedExampleConfigNeverCrashes() throws {
        let text = try String(contentsOfFile: ExampleConfigTests.path, encoding: .utf8)
        let characters = Array(text)
        var variants: [String] = []
        for index in characters.indices {
            var deleted = characters
            deleted.remove(at: index)
            variants.append(String(deleted))
            if index % 10 == 0 {
                for inserted in ["\"", "[", "=", "\n", "'''"] {
                    var copy = characters
                    copy.insert(contentsOf: inserted, at: index)
                    variants.append(String(copy))
                }
            }
        }
        var configErrors = 0
        for variant in variants {
            do {
                _ = try parseConfig(variant)
            } catch let error as ConfigError {
                configErrors += 1
                #expect(error.file == testConfigPath)
                #expect(error.line != nil, "\(error)")
            }
        }
        #expect(configErrors > variants.count / 10)
    }
}

/// Invalid TOML that TOMLKit's parser (toml++ 3) asserts on instead of reporting: SMTPKit must
/// turn each into a syntax error with its line before the parser sees it (found by fuzzing).
@Suite("Config: texts the TOML parser would crash on")
struct ParserTrapTests {
    @Test(arguments: [
        ("[#", 1, "Error while parsing table header: expected a key after '[', saw '#'"),
        ("# c\n[\n[defaults]\n", 2, "Error while parsing table header: expected a key after '[', saw '\\x0A'"),
        ("[ \t=a]", 1, "Error while parsing table header: expected a key after '[', saw '='"),
        ("[[ [a]]", 1, "Error while parsing table header: expected a key after '[', saw '['"),
        ("[[\r\n", 1, "Error while parsing table header: expected a key after '[', saw '\\x0D'"),
        ("[defaults]\nt = [}1]\n", 2, "Error while parsing array: expected a value or ']', saw '}'"),
        ("a = [1,\n  [2],\n  }]\n", 3, "Error while parsing array: expected a value or ']', saw '}'"),
        ("#nan\n\n11=[[},{] '", 3, "Error while parsing array: expected a value or ']', saw '}'"),
    ])
    func reportedAsSyntaxErrors(text: String, line: Int, message: String) {
        let error = configError { _ = try parseConfig(text) }
        #expect(error == .syntax(file: testConfigPath, line: line, message: message))
    }

    @Test(arguments: ["[ [a]]", "[]", "[ ]", "a = [ ]", "a = [{}]", "a = [ # c\n ]", "[\"q\"]", "['q']"])
    func otherBracketMistakesAreLeftToTheParser(text: String) {
        // toml++ reports these (or accepts them) itself; no trap may be claimed for them.
        #expect(TOMLLineIndex(text: text).parserTrap == nil)
    }
}
