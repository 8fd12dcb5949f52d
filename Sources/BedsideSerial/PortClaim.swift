import BedsidePlatform
import Glibc

/// What an exclusive open holds on its device, and gives back on every close path.
///
/// Three locks, because each covers a gap in the others:
/// - `flock(LOCK_EX)` on the open file description: binds root too (the kernel lets root past
///   `TIOCEXCL`), so two bridges can never share a port; the kernel drops it when the descriptor
///   closes, even if the process dies.
/// - the UUCP lock file (``UUCPLockFile``): what minicom and friends look at; taken before the
///   device is opened.
/// - `TIOCEXCL`: the only one enforced on programs that check no lock (`cat`, `screen`), but only
///   against non-root users, and stored on the tty, not the descriptor. On a pseudo-terminal that
///   another process keeps open the tty outlives our descriptor, so a flag left set refuses every
///   later non-root open, even `--no-exclusive` ones; hence ``release()`` clears it first.
///
/// The claim keeps its own duplicate of the descriptor. SwiftNIO closes its copy when the channel
/// closes, sometimes on its own (a read error or hang-up); the duplicate still refers to the tty
/// then, so `TIOCNXCL` always has something to act on. (Clearing `TIOCEXCL` before the hand-over
/// and relying on `flock` alone was the other choice; it would leave the port open to lock-less
/// programs for the whole session, which is when protection matters.)
final class PortClaim: Sendable {
    private let state: Locked<State>

    private struct State {
        /// Our duplicate of the port's descriptor; -1 once released.
        var descriptor: CInt
        var lockFile: UUCPLockFile?
        /// Whether we set TIOCEXCL, so clear it; a flag another program set is not ours to clear.
        var setExclusiveFlag: Bool
    }

    private init(descriptor: CInt, lockFile: UUCPLockFile?, setExclusiveFlag: Bool) {
        state = Locked(State(descriptor: descriptor, lockFile: lockFile, setExclusiveFlag: setExclusiveFlag))
    }

    deinit { release() }

    /// Claims the device open on `fd`: `flock`, then `TIOCEXCL`. `lockFile` (already taken) becomes
    /// part of the claim; on failure the caller still owns both it and `fd`.
    ///
    /// - Throws: ``SerialPortError/busy(_:holder:)`` when another open file description holds
    ///   the `flock` (another process, or another open in this one).
    static func take(_ fd: CInt, path: String, lockFile: UUCPLockFile?) throws(SerialPortError) -> PortClaim {
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            // Any other failure (a file system without flock) leaves the other two locks in force.
            if code == EWOULDBLOCK { throw .busy(path, holder: PortHolderLookup.holder(of: path)) }
        }
        var wasExclusive: CInt = 0
        let known = ioctl(fd, TIOCGEXCL, &wasExclusive) == 0
        guard ioctl(fd, UInt(TIOCEXCL)) == 0 else {
            let code = errno
            _ = flock(fd, LOCK_UN)
            throw .fromErrno(code, path: path, operation: "ioctl(TIOCEXCL)")
        }
        let keeper = fcntl(fd, F_DUPFD_CLOEXEC, 0)
        guard keeper >= 0 else {
            let code = errno
            if known && wasExclusive == 0 { _ = ioctl(fd, UInt(TIOCNXCL)) }
            _ = flock(fd, LOCK_UN)
            throw .system(operation: "fcntl(F_DUPFD_CLOEXEC) \(path)", errno: code)
        }
        return PortClaim(descriptor: keeper, lockFile: lockFile, setExclusiveFlag: !known || wasExclusive == 0)
    }

    /// Gives the port back: clears `TIOCEXCL`, drops the `flock`, removes the lock file and closes
    /// the duplicate. Runs once; later calls do nothing. Call it before closing the port's own
    /// descriptor where possible, so another opener finds the port free as soon as it is closed.
    func release() {
        let taken: State? = state.withLock { s in
            guard s.descriptor >= 0 else { return nil }
            defer { s.descriptor = -1; s.lockFile = nil }
            return s
        }
        guard let taken else { return }
        if taken.setExclusiveFlag { _ = ioctl(taken.descriptor, UInt(TIOCNXCL)) }
        // The flock belongs to the open file description NIO may still hold a moment longer.
        _ = flock(taken.descriptor, LOCK_UN)
        _ = Glibc.close(taken.descriptor)
        taken.lockFile?.remove()
    }

    /// Whether ``release()`` has run.
    var isReleased: Bool { state.withLock { $0.descriptor < 0 } }
}

/// `TIOCGEXCL` (`_IOR('T', 0x40, int)`): a function-like macro in the C headers, so not imported.
let TIOCGEXCL: UInt = 0x8004_5440
