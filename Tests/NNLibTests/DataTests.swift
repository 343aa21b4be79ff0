import Foundation
import Testing
import NNTensor
@testable import NNLib

/// Data loaders, splits, folds and standardisation.
@Suite struct DataTests {
    /// X row i is [i, 10 i]; y is i % 3.
    func toy(_ n: Int) throws -> (Tensor, Tensor) {
        let X = try Tensor(shape: [n, 2], values: (0..<n).flatMap { [Double($0), Double(10 * $0)] })
        let y = try Tensor(shape: [n], values: (0..<n).map { Double($0 % 3) })
        return (X, y)
    }

    func epochRows(_ loader: DataLoader) -> [Int] {
        loader.flatMap { xb, _ in stride(from: 0, to: xb.count, by: 2).map { Int(xb.doubles[$0]) } }
    }

    /// Rows gathered by block copies equal indexing by the list, in every
    /// dtype and rank, with repeated and reordered indices.
    @Test func rowsAreTheIndexedRowsInEveryDtype() throws {
        let idx = [3, 0, 3, 2]
        let X64 = try Tensor(shape: [4, 2, 3], values: (0..<24).map(Double.init), dtype: .float64)
        let X32 = try Tensor(shape: [4, 5], values: (0..<20).map { Double($0) / 4 })
        let yb = try Tensor(shape: [4], values: [1, 0, 0, 1], dtype: .bool)
        for t in [X64, X32, yb] {
            let got = t.gatherRows(idx)
            let want = try t.index([.list(idx)])
            #expect(got.shape == want.shape && got.dtype == t.dtype)
            #expect(got.doubles == want.doubles)
        }
    }

    @Test func loaderBatchesKeepRowsAndLabelsTogether() throws {
        let (X, y) = try toy(10)
        let loader = try DataLoader(X, y, batchSize: 4, shuffle: true, seed: 3)
        var sizes: [Int] = []
        for (xb, yb) in loader {
            sizes.append(xb.shape[0])
            #expect(xb.shape.count == 2 && xb.shape[1] == 2)
            for r in 0..<xb.shape[0] {
                let i = Int(xb.doubles[2 * r])
                #expect(xb.doubles[2 * r + 1] == Double(10 * i))
                #expect(yb.doubles[r] == Double(i % 3))
            }
        }
        #expect(sizes == [4, 4, 2])
        #expect(loader.batchCount == 3)
    }

    @Test func loaderIsDeterministicAndReshufflesEveryEpoch() throws {
        let (X, y) = try toy(20)
        let a = try DataLoader(X, y, batchSize: 5, seed: 7)
        let b = try DataLoader(X, y, batchSize: 5, seed: 7)
        let a1 = epochRows(a), a2 = epochRows(a)
        #expect(a1 == epochRows(b))
        #expect(a2 == epochRows(b))
        #expect(a1 != a2, "a new permutation every epoch")
        #expect(a1.sorted() == Array(0..<20) && a2.sorted() == Array(0..<20))
        #expect(a1 != epochRows(try DataLoader(X, y, batchSize: 5, seed: 8)))
        #expect(epochRows(try DataLoader(X, y, batchSize: 5, shuffle: false)) == Array(0..<20))
    }

    @Test func dropLastDropsTheShortBatch() throws {
        let (X, y) = try toy(10)
        let loader = try DataLoader(X, y, batchSize: 4, dropLast: true)
        #expect(loader.map { $0.0.shape[0] } == [4, 4])
        #expect(throws: TensorError.self) { try DataLoader(X, y, batchSize: 0) }
        #expect(throws: TensorError.self) { try DataLoader(X, try Tensor.zeros([3]), batchSize: 2) }
    }

    @Test func stratifiedSplitKeepsClassProportions() throws {
        // 60 of class 0, 30 of class 1, 10 of class 2.
        let labels = Array(repeating: 0.0, count: 60) + Array(repeating: 1.0, count: 30) + Array(repeating: 2.0, count: 10)
        let X = try Tensor(shape: [100, 1], values: (0..<100).map(Double.init))
        let y = try Tensor(shape: [100], values: labels)
        let parts = try split(X, y, ratios: [0.8, 0.2], seed: 1, stratify: true)
        func counts(_ d: Dataset) -> [Int] { (0..<3).map { c in d.y.doubles.filter { $0 == Double(c) }.count } }
        #expect(counts(parts[0]) == [48, 24, 8])
        #expect(counts(parts[1]) == [12, 6, 2])
        let all = (parts[0].X.doubles + parts[1].X.doubles).sorted()
        #expect(all == (0..<100).map(Double.init), "every row lands in exactly one part")
    }

    @Test func plainSplitSizesAndErrors() throws {
        let (X, y) = try toy(10)
        let parts = try split(X, y, ratios: [0.7, 0.2, 0.1], seed: 0)
        #expect(parts.map(\.count) == [7, 2, 1])
        #expect(throws: TensorError.self) { try split(X, y, ratios: [0.7, 0.2], seed: 0) }
        #expect(throws: TensorError.self) { try split(X, try Tensor.full([10], 0.5), ratios: [0.5, 0.5], stratify: true) }
    }

    @Test func kfoldPartitionsTheRows() throws {
        let (X, y) = try toy(11)
        let folds = try kfold(X, y, k: 3, seed: 2)
        #expect(folds.map(\.val.count) == [4, 4, 3])
        var seen: [Double] = []
        for f in folds {
            #expect(f.train.count + f.val.count == 11)
            let v = Set(f.val.X.doubles.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
            let t = Set(f.train.X.doubles.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
            #expect(v.isDisjoint(with: t))
            seen += v
        }
        #expect(seen.sorted() == (0..<11).map(Double.init), "each row is validated exactly once")
        #expect(throws: TensorError.self) { try kfold(X, y, k: 1) }
    }

    @Test func standardizeUsesTrainingStatisticsAndSparesConstantColumns() throws {
        let train = try Tensor(shape: [4, 2], values: [1, 5, 3, 5, 5, 5, 7, 5])
        let s = try standardize(train)
        #expect(s.mean == [4, 5])
        #expect(s.std == [sqrt(5.0), 1])      // population std of 1,3,5,7 is √5; constant column → 1
        let z = try s(try Tensor(shape: [1, 2], values: [9, 6]))
        #expect(abs(z.doubles[0] - 5 / sqrt(5.0)) < 1e-6)
        #expect(z.doubles[1] == 1)
        #expect(throws: TensorError.self) { try s(try Tensor.zeros([2, 3])) }
    }

    /// The mean of three 0.1s is not exactly 0.1, so the computed std of a
    /// constant column is `1.4e-17`, not 0: "constant" is decided relative
    /// to the column's magnitude (scikit-learn's `_is_constant_feature`),
    /// or new data would be multiplied by 7e16.
    @Test func standardizeCallsAColumnOfEqualValuesConstantDespiteRounding() throws {
        for value in [0.1, 0.3, 1.0 / 3, 7.7, -1e-5, 123456.789, 1e300, 1e-300] {
            for n in [2, 3, 7, 10, 1000] {
                for dtype in [DType.float64, .float32] where dtype == .float64 || abs(value) < 1e30 && abs(value) > 1e-30 {
                    let X = try Tensor(shape: [n, 1], values: [Double](repeating: value, count: n), dtype: dtype)
                    let s = try standardize(X)
                    #expect(s.std == [1], "\(n) × \(value) (\(dtype)): std \(s.std)")
                    let z = try s(try Tensor(shape: [1, 1], values: [value * 2], dtype: dtype))
                    #expect(abs(z.doubles[0]) <= abs(value) * 1.0001 + 1e-300, "\(n) × \(value): \(z.doubles)")
                }
            }
        }
        // Columns that do vary keep their std, however large or small.
        for (a, b) in [(0.1, 0.1 + 1e-12), (1e200, -1e200), (1e-200, 3e-200), (1e8, 1e8 + 1)] {
            let s = try standardize(try Tensor(shape: [2, 1], values: [a, b], dtype: .float64))
            #expect(abs(s.std[0] - abs(a - b) / 2) <= 1e-6 * abs(a - b), "[\(a), \(b)]: std \(s.std)")
        }
        #expect(throws: TensorError.self) { try standardize(try Tensor(shape: [2, 1], values: [1, .nan], dtype: .float64)) }
    }

    @Test func generatorsAreSeededAndShaped() throws {
        let a = try Generators.twoMoons(n: 100, noise: 0.1, seed: 5)
        let b = try Generators.twoMoons(n: 100, noise: 0.1, seed: 5)
        #expect(a.X.shape == [100, 2] && a.y.shape == [100])
        #expect(a.X.doubles == b.X.doubles && a.y.doubles == b.y.doubles)
        #expect(a.y.doubles.filter { $0 == 1 }.count == 50)
        let s = try Generators.spirals(n: 90, classes: 3, seed: 1)
        #expect(Set(s.y.doubles) == [0, 1, 2])
        let bl = try Generators.blobs(n: 30, centers: 3, dim: 4, seed: 1)
        #expect(bl.X.shape == [30, 4])
        // Noise-free regressions follow their formulas exactly.
        let lin = try Generators.linear(n: 5, weights: [2, -1], bias: 0.5, noise: 0, dtype: .float64)
        for i in 0..<5 {
            #expect(abs(lin.y.doubles[i] - (2 * lin.X.doubles[2 * i] - lin.X.doubles[2 * i + 1] + 0.5)) < 1e-12)
        }
        let poly = try Generators.polynomial(n: 5, coefficients: [1, 0, 3], noise: 0, dtype: .float64)
        for i in 0..<5 { let x = poly.X.doubles[i]; #expect(abs(poly.y.doubles[i] - (1 + 3 * x * x)) < 1e-12) }
    }
}
