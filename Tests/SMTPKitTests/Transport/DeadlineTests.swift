import Foundation
import Testing
@testable import SMTPKit

/// ``Deadline``: the one-deadline-per-reply rule rests on it (RFC 5321 §4.5.3.2, DESIGN.md).
/// These tests compare deadlines with each other, never with the wall clock.
struct DeadlineTests {
    @Test func neverNeverPasses() {
        #expect(!Deadline.never.hasPassed)
        #expect(Deadline.never.secondsLeft == .infinity)
        #expect(Deadline.never.budget == .infinity)
        #expect(Deadline.never.pollTimeout == -1)
    }

    @Test(arguments: [Double.infinity, .nan, 1e9, 1e12])
    func unrepresentableDurationsMeanNever(seconds: Double) {
        #expect(Deadline.after(seconds: seconds) == .never)
    }

    @Test(arguments: [0.0, -1, -1e12])
    func zeroOrNegativeHasAlreadyPassed(seconds: Double) {
        let deadline = Deadline.after(seconds: seconds)
        #expect(deadline.hasPassed)
        #expect(deadline.secondsLeft == 0)
        #expect(deadline.pollTimeout == 0)
        #expect(deadline != .never)
    }

    @Test func aFarDeadlineHasNotPassed() {
        let deadline = Deadline.after(seconds: 3600)
        #expect(!deadline.hasPassed)
        #expect(deadline.secondsLeft > 0)
        #expect(deadline.secondsLeft <= 3600)
        #expect(deadline.budget == 3600)
        #expect(deadline.pollTimeout > 0)
        #expect(deadline.pollTimeout <= 3_600_000)
    }

    @Test func earliestPicksTheSoonerOne() {
        let soon = Deadline.after(seconds: 10)
        let later = Deadline.after(seconds: 1000)
        #expect(soon < later)
        #expect(soon.earliest(later) == soon)
        #expect(later.earliest(soon) == soon)
        #expect(soon.earliest(.never) == soon)
        #expect(Deadline.never.earliest(later) == later)
        #expect(Deadline.never.earliest(.never) == .never)
        let passed = Deadline.after(seconds: -5)
        #expect(later.earliest(passed).hasPassed)
    }

    @Test func budgetIsWhatWasAskedFor() {
        #expect(Deadline.after(seconds: 1.5).budget == 1.5)
        #expect(Deadline.after(seconds: 300).budget == 300)
    }

    @Test func deadlinesAreHashableByInstant() {
        let deadline = Deadline.after(seconds: 100)
        let set: Set<Deadline> = [deadline, deadline, .never]
        #expect(set.count == 2)
    }
}
