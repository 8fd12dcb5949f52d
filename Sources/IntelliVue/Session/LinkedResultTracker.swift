/// Follows linked-result chains (ROLRS FIRST … LAST, then one RORS) per invoke id, so broken
/// chains (parts lost on the line or by a logger) are counted. Every part is decoded on its own
/// as it arrives; the tracker never holds data back.
struct LinkedResultTracker: Sendable {
    private var open: [UInt16: (state: UInt8, count: UInt8)] = [:]  // invoke id → last part seen

    enum Outcome: Equatable, Sendable {
        case continues
        /// The chain ended as the protocol says.
        case completed
        /// Parts are missing, or a chain ended/restarted without its parts.
        case broken
        /// A plain result outside any chain.
        case single
    }

    func isOpen(_ invokeID: UInt16) -> Bool { open[invokeID] != nil }

    /// A linked part arrived.
    mutating func part(invokeID: UInt16, state: UInt8, count: UInt8) -> Outcome {
        let previous = open[invokeID]
        open[invokeID] = (state, count)
        if state == Nomenclature.LinkedState.first {
            return previous == nil && count == 1 ? .continues : .broken
        }
        guard let previous, previous.state != Nomenclature.LinkedState.last, count == previous.count &+ 1 else { return .broken }
        return .continues
    }

    /// The closing RORS arrived.
    mutating func result(invokeID: UInt16) -> Outcome {
        guard let last = open.removeValue(forKey: invokeID) else { return .single }
        return last.state == Nomenclature.LinkedState.last ? .completed : .broken
    }

    mutating func reset() { open.removeAll() }
}
