import BedsidePlatform
import Glibc

/// Runs a program to completion and returns its exit status and standard output (standard error
/// goes to the test log). For the few tests that need a second process: another uid, socat,
/// umockdev-run.
public struct ChildProcess {
    public var status: Int32
    public var output: String

    public static func run(_ executable: String, _ arguments: [String]) throws -> ChildProcess {
        var pipeFDs: [CInt] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { throw ChildProcessError.failed("pipe", errno) }
        let spawned = CleanSpawn.spawn(executable, arguments) { actions in
            posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
            posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        }
        close(pipeFDs[1])
        let pid: pid_t
        switch spawned {
        case .success(let child): pid = child
        case .failure(let error):
            close(pipeFDs[0])
            throw ChildProcessError.failed("posix_spawn \(executable)", error.errno)
        }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(pipeFDs[0], &buffer, buffer.count)
            if n > 0 { output += buffer[0..<n] } else if n == 0 || errno != EINTR { break }
        }
        close(pipeFDs[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS are macros; decode by hand.
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ChildProcess(status: exit, output: String(decoding: output, as: UTF8.self))
    }

    /// Starts a program in the background with its output discarded; the caller ends it with
    /// ``terminate(_:)``.
    public static func spawn(_ executable: String, _ arguments: [String]) throws -> pid_t {
        let spawned = CleanSpawn.spawn(executable, arguments) { actions in
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        switch spawned {
        case .success(let pid): return pid
        case .failure(let error): throw ChildProcessError.failed("posix_spawn \(executable)", error.errno)
        }
    }

    public static func terminate(_ pid: pid_t) {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    public static func isExecutable(_ path: String) -> Bool { access(path, X_OK) == 0 }
}

public enum ChildProcessError: Error { case failed(String, Int32) }
