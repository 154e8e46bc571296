import Foundation
import Testing
import SMTPKit

/// The token store (issue 7, part 3): private files, atomic writes, no lost rotated refresh token.
@Suite struct TokenStoreTests {
    static func temporaryStore() throws -> (TokenStore, String) {
        let base = NSTemporaryDirectory() + "/smtpkit-tokens-\(UUID().uuidString)"
        return (TokenStore(directory: base + "/state/smtpkit"), base)
    }

    static func tokens(refresh: String = "R1", access: String = "A1") -> OAuthTokens {
        OAuthTokens(user: "me@example.org", provider: "microsoft", clientID: "client-id", tenant: "organizations",
                    scopes: ["https://outlook.office.com/SMTP.Send", "offline_access"], refreshToken: refresh,
                    accessToken: access, accessTokenExpiresAt: Date(timeIntervalSince1970: 1_800_000_000))
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o7777
    }

    static func oauthError(_ body: () throws -> Void) -> OAuthError? {
        do { try body() } catch let error as OAuthError { return error } catch { Issue.record("\(error)") }
        return nil
    }

    @Test func aSavedLoginReadsBackFromAPrivateFileInAPrivateDirectory() throws {
        let (store, base) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        #expect(try store.load(profile: "office365") == nil)
        try store.save(Self.tokens(), profile: "office365")
        let loaded = try #require(try store.load(profile: "office365"))
        #expect(loaded.refreshToken == "R1")
        #expect(loaded.accessSecret?.value == "A1")
        #expect(loaded.accessTokenExpiresAt == Date(timeIntervalSince1970: 1_800_000_000))
        #expect(try Self.mode(store.directory) == 0o700)
        #expect(try Self.mode(store.path(for: "office365")) == 0o600)
        #expect(try store.profiles() == ["office365"])
        let text = try String(contentsOfFile: store.path(for: "office365"), encoding: .utf8)
        #expect(text.contains("\"refresh_token\" : \"R1\""), "documented JSON keys: \(text)")
    }

    @Test func aFileOrDirectoryOthersCanReadIsRefused() throws {
        let (store, base) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try store.save(Self.tokens(), profile: "p")
        chmod(store.path(for: "p"), 0o644)
        let file = Self.oauthError { _ = try store.load(profile: "p") }
        #expect(file?.kind == .storeInsecure)
        #expect(file?.description.contains("chmod 600 \(store.path(for: "p"))") == true)
        chmod(store.path(for: "p"), 0o600)
        chmod(store.directory, 0o755)
        let directory = Self.oauthError { _ = try store.load(profile: "p") }
        #expect(directory?.kind == .storeInsecure)
        #expect(directory?.description.contains("chmod 700") == true)
        #expect(Self.oauthError { try store.save(Self.tokens(), profile: "p") }?.kind == .storeInsecure, "nor written to")
    }

    @Test func aCorruptDocumentIsReportedNotGuessed() throws {
        let (store, base) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try store.save(Self.tokens(), profile: "p")
        try Data("{\"user\": \"me\"".utf8).write(to: URL(fileURLWithPath: store.path(for: "p")))
        chmod(store.path(for: "p"), 0o600)
        let error = Self.oauthError { _ = try store.load(profile: "p") }
        #expect(error?.kind == .storeCorrupt)
        #expect(error?.underlying is DecodingError)
    }

    @Test func aWriteIsAtomicAndLeavesNoTemporaryFile() throws {
        let (store, base) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try store.save(Self.tokens(refresh: "R1"), profile: "p")
        try store.save(Self.tokens(refresh: "R2"), profile: "p")
        #expect(try store.load(profile: "p")?.refreshToken == "R2")
        let names = try FileManager.default.contentsOfDirectory(atPath: store.directory)
        #expect(!names.contains { $0.hasSuffix(".tmp") }, "\(names)")
    }

    @Test func profileNamesCannotLeaveTheDirectory() throws {
        let (store, base) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        for name in ["../../etc/passwd", "a/b", ".hidden", ""] {
            let path = store.path(for: name)
            #expect(!String(path.dropFirst(store.directory.count + 1)).contains("/"), "\(path)")
            #expect(!path.hasPrefix(store.directory + "/.."), "\(path)")
        }
        try store.save(Self.tokens(), profile: "../../x")
        #expect(try store.profiles() == ["../../x"])
        #expect(!FileManager.default.fileExists(atPath: base + "/x.json"))
    }

    /// Two writers that each read the refresh token, "use" it and save the next one: with the lock
    /// held from the read to the write, every rotation is seen by the next — none is lost.
    @Test func concurrentRefreshesNeverLoseARotatedRefreshToken() async throws {
        let (store, base) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try store.save(Self.tokens(refresh: "R0"), profile: "p")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    try await Self.onThread {
                        for _ in 0..<25 {
                            try store.update(profile: "p") { tokens in
                                let n = Int(tokens?.refreshToken?.dropFirst() ?? "") ?? -1000
                                usleep(200)  // the token request in between
                                tokens?.refreshToken = "R\(n + 1)"
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try store.load(profile: "p")?.refreshToken == "R50")
    }

    @Test func deleteIsALogout() throws {
        let (store, base) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: base) }
        try store.save(Self.tokens(), profile: "p")
        try store.delete(profile: "p")
        #expect(try store.load(profile: "p") == nil)
        #expect(try store.profiles().isEmpty)
        try store.delete(profile: "never-there")
    }

    @Test func theDefaultDirectoryFollowsXDG() {
        #expect(TokenStore.defaultDirectory(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/smtpkit")
        #expect(TokenStore.defaultDirectory(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]) == "/h/.local/state/smtpkit")
        #expect(TokenStore.defaultDirectory(environment: ["HOME": "/h"]) == "/h/.local/state/smtpkit")
    }

    static func onThread(_ body: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
