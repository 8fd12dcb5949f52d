import Foundation

/// An MLLP receiver that is not our code: python-hl7's asyncio MLLP server (installed by
/// scripts/install-deps), run as a child process on 127.0.0.1. Every message it receives is
/// appended to a JSON-lines log with the acknowledgement code it answered.
///
/// Per-control-id behaviour: `replies["BB…"] = "AR"` answers that code every time;
/// `silentOnce` holds ids it does not answer the first time (the sender must time out and resend).
public final class MLLPTestReceiver: @unchecked Sendable {
    public let port: Int
    public let logPath: String
    private let process: Process

    static let script = #"""
import asyncio, sys, json, hl7
from hl7.mllp import start_hl7_server
log_path, port = sys.argv[1], int(sys.argv[2])
replies, silent = {}, set()
for arg in sys.argv[3:]:
    k, v = arg.split("=", 1)
    if v == "SILENT": silent.add(k)
    else: replies[k] = v
async def process(reader, writer):
    try:
        while not writer.is_closing():
            msg = await reader.readmessage()
            cid = str(msg.segment("MSH")[10])
            if cid in silent:
                silent.discard(cid)
                code = "NONE"
            else:
                code = replies.get(cid, "AA")
            with open(log_path, "a") as f:
                f.write(json.dumps({"controlId": cid, "message": str(msg), "ack": code}) + "\n")
            if code != "NONE":
                writer.writemessage(msg.create_ack(ack_code=code))
                await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()
async def main():
    server = await start_hl7_server(process, host="127.0.0.1", port=port)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()
asyncio.run(main())
"""#

    public static var available: Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import hl7.mllp"]
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    /// Starts a receiver (port 0: any free port) logging to `logPath`.
    public init(port: Int = 0, logPath: String, replies: [String: String] = [:], silentOnce: Set<String> = []) throws {
        self.logPath = logPath
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", Self.script, logPath, String(port)]
            + replies.map { "\($0.key)=\($0.value)" } + silentOnce.map { "\($0)=SILENT" }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        // The first line is the port it listens on.
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0A]) { break }
            line += byte
        }
        guard let bound = Int(String(decoding: line, as: UTF8.self)) else {
            p.terminate()
            throw ReceiverFailure(text: "the MLLP receiver did not start (python-hl7 missing? run scripts/install-deps)")
        }
        self.port = bound
    }

    /// Ends the receiver. SIGKILL, because a child of a test process may inherit a mask that
    /// blocks SIGTERM.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    public struct Received: Decodable, Hashable {
        public var controlId: String
        public var message: String
        public var ack: String
    }

    /// Everything received so far, in arrival order.
    public func received() -> [Received] {
        guard let data = FileManager.default.contents(atPath: logPath) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONDecoder().decode(Received.self, from: Data($0.utf8))
        }
    }

    /// Polls until `condition` holds for what was received, or `seconds` pass.
    public func wait(seconds: Double, until condition: ([Received]) -> Bool) async -> [Received] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let r = received()
            if condition(r) || Date() > deadline { return r }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    public struct ReceiverFailure: Error, CustomStringConvertible {
        public var text: String
        public var description: String { text }
    }
}
