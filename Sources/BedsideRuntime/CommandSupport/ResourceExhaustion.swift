import Glibc

/// Turns running out of file descriptors into an error that says so and what to do, and lets a
/// command check its descriptor budget before it starts (running out midway, inside the I/O
/// framework, cannot be recovered from).
public enum ResourceExhaustion {
    /// The process's open-file limit (soft, hard).
    public static func openFileLimit() -> (soft: UInt64, hard: UInt64) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return (1024, 1024) }
        return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
    }

    /// Raises the soft open-file limit to what is needed (up to the hard limit), as a service
    /// hosting many ports would, and fails with the figures when even the hard limit is too low.
    ///
    /// - Parameters:
    ///   - needed: descriptors the command will hold at once, on top of those open now.
    ///   - what: what needs them, for the message ("400 simulated devices").
    public static func reserveDescriptors(_ needed: UInt64, for what: String) throws(CommandFailure) {
        let inUse = openDescriptorCount()
        let total = needed + inUse
        var (soft, hard) = openFileLimit()
        if total > soft && soft < hard {
            var raised = rlimit(rlim_cur: rlim_t(min(total, hard)), rlim_max: rlim_t(hard))
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { soft = UInt64(raised.rlim_cur) }
        }
        guard total <= soft else {
            throw CommandFailure("\(what) need about \(total) open files, but this process may open at most \(soft) "
                                 + "(hard limit \(hard)): ask for fewer, or raise the limit (`ulimit -n`, "
                                 + "LimitNOFILE= in a systemd unit)")
        }
    }

    /// Descriptors open in this process now.
    static func openDescriptorCount() -> UInt64 {
        guard let dir = opendir("/proc/self/fd") else { return 16 }
        defer { closedir(dir) }
        var count: UInt64 = 0
        while readdir(dir) != nil { count += 1 }
        return count > 3 ? count - 3 : count  // ".", ".." and the directory's own descriptor
    }

    /// `error`, or a ``CommandFailure`` explaining it when it is the open-file limit.
    public static func explain(_ error: any Error, doing what: String) -> any Error {
        let text = "\(error)"
        guard text.contains("EMFILE") || text.contains("Too many open files") || text.contains("errno: 24")
            || text.contains("ENFILE") else { return error }
        let (soft, _) = openFileLimit()
        return CommandFailure("\(what): out of file descriptors (this process may open \(soft)): close other "
                              + "ports or raise the limit (`ulimit -n`, LimitNOFILE= in a systemd unit)")
    }
}
