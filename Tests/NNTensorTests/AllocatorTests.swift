import Testing
@testable import NNTensor

/// The process owner's allocator setting (Allocator.swift) takes on glibc.
@Suite struct AllocatorTests {
    @Test func glibcTakesTheFixedThresholds() {
        #if canImport(Glibc)
        #expect(Allocator.keepFreedBuffers())
        #endif
    }
}
