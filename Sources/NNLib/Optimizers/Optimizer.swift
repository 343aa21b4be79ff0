import Dispatch
import NNTensor

/// Raw views of one parameter during an update: its elements, its gradient
/// and the optimizer's per-element state buffers for it (momentum, moving
/// averages), all of the parameter's length and dtype.
struct UpdateBuffers<T: TensorScalar> {
    /// The parameter's elements, updated in place.
    let x: UnsafeMutableBufferPointer<T>
    /// The gradient of the loss with respect to the parameter.
    let g: UnsafeBufferPointer<T>
    /// The state buffers, `stateCount` of them, each `x.count` long.
    let state: [UnsafeMutableBufferPointer<T>]
}

/// A first-order optimizer over a fixed list of parameters, as
/// `torch.optim.Optimizer`.
///
/// `step()` runs without recording a graph and updates each parameter that
/// has a gradient in place (`assign`), so the parameter keeps its identity
/// and its place in the model. A parameter whose `grad` is nil is skipped
/// and its step count does not advance, as in PyTorch. State (momentum,
/// moving averages) is kept per parameter in the parameter's dtype.
///
/// Subclasses declare how many state buffers they keep and write the update
/// rule once, generically, called from the two concrete `update` overrides
/// (so the compiler specialises it for `Float` and `Double`).
public class Optimizer: CustomStringConvertible {
    /// The tensors this optimizer updates.
    public let parameters: [Tensor]
    /// The learning rate used by the next `step()`; schedules set it.
    public var lr: Double
    /// The name used in messages (`SGD`, `Adam`, ...).
    public let name: String
    /// Per-parameter step counts `t` (1 after the first update of that parameter).
    public internal(set) var stepCounts: [Int]
    /// Per-parameter state, `stateCount * count` elements, in the parameter's dtype.
    var state: [TensorStorage?]

    init(name: String, parameters: [Tensor], lr: Double) throws {
        self.name = name
        guard !parameters.isEmpty else {
            throw TensorError(op: name, "got an empty parameter list (pass model.parameters() or a list of param tensors)")
        }
        var seen = Set<ObjectIdentifier>()
        for (i, p) in parameters.enumerated() {
            guard p.isLeaf else {
                throw TensorError(op: name, "parameter \(i) is the result of an op, not a leaf; optimise the tensor you created with param(...) instead")
            }
            guard p.dtype.isFloatingPoint else {
                throw TensorError(op: name, "parameter \(i) is a \(p.dtype) tensor; only float32 and float64 tensors have gradients to optimise (convert it with .to(\"float32\"))")
            }
            guard seen.insert(ObjectIdentifier(p)).inserted else {
                throw TensorError(op: name, "parameter \(i) appears more than once in the parameter list")
            }
        }
        self.parameters = parameters
        self.lr = lr
        self.stepCounts = Array(repeating: 0, count: parameters.count)
        self.state = Array(repeating: nil, count: parameters.count)
        try Optimizer.check(name, "lr", lr, lr >= 0)
    }

    /// Throws `name: invalid <what> <value>: <rule>` unless `ok` holds and
    /// `value` is finite.
    static func check(_ name: String, _ what: String, _ value: Double, _ ok: Bool,
                      _ rule: String = "must be >= 0") throws {
        guard value.isFinite, ok else {
            throw TensorError(op: name, "invalid \(what) \(value): \(rule)")
        }
    }

    /// The hyperparameters as `name: value` pairs, for printing.
    var settings: [(String, String)] { [] }

    /// `Adam(lr: 0.001, betas: [0.9, 0.999], ...; 4 parameters)`.
    public var description: String {
        let s = ([("lr", "\(lr)")] + settings).map { "\($0.0): \($0.1)" }.joined(separator: ", ")
        return "\(name)(\(s); \(parameters.count) parameter\(parameters.count == 1 ? "" : "s"))"
    }

    /// The number of per-element state buffers the rule keeps.
    var stateCount: Int { 0 }
    /// PyTorch's names of the first `stateCount` buffers, in storage order
    /// (`momentum_buffer`, `exp_avg`, ...), for checkpoints.
    var stateNames: [String] { [] }
    /// Whether buffer `j` is read by the rule with these hyperparameters
    /// (RMSProp keeps room for all three but uses some only with momentum or
    /// centring); only those are saved, as PyTorch saves them.
    func usesState(_ j: Int) -> Bool { true }
    /// The value state buffers start at (Adagrad's initial accumulator).
    var initialState: Double { 0 }

    /// Called once per parameter before its update at step `t`, on the
    /// calling thread: what a rule derives from `t` alone is computed here
    /// (Adam's bias corrections), since `update` may run on several
    /// threads at once, each on its own range of the parameter.
    func prepare(step t: Int) {}

    /// The update rule for a float32 parameter at its step `t` (1-based).
    /// It may be called for consecutive ranges of one parameter from
    /// several threads at once (`run`): it must read `self` only.
    func update(_ b: UpdateBuffers<Float>, step t: Int) {}
    /// The update rule for a float64 parameter at its step `t` (1-based).
    func update(_ b: UpdateBuffers<Double>, step t: Int) {}

    /// Sets every parameter's gradient to nil, as `zero_grad(set_to_none=True)`.
    public func zeroGrad() {
        for p in parameters { p.zeroGrad() }
    }

    /// Applies one update to every parameter that has a gradient.
    ///
    /// Every gradient is checked before any parameter changes, so a bad
    /// gradient leaves the model as it was.
    public func step() throws {
        guard lr.isFinite, lr >= 0 else {
            throw TensorError(op: "\(name).step", "invalid lr \(lr): must be finite and >= 0")
        }
        for (i, p) in parameters.enumerated() {
            guard let g = p.grad else { continue }
            guard g.shape == p.shape else {
                throw TensorError(op: "\(name).step", "gradient of parameter \(i) has shape \(g.shape) but the parameter has shape \(p.shape)")
            }
        }
        try GradMode.noGrad {
            for (i, p) in parameters.enumerated() {
                guard let g = p.grad else { continue }
                stepCounts[i] += 1
                let t = stepCounts[i]
                prepare(step: t)
                // In place: the parameter's array is updated where it lies.
                switch g.storage.converted(to: p.dtype) {
                case .float32(let gx):
                    var s: [Float] = takeState(i, count: p.count)
                    _ = try p.updateElements(as: Float.self) { x in run(&x, gx, &s) { update($0, step: t) } }
                    state[i] = .float32(s)
                case .float64(let gx):
                    var s: [Double] = takeState(i, count: p.count)
                    _ = try p.updateElements(as: Double.self) { x in run(&x, gx, &s) { update($0, step: t) } }
                    state[i] = .float64(s)
                default:
                    continue
                }
            }
        }
    }

    /// Removes parameter `i`'s state from the table (so it is uniquely
    /// referenced and updates in place), creating it on first use.
    private func takeState<T: TensorScalar>(_ i: Int, count: Int) -> [T] {
        let stored = state[i]
        state[i] = nil
        if let stored, let a = T.array(in: stored), a.count == stateCount * count { return a }
        return [T](repeating: T(initialState), count: stateCount * count)
    }

    /// Parameters of at least this many elements are updated in
    /// `Kernels.coreCount` ranges at once (W1 of a 784-256 layer is 200,704): the
    /// update is a few operations per element over four or five buffers,
    /// so it is bound by memory, which two cores read faster than one.
    static let parallelElements = 1 << 16

    /// Hands the raw buffers of one parameter to `body`: all at once, or
    /// for a large parameter in consecutive ranges (multiples of 64
    /// elements, so no two threads write one cache line) on `Kernels.coreCount`
    /// threads. Every element gets the same operations either way (the
    /// rules' eight-lane and scalar paths give the same bits, see
    /// `Lanes`), so the split changes no result.
    private func run<T: TensorScalar>(_ x: inout [T], _ g: [T], _ s: inout [T],
                                      _ body: (UpdateBuffers<T>) -> Void) {
        let n = x.count
        let k = stateCount
        let chunks = n >= Optimizer.parallelElements ? Kernels.coreCount : 1
        x.withUnsafeMutableBufferPointer { px in
            g.withUnsafeBufferPointer { pg in
                s.withUnsafeMutableBufferPointer { ps in
                    let (px, ps) = (px, ps)  // the buffers, not the inout bindings, go to the threads
                    // Elements lo..<hi of the parameter, its gradient and each state buffer.
                    func buffers(_ lo: Int, _ hi: Int) -> UpdateBuffers<T> {
                        func part(_ j: Int) -> UnsafeMutableBufferPointer<T> {
                            UnsafeMutableBufferPointer(rebasing: ps[(j * n + lo)..<(j * n + hi)])
                        }
                        // Literals for the usual one to three buffers: `map` allocates
                        // through the standard library's slower unspecialised path.
                        let bufs: [UnsafeMutableBufferPointer<T>]
                        switch k {
                        case 0: bufs = []
                        case 1: bufs = [part(0)]
                        case 2: bufs = [part(0), part(1)]
                        case 3: bufs = [part(0), part(1), part(2)]
                        default: bufs = (0..<k).map(part)
                        }
                        return UpdateBuffers(x: UnsafeMutableBufferPointer(rebasing: px[lo..<hi]),
                                             g: UnsafeBufferPointer(rebasing: pg[lo..<hi]), state: bufs)
                    }
                    if chunks <= 1 {
                        body(buffers(0, n))
                        return
                    }
                    let step = ((n + chunks - 1) / chunks + 63) & ~63
                    withoutActuallyEscaping(body) { body in
                        let work = UpdateWork(body: body, buffers: buffers)
                        DispatchQueue.concurrentPerform(iterations: chunks) { c in
                            let lo = Swift.min(n, c * step), hi = Swift.min(n, lo + step)
                            if lo < hi { work.body(work.buffers(lo, hi)) }
                        }
                    }
                }
            }
        }
    }
}

/// The closures of one split update, handed to the worker threads. Each
/// thread calls them for its own range of elements, so none writes what
/// another reads; the wrapper only tells the compiler so.
private struct UpdateWork<T: TensorScalar>: @unchecked Sendable {
    let body: (UpdateBuffers<T>) -> Void
    let buffers: (Int, Int) -> UpdateBuffers<T>
}
