@testable import NNScript
import Testing

/// "Did you mean" suggestions: the banded edit distance agrees with the full
/// table, and a huge misspelled name is answered in linear time (issue 15:
/// a one-megabyte undefined name took hours, as the full table is
/// quadratic).
@Suite("Suggest")
struct SuggestTests {
    /// The full optimal-string-alignment table, as reference.
    static func reference(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in stride(from: 1, through: a.count, by: 1) {
            for j in stride(from: 1, through: b.count, by: 1) {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }

    @Test func bandedDistanceMatchesTheFullTable() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] = ["a", "b", "c"]
        for _ in 0..<3000 {
            let a = (0..<Int.random(in: 0...9, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let b = (0..<Int.random(in: 0...9, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            for limit in 1...3 {
                let want = min(Self.reference(a, b), limit + 1)
                #expect(Suggest.distance(a, b, limit: limit) == want, "\(a) \(b) limit \(limit)")
            }
        }
    }

    @Test func suggestsNearNames() {
        #expect(Suggest.nearest("lrr", among: ["lr", "momentum"]) == "lr")
        #expect(Suggest.nearest("mometnum", among: ["lr", "momentum"]) == "momentum")
        #expect(Suggest.nearest("zzzz", among: ["lr", "momentum"]) == nil)
    }

    /// Before the band this call filled a 10^12-cell table.
    @Test func hugeNameIsAnsweredInLinearTime() {
        let long = String(repeating: "a", count: 1_000_000)
        #expect(Suggest.nearest("b" + long, among: [long, "x"]) == long)
        #expect(Suggest.nearest("bb" + long + "bb", among: [long]) == nil)
    }
}
