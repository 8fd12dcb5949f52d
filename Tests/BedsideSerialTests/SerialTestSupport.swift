import BedsideModel
@testable import BedsideSerial
import BedsideTestSupport
import Glibc
import NIOCore

/// Reads from a channel's inbound iterator until `count` bytes arrived (or the stream ended).
/// Tests that use it carry a time limit, so a lost byte fails instead of hanging.
func readExactly(_ count: Int, from inbound: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator)
    async throws -> [UInt8]
{
    var received: [UInt8] = []
    while received.count < count, var chunk = try await inbound.next() {
        received += chunk.readBytes(length: chunk.readableBytes) ?? []
    }
    return received
}

/// Reads TIOCGEXCL (not imported into Swift: it is a function-like macro).
func exclusiveFlag(_ fd: CInt) -> CInt {
    var value: CInt = -1
    let rc = withUnsafeMutablePointer(to: &value) { ioctl(fd, UInt(0x8004_5440), $0) }
    return rc == 0 ? value : -1
}

/// The bytes every binary-transparency test sends: NUL, XON, XOFF, CR, LF, HDLC flag/escape,
/// IntelliVue frame delimiters, 0xFF.
let awkwardBytes: [UInt8] = [0x00, 0x11, 0x13, 0x0D, 0x0A, 0x7E, 0x7D, 0xC0, 0xC1, 0xFF]

/// Whether a test can open a device as `nobody` (root is let past TIOCEXCL, so only another user
/// shows whether the flag is set).
let canOpenAsNobody = getuid() == 0 && access("/usr/bin/setpriv", X_OK) == 0 && access("/usr/bin/python3", X_OK) == 0

/// Opens `path` read-write as `nobody` (uid 65534) in a child process and closes it again:
/// "opened", or the errno of the failed open. Needs ``canOpenAsNobody``; the caller first makes
/// the device world-writable so the only thing that can stop `nobody` is an exclusive flag.
func openAsNobody(_ path: String) throws -> String {
    try ChildProcess.run("/usr/bin/setpriv", [
        "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
        "import os,sys\ntry:\n os.close(os.open(sys.argv[1], os.O_RDWR|os.O_NOCTTY|os.O_NONBLOCK)); print('opened')\nexcept OSError as e:\n print(e.errno)",
        path,
    ]).output.split(whereSeparator: \.isWhitespace).joined()
}

/// A fresh directory under /tmp, removed with its files by ``remove()``: a private lock directory,
/// so tests neither depend on nor disturb /var/lock.
struct TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/bedside-lock-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw SerialPortError.system(operation: "mkdtemp", errno: errno)
        }
        path = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func remove() {
        for name in SmallFile.entries(of: path) { unlink(path + "/" + name) }
        rmdir(path)
    }
}
