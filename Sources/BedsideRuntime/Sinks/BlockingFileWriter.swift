#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Darwin)
private let systemWrite = Darwin.write
#elseif canImport(Musl)
private let systemWrite = Musl.write
#else
private let systemWrite = Glibc.write
#endif

/// Writes to a file descriptor (stdout, usually) from a dedicated thread.
///
/// A terminal or pipe can block a `write(2)` for as long as its reader pleases. Doing that on a
/// Swift concurrency thread would stall every pipeline sharing the pool; here only this writer's
/// own thread waits. Callers `await` only when more than `limit` bytes are queued, which makes a
/// slow reader back up into the caller's bus subscription, where the loss is counted and reported.
public final class BlockingFileWriter: @unchecked Sendable {
    /// Why writing stopped.
    public enum WriteError: Error, CustomStringConvertible, Equatable {
        /// The reader went away (`EPIPE`), e.g. `bedside … | head`.
        case readerClosed
        case failed(errno: Int32)

        public var description: String {
            switch self {
            case .readerClosed: "the output's reader closed the pipe"
            case .failed(let e): "writing the output failed: \(String(cString: strerror(e)))"
            }
        }
    }

    private let fd: Int32
    private let limit: Int
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`.
    private var queue: [[UInt8]] = []
    private var queuedBytes = 0
    private var closed = false
    private var threadDone = false
    private var error: WriteError?
    private var spaceWaiters: [CheckedContinuation<Void, Never>] = []
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []

    /// - Parameters:
    ///   - fd: the descriptor to write to; not closed by the writer.
    ///   - limit: bytes queued before ``write(_:)`` suspends its caller.
    public init(fd: Int32, limit: Int = 1 << 20) {
        self.fd = fd
        self.limit = limit
        mutex.initialize(to: pthread_mutex_t())
        wake.initialize(to: pthread_cond_t())
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        let box = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let writer = Unmanaged<BlockingFileWriter>.fromOpaque(raw!).takeRetainedValue()
            writer.threadMain()
            return nil
        }, box)
        precondition(rc == 0, "could not start the output thread: \(rc)")
        pthread_detach(thread)
    }

    deinit {
        pthread_cond_destroy(wake)
        pthread_mutex_destroy(mutex)
        wake.deallocate()
        mutex.deallocate()
    }

    /// Queues `bytes`; suspends while more than the limit is queued. Throws once writing failed.
    public func write(_ bytes: [UInt8]) async throws(WriteError) {
        guard !bytes.isEmpty else { return }
        pthread_mutex_lock(mutex)
        if let error { pthread_mutex_unlock(mutex); throw error }
        queue.append(bytes)
        queuedBytes += bytes.count
        pthread_cond_signal(wake)
        let mustWait = queuedBytes > limit
        pthread_mutex_unlock(mutex)
        if mustWait {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                pthread_mutex_lock(mutex)
                if queuedBytes > limit && error == nil { spaceWaiters.append(c); unlockMutex(); return }
                pthread_mutex_unlock(mutex)
                c.resume()
            }
        }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if let error { throw error }
    }

    /// Waits until everything queued so far was written (or writing failed).
    public func flush() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            pthread_mutex_lock(mutex)
            if queuedBytes > 0 && error == nil && !threadDone { drainWaiters.append(c); unlockMutex(); return }
            pthread_mutex_unlock(mutex)
            c.resume()
        }
    }

    /// Writes what is queued, then ends the thread. Later writes are ignored.
    public func close() async {
        await flush()
        pthread_mutex_lock(mutex)
        closed = true
        pthread_cond_signal(wake)
        pthread_mutex_unlock(mutex)
    }

    private func unlockMutex() { pthread_mutex_unlock(mutex) }

    private func threadMain() {
        while true {
            pthread_mutex_lock(mutex)
            while queue.isEmpty && !closed { pthread_cond_wait(wake, mutex) }
            if queue.isEmpty && closed {
                threadDone = true
                let waiters = spaceWaiters + drainWaiters
                spaceWaiters = []; drainWaiters = []
                pthread_mutex_unlock(mutex)
                waiters.forEach { $0.resume() }
                return
            }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            pthread_mutex_unlock(mutex)

            // Whatever queued up while the last write ran goes out in one system call.
            let written = batch.reduce(0) { $0 + $1.count }
            let failure = batch.count == 1 ? writeFully(batch[0]) : writeFully(Self.concatenated(batch, count: written))

            pthread_mutex_lock(mutex)
            queuedBytes -= written
            var resume: [CheckedContinuation<Void, Never>] = []
            if let failure {
                error = failure
                queue.removeAll()
                queuedBytes = 0
            }
            if queuedBytes <= limit || error != nil { resume += spaceWaiters; spaceWaiters = [] }
            if queuedBytes == 0 || error != nil { resume += drainWaiters; drainWaiters = [] }
            pthread_mutex_unlock(mutex)
            resume.forEach { $0.resume() }
        }
    }

    /// The chunks in one buffer, copied chunk by chunk (`Array(batch.joined())` goes byte by byte).
    private static func concatenated(_ batch: [[UInt8]], count: Int) -> [UInt8] {
        var all = [UInt8]()
        all.reserveCapacity(count)
        for chunk in batch { all.append(contentsOf: chunk) }
        return all
    }

    private func writeFully(_ chunk: [UInt8]) -> WriteError? {
        chunk.withUnsafeBytes { buffer -> WriteError? in
            var offset = 0
            while offset < buffer.count {
                let n = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n >= 0 { offset += n; continue }
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN {
                    // A descriptor someone else made non-blocking: wait until it is writable.
                    var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&p, 1, -1)
                    continue
                }
                return e == EPIPE ? .readerClosed : .failed(errno: e)
            }
            return nil
        }
    }
}
