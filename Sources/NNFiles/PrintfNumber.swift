#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A number as C's `printf` writes it, for the places that used
/// Foundation's `String(format:)` (which FoundationEssentials lacks; the
/// text is the same: both end in the C library's conversion, no locale).
///
/// The format is built here from a conversion and a precision, never taken
/// from a caller, so no argument can disagree with it.
public enum PrintfNumber {
    /// The floating-point conversions: `%f`, `%e`, `%g`.
    public enum Conversion: String, Sendable {
        /// `%.Nf`: N digits after the point (`3.1416`).
        case fixed = "f"
        /// `%.Ne`: one digit, N after the point, an exponent (`3.1416e+00`).
        case scientific = "e"
        /// `%.Ng`: N significant digits, `%e` when the exponent is below -4
        /// or at least N, trailing zeros dropped (`3.142`).
        case general = "g"
    }

    /// `x` written with `conversion` and `precision` (clamped to 0...60).
    public static func format(_ x: Double, _ conversion: Conversion, precision: Int) -> String {
        let p = min(max(precision, 0), 60)
        let spec = "%.\(p)" + conversion.rawValue
        // %f of 1e308 with 60 decimals is under 400 bytes; ask again if the C library says otherwise.
        var capacity = 512
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            let n = withVaList([x]) { args in
                buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, capacity, spec, args) }
            }
            guard n >= 0 else { return "\(x)" }
            if Int(n) < capacity {
                return String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            capacity = Int(n) + 1
        }
    }

    /// `n` in decimal, zero-padded on the left to `width` digits (`%02d`).
    public static func zeroPadded(_ n: Int, width: Int) -> String {
        let digits = String(n.magnitude)
        let pad = String(repeating: "0", count: max(0, width - digits.count - (n < 0 ? 1 : 0)))
        return (n < 0 ? "-" : "") + pad + digits
    }
}
