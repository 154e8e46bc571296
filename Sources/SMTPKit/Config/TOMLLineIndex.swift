/// Where each key of a TOML document is written: TOMLKit gives values but no positions,
/// so this scans the text itself to name the line in an error message.
///
/// It follows the TOML 1.0 grammar closely enough to skip strings (basic, literal,
/// multi-line), arrays spanning lines, inline tables and comments, and records the line of
/// every table header and every key, as a full dotted path (`["profiles", "work", "host"]`).
/// It is forgiving: on text it does not understand it skips to the next line, and it never
/// fails — the real parser has already accepted the document.
struct TOMLLineIndex: Sendable {
    private var lines: [[String]: Int] = [:]

    /// The first spot of two kinds of invalid TOML that TOMLKit's parser (toml++ 3) does not
    /// report but asserts on — an abort in debug builds, undefined behaviour in release
    /// builds — so such text must never reach it: a table header whose key starts with a
    /// character no key may start with (`[#`, `[` at the end of a line), and `}` where an
    /// array expects a value (`[1, }]`). Found by fuzzing; a syntax error either way.
    private(set) var parserTrap: (line: Int, message: String)?

    init(text: String) {
        var scanner = Scanner(scalars: Array(text.unicodeScalars))
        defer { parserTrap = scanner.parserTrap }
        scanner.scanDocument { path, line in
            // First occurrence wins; ancestors of a path are recorded too, so a profile
            // written only as `[profiles.work.extra]` or `profiles.work.host = …` has a line.
            guard !path.isEmpty else { return }
            for length in 1...path.count {
                let prefix = Array(path.prefix(length))
                if lines[prefix] == nil { lines[prefix] = line }
            }
        }
    }

    /// The line where exactly `path` is written, if it is.
    func exactLine(of path: [String]) -> Int? {
        lines[path]
    }

    /// The line of `path`, or of its nearest written ancestor (an inline table, a header).
    func line(of path: [String]) -> Int? {
        var path = path
        while !path.isEmpty {
            if let line = lines[path] { return line }
            path.removeLast()
        }
        return nil
    }
}

private struct Scanner {
    let scalars: [Unicode.Scalar]
    var position = 0
    var line = 1
    var parserTrap: (line: Int, message: String)?

    init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    var atEnd: Bool { position >= scalars.count }
    var current: Unicode.Scalar? { atEnd ? nil : scalars[position] }

    func peek(_ offset: Int) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }

    mutating func advance() {
        guard !atEnd else { return }
        if scalars[position] == "\n" { line += 1 }
        position += 1
    }

    mutating func skipSpaces() {
        while let c = current, c == " " || c == "\t" { advance() }
    }

    /// Skips spaces, newlines and comments (inside arrays).
    mutating func skipBlank() {
        while let c = current {
            if c == " " || c == "\t" || c == "\r" || c == "\n" {
                advance()
            } else if c == "#" {
                skipToEndOfLine()
            } else {
                return
            }
        }
    }

    mutating func skipToEndOfLine() {
        while let c = current, c != "\n" { advance() }
    }

    mutating func scanDocument(_ record: ([String], Int) -> Void) {
        var table: [String] = []
        while !atEnd {
            skipSpaces()
            guard let c = current else { return }
            if c == "\n" || c == "\r" {
                advance()
            } else if c == "#" {
                skipToEndOfLine()
            } else if c == "[" {
                advance()
                let before = position
                skipSpaces()
                if current == "[" {
                    // `[[` opens an array of tables; `[ [` is an error toml++ reports itself.
                    if position == before {
                        advance()
                        skipSpaces()
                        checkHeaderKeyStart()
                    }
                } else {
                    checkHeaderKeyStart()
                }
                let headerLine = line
                if let path = scanKeyPath() {
                    table = path
                    record(path, headerLine)
                }
                skipToEndOfLine()
            } else {
                let keyLine = line
                if let path = scanKeyPath(), skipSpacesThen("=") {
                    record(table + path, keyLine)
                    scanValue(path: table + path, record)
                }
                skipToEndOfLine()
            }
        }
    }

    /// Notes a header key that does not start like a key (toml++ would assert on it).
    mutating func checkHeaderKeyStart() {
        guard let c = current else { return }
        if Self.isBareKeyScalar(c) || c == "\"" || c == "'" || c == "]" { return }
        noteTrap("Error while parsing table header: expected a key after '[', saw '\(ControlCharacters.escaped(String(c)))'")
    }

    mutating func noteTrap(_ message: String) {
        if parserTrap == nil { parserTrap = (line, message) }
    }

    /// Skips spaces; if `c` follows, consumes it and returns true.
    mutating func skipSpacesThen(_ c: Unicode.Scalar) -> Bool {
        skipSpaces()
        guard current == c else { return false }
        advance()
        return true
    }

    /// `a.b."c d".'e'` → `["a", "b", "c d", "e"]`, or nil when no key is here.
    mutating func scanKeyPath() -> [String]? {
        var path: [String] = []
        while true {
            skipSpaces()
            guard let segment = scanKeySegment() else { return nil }
            path.append(segment)
            skipSpaces()
            guard current == "." else { return path }
            advance()
        }
    }

    mutating func scanKeySegment() -> String? {
        guard let c = current else { return nil }
        if c == "\"" || c == "'" {
            return scanQuoted(quote: c)
        }
        var segment = String.UnicodeScalarView()
        while let c = current, Self.isBareKeyScalar(c) {
            segment.append(c)
            advance()
        }
        return segment.isEmpty ? nil : String(segment)
    }

    static func isBareKeyScalar(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-"
    }

    /// A one-line quoted string starting at the quote; decodes the simple escapes.
    mutating func scanQuoted(quote: Unicode.Scalar) -> String? {
        advance()
        var text = String.UnicodeScalarView()
        while let c = current, c != "\n" {
            advance()
            if c == quote { return String(text) }
            if c == "\\" && quote == "\"", let next = current {
                advance()
                switch next {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "r": text.append("\r")
                default: text.append(next)
                }
            } else {
                text.append(c)
            }
        }
        return nil
    }

    /// Skips one value; records the keys of inline tables under `path`.
    mutating func scanValue(path: [String], _ record: ([String], Int) -> Void) {
        skipSpaces()
        guard let c = current else { return }
        switch c {
        case "\"", "'":
            if peek(1) == c && peek(2) == c {
                skipMultilineString(quote: c)
            } else {
                _ = scanQuoted(quote: c)
            }
        case "[":
            advance()
            while !atEnd {
                skipBlank()
                if current == "]" { advance(); return }
                if current == "," { advance(); continue }
                if current == "}" {
                    noteTrap("Error while parsing array: expected a value or ']', saw '}'")
                }
                let before = position
                scanValue(path: path, record)
                if position == before { advance() }
            }
        case "{":
            advance()
            while !atEnd {
                skipSpaces()
                guard let c = current, c != "\n" else { return }
                if c == "}" { advance(); return }
                if c == "," { advance(); continue }
                let keyLine = line
                guard let key = scanKeyPath(), skipSpacesThen("=") else { return }
                record(path + key, keyLine)
                scanValue(path: path + key, record)
            }
        default:
            while let c = current, !" \t\r\n,]}#".unicodeScalars.contains(c) { advance() }
        }
    }

    mutating func skipMultilineString(quote: Unicode.Scalar) {
        advance(); advance(); advance()
        while let c = current {
            if c == "\\" && quote == "\"" {
                advance(); advance()
            } else if c == quote && peek(1) == quote && peek(2) == quote {
                advance(); advance(); advance()
                // Up to two more quotes may belong to the content (TOML 1.0 §String).
                while current == quote { advance() }
                return
            } else {
                advance()
            }
        }
    }
}
