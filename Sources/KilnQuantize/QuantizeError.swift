/// Why a model cannot be quantized; the message says what to do instead.
public struct QuantizeError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ message: String) { description = message }
}
