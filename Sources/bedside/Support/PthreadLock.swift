import Glibc

/// A plain mutex for the few shared counters the command line keeps.
final class PthreadLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    init() { mutex.initialize(to: pthread_mutex_t()); pthread_mutex_init(mutex, nil) }
    deinit { pthread_mutex_destroy(mutex); mutex.deallocate() }
    func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

/// A value behind a ``PthreadLock``.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = PthreadLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T { try lock.locked { try body(&value) } }
}

extension Locked {
    /// Returns the wrapped value and leaves `nil` behind.
    func take<T>() -> T? where Value == T? { withLock { v in defer { v = nil }; return v } }
}
