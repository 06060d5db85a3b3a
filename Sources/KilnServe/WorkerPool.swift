/// At most `workers` requests compute at once; up to `queue` more wait their turn, and beyond that
/// a request is refused (503) instead of piling up memory.
actor WorkerPool<Worker: Sendable> {
    private var free: [Worker]
    private var waiting: [CheckedContinuation<Worker, Never>] = []
    private let queue: Int

    init(_ workers: [Worker], queue: Int) {
        free = workers
        self.queue = queue
    }

    /// A free worker, after waiting if all are busy; nil when the queue is full.
    func take() async -> Worker? {
        if let w = free.popLast() { return w }
        guard waiting.count < queue else { return nil }
        return await withCheckedContinuation { waiting.append($0) }
    }

    func give(_ w: Worker) {
        if waiting.isEmpty { free.append(w) } else { waiting.removeFirst().resume(returning: w) }
    }
}
