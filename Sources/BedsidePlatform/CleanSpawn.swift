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
        // Nor any descriptor beyond stdin, stdout and stderr: a child holding a dup of a pty's
        // controller (NIO dups the descriptors it is given, without close-on-exec) keeps that pty
        // from ever hanging up for as long as the child lives.
        _ = closeFrom?(&actions, 3)
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

extension CleanSpawn {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc
    /// module does not import; looked up once, `nil` where the C library lacks it.
    static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            return nil
        }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()
}
