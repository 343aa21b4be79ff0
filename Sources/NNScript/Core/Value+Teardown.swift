#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Frees deeply nested lists and records iteratively.
///
/// Swift releases a chain of objects recursively, so a list nested 100,000
/// levels deep would exhaust the native stack when it dies. While one
/// container is being torn down on a thread, the containers its death frees
/// hand their elements to a per-thread work list instead of releasing them
/// in place; the outermost teardown drains that list in a loop.
enum Teardown {
    final class State {
        var active = false
        var pending: [Value] = []
    }

    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k) { raw in
            #if canImport(Darwin)
            Unmanaged<State>.fromOpaque(raw).release()
            #else
            if let raw { Unmanaged<State>.fromOpaque(raw).release() }
            #endif
        }
        return k
    }()

    private static func state() -> State {
        if let raw = pthread_getspecific(key) {
            return Unmanaged<State>.fromOpaque(raw).takeUnretainedValue()
        }
        let s = State()
        pthread_setspecific(key, Unmanaged.passRetained(s).toOpaque())
        return s
    }

    /// Called from a dying container with its elements.
    static func release(list items: inout [Value]) {
        var nested = false
        for v in items {
            switch v {
            case .list, .record, .tuple: nested = true
            default: break
            }
            if nested { break }
        }
        guard nested else { return }
        let st = state()
        if st.active {
            st.pending.append(contentsOf: items)
            items = []
            return
        }
        st.active = true
        var local = items
        items = []
        local = []
        _ = local
        while !st.pending.isEmpty {
            var batch = st.pending
            st.pending = []
            batch = []
            _ = batch
        }
        st.active = false
    }
}
