import BedsideModel

/// What the object decoders look up for every value — metric terms, vendor units, state reasons —
/// with the caches that make the lookups cheap. Kept apart from the objects themselves so that an
/// object's context and these caches can be edited together in place.
struct MetricNaming: Sendable {
    let mapping: IntelliVueMapping
    private var metricCache: [UInt64: MetricIdentity] = [:]
    private var reasonCache: [(key: UInt32, text: String)] = []
    private var vendorUnitCache: [UInt16: String] = [:]

    init(mapping: IntelliVueMapping) {
        self.mapping = mapping
    }

    mutating func metric(physio: UInt16, label: UInt32) -> MetricIdentity {
        let key = UInt64(label) << 16 | UInt64(physio)
        if let m = metricCache[key] { return m }
        let m = mapping.metric(physio: physio, label: label)
        metricCache[key] = m
        return m
    }

    mutating func vendorUnit(_ code: UInt16) -> String {
        if let s = vendorUnitCache[code] { return s }
        let s = IntelliVueMapping.vendorUnit(code)
        vendorUnitCache[code] = s
        return s
    }

    mutating func reason(_ state: IntelliVueMeasurementState, _ value: IntelliVueFloat?) -> String? {
        let special: UInt32
        switch value {
        case .none, .value: special = 0
        case .notANumber: special = 1
        case .notAtThisResolution: special = 2
        case .positiveInfinity: special = 3
        case .negativeInfinity: special = 4
        }
        if state.bits == 0 && special == 0 { return nil }
        let key = UInt32(state.bits) << 8 | special
        // A monitor uses a handful of state combinations (demo data on every value, in demo
        // mode): a short list searched in order beats hashing the key for every value.
        for entry in reasonCache where entry.key == key { return entry.text }
        let s = state.reason(for: value) ?? ""
        if reasonCache.count >= 32 { reasonCache.removeAll() }
        reasonCache.append((key, s))
        return s
    }
}
