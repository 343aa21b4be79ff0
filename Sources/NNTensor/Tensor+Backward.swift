/// The backward engine: reverse-mode accumulation over a recorded graph,
/// behind `backward()` and `Tensor.gradients(of:wrt:)`.
///
/// Each tensor of the pass is a *node* numbered in the order it is found;
/// the walk's state lives in arrays indexed by that number, so a node costs
/// one dictionary lookup per edge that reaches it (to find its number) and
/// array reads after that (a small graph's backward pass is dominated by
/// such bookkeeping: issue 20's XOR step has ten recorded ops).
extension Tensor {
    /// One tensor of a backward pass.
    private struct Node {
        let tensor: Tensor
        /// Its record (nil for a leaf).
        let record: GradFn?
        /// The inputs the record read (`GradFn.resolvedInputs`; empty for a
        /// leaf or an explicit target), set when the node is expanded.
        var inputs: [Tensor] = []
        /// Where its inputs' node numbers start in `Walk.edges` (-1 for an
        /// input that is not tracked), set when the node is expanded.
        var firstEdge = 0
        /// 0: found, 1: expanded (its inputs pushed), 2: done (in `order`).
        var state: UInt8 = 0
        /// Whether a target is reached from it (set when done).
        var reaches = false
        /// The gradient accumulated so far.
        var grad: Tensor? = nil
    }

    /// Node numbers by tensor identity: open addressing with linear probing
    /// over a power-of-two table of object addresses (0 marks a free slot),
    /// kept at most half full. A `Dictionary` would cost a SipHash per
    /// lookup and, to make, a lookup of its storage type's metadata.
    private struct NodeTable {
        private var keys: [UInt]
        private var numbers: [Int]
        private var count = 0

        init() {
            keys = Array(repeatElement(0, count: 64))
            numbers = Array(repeatElement(0, count: 64))
        }

        /// The slot of `key`, or the free slot where it would go.
        private func slot(_ key: UInt) -> Int {
            let mask = keys.count - 1
            // Fibonacci hashing of the address (objects are 16-byte aligned).
            var i = Int(truncatingIfNeeded: ((key >> 4) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
            while keys[i] != 0 && keys[i] != key { i = (i + 1) & mask }
            return i
        }

        /// The number of `t`, or nil.
        func number(of t: Tensor) -> Int? {
            let i = slot(UInt(bitPattern: ObjectIdentifier(t)))
            return keys[i] == 0 ? nil : numbers[i]
        }

        /// Records that `t` (not in the table) has number `n`.
        mutating func insert(_ t: Tensor, _ n: Int) {
            if 2 * (count + 1) > keys.count { grow() }
            let key = UInt(bitPattern: ObjectIdentifier(t))
            let i = slot(key)
            keys[i] = key
            numbers[i] = n
            count += 1
        }

        private mutating func grow() {
            let oldKeys = keys, oldNumbers = numbers
            keys = Array(repeatElement(0, count: 2 * oldKeys.count))
            numbers = Array(repeatElement(0, count: 2 * oldKeys.count))
            for (k, n) in zip(oldKeys, oldNumbers) where k != 0 {
                let i = slot(k)
                keys[i] = k
                numbers[i] = n
            }
        }
    }

    /// The state of one backward pass.
    private struct Walk {
        /// The node number of each tensor met so far.
        var number = NodeTable()
        var nodes: [Node] = []
        var edges: [Int] = []
        /// Node numbers in post-order: every node after all of its inputs.
        var order: [Int] = []

        /// Room for a small graph's nodes, so the arrays do not grow (each
        /// growth is an allocation) in the common case; each block under
        /// 1 KiB, which glibc serves from its per-thread cache (a 1.8 KiB
        /// block cost 2,800 instructions a step, 16 nodes 300).
        init() {
            nodes.reserveCapacity(16)
            edges.reserveCapacity(64)
            order.reserveCapacity(32)
        }

        /// The number of `t`, numbering it if it is new.
        mutating func node(_ t: Tensor) -> Int {
            if let n = number.number(of: t) { return n }
            let n = nodes.count
            number.insert(t, n)
            nodes.append(Node(tensor: t, record: t.gradFn))
            return n
        }
    }

    /// The engine: reverse-mode accumulation over the recorded graph.
    ///
    /// Returns the gradient for each target (explicit `targets`, or every leaf
    /// that requires grad when `targets` is nil). Only nodes from which a
    /// target can be reached are visited, so constant branches and the graph
    /// *beyond* an explicit target (an outer transform's graph) cost nothing.
    static func propagate(from root: Tensor, seed: Tensor?, targets: [Tensor]?,
                          createGraph: Bool, consume: Bool = false) throws -> [(Tensor, Tensor)] {
        let seedTensor: Tensor
        if let seed {
            guard seed.shape == root.shape else {
                throw TensorError(op: "backward", "seed shape \(fmt(seed.shape)) does not match output shape \(fmt(root.shape))")
            }
            seedTensor = seed.dtype == root.dtype ? seed : try seed.to(root.dtype)
        } else {
            guard root.count == 1 else {
                throw TensorError(op: "backward", "a gradient can only be implied for a one-element output; got shape \(fmt(root.shape)) (reduce it, e.g. with sum() or mean())")
            }
            seedTensor = Tensor(shape: root.shape, storage: .filled(1, count: 1, dtype: root.dtype))
        }
        let explicit = targets != nil
        let targetIDs = Set((targets ?? []).map(ObjectIdentifier.init))
        func isTarget(_ t: Tensor, _ record: GradFn?) -> Bool {
            explicit ? targetIDs.contains(ObjectIdentifier(t)) : (record == nil && t.requiresGrad)
        }

        // Post-order DFS (inputs before consumers), iterative, stopping at
        // explicit targets; marks which nodes reach a target. A node may be
        // pushed again while it waits deeper in the stack: it is expanded
        // at its first pop and skipped at the others, so each node is done
        // only after everything it reads.
        var w = Walk()
        var stack: [(node: Int, expanded: Bool)] = [(w.node(root), false)]
        stack.reserveCapacity(32)
        while let (n, expanded) = stack.popLast() {
            if expanded {
                let node = w.nodes[n]
                var r = isTarget(node.tensor, node.record)
                if !(explicit && r) {
                    for e in node.firstEdge..<(node.firstEdge + node.inputs.count) where w.edges[e] >= 0 && w.nodes[w.edges[e]].reaches {
                        r = true
                        break
                    }
                }
                w.nodes[n].reaches = r
                w.nodes[n].state = 2
                w.order.append(n)
                continue
            }
            guard w.nodes[n].state == 0 else { continue }
            w.nodes[n].state = 1
            stack.append((n, true))
            w.nodes[n].firstEdge = w.edges.count
            guard let record = w.nodes[n].record, !(explicit && isTarget(w.nodes[n].tensor, record)) else { continue }
            let ins = record.resolvedInputs()
            w.nodes[n].inputs = ins
            for x in ins {
                guard x.isTracked else { w.edges.append(-1); continue }
                let m = w.node(x)
                w.edges.append(m)
                if w.nodes[m].state == 0 { stack.append((m, false)) }
            }
        }

        w.nodes[0].grad = seedTensor  // the root is node 0
        var results: [(Tensor, Tensor)] = []
        try GradMode.with(enabled: createGraph) {
            for n in w.order.reversed() {
                guard w.nodes[n].reaches, let g = w.nodes[n].grad else { continue }
                let t = w.nodes[n].tensor, record = w.nodes[n].record
                if isTarget(t, record) {
                    results.append((t, g))
                    if explicit || record == nil { continue }
                }
                w.nodes[n].grad = nil
                guard let fn = record else { continue }
                let inputs = w.nodes[n].inputs, first = w.nodes[n].firstEdge
                let needs = Tensor.needs(inputs.count) { i in
                    let m = w.edges[first + i]
                    return m >= 0 && w.nodes[m].reaches
                }
                guard needs.contains(true) else { continue }
                if fn.consumed {
                    throw TensorError(op: "backward", "this graph was already used by a backward pass, which would add the same gradients again; pass retain_graph: true to the first backward to go through it twice")
                }
                try fn.checkVersions()
                let ctx = GradContext(inputs: inputs, output: t, needs: needs)
                let inGrads = try fn.rule(g, ctx)
                for (i, x) in inputs.enumerated() where needs[i] {
                    guard i < inGrads.count, var gi = inGrads[i] else { continue }
                    if gi.shape != x.shape { gi = try gi.sumTo(x.shape) }
                    let m = w.edges[first + i]
                    if let old = w.nodes[m].grad { w.nodes[m].grad = try old + gi } else { w.nodes[m].grad = gi }
                }
            }
        }
        if consume {
            for n in w.order where w.nodes[n].reaches { w.nodes[n].record?.consumed = true }
        }
        return results
    }

    /// `[need(0), need(1), …]` for `count` inputs: for one or two inputs a
    /// shared constant array (no allocation; most ops have one or two).
    @inline(__always)
    private static func needs(_ count: Int, _ need: (Int) -> Bool) -> [Bool] {
        switch count {
        case 1: return need(0) ? needsTrue : needsFalse
        case 2: return need(0) ? (need(1) ? needsBoth : needsFirst) : (need(1) ? needsSecond : needsNeither)
        default: return (0..<count).map(need)
        }
    }
    private static let needsTrue = [true], needsFalse = [false]
    private static let needsBoth = [true, true], needsFirst = [true, false]
    private static let needsSecond = [false, true], needsNeither = [false, false]
}
