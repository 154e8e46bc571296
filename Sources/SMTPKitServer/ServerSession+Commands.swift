import Foundation
import SMTPKit

extension ServerSession {
    /// Answers one command line (RFC 5321 §4.1.1).
    func handle(_ line: [UInt8]) throws -> Next {
        let command = String(decoding: line, as: UTF8.self)
        let verb = command.prefix { $0 != " " }.uppercased()
        let argument = command.dropFirst(verb.count).drop { $0 == " " }
        switch verb {
        case "EHLO": return try ehlo(String(argument))
        case "HELO": return try helo(String(argument))
        case "STARTTLS": return try startTLS()
        case "AUTH": return try authenticate(String(argument))
        case "MAIL": return try mail(String(argument))
        case "RCPT": return try rcpt(String(argument))
        case "DATA": return try data()
        case "BDAT": return try bdat(String(argument))
        case "RSET":
            transaction = nil
            return try answer(.rset, "250 " + text("2.0.0", "Ok"))
        case "NOOP": return try answer(.noop, "250 " + text("2.0.0", "Ok"))
        case "QUIT":
            _ = try answer(.quit, "221 " + text("2.0.0", "Bye"))
            return .close("quit")
        case "VRFY": return try answer(.noop, "252 " + text("2.0.0", "Cannot VRFY user"))
        default: return try answer(.noop, "500 " + text("5.5.2", "Error: command not recognized"))
        }
    }

    private func ehlo(_ name: String) throws -> Next {
        guard !name.isEmpty else { return try answer(.ehlo, "501 " + text("5.5.4", "Syntax: EHLO hostname")) }
        heloName = name
        transaction = nil
        var lines = ["\(configuration.hostname) greets \(name)"]
        if configuration.pipelining { lines.append("PIPELINING") }
        if let limit = configuration.sizeLimit { lines.append("SIZE \(limit)") }
        if configuration.tls == .startTLS && !isTLS { lines.append("STARTTLS") }
        if !configuration.authMechanisms.isEmpty && (isTLS || !configuration.authRequiresTLS) {
            lines.append("AUTH " + configuration.authMechanisms.joined(separator: " "))
        }
        if configuration.enhancedStatusCodes { lines.append("ENHANCEDSTATUSCODES") }
        if configuration.eightBitMIME { lines.append("8BITMIME") }
        if configuration.smtpUTF8 { lines.append("SMTPUTF8") }
        if configuration.dsn { lines.append("DSN") }
        if configuration.chunking { lines.append("CHUNKING") }
        if configuration.chunking && configuration.binaryMIME { lines.append("BINARYMIME") }
        let reply = lines.enumerated().map { index, line in
            (index == lines.count - 1 ? "250 " : "250-") + line
        }.joined(separator: "\r\n")
        return try answer(.ehlo, reply)
    }

    private func helo(_ name: String) throws -> Next {
        guard !name.isEmpty else { return try answer(.helo, "501 Syntax: HELO hostname") }
        heloName = name
        transaction = nil
        return try answer(.helo, "250 \(configuration.hostname)")
    }

    private func startTLS() throws -> Next {
        guard configuration.tls == .startTLS, !isTLS, let context = server.tlsContext else {
            return try answer(.startTLS, "502 " + text("5.5.1", "STARTTLS not available"))
        }
        let next = try answer(.startTLS, "220 " + text("2.0.0", "Ready to start TLS"))
        guard case .proceed = next else { return next }
        if configuration.faults.contains(.closeNotifyInHandshake) {
            _ = try readRaw()  // the ClientHello
            try write([0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00])  // alert: warning, close_notify
            return .close("close_notify in handshake")
        }
        discardBufferedInput()
        try connection.acceptTLS(context: context, deadline: .after(seconds: configuration.idleTimeout))
        isTLS = true
        record.tlsVersion = connection.tlsInfo?.protocolVersion
        record.received.removeAll()
        heloName = nil
        transaction = nil
        return .proceed
    }

    private func mail(_ argument: String) throws -> Next {
        guard heloName != nil else { return try answer(.mail, "503 " + text("5.5.1", "Error: send HELO/EHLO first")) }
        guard transaction == nil else { return try answer(.mail, "503 " + text("5.5.1", "Error: nested MAIL command")) }
        if configuration.requireAuthentication && authenticatedUser == nil {
            return try answer(.mail, "530 " + text("5.7.0", "Authentication required"))
        }
        guard let (address, parameters) = Self.path(argument, keyword: "FROM:") else {
            return try answer(.mail, "501 " + text("5.5.4", "Syntax: MAIL FROM:<address>"))
        }
        if let limit = configuration.sizeLimit, let size = Self.sizeParameter(parameters), size > limit {
            return try answer(.mail, "552 " + text("5.3.4", "Message size exceeds fixed limit"))
        }
        let next = try answer(.mail, "250 " + text("2.1.0", "Ok"))
        if case .proceed = next { transaction = Transaction(from: address, parameters: parameters) }
        return next
    }

    private func rcpt(_ argument: String) throws -> Next {
        guard transaction != nil else { return try answer(.rcpt, "503 " + text("5.5.1", "Error: need MAIL command")) }
        guard let (address, _) = Self.path(argument, keyword: "TO:"), !address.isEmpty else {
            return try answer(.rcpt, "501 " + text("5.5.4", "Syntax: RCPT TO:<address>"))
        }
        if let refusal = configuration.refusedRecipients[address.lowercased()] {
            return try answer(.rcpt, refusal)
        }
        let next = try answer(.rcpt, "250 " + text("2.1.5", "Ok"))
        if case .proceed = next { transaction?.recipients.append(address) }
        return next
    }

    private func data() throws -> Next {
        guard let current = transaction else { return try answer(.data, "503 " + text("5.5.1", "Error: need MAIL command")) }
        guard !current.recipients.isEmpty else { return try answer(.data, "554 " + text("5.5.1", "Error: no valid recipients")) }
        let next = try answer(.data, "354 End data with <CR><LF>.<CR><LF>")
        guard case .proceed = next else { return next }
        let cutOff = configuration.faults.lazy.compactMap { fault -> (Int, [String])? in
            if case .replyDuringData(let bytes, let lines) = fault { return (bytes, lines) }
            return nil
        }.first
        var content: [UInt8] = []
        while true {
            if let (bytes, lines) = cutOff, content.count >= bytes {
                try write(Array(lines.map { $0 + "\r\n" }.joined().utf8))
                return .close("replied during DATA")
            }
            guard let line = try nextLine(isData: true) else { return .close("closed during DATA") }
            if line == [UInt8(ascii: ".")] { break }
            content += line.first == UInt8(ascii: ".") ? line.dropFirst() : line[...]
            content += [13, 10]
        }
        return try accept(content, of: current)
    }

    /// `BDAT size [LAST]` (RFC 3030 §2): the octets are read whatever the verdict, so the
    /// dialogue stays in step; the message is taken at LAST.
    private func bdat(_ argument: String) throws -> Next {
        let words = argument.split(separator: " ")
        guard configuration.chunking, let size = words.first.flatMap({ Int($0) }), size >= 0,
              words.count == 1 || (words.count == 2 && words[1].uppercased() == "LAST") else {
            return try answer(.bdat, "501 " + text("5.5.4", "Syntax: BDAT size [LAST]"))
        }
        let last = words.count == 2
        guard let octets = try readOctets(size) else { return .close("closed during BDAT") }
        let event: ServerEvent = last ? .endOfData : .bdat
        guard var current = transaction else { return try answer(event, "503 " + text("5.5.1", "Error: need MAIL command")) }
        guard !current.recipients.isEmpty else { return try answer(event, "554 " + text("5.5.1", "Error: no valid recipients")) }
        current.chunks += octets
        transaction = current
        if !last { return try answer(.bdat, "250 " + text("2.0.0", "\(size) octets received")) }
        return try accept(current.chunks, of: current)
    }

    /// Ends a transaction with `content`: the SIZE limit, then the queue id, and the record.
    private func accept(_ content: [UInt8], of current: Transaction) throws -> Next {
        transaction = nil
        if let limit = configuration.sizeLimit, content.count > limit {
            return try answer(.endOfData, "552 " + text("5.3.4", "Message size exceeds fixed limit"))
        }
        let id = String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 16, uppercase: true)
        let reply = try answer(.endOfData, "250 " + text("2.0.0", "Ok: queued as \(id)"))
        if case .proceed = reply {
            server.record(ReceivedMessage(
                heloName: heloName ?? "", mailFrom: current.from, mailParameters: current.parameters,
                recipients: current.recipients, data: content, overTLS: isTLS, authenticatedUser: authenticatedUser))
        }
        return reply
    }

    /// Parses `FROM:<a@b> SIZE=1` into the address and its parameters.
    static func path(_ argument: String, keyword: String) -> (String, [String])? {
        guard argument.uppercased().hasPrefix(keyword) else { return nil }
        let rest = argument.dropFirst(keyword.count).drop { $0 == " " }
        guard rest.first == "<", let close = rest.firstIndex(of: ">") else { return nil }
        let address = String(rest[rest.index(after: rest.startIndex)..<close])
        let parameters = rest[rest.index(after: close)...].split(separator: " ").map(String.init)
        return (address, parameters)
    }

    static func sizeParameter(_ parameters: [String]) -> Int? {
        parameters.first { $0.uppercased().hasPrefix("SIZE=") }.flatMap { Int($0.dropFirst(5)) }
    }
}
