#if BLAS
import CBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// OpenBLAS, opened with `dlopen` at the first product, eigendecomposition
/// or thread-count query, rather than linked into every program that uses
/// NNTensor.
///
/// Linked, OpenBLAS is loaded, relocated and initialised (its kernel
/// selection and, for the pthread build, its thread pool) at every start of
/// `nn`, before `main`: the largest item of `nn -e 0`'s start-up. Opened
/// lazily, a run that never multiplies matrices never pays for it. When it
/// cannot be opened, ``BLAS/isAvailable`` is false and every product runs on
/// the portable Swift kernel (`Kernels.gemm`), eigendecompositions on the
/// Jacobi method: slower, never wrong.
struct BLASLibrary: @unchecked Sendable {
    let sgemm: nn_cblas_sgemm_fn
    let dgemm: nn_cblas_dgemm_fn
    let ssyevd: nn_ssyevd_fn
    let dsyevd: nn_dsyevd_fn
    let setThreads: nn_openblas_set_num_threads_fn
    let getThreads: nn_openblas_get_num_threads_fn
    /// Absent from a BLAS that is not OpenBLAS.
    let coreName: nn_openblas_get_corename_fn?
    let handle: UnsafeMutableRawPointer

    #if os(macOS)
    static let names = ["libopenblas.0.dylib", "libopenblas.dylib",
                        "/opt/homebrew/opt/openblas/lib/libopenblas.dylib", "/usr/local/opt/openblas/lib/libopenblas.dylib"]
    #else
    static let names = ["libopenblas.so.0", "libopenblas.so"]
    #endif

    /// The library, opened once (other threads wait for the first); nil
    /// when it cannot be opened or lacks a function nn calls. Opening it
    /// also applies the kernel selection of `BLAS+Core.swift`.
    static let shared: BLASLibrary? = {
        guard let library = BLASLibrary() else { return nil }
        BLAS.selectCore(library)
        return library
    }()

    private init?() {
        var opened: UnsafeMutableRawPointer?
        for name in Self.names {
            if let h = dlopen(name, RTLD_NOW | RTLD_LOCAL) {
                opened = h
                break
            }
        }
        guard let handle = opened else { return nil }
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: T.self) }
        }
        guard let sgemm = symbol("cblas_sgemm", as: nn_cblas_sgemm_fn.self),
              let dgemm = symbol("cblas_dgemm", as: nn_cblas_dgemm_fn.self),
              let ssyevd = symbol("ssyevd_", as: nn_ssyevd_fn.self),
              let dsyevd = symbol("dsyevd_", as: nn_dsyevd_fn.self),
              let setThreads = symbol("openblas_set_num_threads", as: nn_openblas_set_num_threads_fn.self),
              let getThreads = symbol("openblas_get_num_threads", as: nn_openblas_get_num_threads_fn.self) else {
            dlclose(handle)
            return nil
        }
        self.sgemm = sgemm
        self.dgemm = dgemm
        self.ssyevd = ssyevd
        self.dsyevd = dsyevd
        self.setThreads = setThreads
        self.getThreads = getThreads
        self.coreName = symbol("openblas_get_corename", as: nn_openblas_get_corename_fn.self)
        self.handle = handle
    }

    /// A function of the library by name (for OpenBLAS's optional entry points).
    func symbol(_ name: String) -> UnsafeMutableRawPointer? { dlsym(handle, name) }
}
#endif
