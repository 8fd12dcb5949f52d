import BedsideDriver
import BedsideModel
import BedsidePlatform
import NIOCore

/// What `bedside probe PORT` does: tries each driver's declared detection (``DriverDetection``)
/// on the port in turn, at the driver's usual line settings, and stops at the first protocol that
/// answers. Passive (listening) detections go first, so a device that talks unasked is found
/// before anything is sent. Every attempt is bounded by its driver's answer time, so a port with
/// nothing on it ends in a few seconds with no answer.
public struct PortProbe: Sendable {
    public struct Attempt: Sendable {
        public enum Outcome: Sendable {
            /// The driver's decoder accepted frames; what the device revealed about itself.
            case answered(frames: Int, identity: DeviceIdentityUpdate)
            /// Nothing the driver recognized arrived in time (`bytes` arrived all the same).
            case noAnswer(bytes: Int, checksumErrors: Int)
            /// Not tried: no detection declared, or an earlier driver answered.
            case skipped(String)
            /// The port could not be used with these settings.
            case failed(String)
        }

        public var driver: String
        public var settings: SerialSettings
        public var method: String
        public var outcome: Outcome

        public var answered: Bool {
            if case .answered = outcome { return true }
            return false
        }
    }

    public var path: String
    public var exclusive: Bool
    public var drivers: [any DeviceDriver.Type]
    /// How long to keep listening after the first recognized frame, for identity that follows it.
    public var identityGrace: Duration = .milliseconds(700)

    public init(path: String, exclusive: Bool = true, drivers: [any DeviceDriver.Type] = DriverCatalog.registry.drivers) {
        self.path = path
        self.exclusive = exclusive
        self.drivers = drivers
    }

    /// The drivers in the order they are tried: listeners first, then requests, each group in
    /// registration order; undeclared ones last (reported as skipped).
    var order: [any DeviceDriver.Type] {
        func rank(_ d: any DeviceDriver.Type) -> Int {
            switch d.descriptor.detection.approach {
            case .listen: 0
            case .request: 1
            case .none: 2
            }
        }
        return drivers.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    /// Tries the drivers; the attempts in the order made.
    ///
    /// - Throws: ``CommandFailure`` when the port cannot be opened at all (missing, busy, refused).
    public func run() async throws -> [Attempt] {
        var attempts: [Attempt] = []
        var winner: String?
        for type in order {
            let descriptor = type.descriptor
            let detection = descriptor.detection
            let settings = detection.settings ?? descriptor.defaultSerialSettings
            var attempt = Attempt(driver: descriptor.name, settings: settings, method: detection.summary, outcome: .skipped(""))
            if let winner {
                attempt.outcome = .skipped("\(winner) answered")
            } else if case .none = detection.approach {
                attempt.outcome = .skipped("the driver declares no safe detection")
            } else {
                do {
                    attempt.outcome = try await probe(type, settings: settings)
                } catch let error as CommandFailure where attempts.isEmpty {
                    throw error
                } catch {
                    attempt.outcome = .failed(CommandFailure.message(for: error))
                }
                if attempt.answered { winner = descriptor.name }
            }
            attempts.append(attempt)
        }
        return attempts
    }

    private func probe(_ type: any DeviceDriver.Type, settings: SerialSettings) async throws -> Attempt.Outcome {
        let detection = type.descriptor.detection
        let clock = BridgeClock()
        let (channel, _) = try await openSerialPort(path: path, settings: settings, exclusive: exclusive)
        let listener = Locked(DetectionListener(driver: type, start: clock.now()))
        let answeredAt = Locked<ContinuousClock.Instant?>(nil)
        let window = Duration.nanoseconds(detection.answerWithinNanoseconds)
        let grace = identityGrace
        try await channel.executeThenClose { inbound, outbound in
            if !detection.request.isEmpty { try await outbound.write(ByteBuffer(bytes: detection.request)) }
            let nio = channel.channel
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await chunk in inbound {
                            let answered = listener.withLock { l -> Bool in
                                l.receive(Array(chunk.readableBytesView), now: clock.now())
                                return l.answered
                            }
                            if answered { answeredAt.withLock { $0 = $0 ?? .now } }
                        }
                    } catch {}
                }
                group.addTask {
                    // Ends the attempt at the deadline, or a moment after the answer; the port's
                    // close ends the reader. Checked every 50 ms: the probe is short and bounded.
                    let deadline = ContinuousClock.now + window
                    while ContinuousClock.now < deadline {
                        if let at = answeredAt.withLock({ $0 }), ContinuousClock.now >= at + grace { break }
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                    if answeredAt.withLock({ $0 }) != nil, !detection.farewell.isEmpty {
                        try? await outbound.write(ByteBuffer(bytes: detection.farewell))
                    }
                    try? await nio.close()
                }
                await group.waitForAll()
            }
        }
        let result = listener.withLock { $0 }
        return result.answered ? .answered(frames: result.framesAccepted, identity: result.identity)
                               : .noAnswer(bytes: result.bytesReceived, checksumErrors: result.checksumErrors)
    }
}

extension PortProbe {
    /// The report for a person: one line per driver, then the verdict.
    public static func report(path: String, attempts: [Attempt]) -> String {
        var lines = ["probing \(path)"]
        let width = (attempts.map(\.driver.count).max() ?? 0) + 2
        for a in attempts {
            let head = "  " + a.driver.padded(to: width) + a.settings.summary.padded(to: 20)
            switch a.outcome {
            case .answered(let frames, let identity):
                var text = "ANSWERED (\(a.method)): \(frames) frame\(frames == 1 ? "" : "s") recognized"
                let facts = [identity.model.map { "model \($0)" }, identity.serialNumber.map { "serial \($0)" },
                             identity.softwareVersion.map { "software \($0)" }].compactMap { $0 }
                if !facts.isEmpty { text += "; " + facts.joined(separator: ", ") }
                lines.append(head + text)
            case .noAnswer(let bytes, let errors):
                lines.append(head + "no answer (\(a.method))"
                             + (bytes > 0 ? ": \(bytes) bytes not recognized" + (errors > 0 ? ", \(errors) checksum errors" : "") : ""))
            case .skipped(let why):
                lines.append(head + "not tried: \(why)")
            case .failed(let why):
                lines.append(head + "could not try: \(why)")
            }
        }
        if let winner = attempts.first(where: \.answered) {
            lines.append("result: \(winner.driver) answered; bind it with driver: \(winner.driver)")
        } else {
            lines.append("result: no answer")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func padded(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
