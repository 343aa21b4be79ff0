import Testing
@testable import NNTensor
#if canImport(Glibc)
import Glibc
#endif

/// The process owner's allocator setting (Allocator.swift) takes on glibc.
@Suite struct AllocatorTests {
    @Test func glibcTakesTheFixedThresholds() {
        #if canImport(Glibc)
        // Under AddressSanitizer (scripts/sanitize) malloc is the sanitizer's,
        // which has no thresholds to fix: mallopt says no, rightly.
        let sanitized = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") != nil
        #expect(Allocator.keepFreedBuffers() != sanitized)
        #endif
    }
}
