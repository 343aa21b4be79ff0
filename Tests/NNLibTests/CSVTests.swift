import Foundation
import Testing
import NNTensor
@testable import NNLib

/// `read_csv`: numbers with a header, and errors that name the row and column.
@Suite struct CSVTests {
    /// `examples/data/<name>`, found from this source file's location.
    static func dataPath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/data/\(name)").path
    }

    @Test func irisReadsAsNumbers() throws {
        let t = try readCSV(path: Self.dataPath("iris.csv"), target: "species")
        #expect(t.X.shape == [150, 4])
        #expect(t.y?.shape == [150])
        #expect(t.columns == ["sepal_length", "sepal_width", "petal_length", "petal_width"])
        #expect(t.X.doubles.prefix(4).map { ($0 * 10).rounded() / 10 } == [5.1, 3.5, 1.4, 0.2])
        #expect(t.notes.isEmpty)
    }

    @Test func textCellIsAnErrorNamingRowAndColumn() throws {
        let text = "a,b,label\n1,2,0\n3,x,1\n"
        #expect(throws: TensorError(op: "read_csv", "t.csv: row 2 (line 3), column 'b': 'x' is not a number (pass encode: true to encode text columns as integer categories)")) {
            try parseCSV(text, name: "t.csv", target: "label")
        }
    }

    @Test func withoutQuotingAMessageNamesColumnsByNumber() throws {
        let text = "a,b,label\n1,2,0\n3,x,1\n"
        #expect(throws: TensorError(op: "read_csv", "t.csv: row 2 (line 3), column 2: the cell is not a number (pass encode: true to encode text columns as integer categories)")) {
            try parseCSV(text, name: "t.csv", target: "label", quotesContents: false)
        }
        #expect(throws: TensorError(op: "read_csv", "t.csv has no column 'y' (its header has 3 columns)")) {
            try parseCSV(text, name: "t.csv", target: "y", quotesContents: false)
        }
    }

    @Test func raggedRowIsAnError() throws {
        #expect(throws: TensorError(op: "read_csv", "t.csv: row 2 (line 3) has 2 fields but the header has 3 columns")) {
            try parseCSV("a,b,c\n1,2,3\n4,5\n", name: "t.csv")
        }
    }

    @Test func missingValuesAreRefusedOrDropped() throws {
        let text = "a,b\n1,2\n3,NA\n,6\n7,8\n"
        #expect(throws: TensorError(op: "read_csv", "t.csv: row 2 (line 3), column 'b': missing value 'NA' (pass missing: \"drop\" to drop rows with missing values)")) {
            try parseCSV(text, name: "t.csv", target: "b")
        }
        let t = try parseCSV(text, name: "t.csv", target: "b", missing: .drop)
        #expect(t.X.doubles == [1, 7])
        #expect(t.y?.doubles == [2, 8])
        #expect(t.droppedRows == [2, 3])
        #expect(t.notes == ["dropped 2 of 4 rows with missing values (rows 2, 3)"])
    }

    @Test func penguinsEncodeAndDrop() throws {
        let path = Self.dataPath("penguins.csv")
        #expect(throws: TensorError.self) { try readCSV(path: path, target: "species") }
        let t = try readCSV(path: path, target: "species", encode: true, missing: .drop)
        #expect(t.categories["species"] == ["Adelie", "Chinstrap", "Gentoo"])
        #expect(t.categories["island"] == ["Biscoe", "Dream", "Torgersen"])
        #expect(t.X.shape[1] == 7)
        #expect(t.X.shape[0] + t.droppedRows.count == 344)
        #expect(t.notes.contains { $0.hasPrefix("encoded text column 'species' as 3 categories: Adelie=0, Chinstrap=1, Gentoo=2") })
        #expect(Set(t.y?.doubles ?? []) == [0, 1, 2])
    }

    @Test func quotedFieldsHeaderProblemsAndMissingFiles() throws {
        let t = try parseCSV("\"x, with comma\",y\n\"1\",2\r\n", target: "y")
        #expect(t.columns == ["x, with comma"])
        #expect(t.X.doubles == [1])
        #expect(throws: TensorError.self) { try parseCSV("a,a\n1,2\n") }
        #expect(throws: TensorError(op: "read_csv", "<text> has no column 'z'; its columns are a, b")) {
            try parseCSV("a,b\n1,2\n", target: "z")
        }
        #expect(throws: TensorError.self) { try readCSV(path: "/nonexistent/file.csv") }
    }

    /// A header of 300,000 columns is checked for duplicates in one pass
    /// (issue 15: the check scanned every earlier column, 4.5e10 string
    /// comparisons here, so the wide file of the hostile corpus hung).
    @Test func wideHeaderDuplicateFoundInOnePass() throws {
        let n = 300_000
        let names = (0..<n).map { "c\($0)" }
        let text = (names + ["c7"]).joined(separator: ",") + "\n" + Array(repeating: "1", count: n + 1).joined(separator: ",") + "\n"
        #expect(throws: TensorError(op: "read_csv", "<text>: column name 'c7' appears twice in the header")) {
            try parseCSV(text)
        }
        let wide = try parseCSV(names.joined(separator: ",") + "\n" + Array(repeating: "2", count: n).joined(separator: ",") + "\n")
        #expect(wide.X.shape == [1, n])
    }
}
