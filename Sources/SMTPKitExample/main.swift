// smtpkit-example: the README's library example as a program — a config-file profile resolved
// by the library, then COUNT messages over one connection held with `withConnection`.
// It uses only the public API of the SMTPKit product, as any Swift program would.
//
//   swift run smtpkit-example CONFIG PROFILE FROM TO [COUNT] [SUBJECT]
import Foundation
import SMTPKit

let arguments = Array(CommandLine.arguments.dropFirst())
guard (4...6).contains(arguments.count), let count = Int(arguments.count > 4 ? arguments[4] : "3"), count > 0 else {
    FileHandle.standardError.write(Data("usage: smtpkit-example CONFIG PROFILE FROM TO [COUNT] [SUBJECT]\n".utf8))
    exit(64)
}
let (configPath, profileName, from, to) = (arguments[0], arguments[1], arguments[2], arguments[3])
let subject = arguments.count > 5 ? arguments[5] : "api"

do {
    let file = try ConfigFile.load(path: configPath)
    let configuration = try SMTPClientConfiguration(resolving: file.profile(named: profileName))
    let client = SMTPClient(configuration: configuration)
    let reports = try await client.withConnection { connection in
        var reports: [DeliveryReport] = []
        for i in 1...count {
            let message = Message(from: try Mailbox(from), to: [try Mailbox(to)],
                                  subject: "\(subject) \(i)", body: "hello \(i)")
            reports.append(try await connection.send(message))
        }
        return reports
    }
    for (i, report) in reports.enumerated() {
        print("message \(i + 1) via \(report.server): \(report.finalReply)")
    }
} catch {
    FileHandle.standardError.write(Data("smtpkit-example: \(error)\n".utf8))
    exit(1)
}
