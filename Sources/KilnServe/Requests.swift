import Foundation
import Hummingbird

/// What /generate and /interpolate take, from the query (GET) or a JSON body (POST).
struct GenerateRequest: Decodable {
    var model: String?
    var seed: UInt64?
    var count: Int?
    /// A class index or name ("Bag").
    var `class`: ClassValue?
    /// Pixels per model pixel, 1 to the limit.
    var zoom: Int?
    /// Grid columns (default: square).
    var columns: Int?
    /// /interpolate: the end seed, the number of images, "slerp" or "linear".
    var to: UInt64?
    var steps: Int?
    var path: String?
}

/// A class given by index or by name.
enum ClassValue: Decodable {
    case index(Int)
    case name(String)

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) { self = .index(i) } else { self = .name(try c.decode(String.self)) }
    }

    init(_ text: Substring) { self = Int(text).map(ClassValue.index) ?? .name(String(text)) }
}

extension GenerateRequest {
    /// The request's parameters: a JSON body for POST, the query string otherwise.
    static func from(_ request: inout Request, context: some RequestContext, limit: Int) async throws -> GenerateRequest {
        if request.method == .post {
            let body = try await request.body(upTo: limit)
            guard body.readableBytes > 0 else { return GenerateRequest() }
            do {
                return try JSONDecoder().decode(GenerateRequest.self, from: Data(body.readableBytesView))
            } catch {
                throw ServeError.bad("the body is not the JSON this endpoint takes, e.g. {\"seed\": 7, \"count\": 4, \"class\": \"Bag\"}: \(error)")
            }
        }
        let q = request.uri.queryParameters
        func number<T: FixedWidthInteger>(_ key: String) throws -> T? {
            guard let text = q[Substring(key)] else { return nil }
            guard let v = T(text) else { throw ServeError.bad("\(key) must be a whole number, not '\(text)'") }
            return v
        }
        return GenerateRequest(model: q["model"].map(String.init), seed: try number("seed"), count: try number("count"),
                               class: q["class"].map(ClassValue.init), zoom: try number("zoom"), columns: try number("columns"),
                               to: try number("to"), steps: try number("steps"), path: q["path"].map(String.init))
    }
}
