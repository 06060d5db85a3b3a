import KilnLatent
import XCTest

/// The latent expression grammar and its error positions.
final class ExpressionTests: XCTestCase {
    func testParsesTermsCoefficientsAndSigns() throws {
        let e = try LatentExpression("smiling_woman - neutral_woman + neutral_man")
        XCTAssertEqual(e.terms.map(\.name), ["smiling_woman", "neutral_woman", "neutral_man"])
        XCTAssertEqual(e.terms.map(\.coefficient), [1, -1, 1])
        let f = try LatentExpression(" -0.5*boot+2 sneaker -  x1")
        XCTAssertEqual(f.terms.map(\.coefficient), [-0.5, 2, -1])
        XCTAssertEqual(f.names, ["boot", "sneaker", "x1"])
    }

    func testEvaluatesInDouble() throws {
        let e = try LatentExpression("a - b + 0.5*a")
        let v = e.evaluate { $0 == "a" ? [2, 4] : [1, 1] }
        XCTAssertEqual(v, [2, 5])
    }

    func testErrorsPointAtTheCharacter() {
        let cases: [(String, Int, String)] = [
            ("a - - b", 4, "expected a concept name"),
            ("a b", 2, "expected + or -"),
            ("a +", 3, "missing at the end"),
            ("", 0, "empty"),
            ("a + 1.2.3*b", 4, "not a number"),
            ("a + 2 * * b", 8, "expected a concept name"),
        ]
        for (text, offset, message) in cases {
            XCTAssertThrowsError(try LatentExpression(text), text) { e in
                guard let e = e as? LatentExpressionError else { return XCTFail("\(e)") }
                XCTAssertEqual(e.offset, offset, text)
                XCTAssertTrue(e.message.contains(message), "\(text): \(e.message)")
                XCTAssertTrue(e.description.hasSuffix("\n  " + String(repeating: " ", count: offset) + "^"), e.description)
            }
        }
    }
}
