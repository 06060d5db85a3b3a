import KilnLatent
import KilnRuntime
import XCTest

final class ConceptBookTests: XCTestCase {
    func testRoundTripAndMean() throws {
        var book = ConceptBook(distribution: .normal, dimension: 100)
        try book.set("sneaker", seeds: [2, 5, 16])
        try book.set("ankle_boot", seeds: [19, 28, 35, 38])
        try book.set("sneaker", seeds: [2, 5, 16, 18])  // replaces
        let text = book.text
        XCTAssertEqual(text, "# kiln concepts 1\nlatent normal 100\nsneaker = 2, 5, 16, 18\nankle_boot = 19, 28, 35, 38\n")
        XCTAssertEqual(try ConceptBook(text: text), book)
        let s = LatentSampler(dimension: 100, distribution: .normal)
        XCTAssertEqual(try book.vector("sneaker", sampler: s), Latent.mean([2, 5, 16, 18].map { s.sample(seed: $0) }))
    }

    func testErrorsSayWhatIsWrong() {
        var book = ConceptBook(distribution: .normal, dimension: 100)
        func check(_ body: () throws -> Void, _ words: [String], line: UInt = #line) {
            XCTAssertThrowsError(try body(), line: line) { e in
                for w in words { XCTAssertTrue("\(e)".contains(w), "'\(w)' not in: \(e)", line: line) }
            }
        }
        check({ try book.set("glasses", seeds: [1, 2]) }, ["2 seeds", "at least 3"])
        check({ try book.set("ankle boot", seeds: [1, 2, 3]) }, ["not a concept name"])
        check({ _ = try book.vector("boot", sampler: LatentSampler(dimension: 100, distribution: .normal)) }, ["no concept 'boot'", "--concept boot="])
        check({ _ = try ConceptBook.parseDefinition("glasses") }, ["NAME=SEED,SEED,SEED"])
        check({ _ = try ConceptBook.parseDefinition("glasses=1,x,3") }, ["'x' is not a seed"])
        check({ _ = try ConceptBook(text: "hello\n") }, ["not a concepts file"])
        check({ _ = try ConceptBook(text: "# kiln concepts 1\nlatent normal 100\nboot = 1, 2\n") }, ["concept #1", "at least 3"])
        check({ _ = try ConceptBook(text: "# kiln concepts 1\nlatent gaussian 100\n") }, ["line 2", "latent normal|uniform"])
        check({ _ = try ConceptBook(text: "# kiln concepts 1\nboot = 1, 2, 3\n") }, ["no 'latent"])
        check({ try book.check(against: LatentSampler(dimension: 64, distribution: .normal)) }, ["dimension 100", "dimension 64"])
        XCTAssertNoThrow(try book.check(against: LatentSampler(dimension: 100, distribution: .normal)))
    }
}
