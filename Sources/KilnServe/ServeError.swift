import Hummingbird
import NIOCore

/// Why a request is refused: a status and a sentence that says what to change.
enum ServeError: Error {
    case busy

    static func bad(_ message: String) -> HTTPError { HTTPError(.badRequest, message: message) }
}

extension Request {
    /// The whole body, or 413 with the limit named when it is longer than `limit` bytes.
    mutating func body(upTo limit: Int) async throws -> ByteBuffer {
        do { return try await collectBody(upTo: limit) } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge, message: "the body is over the server's limit of \(limit) bytes (kiln serve --max-body)")
        }
    }
}

extension ServeError: HTTPResponseError {
    var status: HTTPResponse.Status { .serviceUnavailable }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try HTTPError(.serviceUnavailable, headers: [.retryAfter: "1"],
                      message: "the server is at its queue limit; retry in a moment").response(from: request, context: context)
    }
}
