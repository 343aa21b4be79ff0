#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a path leads, as bytes (a file name need not be UTF-8, and two
/// names must never compare equal unless their bytes are).
extension FileGate {
    /// How many symbolic links one resolution follows before it gives up
    /// (Linux's own limit is 40).
    static let maxLinkHops = 40

    /// `path` as the system would find it:
    /// 1. made absolute against the working directory;
    /// 2. its longest prefix that exists resolved by `realpath`, so every
    ///    symbolic link and `..` in it is followed as the kernel follows it
    ///    (`a/link/..` is the link target's parent, not `a`);
    /// 3. a prefix ending in a symbolic link that leads nowhere (dangling)
    ///    followed to where it points, as `open(O_CREAT)` would;
    /// 4. the rest, which does not exist, appended with `.` dropped and `..`
    ///    taking off the last component (the system would refuse such a
    ///    path: nothing is under a name that does not exist).
    ///
    /// nil when the working directory cannot be found or links loop.
    public static func resolve(_ path: [UInt8]) -> [UInt8]? {
        resolve(path, hops: 0)
    }

    private static func resolve(_ path: [UInt8], hops: Int) -> [UInt8]? {
        let slash = UInt8(ascii: "/")
        var absolute = path
        if absolute.first != slash {
            guard let cwd = currentDirectory() else { return nil }
            absolute = cwd + [slash] + path
        }
        let parts = absolute.split(separator: slash, omittingEmptySubsequences: true).map(Array.init)
        for k in stride(from: parts.count, through: 0, by: -1) {
            let prefix = joined(parts[0..<k])
            if let real = realPath(prefix) { return appending(parts[k...], to: real) }
            guard k > 0, let target = linkTarget(prefix) else { continue }
            // A link that realpath could not follow: dangling, or a loop.
            guard hops < maxLinkHops else { return nil }
            let base = target.first == slash ? target : joined(parts[0..<(k - 1)]) + [slash] + target
            return resolve(base + [slash] + joined(parts[k...]).dropFirst(), hops: hops + 1)
        }
        return nil   // unreachable: "/" always resolves
    }

    /// `/a/b` from `["a", "b"]`; `/` from none.
    private static func joined(_ parts: ArraySlice<[UInt8]>) -> [UInt8] {
        var out: [UInt8] = []
        for p in parts { out += [UInt8(ascii: "/")] + p }
        return out.isEmpty ? [UInt8(ascii: "/")] : out
    }

    /// `base` with `rest` appended: `.` dropped, `..` removing the last component.
    private static func appending(_ rest: ArraySlice<[UInt8]>, to base: [UInt8]) -> [UInt8] {
        var parts = base.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Array.init)
        for p in rest {
            if p == [UInt8(ascii: ".")] { continue }
            if p == [UInt8(ascii: "."), UInt8(ascii: ".")] {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(p)
        }
        return joined(parts[...])
    }

    /// The working directory's bytes.
    static func currentDirectory() -> [UInt8]? {
        guard let p = getcwd(nil, 0) else { return nil }
        defer { free(p) }
        return Array(UnsafeRawBufferPointer(start: p, count: strlen(p)))
    }

    /// `realpath(3)` of `path`, or nil when some part of it does not exist
    /// (or cannot be searched, or loops).
    static func realPath(_ path: [UInt8]) -> [UInt8]? {
        (path + [0]).withUnsafeBufferPointer { name -> [UInt8]? in
            name.withMemoryRebound(to: CChar.self) { c -> [UInt8]? in
                guard let base = c.baseAddress, let r = realpath(base, nil) else { return nil }
                defer { free(r) }
                return Array(UnsafeRawBufferPointer(start: r, count: strlen(r)))
            }
        }
    }

    /// The text of the symbolic link at `path`, or nil when there is none.
    static func linkTarget(_ path: [UInt8]) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = (path + [0]).withUnsafeBufferPointer { name -> Int in
            name.withMemoryRebound(to: CChar.self) { c -> Int in
                buffer.withUnsafeMutableBytes { raw -> Int in
                    guard let base = c.baseAddress, let out = raw.baseAddress else { return -1 }
                    return readlink(base, out.assumingMemoryBound(to: CChar.self), raw.count)
                }
            }
        }
        guard n > 0, n < buffer.count else { return nil }
        return Array(buffer[..<n])
    }
}
