import BedsidePlatform
import Glibc

/// A child process with its stdout on a pipe (used by the benchmark to run simulators in a
/// separate process, so their CPU time is not counted as the bridge's).
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    private let stdoutRead: Int32
    private var pending: [UInt8] = []

    public init(executable: String, arguments: [String]) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CommandFailure("pipe failed: errno \(errno)") }
        let spawned = CleanSpawn.spawn(executable, arguments) { actions in
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_addclose(&actions, fds[0])
        }
        close(fds[1])
        let child: pid_t
        switch spawned {
        case .success(let pid): child = pid
        case .failure(let error):
            close(fds[0])
            throw CommandFailure(error.description)
        }
        pid = child
        stdoutRead = fds[0]
    }

    /// The next line the child printed on stdout (blocking), or nil at end of output.
    public func readLine() -> String? {
        while true {
            if let i = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<i], as: UTF8.self)
                pending.removeSubrange(...i)
                return line
            }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = read(stdoutRead, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return nil }
            pending += buffer[..<n]
        }
    }

    /// Sends SIGINT (a polite stop) and waits for the child to exit.
    public func interruptAndWait() {
        kill(pid, SIGINT)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        close(stdoutRead)
    }
}

/// This executable's own path.
public func currentExecutablePath() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return CommandLine.arguments[0] }
    return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
