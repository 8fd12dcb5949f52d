import BedsideModel

/// What the bridge knows about a port's devices right now, kept from the driver's output, and the
/// promises every driver gets for free because of it:
///
/// - **Device ranges**: a `valid` numeric outside ``DriverDescriptor/deviceRanges`` becomes `invalid`.
/// - **Staleness**: a continuous value that misses its updates is re-stated `stale` (with its age,
///   number kept) once 1.5 of its update periods have passed, and `absent` after 3; when the link
///   is lost every value is marked `stale` at once. A value's period is learned from its own updates.
/// - **Alarms end with the link**: alarms still open when the link is lost are ended
///   (`endReason`), whatever the driver does.
/// - **Clock skew** on link records: the latest device-minus-host time difference.
/// - **Snapshots**: every ``DriverConfiguration/snapshotIntervalNanoseconds`` a ``DeviceSnapshot``
///   per device re-states every current value with its age and the open alarms.
///
/// Pure like the drivers: it only sees times it is given, so a replay produces the same marks.
public struct ObservationLedger: Sendable {
    /// A value's identity: its MDC code when mapped (an integer: this runs for every numeric),
    /// the vendor code only when unmapped.
    private struct Key: Hashable, Sendable {
        var code: UInt32
        var instance: UInt16
        var unmappedVendorCode: String?
        var subdevice: String?
        /// The descriptor's ``NumericDescriptor/identityHash`` of these fields (hashed once per
        /// descriptor, not once per lookup).
        var identityHash: Int

        init(_ r: NumericReading) {
            let d = r.descriptor
            if let code = d.mappedCode {
                self.code = code
                unmappedVendorCode = nil
            } else {
                code = 0
                unmappedVendorCode = d.metric.referenceID ?? d.metric.vendorCode
            }
            instance = d.instance
            subdevice = d.subdevice
            identityHash = d.identityHash
        }

        static func == (a: Key, b: Key) -> Bool {
            a.identityHash == b.identityHash && a.code == b.code && a.instance == b.instance
                && a.unmappedVendorCode == b.unmappedVendorCode && a.subdevice == b.subdevice
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(identityHash)
        }
    }

    private struct Entry: Sendable {
        var key: Key
        var reading: NumericReading
        var lastUpdate: Timestamp
        var period: Int64
        /// The mark last re-stated for this value (`stale` or `absent`), `nil` while current.
        var mark: MeasurementState?
        /// The device's range for this value, looked up once (by vendor code: a string hash).
        var range: DeviceRanges.Range?
    }

    private let nominalPeriod: Int64
    private let ranges: DeviceRanges
    private let snapshotInterval: Int64?
    /// Current values in the order they first appeared (the order of marks and snapshots).
    private var entries: [Entry] = []
    /// Where each value's entry is: mapped values of the port's main device by code and instance
    /// (an integer probe, no hashing of the whole key), the others by key.
    private var mappedIndex = EntryIndexTable()
    private var otherIndex: [Key: Int] = [:]
    /// The entry expected next: a device reports its values in the same order every time, so the
    /// entry after the last one updated is checked before any index.
    private var nextHint = 0
    /// The entry last updated by a descriptor, by a hash of its address (a few places in a small
    /// table; a collision only costs the index lookup): the values a driver skips in one message
    /// (absent groups) move the order further than the hint looks.
    private var recentByDescriptor = RecentEntryTable()
    private var alarms: [String: AlarmEvent] = [:]
    private var alarmOrder: [String] = []
    /// Alarms the ledger ended itself on link loss: a later `end` of one from the driver (which
    /// must end its alarms on link loss too) is a duplicate and is dropped.
    private var endedByLedger: Set<String> = []
    private var pumps: [String: PumpChannelState] = [:]
    private var pumpOrder: [String] = []
    private var link: LinkEvent.Kind?
    private var skew: Int64?
    private var checkAt: Timestamp?
    private var nextSnapshot: Timestamp?

    /// Shortest and longest period a value is assumed to have, whatever its updates suggest.
    static let periodBounds: ClosedRange<Int64> = 500_000_000...600_000_000_000

    public init(descriptor: DriverDescriptor, configuration: DriverConfiguration) {
        nominalPeriod = descriptor.nominalUpdatePeriodNanoseconds
        ranges = descriptor.deviceRanges
        snapshotInterval = configuration.snapshotIntervalNanoseconds.flatMap { $0 > 0 ? $0 : nil }
        // A monitor reports dozens of values; grown one doubling at a time this would be copied
        // several times in the first second.
        entries.reserveCapacity(64)
        otherIndex.reserveCapacity(64)
    }

    /// The time the ledger next needs ``tick(now:into:)``.
    public var nextDeadline: Timestamp? {
        switch (checkAt, nextSnapshot) {
        case let (a?, b?): min(a, b)
        case let (a?, nil): a
        case let (nil, b?): b
        case (nil, nil): nil
        }
    }

    /// Starts the snapshot clock.
    public mutating func start(now: Timestamp) {
        if let snapshotInterval { nextSnapshot = now.adding(nanoseconds: snapshotInterval) }
    }

    /// Checks and records the driver's observations in place, appending any marks they cause.
    public mutating func absorb(_ observations: inout [Observation], now: Timestamp) {
        var i = 0
        var duplicates: [Int] = []
        // Alarms the driver ends itself in this batch: a link loss in the same batch leaves them
        // to it. Found at the first link loss (before any mark is inserted), not for every batch:
        // the scan copies every observation.
        var endedByDriver: Set<String>?
        while i < observations.count {
            // Up to the next link event in one pass over the storage (a link event may insert marks).
            i = observations.withUnsafeMutableBufferPointer { absorbRun($0, from: i, duplicates: &duplicates) }
            guard i < observations.count, case .link(var l) = observations[i] else { continue }
            if l.clockSkewNanoseconds == nil, let skew {
                l.clockSkewNanoseconds = skew
                observations[i] = .link(l)
            }
            link = l.kind
            if l.losesSight {
                // Right after the event, not at the end of the batch: values the same call
                // delivers after the link came back must not be followed by stale marks.
                // (Duplicate ends recorded so far lie before this point, so their indices hold.)
                var marks: [Observation] = []
                let spared = endedByDriver ?? Set(observations.lazy.compactMap { o -> String? in
                    if case .alarm(let a) = o, a.phase == .end { return a.alarmId }
                    return nil
                })
                endedByDriver = spared
                loseSight(l, now: now, sparing: spared, into: &marks)
                observations.insert(contentsOf: marks, at: i + 1)
                i += marks.count  // restatements of values already recorded
            }
            i += 1
        }
        for index in duplicates.reversed() { observations.remove(at: index) }
    }

    /// Records the observations from `start` up to the next link event (returned; the end when none).
    private mutating func absorbRun(_ buffer: UnsafeMutableBufferPointer<Observation>, from start: Int,
                                    duplicates: inout [Int]) -> Int {
        guard let base = buffer.baseAddress else { return start }
        var i = start
        while i < buffer.count {
            switch base[i] {
            case .numeric:
                // Moved out and back in place: a copy would retain (and later release) every
                // string of the reading. Nothing between the move and the re-initialisation traps.
                guard case .numeric(var r) = (base + i).move() else { preconditionFailure("checked above") }
                _ = record(&r)
                (base + i).initialize(to: .numeric(consume r))
            case .alarm(let a):
                switch a.phase {
                case .start, .update:
                    if alarms.updateValue(a, forKey: a.alarmId) == nil { alarmOrder.append(a.alarmId) }
                case .end:
                    if endedByLedger.remove(a.alarmId) != nil { duplicates.append(i) }
                    alarms[a.alarmId] = nil
                }
            case .pumpChannel(let p):
                let key = "\(p.subdevice ?? "")/\(p.channelIndex)"
                if pumps.updateValue(p, forKey: key) == nil { pumpOrder.append(key) }
            case .link:
                return i
            case .waveform, .infusionEvent, .snapshot:
                break
            }
            i += 1
        }
        return i
    }

    /// Emits the marks and snapshot due at `now`.
    public mutating func tick(now: Timestamp, into observations: inout [Observation]) {
        if let c = checkAt, c <= now { markOverdue(now: now, into: &observations) }
        if let s = nextSnapshot, s <= now, let snapshotInterval {
            emitSnapshots(now: now, into: &observations)
            var next = s.adding(nanoseconds: snapshotInterval)
            if next <= now { next = now.adding(nanoseconds: snapshotInterval) }
            nextSnapshot = next
        }
    }

    /// Records a numeric as the current value of its key, first marking it `invalid` when it lies
    /// outside the device's range; returns whether it was so changed.
    private mutating func record(_ r: inout NumericReading) -> Bool {
        if let dt = r.deviceTime, !r.episodic, r.state != .absent {
            skew = dt.instant.nanoseconds(since: r.hostTime)
        }
        var changed = false
        let found: Int?
        let mappedKey: UInt64?
        // A value missing from this message (an absent field sent once a minute) shifts the order
        // by a few places: the next few entries are checked before any index.
        var candidate = nextHint
        let scanEnd = min(entries.count, nextHint + 4)
        // Most often the very descriptor the driver used last time: pointer comparisons only (a
        // value described anew is found by its key below).
        let descriptor = ObjectIdentifier(r.descriptor)
        while candidate < scanEnd, ObjectIdentifier(entries[candidate].reading.descriptor) != descriptor { candidate += 1 }
        // Where the descriptor is remembered when the scan missed (a value found by position
        // needs no other way in).
        var recentSlot: Int?
        if candidate < scanEnd {
            found = candidate
            mappedKey = nil
        } else {
            let slot = Self.recentSlot(descriptor)
            recentSlot = slot
            if let recent = recentByDescriptor[slot], recent < entries.count,
               ObjectIdentifier(entries[recent].reading.descriptor) == descriptor {
                // An entry holding this very descriptor is its value's entry (the key is the
                // descriptor's), and holding it keeps the address from being reused.
                found = recent
                mappedKey = nil
            } else {
                mappedKey = EntryIndexTable.key(r)
                found = mappedKey.map { mappedIndex.find($0) } ?? otherIndex[Key(r)]
            }
        }
        if let index = found {
            // In place (`Array`'s `_modify`): a copy of the entry would copy the whole reading.
            changed = Self.update(&entries[index], with: &r)
            nextHint = index + 1
            if let recentSlot { recentByDescriptor[recentSlot] = index }
        } else {
            let range = ranges.isEmpty ? nil : ranges.range(for: r.metric)
            if let range { changed = !DeviceRanges.check(&r, against: range) }
            let key = Key(r)
            if let mappedKey { mappedIndex.insert(mappedKey, at: entries.count) } else { otherIndex[key] = entries.count }
            if let recentSlot { recentByDescriptor[recentSlot] = entries.count }
            entries.append(Entry(key: key, reading: r, lastUpdate: r.hostTime, period: nominalPeriod, mark: nil, range: range))
            nextHint = entries.count
        }
        // Updates only move a value's due time later, so an earlier check stays safe (at worst early).
        if checkAt == nil, r.state != .absent, !r.episodic {
            checkAt = r.hostTime.adding(nanoseconds: nominalPeriod + nominalPeriod / 2)
        }
        return changed
    }

    @inline(__always)
    private static func update(_ e: inout Entry, with r: inout NumericReading) -> Bool {
        var changed = false
        if let range = e.range { changed = !DeviceRanges.check(&r, against: range) }
        let gap = r.hostTime.nanoseconds(since: e.lastUpdate)
        if gap > 0, e.mark == nil, e.reading.state != .absent {
            e.period = min(max(gap, periodBounds.lowerBound), periodBounds.upperBound)
        }
        e.reading.replace(with: r)
        e.lastUpdate = r.hostTime
        e.mark = nil
        return changed
    }

    private mutating func markOverdue(now: Timestamp, into observations: inout [Observation]) {
        var next: Timestamp?
        // Fields are read and set in place: this runs at every check for every value, and a copy
        // of an entry copies its reading.
        for index in entries.indices {
            guard entries[index].reading.state != .absent,
                  !entries[index].reading.episodic || entries[index].mark == .stale else { continue }
            let lastUpdate = entries[index].lastUpdate, period = entries[index].period
            let staleAt = lastUpdate.adding(nanoseconds: period + period / 2)
            let absentAt = lastUpdate.adding(nanoseconds: 3 * period)
            if entries[index].mark == nil, staleAt <= now {
                entries[index].mark = .stale
                observations.append(.numeric(restated(entries[index], as: .stale, now: now,
                                                      reason: "no update for \(Self.seconds(now.nanoseconds(since: lastUpdate))) (expected every \(Self.seconds(period)))")))
            }
            if entries[index].mark == .stale, absentAt <= now {
                entries[index].mark = .absent
                observations.append(.numeric(restated(entries[index], as: .absent, now: now,
                                                      reason: "no update for \(Self.seconds(now.nanoseconds(since: lastUpdate))): the device no longer reports it")))
            }
            let due: Timestamp? = switch entries[index].mark {
            case nil: staleAt
            case .stale?: absentAt
            default: nil
            }
            if let due { next = next.map { min($0, due) } ?? due }
        }
        checkAt = next
    }

    private mutating func loseSight(_ l: LinkEvent, now: Timestamp, sparing endedByDriver: Set<String>,
                                    into observations: inout [Observation]) {
        var next = checkAt
        for index in entries.indices {
            guard entries[index].reading.state != .absent, entries[index].mark == nil else { continue }
            entries[index].mark = .stale
            let e = entries[index]
            observations.append(.numeric(restated(e, as: .stale, now: now, reason: "link \(l.kind.rawValue): the device's values can no longer be seen")))
            let absentAt = max(e.lastUpdate.adding(nanoseconds: 3 * e.period), now)
            next = next.map { min($0, absentAt) } ?? absentAt
        }
        checkAt = next
        for id in alarmOrder {
            guard var a = alarms[id], !endedByDriver.contains(id) else { continue }
            // A driver that never ends its alarms would otherwise grow this set without bound.
            if endedByLedger.count >= 1024 { endedByLedger.removeAll() }
            endedByLedger.insert(id)
            a.phase = .end
            a.endReason = "link \(l.kind.rawValue)"
            a.hostTime = now
            a.deviceTime = nil
            observations.append(.alarm(a))
        }
        alarms.removeAll()
        alarmOrder.removeAll()
    }

    private func restated(_ e: Entry, as state: MeasurementState, now: Timestamp, reason: String) -> NumericReading {
        var r = e.reading
        if state == .stale, r.state == .demo || r.state == .test {
            // Re-stated as `stale` alone it would no longer say it never came from a patient.
            r.reason = reason + "; still " + r.state.rawValue + " data" + (r.reason.map { " (" + $0 + ")" } ?? "")
        } else {
            r.state = state
            r.reason = reason
        }
        if state == .absent { r.value = nil }
        r.hostTime = now
        r.ageNanoseconds = now.nanoseconds(since: e.lastUpdate)
        return r
    }

    private mutating func emitSnapshots(now: Timestamp, into observations: inout [Observation]) {
        alarmOrder.removeAll { alarms[$0] == nil }
        var devices: [String?] = []
        for e in entries where !devices.contains(e.key.subdevice) { devices.append(e.key.subdevice) }
        for id in alarmOrder where !devices.contains(alarms[id]?.subdevice) { devices.append(alarms[id]?.subdevice) }
        for key in pumpOrder where !devices.contains(pumps[key]?.subdevice) { devices.append(pumps[key]?.subdevice) }
        if devices.isEmpty, link != nil { devices.append(nil) }
        for device in devices {
            let numerics = entries.filter { $0.key.subdevice == device }.map { e -> NumericReading in
                var r = e.reading
                r.ageNanoseconds = now.nanoseconds(since: e.lastUpdate)
                if let mark = e.mark, r.state != .absent { r.state = mark; if mark == .absent { r.value = nil } }
                return r
            }
            let open = alarmOrder.compactMap { alarms[$0] }.filter { $0.subdevice == device }
            let channels = pumpOrder.compactMap { pumps[$0] }.filter { $0.subdevice == device }
            observations.append(.snapshot(DeviceSnapshot(numerics: numerics, activeAlarms: open, pumpChannels: channels,
                                                         link: link, hostTime: now, subdevice: device)))
        }
    }

    private static func recentSlot(_ d: ObjectIdentifier) -> Int {
        let bits = UInt64(UInt(bitPattern: d))
        return Int(truncatingIfNeeded: (bits &* 0x9E37_79B9_7F4A_7C15) >> 56)
    }

    static func seconds(_ ns: Int64) -> String {
        let tenths = (ns + 50_000_000) / 100_000_000
        return tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
    }
}

/// Entry positions of mapped values of a port's main device, keyed by MDC code and instance packed
/// in one integer: open addressing with linear probing over a power-of-two table.
struct EntryIndexTable: Sendable {
    /// `key + 1` per slot (0: empty).
    private var keys: [UInt64] = []
    private var positions: [Int32] = []
    private var count = 0

    /// The packed key of a reading this table holds, `nil` for one it leaves to the general index
    /// (unmapped, or from a device behind the port other than the main one).
    static func key(_ r: NumericReading) -> UInt64? {
        let d = r.descriptor
        guard let code = d.mappedCode, d.subdevice == nil else { return nil }
        return UInt64(code) << 16 | UInt64(d.instance)
    }

    func find(_ key: UInt64) -> Int? {
        guard !keys.isEmpty else { return nil }
        let mask = keys.count - 1
        var slot = Self.slot(key, mask: mask)
        while true {
            let k = keys[slot]
            if k == 0 { return nil }
            if k == key &+ 1 { return Int(positions[slot]) }
            slot = (slot + 1) & mask
        }
    }

    mutating func insert(_ key: UInt64, at position: Int) {
        if (count + 1) * 2 > keys.count { grow() }
        let mask = keys.count - 1
        var slot = Self.slot(key, mask: mask)
        while keys[slot] != 0 { slot = (slot + 1) & mask }
        keys[slot] = key &+ 1
        positions[slot] = Int32(position)
        count += 1
    }

    private mutating func grow() {
        let old = zip(keys, positions).filter { $0.0 != 0 }
        let size = max(64, keys.count * 2)
        keys = [UInt64](repeating: 0, count: size)
        positions = [Int32](repeating: 0, count: size)
        count = 0
        for (k, p) in old { insert(k &- 1, at: Int(p)) }
    }

    private static func slot(_ key: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }
}

/// 256 entry positions by descriptor hash (``ObservationLedger`` checks the entry still holds the
/// descriptor before using one).
struct RecentEntryTable: Sendable {
    private var positions = [Int32](repeating: -1, count: 256)

    subscript(slot: Int) -> Int? {
        get { positions[slot] < 0 ? nil : Int(positions[slot]) }
        set { positions[slot] = newValue.map { Int32(truncatingIfNeeded: $0) } ?? -1 }
    }
}
