/// Punycode (RFC 3492): the Bootstring encoding that writes a Unicode label with the letters,
/// digits and hyphen of a host name, used by IDNA for `xn--` labels (RFC 5891 §4.4).
///
/// The encoder and decoder follow RFC 3492 §6.2–§6.4 with the Punycode parameters of §5;
/// arithmetic overflow (§6.4) is reported as an error rather than wrapping.
enum Punycode {
    /// The Punycode parameters (RFC 3492 §5).
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
    private static let initialBias = 72, initialN = 0x80
    /// A bound well inside `Int` for the §6.4 overflow checks.
    private static let maxValue = Int(Int32.max)

    /// An error from ``encode(_:)`` or ``decode(_:)``.
    struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// What went wrong, as a sentence.
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The Punycode of `text` (RFC 3492 §6.3), without the `xn--` prefix: its basic (ASCII)
    /// code points first, a `-` when there are any, then the encoded insertions. The case of
    /// the ASCII characters is kept (§5 mixed-case annotation is not used).
    static func encode(_ text: String) throws -> String {
        let input = text.unicodeScalars.map { Int($0.value) }
        var output: [UInt8] = input.filter { $0 < 0x80 }.map { UInt8($0) }
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append(UInt8(ascii: "-")) }

        var n = initialN
        var delta = 0
        var bias = initialBias
        while handled < input.count {
            guard let m = input.filter({ $0 >= n }).min() else { break }
            guard m - n <= (maxValue - delta) / (handled + 1) else { throw Failure("the label is too long to encode") }
            delta += (m - n) * (handled + 1)
            n = m
            for codePoint in input {
                if codePoint < n {
                    delta += 1
                    guard delta < maxValue else { throw Failure("the label is too long to encode") }
                }
                guard codePoint == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = threshold(k, bias: bias)
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta: delta, count: handled + 1, first: handled == basicCount)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The Unicode text of a Punycode string (RFC 3492 §6.2), without the `xn--` prefix.
    /// Throws when it has a non-basic character before the last `-`, an invalid digit, ends in
    /// the middle of a number, overflows, or decodes to a surrogate or a value beyond U+10FFFF.
    static func decode(_ encoded: String) throws -> String {
        let bytes = Array(encoded.utf8)
        var output: [Int] = []
        var start = 0
        if let dash = bytes.lastIndex(of: UInt8(ascii: "-")), dash > 0 {
            for byte in bytes[..<dash] {
                guard byte < 0x80 else { throw Failure("a non-ASCII character before the last '-'") }
                output.append(Int(byte))
            }
            start = dash + 1
        }
        var n = initialN
        var i = 0
        var bias = initialBias
        var index = start
        while index < bytes.count {
            let oldI = i
            var w = 1
            var k = base
            while true {
                guard index < bytes.count else { throw Failure("the input ends inside a number") }
                guard let value = digitValue(bytes[index]) else {
                    throw Failure("'\(Character(Unicode.Scalar(bytes[index])))' is not a Punycode digit")
                }
                index += 1
                guard value <= (maxValue - i) / w else { throw Failure("the value overflows") }
                i += value * w
                let t = threshold(k, bias: bias)
                if value < t { break }
                guard w <= maxValue / (base - t) else { throw Failure("the value overflows") }
                w *= base - t
                k += base
            }
            bias = adapt(delta: i - oldI, count: output.count + 1, first: oldI == 0)
            guard i / (output.count + 1) <= maxValue - n else { throw Failure("the value overflows") }
            n += i / (output.count + 1)
            i %= output.count + 1
            output.insert(n, at: i)
            i += 1
        }
        var scalars = String.UnicodeScalarView()
        for value in output {
            guard let scalar = Unicode.Scalar(UInt32(value)) else {
                throw Failure("the input decodes to U+\(String(value, radix: 16, uppercase: true)), which is not a character")
            }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// `t` for the position `k` (RFC 3492 §6.2: clamp(k − bias, tmin, tmax)).
    private static func threshold(_ k: Int, bias: Int) -> Int {
        k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
    }

    /// The bias adaptation function (RFC 3492 §6.1).
    private static func adapt(delta: Int, count: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    /// The basic code point for digit `value`: `a`–`z` for 0–25, `0`–`9` for 26–35 (§5).
    private static func digit(_ value: Int) -> UInt8 {
        value < 26 ? UInt8(ascii: "a") + UInt8(value) : UInt8(ascii: "0") + UInt8(value - 26)
    }

    /// The value of a digit, either case (§5), or nil.
    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0")) + 26
        default: nil
        }
    }
}
