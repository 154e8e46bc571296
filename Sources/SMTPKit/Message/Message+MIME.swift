extension Message {
    /// The message's MIME tree (RFC 2045–2049), attachments opened:
    /// - text alone: one `text/plain` part (also when everything is empty);
    /// - text and HTML: `multipart/alternative`, text first (RFC 2046 §5.1.4);
    /// - HTML with inline parts: `multipart/related` (RFC 2387) whose root is the alternative or
    ///   the HTML part, followed by the inline parts with their Content-ID (RFC 2392);
    /// - any other attachment: `multipart/mixed` with the body first, then the attachments;
    ///   inline parts of a message without HTML go there too, marked `inline`;
    /// - an empty ``body`` is left out when there is HTML or an attachment;
    /// - ``bodyFile`` and ``htmlBodyFile``, when set, are streamed in place of ``body`` and ``htmlBody``.
    func mimeTree(options: RenderOptions, boundaries: inout MIMEBoundaryGenerator) throws -> MIMEEntity {
        let html = try htmlBodyFile.map { try MIMETextPart(subtype: "html", file: $0, allow8Bit: options.allow8Bit) }
            ?? htmlBody.map { MIMETextPart(subtype: "html", text: $0, allow8Bit: options.allow8Bit) }
        let text: MIMETextPart?
        if let bodyFile {
            let part = try MIMETextPart(subtype: "plain", file: bodyFile, allow8Bit: options.allow8Bit)
            text = part.stream?.isEmpty == true && (html != nil || !attachments.isEmpty) ? nil : part
        } else {
            text = body.isEmpty && (html != nil || !attachments.isEmpty)
                ? nil : MIMETextPart(subtype: "plain", text: body, allow8Bit: options.allow8Bit)
        }

        var related: [MIMEEntity] = []
        var mixed: [MIMEEntity] = []
        var contentIDs = Set<String>()
        for (index, attachment) in attachments.enumerated() {
            let header = try attachment.partHeader()
            if attachment.disposition == .inline || attachment.contentID != nil, let id = attachment.resolvedContentID,
               !contentIDs.insert(id).inserted {
                throw MessageError.invalidHeader(
                    name: "Content-ID",
                    reason: "two parts have the Content-ID <\(id)>; give each inline part its own contentID (RFC 2392)")
            }
            let name: String
            if case .file(let path) = attachment.source {
                name = path
            } else {
                name = attachment.filename ?? "attachment \(index + 1)"
            }
            let entity = MIMEEntity.attachment(header: header, body: try AttachmentEncoder(source: attachment.source, name: name))
            if attachment.disposition == .inline, html != nil {
                related.append(entity)
            } else {
                mixed.append(entity)
            }
        }

        let unencoded = [text, html].compactMap { $0 }.filter(\.isUnencoded).map(\.encoded)
        var root: MIMEEntity
        switch (text, html) {
        case (let text?, let html?):
            root = .multipart(subtype: "alternative", boundary: boundaries.make(avoiding: unencoded),
                              parameters: [], parts: [.text(text), .text(html)])
        case (nil, let html?):
            root = .text(html)
        case (let text?, nil):
            root = .text(text)
        case (nil, nil):
            // Attachments only: the mixed part below holds them all.
            return .multipart(subtype: "mixed", boundary: boundaries.make(avoiding: unencoded), parameters: [], parts: mixed)
        }
        if !related.isEmpty {
            let rootType = text != nil ? "multipart/alternative" : "text/html"
            root = .multipart(subtype: "related", boundary: boundaries.make(avoiding: unencoded),
                              parameters: ["type=\"" + rootType + "\""], parts: [root] + related)
        }
        if !mixed.isEmpty {
            root = .multipart(subtype: "mixed", boundary: boundaries.make(avoiding: unencoded),
                              parameters: [], parts: [root] + mixed)
        }
        return root
    }
}

extension MIMEEntity {
    /// True when a text part in the tree is written `8bit` (it needs `BODY=8BITMIME`, RFC 6152).
    var hasEightBitPart: Bool {
        switch self {
        case .text(let part): part.encoding == .eightBit
        case .attachment: false
        case .multipart(_, _, _, let parts): parts.contains { $0.hasEightBitPart }
        }
    }
}
