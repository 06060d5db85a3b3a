#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The live models and sessions by handle id, behind one mutex. Ids count up from 1 and are never
/// reused, so a released handle stays refused (KILN_E_HANDLE) instead of naming a newer object.
final class Registry: @unchecked Sendable {
    static let shared = Registry()

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var next: UInt64 = 1
    private var models: [UInt64: OpenModel] = [:]
    private var sessions: [UInt64: Session] = [:]

    private init() { pthread_mutex_init(mutex, nil) }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    func add(_ model: OpenModel) -> UInt64 {
        locked {
            defer { next += 1 }
            models[next] = model
            return next
        }
    }

    func model(_ id: UInt64) throws(APIError) -> OpenModel {
        guard let m = locked({ models[id] }) else { throw .handle("model", id) }
        return m
    }

    /// Removes a model that no session uses.
    func releaseModel(_ id: UInt64) throws(APIError) {
        let result: Result<Void, APIError> = locked {
            guard let m = models[id] else { return .failure(.handle("model", id)) }
            guard m.sessions == 0 else { return .failure(.inUse(m.sessions)) }
            models[id] = nil
            return .success(())
        }
        try result.get()
    }

    /// Registers a session and counts it on its model; fails if the model was released meanwhile.
    func add(_ session: Session, model id: UInt64) throws(APIError) -> UInt64 {
        let result: Result<UInt64, APIError> = locked {
            guard let m = models[id] else { return .failure(.handle("model", id)) }
            m.sessions += 1
            defer { next += 1 }
            sessions[next] = session
            return .success(next)
        }
        return try result.get()
    }

    /// Removes an idle session.
    func releaseSession(_ id: UInt64) throws(APIError) {
        let result: Result<Void, APIError> = locked {
            guard let s = sessions[id] else { return .failure(.handle("session", id)) }
            guard !s.busy else { return .failure(.busy) }
            sessions[id] = nil
            s.model.sessions -= 1
            return .success(())
        }
        try result.get()
    }

    /// Runs `body` on session `id`, marked busy meanwhile: a second caller gets KILN_E_BUSY.
    func using<T>(session id: UInt64, _ body: (Session) throws(APIError) -> T) throws(APIError) -> T {
        let claimed: Result<Session, APIError> = locked {
            guard let s = sessions[id] else { return .failure(.handle("session", id)) }
            guard !s.busy else { return .failure(.busy) }
            s.busy = true
            return .success(s)
        }
        let s = try claimed.get()
        defer { locked { s.busy = false } }
        return try body(s)
    }
}
