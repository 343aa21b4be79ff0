import Synchronization

/// Identifies one source file among those an interpreter has loaded.
///
/// Ranges carry this id instead of a reference to the file, so they stay
/// small (12 bytes) and `Sendable`. A ``SourceMap`` hands out ids.
public struct SourceFileID: Hashable, Sendable, Comparable {
    /// The raw number; `0` is the default for a single-file session.
    public var rawValue: UInt32

    /// Creates an id from its raw number.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    public static func < (lhs: SourceFileID, rhs: SourceFileID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The id of no file (``SourceRange/none``'s): a ``SourceMap`` never hands it out.
    public static let none = SourceFileID(UInt32.max)
}

/// A 1-based line and column, as shown to users.
///
/// `column` counts characters (grapheme clusters) from the start of the line,
/// so a caret lines up under the text in a terminal.
public struct LineColumn: Hashable, Sendable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// 1-based column number, in characters.
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// One position in a source file: a UTF-8 byte offset.
public struct SourceLocation: Hashable, Sendable {
    /// The file the offset points into.
    public var file: SourceFileID
    /// Byte offset into the file's UTF-8 text.
    public var offset: Int

    public init(file: SourceFileID, offset: Int) {
        self.file = file
        self.offset = offset
    }
}

/// A half-open range of UTF-8 bytes `[start, end)` in one source file.
///
/// Every token, AST node and diagnostic carries one. Resolve it to a line and
/// column with ``SourceFile/lineColumn(of:)``.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
    /// The file the range points into.
    public var file: SourceFileID
    @usableFromInline var rawStart: UInt32
    @usableFromInline var rawEnd: UInt32

    /// Creates a range from byte offsets (clamped to `0...UInt32.max`).
    @inlinable
    public init(file: SourceFileID, start: Int, end: Int) {
        self.file = file
        let s = UInt32(clamping: start)
        self.rawStart = s
        self.rawEnd = max(s, UInt32(clamping: end))
    }

    /// A range covering nothing, for synthesised nodes: its file is no
    /// file's (``SourceFileID/none``), so it never renders as a place in one.
    public static let none = SourceRange(file: .none, start: 0, end: 0)

    /// Byte offset of the first byte.
    @inlinable public var startOffset: Int { Int(rawStart) }
    /// Byte offset one past the last byte.
    @inlinable public var endOffset: Int { Int(rawEnd) }
    /// Number of bytes covered.
    @inlinable public var length: Int { Int(rawEnd - rawStart) }
    /// The first position.
    public var start: SourceLocation { SourceLocation(file: file, offset: startOffset) }
    /// The position one past the end.
    public var end: SourceLocation { SourceLocation(file: file, offset: endOffset) }

    /// The smallest range covering both `self` and `other` (same file assumed).
    @inlinable
    public func union(_ other: SourceRange) -> SourceRange {
        var r = self
        r.rawStart = min(rawStart, other.rawStart)
        r.rawEnd = max(rawEnd, other.rawEnd)
        return r
    }

    /// An empty range at this range's end, for "expected X here" diagnostics.
    public var afterEnd: SourceRange { SourceRange(file: file, start: endOffset, end: endOffset) }

    public var description: String { "\(file.rawValue):\(startOffset)..<\(endOffset)" }
}

/// A source file: its name, its UTF-8 bytes, and a table of line starts.
///
/// All offsets in ranges are byte offsets into ``bytes``. The bytes are kept
/// as given (even invalid UTF-8, which the lexer reports as an error). A
/// UTF-8 byte-order mark at the start (`EF BB BF`, which some editors write)
/// is not part of the text: the lexer starts after it, columns on the first
/// line do not count it, and ``text`` and ``line(_:)`` leave it out.
public struct SourceFile: Sendable {
    /// The id ranges into this file carry.
    public var id: SourceFileID
    /// The name shown in diagnostics, e.g. `train.nn` or `<repl>`.
    public var name: String
    /// The raw UTF-8 bytes.
    public let bytes: [UInt8]
    /// Byte offset of the first byte of each line; `lineStarts[0] == 0`.
    public let lineStarts: [Int]

    /// Creates a source file from text.
    public init(name: String, text: String, id: SourceFileID = SourceFileID(0)) {
        self.init(name: name, bytes: Array(text.utf8), id: id)
    }

    /// Creates a source file from raw bytes, which need not be valid UTF-8.
    public init(name: String, bytes: [UInt8], id: SourceFileID = SourceFileID(0)) {
        self.id = id
        self.name = name
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            starts.append(i + 1)
        }
        self.lineStarts = starts
        self.contentStart = bytes.starts(with: SourceFile.byteOrderMark) ? SourceFile.byteOrderMark.count : 0
    }

    /// The UTF-8 byte-order mark, U+FEFF.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The offset of the first byte of text: 3 after a byte-order mark, else 0.
    public let contentStart: Int

    /// The text (without a leading byte-order mark), with invalid UTF-8 repaired to U+FFFD.
    public var text: String { String(decoding: bytes[contentStart...], as: UTF8.self) }

    /// The number of lines (a trailing newline starts one more, empty line).
    public var lineCount: Int { lineStarts.count }

    /// The 0-based index of the line containing `offset` (clamped to the file).
    public func lineIndex(of offset: Int) -> Int {
        let offset = min(max(offset, 0), bytes.count)
        // Binary search for the last line start <= offset.
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// The 1-based line and column of a byte offset.
    public func lineColumn(of offset: Int) -> LineColumn {
        let offset = min(max(offset, 0), bytes.count)
        let index = lineIndex(of: offset)
        let start = min(index == 0 ? contentStart : lineStarts[index], offset)
        let prefix = String(decoding: bytes[start..<offset], as: UTF8.self)
        return LineColumn(line: index + 1, column: prefix.count + 1)
    }

    /// The 1-based line and column where `location` starts.
    public func lineColumn(of location: SourceLocation) -> LineColumn { lineColumn(of: location.offset) }

    /// The 1-based line and column where `range` starts.
    public func lineColumn(of range: SourceRange) -> LineColumn { lineColumn(of: range.startOffset) }

    /// Byte range of a 0-based line, without its line terminator (nor, on
    /// the first line, a byte-order mark).
    public func byteRange(ofLine index: Int) -> Range<Int> {
        guard index >= 0, index < lineStarts.count else { return bytes.count..<bytes.count }
        let start = index == 0 ? contentStart : lineStarts[index]
        var end = index + 1 < lineStarts.count ? lineStarts[index + 1] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return start..<max(start, end)
    }

    /// The text of a 1-based line, without its line terminator ("" if out of range).
    public func line(_ number: Int) -> String {
        String(decoding: bytes[byteRange(ofLine: number - 1)], as: UTF8.self)
    }

    /// The source text covered by `range` (clamped to the file).
    public func text(in range: SourceRange) -> String {
        let s = min(range.startOffset, bytes.count), e = min(range.endOffset, bytes.count)
        return String(decoding: bytes[s..<e], as: UTF8.self)
    }

    /// A range in this file.
    public func range(_ start: Int, _ end: Int) -> SourceRange {
        SourceRange(file: id, start: start, end: end)
    }
}

/// The ids every ``SourceMap`` hands out, unique in the process: code compiled
/// by one interpreter may run in another (a function value passed between
/// them), and an error it raises must never be shown against the other's
/// file that happens to have the same number.
private let nextFileID = Atomic<UInt32>(0)

/// The set of source files an interpreter has loaded, by id.
public struct SourceMap: Sendable {
    /// Every file, in the order added (so in increasing id order).
    public private(set) var files: [SourceFile] = []

    public init() {}

    /// A fresh id, unique in the process (``SourceFileID/none`` is never handed out).
    private static func freshID() -> SourceFileID {
        var id = nextFileID.wrappingAdd(1, ordering: .relaxed).oldValue
        if id == SourceFileID.none.rawValue { id = nextFileID.wrappingAdd(1, ordering: .relaxed).oldValue }
        return SourceFileID(id)
    }

    /// Adds a file and returns it with a fresh id.
    @discardableResult
    public mutating func add(name: String, text: String) -> SourceFile {
        let file = SourceFile(name: name, text: text, id: SourceMap.freshID())
        files.append(file)
        return file
    }

    /// Adds a file made from raw bytes and returns it with a fresh id.
    @discardableResult
    public mutating func add(name: String, bytes: [UInt8]) -> SourceFile {
        let file = SourceFile(name: name, bytes: bytes, id: SourceMap.freshID())
        files.append(file)
        return file
    }

    /// The file with this id, if this map holds it (a binary search: ids
    /// increase in the order files are added, but for the wrap after 2^32 files).
    public subscript(id: SourceFileID) -> SourceFile? {
        var lo = 0, hi = files.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if files[mid].id.rawValue < id.rawValue { lo = mid + 1 } else { hi = mid }
        }
        if lo < files.count, files[lo].id == id { return files[lo] }
        return files.first { $0.id == id }
    }
}
