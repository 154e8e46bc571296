import Foundation
import Testing
@testable import SMTPKit

@Suite("Date header (RFC 5322 §3.3)")
struct RFC5322DateTests {
    static let cases: [(seconds: TimeInterval, zone: String, expected: String)] = [
        (1_795_923_126, "Europe/Oslo", "Sun, 29 Nov 2026 04:32:06 +0100"),
        (1_795_923_126, "UTC", "Sun, 29 Nov 2026 03:32:06 +0000"),
        (1_057_049_557, "Europe/Oslo", "Tue, 1 Jul 2003 10:52:37 +0200"),
        (1_709_251_199, "America/New_York", "Thu, 29 Feb 2024 18:59:59 -0500"),
        (1_709_251_199, "Asia/Kolkata", "Fri, 1 Mar 2024 05:29:59 +0530"),
        (946_641_600, "America/St_Johns", "Fri, 31 Dec 1999 08:30:00 -0330"),
        (946_641_600, "Pacific/Kiritimati", "Sat, 1 Jan 2000 02:00:00 +1400"),
        (0, "UTC", "Thu, 1 Jan 1970 00:00:00 +0000"),
        (1_795_923_126.999, "Asia/Tokyo", "Sun, 29 Nov 2026 12:32:06 +0900"),
    ]

    @Test("exact strings", arguments: cases)
    func formats(_ testCase: (seconds: TimeInterval, zone: String, expected: String)) throws {
        let zone = try #require(TimeZone(identifier: testCase.zone))
        #expect(RFC5322Date.string(from: Date(timeIntervalSince1970: testCase.seconds), timeZone: zone)
            == testCase.expected)
    }

    /// The output never goes through a locale: a Norwegian formatter writes "søn." and "nov.",
    /// this writes "Sun" and "Nov". (The process environment is not changed here: `setenv`
    /// while other tests run in parallel threads is not thread-safe.)
    @Test func englishNamesWhateverTheLocale() throws {
        let oslo = try #require(TimeZone(identifier: "Europe/Oslo"))
        let date = Date(timeIntervalSince1970: 1_795_923_126)
        let norwegian = DateFormatter()
        norwegian.locale = Locale(identifier: "nb_NO")
        norwegian.timeZone = oslo
        norwegian.dateFormat = "EEE, d MMM yyyy HH:mm:ss Z"
        let localised = norwegian.string(from: date)
        #expect(localised != "Sun, 29 Nov 2026 04:32:06 +0100")
        #expect(RFC5322Date.string(from: date, timeZone: oslo) == "Sun, 29 Nov 2026 04:32:06 +0100")
    }

    @Test func fixedOffsetZones() throws {
        let zone = try #require(TimeZone(secondsFromGMT: -(9 * 3600 + 30 * 60)))
        #expect(RFC5322Date.string(from: Date(timeIntervalSince1970: 0), timeZone: zone)
            == "Wed, 31 Dec 1969 14:30:00 -0930")
    }

    @Test func everyMonthAndDayName() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        // The 15th of each month of 2025, noon UTC.
        let expected = [
            "Wed, 15 Jan", "Sat, 15 Feb", "Sat, 15 Mar", "Tue, 15 Apr", "Thu, 15 May", "Sun, 15 Jun",
            "Tue, 15 Jul", "Fri, 15 Aug", "Mon, 15 Sep", "Wed, 15 Oct", "Sat, 15 Nov", "Mon, 15 Dec",
        ]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        for (month, prefix) in expected.enumerated() {
            let date = try #require(calendar.date(from: DateComponents(year: 2025, month: month + 1, day: 15, hour: 12)))
            #expect(RFC5322Date.string(from: date, timeZone: utc) == "\(prefix) 2025 12:00:00 +0000")
        }
    }
}

@Suite("Message-ID (RFC 5322 §3.6.4)")
struct MessageIDTests {
    @Test func formatAndRandomness() throws {
        let id = MessageID.generate(domain: "example.no")
        let pattern = /<([0-9a-f]{32})\.([0-9a-z]+)@example\.no>/
        let match = try #require(id.wholeMatch(of: pattern))
        #expect(match.1 != String(repeating: "0", count: 32))
        let ids = Set((0..<500).map { _ in MessageID.generate(domain: "example.no") })
        #expect(ids.count == 500)
    }

    @Test("the right side falls back to localhost when the domain cannot be an id-right", arguments: [
        ("example.no", "example.no"), ("[192.0.2.1]", "[192.0.2.1]"), ("bücher.de", "localhost"),
        ("", "localhost"), ("a b", "localhost"), ("x>y", "localhost"), ("a..b", "localhost"),
    ])
    func rightSide(_ pair: (String, String)) {
        #expect(MessageID.generate(domain: pair.0).hasSuffix("@\(pair.1)>"))
    }
}
