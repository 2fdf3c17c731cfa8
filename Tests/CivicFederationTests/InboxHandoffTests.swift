import CivicFederation
import CivicVocabulary
import Testing

@Suite("The inbox hands parsed activities to its worker")
struct InboxHandoffTests {
    @Test("A document is taken once; rows never handed over are read from the database")
    func takeOnce() {
        let handoff = InboxHandoff()
        handoff.put(7, ["type": "Create"])
        #expect(handoff.take(7) == ["type": "Create"])
        #expect(handoff.take(7) == nil)
        #expect(handoff.take(8) == nil)
    }

    @Test("Rows may be taken out of order; at capacity, rows behind the worker stop holding places")
    func capacity() {
        let handoff = InboxHandoff(capacity: 3)
        handoff.put(1, 1)
        handoff.put(2, 2)
        #expect(handoff.take(2) == 2)
        #expect(handoff.take(1) == 1, "below capacity nothing else is dropped")

        for row in Int64(3)...6 { handoff.put(row, .number(Double(row))) }
        // Full: row 6 was not kept, and the worker parses it from its row. Rows 3-5 are behind a
        // worker that takes row 6 (finished elsewhere, or handed over after it read them).
        #expect(handoff.take(6) == nil)
        handoff.put(7, 7)
        #expect(handoff.take(3) == nil)
        #expect(handoff.take(7) == 7)
    }
}
