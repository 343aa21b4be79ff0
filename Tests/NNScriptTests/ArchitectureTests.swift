import Foundation
import Testing

/// The rules of `docs/architecture.md` that the tree itself can show: the
/// unsafe constructs of the evaluator stay in `Sources/NNScript/Core`, and
/// the document and README's layout table name exactly the folders there are.
@Suite("Architecture")
struct ArchitectureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The folders under `path` (relative to the package root), sorted.
    static func folders(_ path: String) throws -> [String] {
        let url = root.appendingPathComponent(path)
        return try FileManager.default.contentsOfDirectory(atPath: url.path).filter { name in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isDir)
                && isDir.boolValue
        }.map { "\(path)/\($0)" }.sorted()
    }

    /// Every Swift file under `Sources/`, relative to the package root.
    static func swiftSources() throws -> [String] {
        let sources = root.appendingPathComponent("Sources")
        let all = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String } ?? []
        return all.filter { $0.hasSuffix(".swift") }.map { "Sources/\($0)" }.sorted()
    }

    @Test func unmanagedReferencesAppearOnlyInTheCore() throws {
        let forbidden = ["Unmanaged", "unowned(unsafe)", "_withUnsafeGuaranteedRef"]
        let files = try Self.swiftSources()
        #expect(files.count > 100, "the scan found too few files to be working")
        var inCore = 0
        for file in files {
            let text = try Self.read(file)
            for word in forbidden where text.contains(word) {
                if file.hasPrefix("Sources/NNScript/Core/") {
                    inCore += 1
                } else {
                    Issue.record("\(file) uses \(word): unmanaged references belong in Sources/NNScript/Core (see docs/architecture.md)")
                }
            }
        }
        #expect(inCore > 0, "the core's own uses were not found: is the scan reading the files?")
    }

    /// The backquoted `Sources/...` folders a document names.
    static func namedFolders(in text: String) -> Set<String> {
        var out: Set<String> = []
        var rest = Substring(text)
        while let open = rest.range(of: "`Sources/") {
            let after = rest[open.upperBound...]
            guard let close = after.firstIndex(of: "`") else { break }
            let path = "Sources/" + after[..<close]
            if !path.hasSuffix(".swift") { out.insert(path.hasSuffix("/") ? String(path.dropLast()) : path) }
            rest = after[close...]
        }
        return out
    }

    @Test func theArchitectureDocumentNamesEveryFolderAndNoOther() throws {
        let named = Self.namedFolders(in: try Self.read("docs/architecture.md"))
        let tree = try Self.folders("Sources") + Self.folders("Sources/NNScript") + Self.folders("Sources/NNLib")
        for folder in tree where !named.contains(folder) {
            Issue.record("docs/architecture.md does not name \(folder)")
        }
        for folder in named {
            var isDir: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(folder).path, isDirectory: &isDir)
            #expect(exists && isDir.boolValue, "docs/architecture.md names \(folder), which is no folder")
        }
    }

    @Test func theReadmeLayoutNamesEveryTopLevelSourceFolder() throws {
        let readme = try Self.read("README.md")
        let table = try #require(readme.components(separatedBy: "## Layout").dropFirst().first)
        let named = Self.namedFolders(in: table)
        for folder in try Self.folders("Sources") {
            let name = String(folder.dropFirst("Sources/".count))
            #expect(named.contains(folder) || table.contains("`\(name)`"), "README's layout table does not name \(folder)")
        }
        for folder in named {
            #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(folder).path),
                    "README's layout names \(folder), which does not exist")
        }
    }
}
