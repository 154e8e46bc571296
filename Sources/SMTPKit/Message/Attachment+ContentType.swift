extension Attachment {
    /// The media type used when nothing better is known (RFC 2046 §4.5.1).
    public static let defaultContentType = "application/octet-stream"

    /// The media type for a file name, from its extension, case-insensitively
    /// (`Report.PDF` → `application/pdf`, `archive.tar.gz` → `application/gzip`); names are the
    /// IANA-registered types where one exists. Unknown extensions, names without one and
    /// dot files (`.bashrc`) give `application/octet-stream` (RFC 2046 §4.5.1).
    public static func contentType(forFilename filename: String) -> String {
        let name = lastPathComponent(filename) ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return defaultContentType }
        let ext = name[name.index(after: dot)...].lowercased()
        return mediaTypes[ext] ?? defaultContentType
    }

    /// Extension → media type, for ``contentType(forFilename:)``.
    static let mediaTypes: [String: String] = [
        // Text and documents
        "txt": "text/plain", "text": "text/plain", "log": "text/plain", "md": "text/markdown",
        "markdown": "text/markdown", "csv": "text/csv", "tsv": "text/tab-separated-values",
        "html": "text/html", "htm": "text/html", "css": "text/css", "js": "text/javascript",
        "mjs": "text/javascript", "ics": "text/calendar", "vcf": "text/vcard", "vcard": "text/vcard",
        "diff": "text/x-diff", "patch": "text/x-diff", "rtf": "application/rtf",
        "json": "application/json", "xml": "application/xml", "yaml": "application/yaml",
        "yml": "application/yaml", "toml": "application/toml", "sql": "application/sql",
        "pdf": "application/pdf", "ps": "application/postscript", "eps": "application/postscript",
        "epub": "application/epub+zip", "tex": "application/x-tex", "eml": "message/rfc822",
        // Office
        "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls": "application/vnd.ms-excel",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt": "application/vnd.ms-powerpoint",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt": "application/vnd.oasis.opendocument.text",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "odp": "application/vnd.oasis.opendocument.presentation",
        "odg": "application/vnd.oasis.opendocument.graphics",
        "pages": "application/vnd.apple.pages", "numbers": "application/vnd.apple.numbers",
        "key": "application/vnd.apple.keynote",
        // Images
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "jpe": "image/jpeg",
        "gif": "image/gif", "webp": "image/webp", "svg": "image/svg+xml", "bmp": "image/bmp",
        "ico": "image/vnd.microsoft.icon", "tif": "image/tiff", "tiff": "image/tiff",
        "heic": "image/heic", "heif": "image/heif", "avif": "image/avif",
        // Archives and packages
        "zip": "application/zip", "gz": "application/gzip", "tgz": "application/gzip",
        "tar": "application/x-tar", "bz2": "application/x-bzip2", "xz": "application/x-xz",
        "7z": "application/x-7z-compressed", "rar": "application/vnd.rar", "zst": "application/zstd",
        "jar": "application/java-archive", "apk": "application/vnd.android.package-archive",
        "dmg": "application/x-apple-diskimage", "iso": "application/x-iso9660-image",
        "wasm": "application/wasm",
        // Audio
        "mp3": "audio/mpeg", "wav": "audio/wav", "ogg": "audio/ogg", "oga": "audio/ogg",
        "opus": "audio/opus", "flac": "audio/flac", "m4a": "audio/mp4", "aac": "audio/aac",
        "mid": "audio/midi", "midi": "audio/midi", "weba": "audio/webm",
        // Video
        "mp4": "video/mp4", "m4v": "video/mp4", "mov": "video/quicktime", "avi": "video/x-msvideo",
        "mkv": "video/x-matroska", "webm": "video/webm", "mpeg": "video/mpeg", "mpg": "video/mpeg",
        "ogv": "video/ogg", "3gp": "video/3gpp", "wmv": "video/x-ms-wmv",
        // Fonts
        "woff": "font/woff", "woff2": "font/woff2", "ttf": "font/ttf", "otf": "font/otf",
        // Keys and signatures
        "asc": "application/pgp-signature", "sig": "application/pgp-signature",
        "p7s": "application/pkcs7-signature", "p7m": "application/pkcs7-mime",
        "pem": "application/x-pem-file", "crt": "application/x-x509-ca-cert",
        "cer": "application/pkix-cert",
    ]
}
