#if BLAS
import CBLAS
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Choosing OpenBLAS's kernels on CPUs it does not recognise.
///
/// A `DYNAMIC_ARCH` OpenBLAS (Debian's) picks its kernels from the CPU model
/// when it is loaded. A release older than the CPU does not know the model
/// and falls back to `Prescott` (SSE3) kernels: on an Emerald Rapids Xeon,
/// Debian 12's OpenBLAS 0.3.21 runs sgemm at about a fifth of its AVX-512
/// speed. `OPENBLAS_CORETYPE` selects kernels by name, but it is read only
/// while OpenBLAS initialises.
///
/// So before the first BLAS or LAPACK call, when OpenBLAS reports
/// `Prescott`, the user has not set `OPENBLAS_CORETYPE`, and the CPU flags in
/// `/proc/cpuinfo` show AVX-512 (F, CD, BW, DQ, VL) or AVX2 with FMA, nn
/// re-runs OpenBLAS's own selection (`gotoblas_dynamic_quit`, then
/// `gotoblas_dynamic_init` with `OPENBLAS_CORETYPE` set to `SkylakeX` or
/// `Haswell` for the duration of the call). Both functions are looked up
/// with `dlsym`, so an OpenBLAS without them (not `DYNAMIC_ARCH`) is simply
/// left alone. Setting `NN_OPENBLAS_KEEP_CORE=1` disables the fix.
extension BLAS {
    /// The OpenBLAS kernel family in use (`"SkylakeX"`, `"Haswell"`,
    /// `"Prescott"`...), or nil without BLAS. Asking opens the library (and
    /// so applies the selection described above).
    public static var coreName: String? {
        #if BLAS
        guard let library = BLASLibrary.shared else { return nil }
        return currentCoreName(library)
        #else
        return nil
        #endif
    }

    #if BLAS
    /// Runs the kernel selection, once, right after the library is opened
    /// and before its first use (``BLASLibrary/shared``).
    static func selectCore(_ library: BLASLibrary) {
        #if canImport(Glibc)
        guard getenv("OPENBLAS_CORETYPE") == nil, getenv("NN_OPENBLAS_KEEP_CORE") == nil,
              currentCoreName(library) == "Prescott", let wanted = betterCore(),
              let quit = library.symbol("gotoblas_dynamic_quit"),
              let initialise = library.symbol("gotoblas_dynamic_init") else { return }
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        unsafeBitCast(quit, to: nn_void_fn.self)()
        unsafeBitCast(initialise, to: nn_void_fn.self)()
        unsetenv("OPENBLAS_CORETYPE")
        #endif
    }

    /// `openblas_get_corename()`, or nil where the library has none.
    private static func currentCoreName(_ library: BLASLibrary) -> String? {
        guard let f = library.coreName, let name = f() else { return nil }
        return String(cString: name)
    }
    #endif

    /// The best kernel family the CPU flags allow, or nil.
    private static func betterCore() -> String? {
        #if canImport(Glibc)
        guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>? = nil
        var cap = 0
        defer { free(line) }
        while getline(&line, &cap, file) > 0 {
            guard let line else { break }
            let text = String(cString: line)
            guard text.hasPrefix("flags") else { continue }
            let flags = Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init))
            if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) { return "SkylakeX" }
            if ["avx2", "fma"].allSatisfy(flags.contains) { return "Haswell" }
            return nil
        }
        return nil
        #else
        return nil
        #endif
    }
}
