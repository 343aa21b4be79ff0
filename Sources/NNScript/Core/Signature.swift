/// The parameters of a callable as the binder sees them. nn functions and
/// builtins bind their arguments with this one binder, so both accept the
/// same calls and refuse the others with the same messages:
///
/// ```
/// f: expected at most 2 arguments, got 3
/// f: unknown argument 'lrr'; did you mean 'lr'?
/// f: argument 'lr' given twice
/// f: missing argument 'x'
/// ```
struct Signature {
    /// The callable's name, as messages give it.
    let name: String
    /// The parameter names, in order.
    let names: [String]
    /// Which parameters a call must give (no default, not optional).
    let required: [Bool]
    /// How many parameters can be given by position (those before a variadic one).
    let positionalCount: Int
    /// The variadic parameter (`print(xs...)`), if any: it takes the
    /// positional arguments beyond ``positionalCount`` and no label.
    let variadicIndex: Int?

    init(name: String, names: [String], required: [Bool], variadicIndex: Int? = nil) {
        self.name = name
        self.names = names
        self.required = required
        self.variadicIndex = variadicIndex
        positionalCount = variadicIndex ?? names.count
    }

    /// Where a call's arguments go.
    struct Binding {
        /// Which parameters the call gives (by position, by name, or the variadic one).
        var given: [Bool]
        /// The parameter of each named argument, in the call's order.
        var namedSlots: [Int]
        /// The positional arguments that fill the variadic parameter.
        var rest: Range<Int>
    }

    /// Binds a call of `positional` positional arguments and named ones with
    /// `labels`: positional ones fill the first parameters in order, named
    /// ones the parameter of that name; a parameter left out must have a
    /// default. Throws the message for a call that does not fit.
    func bind(positional: Int, labels: [String]) throws(BindingError) -> Binding {
        var given = [Bool](repeating: false, count: names.count)
        var rest = positional..<positional
        if positional > positionalCount {
            guard let v = variadicIndex else {
                throw BindingError("\(name): expected at most \(Signature.count(positionalCount, "argument")), got \(positional)")
            }
            rest = positionalCount..<positional
            given[v] = true
        }
        for i in 0..<min(positional, positionalCount) { given[i] = true }
        var namedSlots: [Int] = []
        namedSlots.reserveCapacity(labels.count)
        for label in labels {
            guard let i = names.indices.first(where: { names[$0] == label && $0 != variadicIndex }) else {
                let candidates = names.indices.filter { $0 != variadicIndex }.map { names[$0] }
                throw BindingError("\(name): unknown argument '\(label)'" + Suggest.didYouMean(label, among: candidates))
            }
            if given[i] { throw BindingError("\(name): argument '\(label)' given twice") }
            given[i] = true
            namedSlots.append(i)
        }
        for i in names.indices where !given[i] && required[i] {
            throw BindingError("\(name): missing argument '\(names[i])'")
        }
        return Binding(given: given, namedSlots: namedSlots, rest: rest)
    }

    /// `1 argument`, `2 arguments`.
    static func count(_ n: Int, _ noun: String) -> String {
        n == 1 ? "1 \(noun)" : "\(n) \(noun)s"
    }
}

/// Why a call does not fit its callable's ``Signature``.
struct BindingError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
