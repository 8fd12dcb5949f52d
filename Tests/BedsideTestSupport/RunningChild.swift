import BedsidePlatform
import Glibc

/// A program kept running while a test works against it, e.g. one holding a lock. The test waits
/// for it by reading a line it prints when ready (no sleeping), and ends it by closing its
/// standard input (or with ``finish()``, which also reaps it).
public final class RunningChild {
    public let pid: pid_t
    private var input: CInt
    private let output: CInt
    private var finished = false

    public init(_ executable: String, _ arguments: [String]) throws {
        var toChild: [CInt] = [-1, -1], fromChild: [CInt] = [-1, -1]
        guard pipe(&toChild) == 0 else { throw ChildProcessError.failed("pipe", errno) }
        guard pipe(&fromChild) == 0 else {
            close(toChild[0]); close(toChild[1])
            throw ChildProcessError.failed("pipe", errno)
        }
        // The parent's ends must not leak into this or any other child: a leaked write end of the
        // child's stdin would keep it from ever seeing end-of-file.
        _ = fcntl(toChild[1], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fromChild[0], F_SETFD, FD_CLOEXEC)
        let spawned = CleanSpawn.spawn(executable, arguments) { actions in
            posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
            posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
            posix_spawn_file_actions_addclose(&actions, toChild[0])
            posix_spawn_file_actions_addclose(&actions, fromChild[1])
        }
        close(toChild[0])
        close(fromChild[1])
        let pid: pid_t
        switch spawned {
        case .success(let child): pid = child
        case .failure(let error):
            close(toChild[1]); close(fromChild[0])
            throw ChildProcessError.failed("posix_spawn \(executable)", error.errno)
        }
        self.pid = pid
        input = toChild[1]
        output = fromChild[0]
    }

    /// The next line the program prints (without the newline), or `nil` at end of output. Blocks.
    public func readLine() -> String? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(output, &byte, 1)
            if n == 1 {
                if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
                line.append(byte)
            } else if n == 0 || errno != EINTR {
                return line.isEmpty ? nil : String(decoding: line, as: UTF8.self)
            }
        }
    }

    /// Closes the program's standard input and waits for it to exit. Safe to call more than once.
    public func finish() {
        guard !finished else { return }
        finished = true
        close(input)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        close(output)
    }

    deinit { finish() }
}
