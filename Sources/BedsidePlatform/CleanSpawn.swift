import Glibc

/// Starts programs the one way the bridge and its tests need: with a clean signal state.
///
/// A child must not inherit the signal mask of the concurrency thread that spawns it (with
/// SIGINT/SIGTERM blocked it could never be stopped), nor the dispositions this process set up for
/// itself (SIGPIPE ignored, stop signals routed to dispatch sources).
public enum CleanSpawn {
    /// Spawns `executable` with `arguments`; `configure` adds file actions (redirections).
    ///
    /// - Returns: the child's pid, or the `posix_spawn` error number.
    public static func spawn(_ executable: String, _ arguments: [String],
                             fileActions configure: (inout posix_spawn_file_actions_t) -> Void = { _ in })
        -> Result<pid_t, SpawnError>
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        configure(&actions)
        var attributes = cleanAttributes()
        defer { posix_spawnattr_destroy(&attributes) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        return rc == 0 ? .success(pid) : .failure(SpawnError(executable: executable, errno: rc))
    }

    /// Spawn attributes with an empty signal mask and default dispositions for the signals the
    /// bridge handles; the caller destroys them.
    public static func cleanAttributes() -> posix_spawnattr_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        return attributes
    }
}

/// A program could not be started.
public struct SpawnError: Error, CustomStringConvertible, Equatable {
    public var executable: String
    public var errno: Int32
    public var description: String { "could not start \(executable): \(String(cString: strerror(errno)))" }
}
