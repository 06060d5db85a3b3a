/// A sum of scaled concepts, "smiling_woman - neutral_woman + neutral_man" or "0.5*sneaker + boot":
///
///     expression = ["+" | "-"] term {("+" | "-") term}
///     term       = [number ["*"]] name
///     name       = (letter | "_") {letter | digit | "_"}
///
/// Spaces are ignored. Errors point at the character where parsing stopped.
public struct LatentExpression: Equatable, Sendable {
    public struct Term: Equatable, Sendable {
        public var coefficient: Double
        public var name: String
    }

    public let terms: [Term]

    public init(_ text: String) throws {
        let chars = Array(text.unicodeScalars)
        var i = 0
        func fail(_ what: String) -> LatentExpressionError { LatentExpressionError(expression: text, offset: i, message: what) }
        func skipSpaces() { while i < chars.count, chars[i] == " " { i += 1 } }
        func isNameStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.isASCII && c.properties.isAlphabetic) }
        func isNamePart(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || ("0" ... "9").contains(c) }
        var terms: [Term] = []
        var sign = 1.0
        skipSpaces()
        if i < chars.count, chars[i] == "+" || chars[i] == "-" { sign = chars[i] == "-" ? -1 : 1; i += 1 }
        while true {
            skipSpaces()
            var coefficient = 1.0
            if i < chars.count, ("0" ... "9").contains(chars[i]) || chars[i] == "." {
                let start = i
                while i < chars.count, ("0" ... "9").contains(chars[i]) || chars[i] == "." { i += 1 }
                let digits = String(String.UnicodeScalarView(chars[start ..< i]))
                guard let v = Double(digits), v.isFinite else { i = start; throw fail("'\(digits)' is not a number") }
                coefficient = v
                skipSpaces()
                if i < chars.count, chars[i] == "*" { i += 1; skipSpaces() }
            }
            guard i < chars.count else { throw fail(terms.isEmpty && coefficient == 1 ? "the expression is empty; write concept names joined by + and -, e.g. \"glasses - man + woman\"" : "a concept name is missing at the end") }
            guard isNameStart(chars[i]) else { throw fail("expected a concept name (letters, digits, _), found '\(chars[i])'") }
            let start = i
            while i < chars.count, isNamePart(chars[i]) { i += 1 }
            terms.append(Term(coefficient: sign * coefficient, name: String(String.UnicodeScalarView(chars[start ..< i]))))
            skipSpaces()
            if i == chars.count { break }
            guard chars[i] == "+" || chars[i] == "-" else { throw fail("expected + or - between terms, found '\(chars[i])'") }
            sign = chars[i] == "-" ? -1 : 1
            i += 1
        }
        self.terms = terms
    }

    /// Concept names in order of first use.
    public var names: [String] {
        var seen: [String] = []
        for t in terms where !seen.contains(t.name) { seen.append(t.name) }
        return seen
    }

    /// sum of coefficient * vector(name), in Double, rounded to Float.
    public func evaluate(_ vector: (String) throws -> [Float]) rethrows -> [Float] {
        var sum: [Double] = []
        for t in terms {
            let v = try vector(t.name)
            if sum.isEmpty { sum = [Double](repeating: 0, count: v.count) }
            precondition(v.count == sum.count)
            for j in v.indices { sum[j] += t.coefficient * Double(v[j]) }
        }
        return sum.map { Float($0) }
    }
}

/// A syntax error in a latent expression, with the place it was found.
public struct LatentExpressionError: Error, Equatable, CustomStringConvertible {
    public let expression: String
    /// Unicode-scalar offset of the character where parsing stopped.
    public let offset: Int
    public let message: String

    /// Three lines: what is wrong, the expression, and a caret under the character.
    public var description: String {
        "\(message) at character \(offset + 1):\n  \(expression)\n  \(String(repeating: " ", count: offset))^"
    }
}
