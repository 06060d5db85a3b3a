import CKilnAPI
import KilnFormat
import KilnRuntime

/// A failure of a C API call: its kiln_status and the message kiln_last_error returns.
enum APIError: Error {
    case null(String)
    case argument(String)
    case bufferTooSmall(what: String, needed: Int, given: Int)
    case handle(String, UInt64)
    case inUse(Int)
    case busy
    case notGenerator(String)
    case thrown(any Error)

    var status: kiln_status {
        switch self {
        case .null: return KILN_E_NULL
        case .argument: return KILN_E_ARGUMENT
        case .bufferTooSmall: return KILN_E_BUFFER_TOO_SMALL
        case .handle: return KILN_E_HANDLE
        case .inUse: return KILN_E_IN_USE
        case .busy: return KILN_E_BUSY
        case .notGenerator: return KILN_E_NOT_GENERATOR
        case let .thrown(error):
            switch error {
            case FormatError.cannotOpen, FormatError.notAFile: return KILN_E_IO
            case is FormatError: return KILN_E_FORMAT
            case RuntimeError.badThreads, RuntimeError.badBatch: return KILN_E_ARGUMENT
            case RuntimeError.labelOutOfRange: return KILN_E_RUN
            case is GeneratorSpecError: return KILN_E_NOT_GENERATOR
            default: return KILN_E_MODEL
            }
        }
    }

    var message: String {
        switch self {
        case let .null(what): return "\(what) is NULL; pass a valid pointer."
        case let .argument(message): return message
        case let .bufferTooSmall(what, needed, given): return "\(what) holds \(given) but the call needs \(needed); pass a larger buffer."
        case let .handle(kind, id):
            return "the \(kind) handle \(id) is not open (released, or never returned by kiln_\(kind)_\(kind == "model" ? "open" : "create")); open a new one."
        case let .inUse(n): return "the model still has \(n) open session\(n == 1 ? "" : "s"); release \(n == 1 ? "it" : "them") first (kiln_session_release)."
        case .busy: return "the session is running a call on another thread; use one session per thread, or wait for the call to return."
        case let .notGenerator(message): return message
        case let .thrown(error): return "\(error)"
        }
    }
}

/// Runs a C API call's body: KILN_OK, or the error's status with its message set for the thread.
func call(_ body: () throws(APIError) -> Void) -> kiln_status {
    do {
        try body()
        return KILN_OK
    } catch {
        return error.message.withCString { kiln_internal_fail(error.status, $0) }
    }
}

/// Unwraps a required pointer argument.
func required<T>(_ pointer: T?, _ name: String) throws(APIError) -> T {
    guard let pointer else { throw .null(name) }
    return pointer
}

/// Runs a throwing runtime call, wrapping what it throws.
func runtime<T>(_ body: () throws -> T) throws(APIError) -> T {
    do { return try body() } catch { throw .thrown(error) }
}
