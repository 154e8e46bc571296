/// A recursive-descent parser for RFC 5322 §3.4 address lists over ``AddressToken``s.
///
/// Accepts `addr-spec`, `name-addr` (display name + angle-addr, with an ignored
/// obsolete source route, RFC 5322 §4.4 / RFC 5321 §4.1.2) and groups, which are
/// flattened to their members. Addr-specs are stricter than RFC 5322's grammar and
/// follow RFC 5321 §4.1.2: no white space or comments inside, host-name domains.
struct AddressParser {
    private let scalars: [Unicode.Scalar]
    private let tokens: [AddressToken]
    private let text: String
    private var index = 0

    init(_ text: String) throws(MessageError) {
        self.text = text
        self.scalars = Array(text.unicodeScalars)
        if let problem = AddressLexer.controlCharacterProblem(in: text) {
            throw .invalidAddress(text, reason: problem)
        }
        do {
            self.tokens = try AddressLexer.tokens(scalars)
        } catch {
            throw .invalidAddress(text, reason: error.reason)
        }
    }

    /// Parses exactly one mailbox: no list, no group (RFC 5322 §3.4 `mailbox`).
    mutating func parseSingle() throws(MessageError) -> Mailbox {
        guard !tokens.isEmpty else { throw .invalidAddress(text, reason: "the address is empty") }
        if groupColon() != nil {
            throw .invalidAddress(text, reason: "it is a group (\"name: addresses;\"); give a single address")
        }
        var depth = 0
        for token in tokens {
            if token.isSpecial("<") { depth += 1 }
            if token.isSpecial(">") { depth -= 1 }
            if token.isSpecial(","), depth == 0 {
                throw .invalidAddress(text, reason: "it contains more than one address (separated by ','); "
                    + "give one, or quote a display name that contains a comma")
            }
        }
        let mailbox: Mailbox
        do {
            mailbox = try self.mailbox(inGroup: false)
        } catch {
            throw .invalidAddress(text, reason: error.reason)
        }
        if index < tokens.count {
            throw .invalidAddress(text, reason: "unexpected '\(tokens[index].display)' after the address")
        }
        return mailbox
    }

    /// Parses an address list (RFC 5322 §3.4 `address-list`), skipping empty items and
    /// flattening groups to their members.
    mutating func parseList() throws(MessageError) -> [Mailbox] {
        var result: [Mailbox] = []
        var groupStart: Int?
        while index < tokens.count {
            let token = tokens[index]
            if token.isSpecial(",") {
                index += 1
                continue
            }
            if token.isSpecial(";"), groupStart != nil {
                groupStart = nil
                index += 1
                continue
            }
            if let colon = groupColon() {
                if groupStart != nil {
                    throw .invalidAddress(itemText(from: index), reason: "groups cannot be nested")
                }
                try checkGroupName(upTo: colon)
                groupStart = index
                index = colon + 1
                continue
            }
            let start = index
            let inGroup = groupStart != nil
            result.append(try withItemText(from: start) { parser throws(AddressSyntaxError) in
                try parser.mailbox(inGroup: inGroup)
            })
            if index < tokens.count, !tokens[index].isSpecial(","), !(inGroup && tokens[index].isSpecial(";")) {
                throw .invalidAddress(
                    itemText(from: start), reason: "unexpected '\(tokens[index].display)' after the address")
            }
        }
        if let groupStart {
            throw .invalidAddress(
                itemText(from: groupStart), reason: "the group is never closed with ';' (RFC 5322 §3.4)")
        }
        return result
    }

    // MARK: - Items

    private mutating func withItemText<T>(
        from start: Int, _ body: (inout AddressParser) throws(AddressSyntaxError) -> T
    ) throws(MessageError) -> T {
        do {
            return try body(&self)
        } catch {
            throw .invalidAddress(itemText(from: start), reason: error.reason)
        }
    }

    /// The source text of the list item starting at token `start`: up to the next ','
    /// outside angle brackets, so a list error shows only the offending address.
    private func itemText(from start: Int) -> String {
        guard start < tokens.count else { return text }
        var end = tokens.count
        var depth = 0
        for position in start..<tokens.count {
            let token = tokens[position]
            if token.isSpecial("<") { depth += 1 }
            if token.isSpecial(">") { depth = max(0, depth - 1) }
            if token.isSpecial(","), depth == 0, position > start {
                end = position
                break
            }
        }
        let lower = tokens[start].range.lowerBound
        let upper = tokens[end - 1].range.upperBound
        var item = ""
        item.unicodeScalars.append(contentsOf: scalars[lower..<upper])
        return item
    }

    /// The index of the ':' when the item at `index` is a group (`display-name ":"`).
    private func groupColon() -> Int? {
        var position = index
        while position < tokens.count {
            let token = tokens[position]
            if token.isSpecial(":") { return position }
            if case .special(let scalar) = token.kind, "<>@,;".unicodeScalars.contains(scalar) { return nil }
            position += 1
        }
        return nil
    }

    private func checkGroupName(upTo colon: Int) throws(MessageError) {
        do {
            _ = try phrase(tokens[index..<colon])
        } catch {
            throw .invalidAddress(itemText(from: index), reason: error.reason)
        }
    }

    /// One mailbox (RFC 5322 §3.4): `addr-spec` or `[display-name] angle-addr`.
    private mutating func mailbox(inGroup: Bool) throws(AddressSyntaxError) -> Mailbox {
        let start = index
        var position = index
        while position < tokens.count {
            let token = tokens[position]
            if case .special(let scalar) = token.kind, "<>@,;:".unicodeScalars.contains(scalar) { break }
            position += 1
        }
        let stop = position < tokens.count ? tokens[position] : nil
        switch stop?.kind {
        case .special("<"):
            let name = try phrase(tokens[start..<position])
            index = position + 1
            if index < tokens.count, tokens[index].isSpecial(">") {
                throw AddressSyntaxError("the address between '<' and '>' is empty")
            }
            try skipRoute()
            let (local, domain) = try addrSpec()
            guard index < tokens.count else {
                throw AddressSyntaxError("unbalanced angle brackets: a '<' is never closed")
            }
            guard tokens[index].isSpecial(">") else {
                throw AddressSyntaxError("unexpected '\(tokens[index].display)' inside the angle brackets")
            }
            index += 1
            return try Mailbox(validatedDisplayName: name, localPart: local, domain: domain)
        case .special("@"):
            let (local, domain) = try addrSpec()
            if index < tokens.count, tokens[index].isSpecial(">") {
                throw AddressSyntaxError("unbalanced angle brackets: '>' without a matching '<'")
            }
            return try Mailbox(validatedDisplayName: nil, localPart: local, domain: domain)
        case .special(">"):
            throw AddressSyntaxError("unbalanced angle brackets: '>' without a matching '<'")
        case .special(":") where inGroup:
            throw AddressSyntaxError("groups cannot be nested")
        default:
            if position == start { throw AddressSyntaxError("the address is empty") }
            throw AddressSyntaxError("it has no '@' (an address looks like name@example.org)")
        }
    }

    /// Skips an obsolete source route `@a,@b:` inside angle brackets (RFC 5322 §4.4);
    /// RFC 5321 §4.1.2 says it must be accepted and ignored.
    private mutating func skipRoute() throws(AddressSyntaxError) {
        guard index < tokens.count, tokens[index].isSpecial("@") else { return }
        var position = index
        while position < tokens.count, !tokens[position].isSpecial(":") {
            if tokens[position].isSpecial(">") {
                throw AddressSyntaxError("the local part (before '@') is empty")
            }
            position += 1
        }
        guard position < tokens.count else {
            throw AddressSyntaxError("unbalanced angle brackets: a '<' is never closed")
        }
        index = position + 1
    }

    /// A display name (RFC 5322 §3.2.5 `phrase`, with obsolete '.' accepted): words joined by
    /// one space where the input had white space. Nil when there are no words.
    private func phrase(_ slice: ArraySlice<AddressToken>) throws(AddressSyntaxError) -> String? {
        var name = ""
        var previousWasEncoded = false
        for token in slice {
            if case .atom(let word) = token.kind, let decoded = EncodedWord.decode(word: word) {
                // White space between two encoded words is not part of the text (RFC 2047 §6.2).
                if token.spaceBefore, !name.isEmpty, !previousWasEncoded { name += " " }
                // A decoded CR, LF or other control character never reaches a header again.
                name += String(String.UnicodeScalarView(decoded.unicodeScalars.map { scalar in
                    AddressLexer.controlCharacterProblem(in: String(scalar)) == nil ? scalar : " "
                }))
                previousWasEncoded = true
                continue
            }
            previousWasEncoded = false
            if token.spaceBefore, !name.isEmpty { name += " " }
            switch token.kind {
            case .atom(let word), .quoted(let word): name += word
            case .special("."): name += "."
            default:
                throw AddressSyntaxError(
                    "the display name contains '\(token.display)'; put the name in double quotes")
            }
        }
        return name.isEmpty ? nil : name
    }

    /// An addr-spec (RFC 5322 §3.4.1) with no white space or comments inside (RFC 5321 §4.1.2).
    private mutating func addrSpec() throws(AddressSyntaxError) -> (String, String) {
        let local = try localPart()
        guard index < tokens.count, tokens[index].isSpecial("@") else {
            if index < tokens.count, !tokens[index].isSpecial(">") {
                throw AddressSyntaxError("the local part contains '\(tokens[index].display)' outside quotes")
            }
            throw AddressSyntaxError("it has no '@' (an address looks like name@example.org)")
        }
        if tokens[index].spaceBefore { throw spaceError() }
        index += 1
        let domain = try domainPart()
        if index < tokens.count, !tokens[index].spaceBefore {
            switch tokens[index].kind {
            case .special("@"):
                throw AddressSyntaxError("it contains more than one '@'; quote the local part if it has one")
            case .atom, .quoted, .literal:
                throw AddressSyntaxError("unexpected '\(tokens[index].display)' after the domain")
            default: break
            }
        }
        if index < tokens.count, tokens[index].isSpecial("@") {
            throw AddressSyntaxError("it contains more than one '@'; quote the local part if it has one")
        }
        return (local, domain)
    }

    private func spaceError() -> AddressSyntaxError {
        AddressSyntaxError("it contains white space or a comment inside the address; "
            + "remove it, or quote the local part (\"john doe\"@example.org)")
    }

    private mutating func localPart() throws(AddressSyntaxError) -> String {
        let first = index
        var parts: [AddressToken] = []
        while index < tokens.count, !tokens[index].isSpecial("@") {
            if case .special(let scalar) = tokens[index].kind, scalar != "." { break }
            if index > first, tokens[index].spaceBefore { throw spaceError() }
            parts.append(tokens[index])
            index += 1
        }
        guard !parts.isEmpty else { throw AddressSyntaxError("the local part (before '@') is empty") }
        if case .quoted(let content) = parts[0].kind {
            guard parts.count == 1 else {
                throw AddressSyntaxError("the local part mixes quoted and unquoted text; quote all of it")
            }
            guard !content.isEmpty else { throw AddressSyntaxError("the local part (before '@') is empty") }
            return content
        }
        var local = ""
        var expectWord = true
        for token in parts {
            switch token.kind {
            case .atom(let word) where expectWord:
                local += word
                expectWord = false
            case .special(".") where !expectWord:
                local += "."
                expectWord = true
            case .special("."):
                throw AddressSyntaxError(local.isEmpty
                    ? "the local part starts with '.'; quote it if that is intended"
                    : "the local part has two dots in a row; quote it if that is intended")
            case .quoted:
                throw AddressSyntaxError("the local part mixes quoted and unquoted text; quote all of it")
            default:
                throw AddressSyntaxError("the local part contains '\(token.display)' outside quotes")
            }
        }
        if expectWord { throw AddressSyntaxError("the local part ends with '.'; quote it if that is intended") }
        return local
    }

    private mutating func domainPart() throws(AddressSyntaxError) -> String {
        guard index < tokens.count else { throw AddressSyntaxError("the domain (after '@') is empty") }
        if tokens[index].spaceBefore { throw spaceError() }
        if case .literal(let literal) = tokens[index].kind {
            index += 1
            return literal
        }
        var domain = ""
        while index < tokens.count, domain.isEmpty || !tokens[index].spaceBefore {
            switch tokens[index].kind {
            case .atom(let word): domain += word
            case .special("."): domain += "."
            default:
                if domain.isEmpty { throw AddressSyntaxError("the domain (after '@') is empty") }
                return domain
            }
            index += 1
        }
        if domain.isEmpty { throw AddressSyntaxError("the domain (after '@') is empty") }
        return domain
    }
}
