import BedsidePlatform
import Glibc
import Testing

/// A spawned child gets stdin, stdout and stderr and nothing else: a descriptor the parent left
/// without close-on-exec (NIO's dup of a pty controller) must not keep a port open in the child.
@Suite("CleanSpawn descriptors")
struct CleanSpawnDescriptorTests {
    @Test("a descriptor without close-on-exec is not inherited")
    func notInherited() throws {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        #expect(fcntl(fds[1], F_GETFD) & FD_CLOEXEC == 0)
        // The child exits 0 only if it does not have the pipe's write end.
        let pid = try CleanSpawn.spawn("/bin/sh", ["-c", "test ! -e /proc/self/fd/\(fds[1])"]).get()
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid)
        #expect(status == 0, "the child still had descriptor \(fds[1])")
    }
}
