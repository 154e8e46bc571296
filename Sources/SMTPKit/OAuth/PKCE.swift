import CSSL
import Foundation

/// Proof Key for Code Exchange (RFC 7636) with the S256 method, and the `state` value
/// (RFC 6749 §10.12): random values from OpenSSL's generator, base64url without padding.
public struct PKCE: Sendable, Equatable {
    /// The secret the token request proves possession of (43 characters, RFC 7636 §4.1).
    public let verifier: String
    /// `BASE64URL(SHA256(verifier))` (RFC 7636 §4.2), sent with the authorization request.
    public var challenge: String { Self.challenge(for: verifier) }

    /// A new verifier.
    public init() {
        verifier = Self.randomToken(octets: 32)
    }

    /// The S256 challenge of `verifier`.
    public static func challenge(for verifier: String) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let bytes = Array(verifier.utf8)
        _ = EVP_Digest(bytes, bytes.count, &digest, &length, EVP_sha256(), nil)
        return base64URL(Array(digest[..<Int(length)]))
    }

    /// `octets` random bytes, base64url-encoded without padding.
    public static func randomToken(octets: Int) -> String {
        var bytes = [UInt8](repeating: 0, count: octets)
        if RAND_bytes(&bytes, Int32(octets)) != 1 {
            bytes = (0..<octets).map { _ in UInt8.random(in: 0...255) }  // SystemRandomNumberGenerator is a CSPRNG too
        }
        return base64URL(bytes)
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
