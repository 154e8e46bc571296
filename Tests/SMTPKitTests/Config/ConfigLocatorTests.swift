import Foundation
import Testing
@testable import SMTPKit

@Suite("Config file search order")
struct ConfigLocatorTests {
    /// A home with `~/.config/smtpkit/config.toml`, an XDG folder with its own, and one more file.
    struct Homes {
        let dir: ConfigTempDirectory
        let home: String
        let homeConfig: String
        let xdg: String
        let xdgConfig: String
        let explicit: String
        let fromEnvironment: String

        init() throws {
            dir = try ConfigTempDirectory()
            home = try dir.makeFolder("home")
            homeConfig = try dir.write("home/.config/smtpkit/config.toml", "")
            xdg = try dir.makeFolder("xdg")
            xdgConfig = try dir.write("xdg/smtpkit/config.toml", "")
            explicit = try dir.write("elsewhere/explicit.toml", "")
            fromEnvironment = try dir.write("elsewhere/env.toml", "")
        }
    }

    @Test func explicitPathWinsOverEverything() throws {
        let h = try Homes()
        let env = ["SMTPKIT_CONFIG": h.fromEnvironment, "XDG_CONFIG_HOME": h.xdg]
        #expect(try ConfigLocator.resolve(explicitPath: h.explicit, environment: env, homeDirectory: h.home)
            == h.explicit)
    }

    @Test func environmentVariableIsNext() throws {
        let h = try Homes()
        let env = ["SMTPKIT_CONFIG": h.fromEnvironment, "XDG_CONFIG_HOME": h.xdg]
        #expect(try ConfigLocator.resolve(explicitPath: nil, environment: env, homeDirectory: h.home)
            == h.fromEnvironment)
    }

    @Test func xdgConfigHomeIsNext() throws {
        let h = try Homes()
        #expect(try ConfigLocator.resolve(
            explicitPath: nil, environment: ["XDG_CONFIG_HOME": h.xdg], homeDirectory: h.home) == h.xdgConfig)
    }

    @Test func homeConfigIsLast() throws {
        let h = try Homes()
        #expect(try ConfigLocator.resolve(explicitPath: nil, environment: [:], homeDirectory: h.home)
            == h.homeConfig)
    }

    @Test(arguments: ["", "relative/dir"])
    func emptyOrRelativeXDGIsIgnored(xdg: String) throws {
        let h = try Homes()
        let env = ["XDG_CONFIG_HOME": xdg, "SMTPKIT_CONFIG": ""]
        #expect(try ConfigLocator.resolve(explicitPath: nil, environment: env, homeDirectory: h.home)
            == h.homeConfig)
    }

    @Test func xdgWithoutAFileMeansNoConfig() throws {
        let h = try Homes()
        let emptyXDG = try h.dir.makeFolder("empty-xdg")
        #expect(try ConfigLocator.resolve(
            explicitPath: nil, environment: ["XDG_CONFIG_HOME": emptyXDG], homeDirectory: h.home) == nil)
    }

    @Test func noFileAnywhereIsFine() throws {
        let dir = try ConfigTempDirectory()
        #expect(try ConfigLocator.resolve(explicitPath: nil, environment: [:], homeDirectory: dir.path) == nil)
    }

    @Test func missingExplicitFileIsAnError() throws {
        let h = try Homes()
        let missing = h.dir.path + "/missing.toml"
        let error = configError {
            _ = try ConfigLocator.resolve(explicitPath: missing, environment: [:], homeDirectory: h.home)
        }
        #expect(error == .fileNotFound(path: missing))
        #expect(error?.origin == nil, "the caller named it; the CLI says --config")
        #expect(error?.description == "\(missing): config file not found. Check the path.")
    }

    @Test func missingEnvironmentFileIsAnErrorEvenWhenHomeHasOne() throws {
        let h = try Homes()
        let missing = h.dir.path + "/missing.toml"
        let error = configError {
            _ = try ConfigLocator.resolve(
                explicitPath: nil, environment: ["SMTPKIT_CONFIG": missing], homeDirectory: h.home)
        }
        #expect(error == .fileNotFound(path: missing, origin: "$SMTPKIT_CONFIG"))
        #expect(error?.description.contains("(named by $SMTPKIT_CONFIG)") == true)
    }

    @Test func explicitTildeIsExpanded() throws {
        let h = try Homes()
        #expect(try ConfigLocator.resolve(
            explicitPath: "~/.config/smtpkit/config.toml", environment: [:], homeDirectory: h.home)
            == h.home + "/.config/smtpkit/config.toml")
    }

    @Test func explicitDirectoryIsUnreadable() throws {
        let h = try Homes()
        let error = configError {
            _ = try ConfigLocator.resolve(explicitPath: h.xdg, environment: [:], homeDirectory: h.home)
        }
        #expect(error?.kind == .unreadable)
        #expect(error?.description == "\(h.xdg): cannot read the config file: it is a directory. "
            + "Check that it is a readable UTF-8 text file.")
    }

    @Test func defaultLocationThatIsADirectoryIsUnreadable() throws {
        let dir = try ConfigTempDirectory()
        try dir.makeFolder(".config/smtpkit/config.toml")
        let error = configError {
            _ = try ConfigLocator.resolve(explicitPath: nil, environment: [:], homeDirectory: dir.path)
        }
        #expect(error?.kind == .unreadable)
    }
}
