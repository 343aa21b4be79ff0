/// Shape arithmetic shared by every op: element counts with overflow and size
/// checks, row-major strides, axis normalisation and NumPy broadcasting.
public enum Shape {
    /// The largest number of elements one tensor may hold (2^31, 8 GiB of
    /// float32). Larger requests are refused before anything is allocated.
    public static let maxElements = 1 << 31

    /// The number of elements of `shape`; throws for a negative dimension or
    /// a count above `maxElements` (checked without overflowing).
    ///
    /// The cap also holds when another dimension is 0: the product of the
    /// nonzero dimensions must stay within `maxElements` too, because a
    /// reduction, an index or a broadcast of an empty `[0, 2**62]` would
    /// otherwise produce a `[2**62]` result.
    public static func count(_ shape: [Int], op: String = "tensor") throws -> Int {
        var n = 1, nonzero = 1
        for d in shape {
            guard d >= 0 else { throw TensorError(op: op, "negative dimension in shape \(fmt(shape))") }
            let (m, overflow) = nonzero.multipliedReportingOverflow(by: Swift.max(d, 1))
            guard !overflow, m <= maxElements else {
                let why = shape.contains(0) ? " (even with a zero dimension, the others may hold at most \(maxElements) elements)"
                    : " (more than \(maxElements) elements)"
                throw TensorError(op: op, "shape \(fmt(shape)) is too large to allocate" + why)
            }
            nonzero = m
            n = d == 0 ? 0 : n * d  // n <= nonzero <= maxElements: cannot overflow
        }
        return n
    }

    /// Row-major (C order) strides of `shape`, in elements.
    @inline(__always) public static func strides(_ shape: [Int]) -> [Int] {
        var s = Shape.filled(1, count: shape.count)
        var acc = 1
        var i = shape.count - 1
        while i >= 0 {
            s[i] = acc
            acc &*= shape[i]
            i -= 1
        }
        return s
    }

    /// Turns a possibly negative `axis` into `0..<rank`, or throws
    /// `op: axis 3 is out of range for a tensor of rank 2`. A 0-d tensor
    /// takes axis 0 and -1, as in PyTorch (it counts as rank 1 here), so a
    /// default of `axis: -1` works for every rank.
    public static func axis(_ axis: Int, rank: Int, op: String) throws -> Int {
        let r = Swift.max(rank, 1)
        let a = axis < 0 ? axis &+ r : axis
        guard a >= 0, a < r else {
            throw TensorError(op: op, "axis \(axis) is out of range for a tensor of rank \(rank)")
        }
        return a
    }

    /// Normalises a list of axes (nil means all), rejecting duplicates.
    public static func axes(_ axes: [Int]?, rank: Int, op: String) throws -> [Int] {
        guard let axes else { return Array(0..<rank) }
        var out: [Int] = []
        for a in axes {
            let n = try axis(a, rank: rank, op: op)
            guard !out.contains(n) else { throw TensorError(op: op, "axis \(a) appears twice") }
            out.append(n)
        }
        return out.sorted()
    }

    /// The NumPy broadcast of two shapes: align on the right; each pair of
    /// dimensions must be equal or one of them 1. The result obeys the
    /// element cap of `count` (`[2**20, 1] + [1, 2**20]` is refused).
    /// `checkCount: false` leaves the cap to the caller (who names the
    /// error better, or counts a larger shape the result is part of).
    public static func broadcast(_ a: [Int], _ b: [Int], op: String, checkCount: Bool = true) throws -> [Int] {
        if a == b { return a }
        let rank = Swift.max(a.count, b.count)
        var out = Shape.filled(1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 {
                out[i] = da
            } else if da == 1 {
                out[i] = db
            } else {
                throw TensorError(op: op, "shapes \(fmt(a)) and \(fmt(b)) cannot be broadcast together (\(da) != \(db) at dimension \(i))")
            }
        }
        if checkCount { _ = try count(out, op: op) }
        return out
    }

    /// Strides for reading a tensor of `shape` as if it had `outShape`
    /// (broadcast dimensions get stride 0). `shape` must broadcast to `outShape`.
    public static func broadcastStrides(_ shape: [Int], to outShape: [Int]) -> [Int] {
        let offset = outShape.count - shape.count
        var s = Shape.filled(0, count: outShape.count)
        var own = 1  // the row-major stride of dimension i: the product of those after it
        var i = shape.count - 1
        while i >= 0 {
            if shape[i] != 1 { s[i + offset] = own }
            own &*= shape[i]
            i -= 1
        }
        return s
    }
}
