#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Vectorised `exp`, `log`, `tanh` and `sigmoid` over contiguous buffers.
///
/// The libm functions are exact but called once per element they are slow;
/// these run eight `Float` (four `Double`) lanes at a time with the Cephes
/// method: range reduction `x = n·ln2 + r` with `|r| ≤ ln2/2`, a polynomial
/// (or rational) approximation on `r`, and the scale `2ⁿ` built directly in
/// the exponent bits. Rounding to the nearest integer uses the shifter
/// constant `1.5·2²³` (`1.5·2⁵²`), whose low mantissa bits then hold `n`, so
/// no float/int conversion instruction is needed. Accuracy is within a few
/// ULP of libm (tested over sweeps including extremes). Lanes outside the
/// fast range (overflow, subnormal results, ±inf, NaN, non-positive `log`
/// arguments) fall back to libm for that vector only.
/// A function evaluated a vector of `Float` lanes (``Kernels/FV``) or four `Double` lanes at a time.
protocol VectorFunction {
    static func fF(_ x: Kernels.FV) -> Kernels.FV
    static func f4(_ x: SIMD4<Double>) -> SIMD4<Double>
}

extension Kernels {
#if NN_AVX512
    /// A vector of `Float` lanes: sixteen (one AVX-512 register) in builds for
    /// AVX-512 (`-DNN_AVX512`, set by scripts/setup on such CPUs), else eight.
    typealias FV = SIMD16<Float>
    typealias UV = SIMD16<UInt32>
#else
    /// A vector of `Float` lanes: sixteen (one AVX-512 register) in builds for
    /// AVX-512 (`-DNN_AVX512`, set by scripts/setup on such CPUs), else eight.
    typealias FV = SIMD8<Float>
    typealias UV = SIMD8<UInt32>
#endif
    typealias D4 = SIMD4<Double>
    typealias UD4 = SIMD4<UInt64>

    /// The vectorised functions.
    enum Fn { case exp, log, tanh, sigmoid }

    enum ExpFunction: VectorFunction {
        @inline(__always) static func fF(_ x: FV) -> FV { expF(x) }
        @inline(__always) static func f4(_ x: D4) -> D4 { exp4(x) }
    }
    enum LogFunction: VectorFunction {
        @inline(__always) static func fF(_ x: FV) -> FV { logF(x) }
        @inline(__always) static func f4(_ x: D4) -> D4 { log4(x) }
    }
    enum TanhFunction: VectorFunction {
        @inline(__always) static func fF(_ x: FV) -> FV { tanhF(x) }
        @inline(__always) static func f4(_ x: D4) -> D4 { tanh4(x) }
    }
    enum SigmoidFunction: VectorFunction {
        @inline(__always) static func fF(_ x: FV) -> FV { sigmoidF(x) }
        @inline(__always) static func f4(_ x: D4) -> D4 { sigmoid4(x) }
    }

    // MARK: Drivers

    /// `y[i] = fn(x[i])` for `i < n`; `x` and `y` may be the same buffer.
    @inline(__always)
    static func apply<T: TensorScalar>(_ fn: Fn, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
        switch fn {
        case .exp: apply(ExpFunction.self, x, y, n)
        case .log: apply(LogFunction.self, x, y, n)
        case .tanh: apply(TanhFunction.self, x, y, n)
        case .sigmoid: apply(SigmoidFunction.self, x, y, n)
        }
    }

    /// One function's loop. Generic over the function's type (not a closure
    /// argument) so the compiler specialises the loop for it and inlines the
    /// vector body, keeping its constants in registers across iterations.
    @inline(__always)
    static func apply<F: VectorFunction, T: TensorScalar>(_: F.Type, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
        if T.self == Float.self {
            let xf = UnsafeRawPointer(x).assumingMemoryBound(to: Float.self)
            let yf = UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self)
            driveF(F.self, xf, yf, n)
        } else {
            let xd = UnsafeRawPointer(x).assumingMemoryBound(to: Double.self)
            let yd = UnsafeMutableRawPointer(y).assumingMemoryBound(to: Double.self)
            drive4(F.self, xd, yd, n)
        }
    }

    /// A new array `fn(x)`, split across cores when large.
    static func map<T: TensorScalar>(_ fn: Fn, _ x: [T]) -> [T] {
        let n = x.count
        return Kernels.uninitialized(n) { out, initialized in
            x.withUnsafeBufferPointer { px in
                guard let src = px.baseAddress, let dst = out.baseAddress else { return }
                let s = SendablePointer(UnsafeMutablePointer(mutating: src)), d = SendablePointer(dst)
                parallelFor(n, grain: parallelGrain / 4) { r in
                    apply(fn, s.base + r.lowerBound, d.base + r.lowerBound, r.count)
                }
            }
            initialized = n
        }
    }

    /// `out[i] = f(a[i])` for a scalar function, split across cores when large.
    @inline(__always)
    static func parallelMap<T: TensorScalar>(_ a: [T], grain: Int = parallelGrain, _ f: (T) -> T) -> [T] {
        let n = a.count
        return Kernels.uninitialized(n) { out, initialized in
            a.withUnsafeBufferPointer { pa in
                guard let src = pa.baseAddress, let dst = out.baseAddress else { return }
                let s = SendablePointer(UnsafeMutablePointer(mutating: src)), d = SendablePointer(dst)
                parallelFor(n, grain: grain) { r in
                    for i in r { d.base[i] = f(s.base[i]) }
                }
            }
            initialized = n
        }
    }

    @inline(__always)
    static func driveF<F: VectorFunction>(_: F.Type, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let w = FV.scalarCount
        var i = 0
        // One vector per step: a second call site in the loop body is not
        // always inlined, and an outlined call passes vectors through memory.
        while i &+ w <= n {
            let a = UnsafeRawPointer(x + i).loadUnaligned(as: FV.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: F.fF(a), as: FV.self)
            i &+= w
        }
        while i < n {
            var v = FV(repeating: 1)
            let m = Swift.min(w, n &- i)
            for j in 0..<m { v[j] = x[i &+ j] }
            let r = F.fF(v)
            for j in 0..<m { y[i &+ j] = r[j] }
            i &+= m
        }
    }

    @inline(__always)
    static func drive4<F: VectorFunction>(_: F.Type, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        var i = 0
        while i &+ 8 <= n {
            let a = UnsafeRawPointer(x + i).loadUnaligned(as: D4.self)
            let b = UnsafeRawPointer(x + i + 4).loadUnaligned(as: D4.self)
            let fa = F.f4(a), fb = F.f4(b)
            UnsafeMutableRawPointer(y + i).storeBytes(of: fa, as: D4.self)
            UnsafeMutableRawPointer(y + i + 4).storeBytes(of: fb, as: D4.self)
            i &+= 8
        }
        while i < n {
            var v = D4(repeating: 1)
            let m = Swift.min(4, n &- i)
            for j in 0..<m { v[j] = x[i &+ j] }
            let r = F.f4(v)
            for j in 0..<m { y[i &+ j] = r[j] }
            i &+= m
        }
    }

    // MARK: Float (FV lanes)

    /// `a * b + c` as one fused multiply-add per lane (`vfmadd` on x86-64
    /// with FMA, `fmla` on ARM): Horner steps in half the instructions, and
    /// one rounding instead of two.
    @inline(__always)
    static func madd(_ a: FV, _ b: FV, _ c: Float) -> FV {
        FV(repeating: c).addingProduct(a, b)
    }

    /// `eʳ·2ⁿ` for `x` already known to lie in [-86.5, 88.7] (normal results).
    @inline(__always)
    static func expCoreF(_ x: FV) -> FV {
        let shifter: Float = 12582912  // 1.5·2²³
        let t = x * 1.44269504088896341 + shifter
        let n = t - shifter
        let r = x - n * 0.693359375 + n * 2.12194440e-4
        let z = r * r
        var p = r * 1.9875691500e-4 + 1.3981999507e-3
        p = madd(p, r, 8.3334519073e-3)
        p = madd(p, r, 4.1665795894e-2)
        p = madd(p, r, 1.6666665459e-1)
        p = madd(p, r, 5.0000001201e-1)
        p = p * z + r + 1
        let bits = unsafeBitCast(p, to: UV.self) &+ (unsafeBitCast(t, to: UV.self) &<< 23)
        return unsafeBitCast(bits, to: FV.self)
    }

    /// `exp(x)` lane by lane.
    @inline(__always)
    static func expF(_ x: FV) -> FV {
        let ok = (x .>= -86.5) .& (x .<= 88.7)
        if _fastPath(all(ok)) { return expCoreF(x) }
        var r = FV()
        for j in 0..<FV.scalarCount { r[j] = ok[j] ? expCoreF(FV(repeating: x[j]))[0] : libmExp(x[j]) }
        return r
    }

    /// `log(x)` lane by lane (Cephes `logf`: `x = m·2ᵉ`, `m ∈ [√½, √2)`).
    @inline(__always)
    static func logF(_ x: FV) -> FV {
        let ok = (x .>= Float.leastNormalMagnitude) .& (x .< Float.infinity)
        if _slowPath(!all(ok)) {
            var r = FV()
            for j in 0..<FV.scalarCount { r[j] = libmLog(x[j]) }
            return r
        }
        let bits = unsafeBitCast(x, to: UV.self)
        // the biased exponent as a float, via the 2²³ shifter
        let k = unsafeBitCast((bits &>> 23) | 0x4B00_0000, to: FV.self) - 8388608
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F00_0000, to: FV.self)  // [0.5, 1)
        let small = m .< 0.707106781186547524
        let e = k - 126 - FV(repeating: 0).replacing(with: 1, where: small)
        m = m.replacing(with: m + m, where: small) - 1
        let z = m * m
        var y = m * 7.0376836292e-2 - 1.1514610310e-1
        y = y * m + 1.1676998740e-1
        y = y * m - 1.2420140846e-1
        y = y * m + 1.4249322787e-1
        y = y * m - 1.6668057665e-1
        y = y * m + 2.0000714765e-1
        y = y * m - 2.4999993993e-1
        y = y * m + 3.3333331174e-1
        y = y * m * z
        y = y + e * -2.12194440e-4
        y = y - z * 0.5
        return m + y + e * 0.693359375
    }

    /// `tanh(x)` lane by lane (Cephes `tanhf`): an odd polynomial for
    /// `|x| < 0.625`, else `1 - 2 / (exp(2|x|) + 1)` with the sign of `x`.
    @inline(__always)
    static func tanhF(_ x: FV) -> FV {
        let signBit: UInt32 = 0x8000_0000
        let xb = unsafeBitCast(x, to: UV.self)
        let ax = unsafeBitCast(xb & ~signBit, to: FV.self)
        let z = x * x
        var p = z * -5.70498872745e-3 + 2.06390887954e-2
        p = madd(p, z, -5.37397155531e-2)
        p = madd(p, z, 1.33314422036e-1)
        p = madd(p, z, -3.33332819422e-1)
        let small = p * z * x + x
        let c = ax.replacing(with: 9.5, where: .!(ax .<= 9.5))  // tanh = 1 in Float beyond 9.01; NaN too
        let e = expCoreF(c + c)
        let big = 1 - 2 / (e + 1)
        let signed = unsafeBitCast(unsafeBitCast(big, to: UV.self) | (xb & signBit), to: FV.self)
        return small.replacing(with: signed, where: .!(ax .< 0.625)).replacing(with: x, where: x .!= x)
    }

    /// `1 / (1 + exp(-x))` lane by lane, as `e/(1+e)` for negative `x`
    /// with `e = exp(-|x|)`, so neither side overflows.
    @inline(__always)
    static func sigmoidF(_ x: FV) -> FV {
        let xb = unsafeBitCast(x, to: UV.self)
        let nax = unsafeBitCast(xb | 0x8000_0000, to: FV.self)  // -|x|
        let e = expF(nax)
        let s = 1 / (1 + e)
        return s.replacing(with: e * s, where: x .< 0)
    }

    // MARK: Double (4 lanes)

    /// `2ⁿ·(1 + 2·r·P(r²)/(Q(r²) - r·P(r²)))` for `x` in [-708, 709.7] (Cephes `exp`).
    @inline(__always)
    static func expCore4(_ x: D4) -> D4 {
        let shifter: Double = 6755399441055744  // 1.5·2⁵²
        let t = x * 1.4426950408889634073599 + shifter
        let n = t - shifter
        let r = x - n * 6.93145751953125e-1 - n * 1.42860682030941723212e-6
        let rr = r * r
        let px = r * ((rr * 1.26177193074810590878e-4 + 3.02994407707441961300e-2) * rr + 9.99999999999999999910e-1)
        let qx = ((rr * 3.00198505138664455042e-6 + 2.52448340349684104192e-3) * rr + 2.27265548208155028766e-1) * rr
            + 2.00000000000000000009e0
        let e = 1 + 2 * (px / (qx - px))
        let bits = unsafeBitCast(e, to: UD4.self) &+ (unsafeBitCast(t, to: UD4.self) &<< 52)
        return unsafeBitCast(bits, to: D4.self)
    }

    @inline(__always)
    static func exp4(_ x: D4) -> D4 {
        let ok = (x .>= -708) .& (x .<= 709.7)
        if _fastPath(all(ok)) { return expCore4(x) }
        var r = D4()
        for j in 0..<4 { r[j] = libmExp(x[j]) }
        return r
    }

    /// `log(x)` lane by lane (fdlibm `__ieee754_log`: `x = 2ᵏ·(1+f)`,
    /// `s = f/(2+f)`, `log(1+f) = f - s·(f - R(s²))`, under 1 ULP).
    @inline(__always)
    static func log4(_ x: D4) -> D4 {
        let ok = (x .>= Double.leastNormalMagnitude) .& (x .< Double.infinity)
        if _slowPath(!all(ok)) {
            var r = D4()
            for j in 0..<4 { r[j] = libmLog(x[j]) }
            return r
        }
        let bits = unsafeBitCast(x, to: UD4.self)
        var k = unsafeBitCast((bits &>> 52) | 0x4330_0000_0000_0000, to: D4.self) - 4503599627370496 - 1023
        var m = unsafeBitCast((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000, to: D4.self)  // [1, 2)
        let big = m .> 1.41421356237309504880
        m = m.replacing(with: m * 0.5, where: big)
        k = k.replacing(with: k + 1, where: big)
        let f = m - 1
        let s = f / (f + 2)
        let z = s * s
        let w = z * z
        let t1 = w * (w * (w * 1.531383769920937332e-01 + 2.222219843214978396e-01) + 3.999999999940941908e-01)
        let t2 = z * (w * (w * (w * 1.479819860511658591e-01 + 1.818357216161805012e-01) + 2.857142874366239149e-01)
            + 6.666666666666735130e-01)
        let rr = t2 + t1
        let hfsq = 0.5 * f * f
        return k * 6.93147180369123816490e-01 - ((hfsq - (s * (hfsq + rr) + k * 1.90821492927058770002e-10)) - f)
    }

    /// `tanh(x)` lane by lane (Cephes `tanh`): `x + x·z·P(z)/Q(z)` with
    /// `z = x²` for `|x| < 0.625`, else `1 - 2 / (exp(2|x|) + 1)`.
    @inline(__always)
    static func tanh4(_ x: D4) -> D4 {
        let signBit: UInt64 = 0x8000_0000_0000_0000
        let xb = unsafeBitCast(x, to: UD4.self)
        let ax = unsafeBitCast(xb & ~signBit, to: D4.self)
        let z = x * x
        let p = (z * -9.64399179425052238628e-1 - 9.92877231001918586564e1) * z - 1.61468768441708447952e3
        let q = ((z + 1.12811678491632931402e2) * z + 2.23548839060100448583e3) * z + 4.84406305325125486048e3
        let small = x + x * z * (p / q)
        let c = ax.replacing(with: 20, where: .!(ax .<= 20))  // tanh = 1 in Double beyond 19.1; NaN too
        let e = expCore4(c + c)
        let big = 1 - 2 / (e + 1)
        let signed = unsafeBitCast(unsafeBitCast(big, to: UD4.self) | (xb & signBit), to: D4.self)
        return small.replacing(with: signed, where: .!(ax .< 0.625)).replacing(with: x, where: x .!= x)
    }

    @inline(__always)
    static func sigmoid4(_ x: D4) -> D4 {
        let xb = unsafeBitCast(x, to: UD4.self)
        let nax = unsafeBitCast(xb | 0x8000_0000_0000_0000, to: D4.self)
        let e = exp4(nax)
        let s = 1 / (1 + e)
        return s.replacing(with: e * s, where: x .< 0)
    }
}

/// libm's functions, named apart from the tensor methods and SIMD kernels
/// of the same name (inside `Tensor`, `sin(x)` would find the method).
@inline(__always) func libmExp(_ x: Float) -> Float { expf(x) }
@inline(__always) func libmExp(_ x: Double) -> Double { exp(x) }
@inline(__always) func libmLog(_ x: Float) -> Float { logf(x) }
@inline(__always) func libmLog(_ x: Double) -> Double { log(x) }
@inline(__always) func libmSin(_ x: Float) -> Float { sinf(x) }
@inline(__always) func libmSin(_ x: Double) -> Double { sin(x) }
@inline(__always) func libmCos(_ x: Float) -> Float { cosf(x) }
@inline(__always) func libmCos(_ x: Double) -> Double { cos(x) }
@inline(__always) func libmErf(_ x: Float) -> Float { erff(x) }
@inline(__always) func libmErf(_ x: Double) -> Double { erf(x) }
@inline(__always) func libmErfc(_ x: Float) -> Float { erfcf(x) }
@inline(__always) func libmErfc(_ x: Double) -> Double { erfc(x) }
@inline(__always) func libmPow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
@inline(__always) func libmPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) func libmLog1p(_ x: Float) -> Float { log1pf(x) }
@inline(__always) func libmLog1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) func libmTanh(_ x: Float) -> Float { tanhf(x) }
@inline(__always) func libmTanh(_ x: Double) -> Double { tanh(x) }
