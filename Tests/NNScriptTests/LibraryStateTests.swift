@testable import NNScript
import Testing

/// What the library builtins remember between calls (the last figure, for
/// `savefig`) is a stored property of its interpreter: never shared, and
/// gone with it.
@Suite("Library state")
struct LibraryStateTests {
    @Test func theLastFigureBelongsToItsInterpreterAndGoesWithIt() throws {
        weak var state: LibraryState?
        do {
            let a = Interpreter(options: .init(output: { _ in }, errorOutput: { _ in }))
            let b = Interpreter(options: .init(output: { _ in }, errorOutput: { _ in }))
            _ = try a.run(source: "plot([1, 2, 3])")
            #expect(a.libraryState.lastFigure != nil)
            #expect(b.libraryState.lastFigure == nil, "one interpreter's figure is not another's")
            #expect(a.libraryState === a.libraryState)
            state = a.libraryState
        }
        #expect(state == nil, "the library state outlives its interpreter")
    }
}
