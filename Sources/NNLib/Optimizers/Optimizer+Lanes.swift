import CVector
import NNTensor

/// Eight elements of an optimizer's buffers at a time.
///
/// The update rules are elementwise, and each element's arithmetic is the
/// same in a vector as alone (IEEE `+ - * /` and `sqrt`, correctly rounded,
/// never fused into an FMA), so a rule that runs its body on `Lanes` for
/// whole groups of eight and on scalars for the rest gives the same bits as
/// the scalar loop, faster: the scalar loop does not vectorise (its four
/// buffers may alias, as far as the compiler knows).
///
/// Safety, as NNTensor's kernels (`Kernels.swift`): a load or store at `i`
/// touches `i..<i + 8`, and the rules use them only while `i + 8 <= count`
/// of every buffer (all `count` long, checked by `UpdateBuffers.vectorCount`),
/// inside the closures that lend the buffers (`Optimizer.run`).
struct Lanes<T: TensorScalar> {
    typealias V = SIMD8<T>
    static var width: Int { 8 }

    @inline(__always)
    static func load(_ p: UnsafeMutableBufferPointer<T>, _ i: Int) -> V {
        UnsafeRawPointer(p.baseAddress.unsafelyUnwrapped + i).loadUnaligned(as: V.self)
    }

    @inline(__always)
    static func load(_ p: UnsafeBufferPointer<T>, _ i: Int) -> V {
        UnsafeRawPointer(p.baseAddress.unsafelyUnwrapped + i).loadUnaligned(as: V.self)
    }

    /// The IEEE square root of each lane: one vector instruction
    /// (`CVector.h`; Swift's own `squareRoot()` is a libm call per lane on
    /// Linux), the same bits as the scalar `squareRoot()`.
    @inline(__always)
    static func sqrt(_ v: V) -> V {
        if T.self == Float.self {
            return unsafeBitCast(nn_sqrt_float8(unsafeBitCast(v, to: SIMD8<Float>.self)), to: V.self)
        }
        if T.self == Double.self {
            return unsafeBitCast(nn_sqrt_double8(unsafeBitCast(v, to: SIMD8<Double>.self)), to: V.self)
        }
        return v.squareRoot()
    }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutableBufferPointer<T>, _ i: Int) {
        UnsafeMutableRawPointer(p.baseAddress.unsafelyUnwrapped + i).storeBytes(of: v, as: V.self)
    }
}

extension UpdateBuffers {
    /// How many leading elements the rules update eight at a time: the
    /// count rounded down to a multiple of eight, 0 when a buffer is shorter
    /// than the parameter (never, by `Optimizer.run`; then all is scalar).
    var vectorCount: Int {
        let n = x.count
        guard g.count == n, state.allSatisfy({ $0.count == n }) else { return 0 }
        return n / Lanes<T>.width * Lanes<T>.width
    }
}
