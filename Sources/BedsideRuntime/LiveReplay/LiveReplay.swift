import BedsideCapture
import BedsideModel
import BedsideSerial
import NIOCore
import NIOPosix

/// Plays the device side of a capture on a pseudo-terminal, so the real bridge (or any other
/// program) reads it as a serial port: rx chunks are written with their recorded spacing scaled by
/// ``Speed``, and what the program writes is collected and, when asked, compared with the
/// capture's tx chunks.
///
/// ```swift
/// let report = try await LiveReplay(capture: capture, options: .init(speed: .factor(4)))
///     .run { path in print("device at \(path)") }
/// ```
///
/// The replay waits for a program to open the device before it starts the clock (a program that
/// opens a port usually discards what was buffered before), plays to the end, then closes the
/// pseudo-terminal: the program reads end-of-file. It stops early when the program closes the
/// device or the task is cancelled.
public struct LiveReplay: Sendable {
    public enum Speed: Hashable, Sendable {
        /// The recorded timing.
        case realTime
        /// The recorded gaps divided by this factor (2 = twice as fast).
        case factor(Double)
        /// No waiting between chunks.
        case asFastAsPossible

        func scaled(_ nanoseconds: Int64) -> Int64 {
            switch self {
            case .realTime: nanoseconds
            case .factor(let f): f > 0 ? Int64(Double(nanoseconds) / f) : 0
            case .asFastAsPossible: 0
            }
        }
    }

    public struct Options: Sendable {
        public var speed: Speed
        /// Compare what the program writes with the capture's tx chunks (``LiveReplayReport/transmitCheck``).
        public var compareTransmit: Bool
        /// Start only once a program has opened the device (otherwise start at once).
        public var waitForClient: Bool
        /// Pause after the program opened the device, so its open-time flush cannot eat the first chunk.
        public var settleAfterOpen: Duration
        /// How long to keep listening after the last chunk for the program's last writes.
        public var linger: Duration

        public init(speed: Speed = .realTime, compareTransmit: Bool = true, waitForClient: Bool = true,
                    settleAfterOpen: Duration = .milliseconds(100), linger: Duration = .milliseconds(300)) {
            self.speed = speed
            self.compareTransmit = compareTransmit
            self.waitForClient = waitForClient
            self.settleAfterOpen = settleAfterOpen
            self.linger = linger
        }
    }

    public let capture: Capture
    public let options: Options

    public init(capture: Capture, options: Options = .init()) {
        self.capture = capture
        self.options = options
    }

    /// Runs the replay. `ready` gets the device path (`/dev/pts/N`) as soon as it exists.
    public func run(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, ready: @Sendable (String) -> Void = { _ in }
    ) async throws -> LiveReplayReport {
        let pty = try PseudoTerminal.open(settings: capture.header.serialSettings)
        defer { pty.close() }
        pty.releaseDeviceSide()
        ready(pty.devicePath)
        if options.waitForClient {
            while !pty.deviceSideIsOpen() { try await Task.sleep(for: .milliseconds(10)) }
            try await Task.sleep(for: options.settleAfterOpen)
        }

        let channel = try await pty.makeAsyncChannel(group: group)
        let chunks = capture.chunks
        let speed = options.speed
        let linger = options.linger
        var report = LiveReplayReport(devicePath: pty.devicePath)

        let (received, written, disconnected) = try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: PartResult.self) { group in
                group.addTask {
                    var bytes: [UInt8] = []
                    do {
                        for try await var buffer in inbound {
                            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
                        }
                        return .received(bytes, clientLeft: !Task.isCancelled)
                    } catch is CancellationError {
                        return .received(bytes, clientLeft: false)
                    } catch {
                        // EIO on the controller: the program closed the device.
                        return .received(bytes, clientLeft: true)
                    }
                }
                group.addTask {
                    let clock = ContinuousClock()
                    let start = clock.now
                    let first = chunks.first?.time
                    var written = 0
                    do {
                        for chunk in chunks {
                            let offset = speed.scaled(max(chunk.time.nanoseconds(since: first ?? chunk.time), 0))
                            try await Task.sleep(until: start.advanced(by: .nanoseconds(offset)), clock: clock)
                            guard chunk.direction == .rx, !chunk.bytes.isEmpty else { continue }
                            try await outbound.write(ByteBuffer(bytes: chunk.bytes))
                            written += chunk.bytes.count
                        }
                        try await Task.sleep(for: linger)
                    } catch is CancellationError {
                        // The program left, or the caller cancelled: stop playing.
                    } catch ChannelError.ioOnClosedChannel, ChannelError.alreadyClosed {
                        // The program closed the device while a chunk was on its way (the reader
                        // saw the hang-up first and NIO closed the channel): it left.
                    }
                    return .played(written)
                }
                var received: [UInt8] = []
                var written = 0
                var clientLeft = false
                // Whichever finishes first ends the replay: the end of the capture, or the program leaving.
                for try await part in group {
                    switch part {
                    case .played(let n): written = n
                    case .received(let bytes, let left):
                        received = bytes
                        clientLeft = left
                    }
                    group.cancelAll()
                }
                return (received, written, clientLeft)
            }
        }
        report.bytesWritten = written
        report.bytesReceived = received
        report.clientDisconnected = disconnected
        if options.compareTransmit, chunks.contains(where: { $0.direction == .tx }) {
            report.transmitCheck = TransmitCheck.compare(recorded: chunks, sent: received)
        }
        return report
    }

    private enum PartResult: Sendable {
        case played(Int)
        case received([UInt8], clientLeft: Bool)
    }
}

/// What a live replay did.
public struct LiveReplayReport: Sendable {
    /// The pseudo-terminal the program opened.
    public var devicePath: String
    /// rx bytes written to the program.
    public var bytesWritten = 0
    /// What the program wrote, in order.
    public var bytesReceived: [UInt8] = []
    /// The program closed the device before the end of the capture.
    public var clientDisconnected = false
    /// Comparison with the capture's tx chunks; `nil` when not asked or the capture has none.
    public var transmitCheck: TransmitCheck?

    public init(devicePath: String) {
        self.devicePath = devicePath
    }
}
