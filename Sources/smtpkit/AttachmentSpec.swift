import SMTPKit

/// One `--attach` value: `PATH[;inline][;type=TYPE][;name=NAME][;cid=ID]`.
///
/// `chart.png;inline` puts the file inline (multipart/related, RFC 2387) with
/// `Content-ID: <chart.png>`, so the HTML part can show it as `<img src="cid:chart.png">`.
struct AttachmentSpec: Equatable {
    var path: String
    var inline = false
    var contentType: String?
    var name: String?
    var contentID: String?

    init(parsing text: String) throws {
        var parts = text.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        path = parts.removeFirst()
        guard !path.isEmpty else { throw CLIError.usage("--attach needs a file path (PATH[;inline][;type=TYPE][;name=NAME][;cid=ID])") }
        for part in parts {
            let option = part.trimmingCharacters(in: .whitespaces)
            let (key, value) = Self.split(option)
            switch key.lowercased() {
            case "inline" where value == nil: inline = true
            case "attachment" where value == nil: inline = false
            case "type" where value?.isEmpty == false: contentType = value
            case "name" where value?.isEmpty == false: name = value
            case "cid" where value?.isEmpty == false: contentID = value
            default:
                throw CLIError.usage("--attach \(text): unknown option '\(option)'; use inline, type=TYPE, name=NAME or cid=ID")
            }
        }
    }

    private static func split(_ option: String) -> (String, String?) {
        guard let equals = option.firstIndex(of: "=") else { return (option, nil) }
        return (String(option[..<equals]), String(option[option.index(after: equals)...]))
    }

    /// The library attachment; the file is opened when the message is sent.
    var attachment: Attachment {
        var attachment = Attachment(path: path, contentType: contentType, disposition: inline ? .inline : .attachment,
                                    contentID: contentID)
        if let name { attachment.filename = name }
        return attachment
    }
}

import Foundation
