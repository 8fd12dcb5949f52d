import BedsideDriver
import BedsideModel
import BedsidePlatform
import BedsideSniffer
import NIOCore

/// What `bedside probe PORT` does: tries each driver's declared detection (``DriverDetection``)
/// on the port in turn, at the driver's usual line settings, and stops at the first protocol that
/// answers. Passive (listening) detections go first, so a device that talks unasked is found
/// before anything is sent: one listening window per set of line settings shared by listen-only
/// drivers, whose bytes the ``ProtocolSniffer`` classifies (below its confidence the answer is
/// "unknown", never a guess). Then each request, one at a time. Every window is bounded by its
/// drivers' answer times, so a port with nothing on it ends within ``longestDuration``.
public struct PortProbe: Sendable {
    public struct Attempt: Sendable {
        public enum Outcome: Sendable {
            /// The driver's decoder accepted frames; what the device revealed about itself.
            case answered(frames: Int, identity: DeviceIdentityUpdate)
            /// Nothing the driver recognized arrived in time (`bytes` arrived all the same).
            case noAnswer(bytes: Int, checksumErrors: Int)
            /// Bytes arrived in a listening window but the sniffer recognized no protocol with enough
            /// confidence; how this driver's checks fared on them.
            case unknown(String)
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

    /// One step of the probe: a listening window shared by the listen-only drivers with the same
    /// line settings, one driver's request, or an undeclared driver (reported, never tried).
    struct Step {
        enum Kind { case listen, request, undeclared }
        var kind: Kind
        var settings: SerialSettings
        var members: [any DeviceDriver.Type]
        /// The window: the longest answer time of its members (none for an undeclared driver).
        var windowNanoseconds: Int64 {
            kind == .undeclared ? 0 : members.map { $0.descriptor.detection.answerWithinNanoseconds }.max() ?? 0
        }
    }

    static func settings(of type: any DeviceDriver.Type) -> SerialSettings {
        type.descriptor.detection.settings ?? type.descriptor.defaultSerialSettings
    }

    /// The steps in the order taken (see ``order``); each listening group sits where its first driver was.
    var steps: [Step] {
        var steps: [Step] = []
        var groupIndex: [SerialSettings: Int] = [:]
        for type in order {
            let settings = Self.settings(of: type)
            switch type.descriptor.detection.approach {
            case .listen:
                if let i = groupIndex[settings] {
                    steps[i].members.append(type)
                } else {
                    groupIndex[settings] = steps.count
                    steps.append(Step(kind: .listen, settings: settings, members: [type]))
                }
            case .request: steps.append(Step(kind: .request, settings: settings, members: [type]))
            case .none: steps.append(Step(kind: .undeclared, settings: settings, members: [type]))
            }
        }
        return steps
    }

    /// The longest a probe of this port can take when nothing answers: the sum of its windows
    /// (each listening group's longest answer time, each request's answer time), not counting
    /// opening and closing the port.
    public var longestDuration: Duration {
        .nanoseconds(steps.map(\.windowNanoseconds).reduce(0, +))
    }

    /// What the sniffer compares in a listening window: each member's declared variants
    /// (``DriverDetection/sniffing``), or the driver as it is when it declares none (it then needs
    /// three checked frames, as the strictest declared text protocol does).
    static func candidates(for members: [any DeviceDriver.Type]) -> [SniffCandidate] {
        members.flatMap { type -> [SniffCandidate] in
            let declared = SniffCandidate.declared(by: [type])
            return declared.isEmpty ? [SniffCandidate(driver: type, framesNeeded: 3)] : declared
        }
    }

    /// Tries the drivers; the attempts in the order made.
    ///
    /// - Throws: ``CommandFailure`` when the port cannot be opened at all (missing, busy, refused).
    public func run() async throws -> [Attempt] {
        var attempts: [Attempt] = []
        var winner: String?
        for step in steps {
            let settings = step.settings, members = step.members
            switch step.kind {
            case .undeclared:
                let type = members[0]
                attempts.append(Attempt(driver: type.descriptor.name, settings: settings,
                                        method: type.descriptor.detection.summary,
                                        outcome: .skipped("the driver declares no safe detection")))
            case .request:
                let type = members[0]
                let descriptor = type.descriptor
                var attempt = Attempt(driver: descriptor.name, settings: settings,
                                      method: descriptor.detection.summary, outcome: .skipped(""))
                if let winner {
                    attempt.outcome = .skipped("\(winner) answered")
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
            case .listen:
                let window = step.windowNanoseconds
                if let winner {
                    attempts += members.map {
                        Attempt(driver: $0.descriptor.name, settings: settings,
                                method: Self.method(of: $0, among: members, windowNanoseconds: window),
                                outcome: .skipped("\(winner) answered"))
                    }
                    continue
                }
                let outcomes: [String: Attempt.Outcome]
                do {
                    outcomes = try await listen(members, settings: settings, windowNanoseconds: window)
                } catch let error as CommandFailure where attempts.isEmpty {
                    throw error
                } catch {
                    let why = CommandFailure.message(for: error)
                    outcomes = Dictionary(uniqueKeysWithValues: members.map { ($0.descriptor.name, .failed(why)) })
                }
                for type in members {
                    let attempt = Attempt(driver: type.descriptor.name, settings: settings,
                                          method: Self.method(of: type, among: members, windowNanoseconds: window),
                                          outcome: outcomes[type.descriptor.name] ?? .noAnswer(bytes: 0, checksumErrors: 0))
                    if attempt.answered { winner = attempt.driver }
                    attempts.append(attempt)
                }
            }
        }
        return attempts
    }

    /// How a listen-only driver was tried, for the report: its summary, and the drivers that shared its window.
    static func method(of type: any DeviceDriver.Type, among members: [any DeviceDriver.Type], windowNanoseconds: Int64) -> String {
        let name = type.descriptor.name
        let others = members.map { $0.descriptor.name }.filter { $0 != name }
        let summary = type.descriptor.detection.summary
        if others.isEmpty { return summary }
        return "\(summary); one \(windowNanoseconds / 1_000_000_000) s window shared with " + others.joined(separator: ", ")
    }

    /// One listening window at `settings` for `members`: what arrived goes to the sniffer, which
    /// names one of them or says "unknown". Ends at the window's end, or a moment after the sniffer
    /// recognized a protocol (for identity that follows).
    private func listen(_ members: [any DeviceDriver.Type], settings: SerialSettings,
                        windowNanoseconds: Int64) async throws -> [String: Attempt.Outcome] {
        let candidates = Self.candidates(for: members)
        let (channel, _) = try await openSerialPort(path: path, settings: settings, exclusive: exclusive)
        let heard = Locked<[UInt8]>([])
        let recognizedAt = Locked<ContinuousClock.Instant?>(nil)
        let grace = identityGrace
        try await channel.executeThenClose { inbound, _ in
            let nio = channel.channel
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await chunk in inbound {
                            let bytes = heard.withLock { all -> [UInt8] in
                                all += chunk.readableBytesView
                                return all
                            }
                            if recognizedAt.withLock({ $0 }) == nil, bytes.count <= ProtocolSniffer.maximumBytes,
                               ProtocolSniffer.identify(bytes, candidates: candidates, joinedMidStream: true).recognized != nil {
                                recognizedAt.withLock { $0 = .now }
                            }
                        }
                    } catch {}
                }
                group.addTask {
                    let deadline = ContinuousClock.now + .nanoseconds(windowNanoseconds)
                    while ContinuousClock.now < deadline {
                        if let at = recognizedAt.withLock({ $0 }), ContinuousClock.now >= at + grace { break }
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                    try? await nio.close()
                }
                await group.waitForAll()
            }
        }
        return Self.listeningOutcomes(heard.withLock { $0 }, members: members)
    }

    /// What a listening window's bytes say about each of its drivers: the sniffer's pick answered,
    /// the others not tried; below the sniffer's confidence every driver is "unknown" with its own
    /// score; no bytes at all is "no answer".
    public static func listeningOutcomes(_ bytes: [UInt8], members: [any DeviceDriver.Type]) -> [String: Attempt.Outcome] {
        let candidates = Self.candidates(for: members)
        var outcomes: [String: Attempt.Outcome] = [:]
        guard !bytes.isEmpty else {
            for type in members { outcomes[type.descriptor.name] = .noAnswer(bytes: 0, checksumErrors: 0) }
            return outcomes
        }
        let verdict = ProtocolSniffer.identify(bytes, candidates: candidates, joinedMidStream: true)
        for type in members {
            let name = type.descriptor.name
            let best = verdict.scores.first { $0.candidate.driver.descriptor.name == name }
            if let recognized = verdict.recognized, recognized.driver.descriptor.name == name {
                outcomes[name] = .answered(frames: best?.accepted ?? 0,
                                           identity: Self.identity(of: recognized, in: bytes))
            } else if let winner = verdict.driverName {
                outcomes[name] = .skipped("\(winner) recognized in the same window")
            } else {
                outcomes[name] = .unknown(best.map {
                    "\($0.candidate.label): \($0.accepted) frames passed, \($0.rejected) refused, confidence "
                        + "\(Int(($0.confidence * 100).rounded(.down)))% (\(Int(ProtocolSniffer.minimumConfidence * 100))% needed)"
                } ?? verdict.explanation)
            }
        }
        return outcomes
    }

    /// What the recognized device revealed about itself, read by the driver's own decoder (only for
    /// the driver's default variant: a variant chosen by options is decoded by the sniffer alone).
    static func identity(of candidate: SniffCandidate, in bytes: [UInt8]) -> DeviceIdentityUpdate {
        guard candidate.options.isEmpty else { return DeviceIdentityUpdate() }
        var listener = DetectionListener(driver: candidate.driver, start: Timestamp(nanosecondsSinceEpoch: 0))
        listener.receive(bytes, now: Timestamp(nanosecondsSinceEpoch: 0))
        return listener.identity
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
            case .unknown(let why):
                lines.append(head + "unknown (\(a.method)): \(why)")
            case .skipped(let why):
                lines.append(head + "not tried: \(why)")
            case .failed(let why):
                lines.append(head + "could not try: \(why)")
            }
        }
        if let winner = attempts.first(where: \.answered) {
            lines.append("result: \(winner.driver) answered; bind it with driver: \(winner.driver)")
        } else if attempts.contains(where: { if case .unknown = $0.outcome { true } else { false } }) {
            lines.append("result: unknown: bytes arrived, but no protocol's checks passed with the sniffer's confidence; "
                         + "record them (bedside run --capture FILE) and replay")
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
