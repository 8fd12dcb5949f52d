/// The monitor objects seen so far, by context id and handle (``ObjectContext/key(context:handle:)``).
///
/// Every poll touches every object: a context is taken out to be edited (so the caller holds the
/// only reference and nothing is copied) and put back in the same slot. One hash lookup per
/// object and poll; a dictionary's remove and re-insert cost two, and a rehash now and then.
struct ObjectTable: Sendable {
    private var slots: [UInt32: Int] = [:]
    private var contexts: [ObjectContext] = []

    /// The label of `key`'s object, without copying its context.
    func label(of key: UInt32) -> UInt32? {
        slots[key].map { contexts[$0].label }
    }

    /// Takes `key`'s context out for editing (a new one for an object not seen before); give it
    /// back with ``put(_:at:)`` and the returned slot.
    mutating func take(_ key: UInt32) -> (ObjectContext, slot: Int) {
        if let slot = slots[key] {
            var object = ObjectContext()
            swap(&object, &contexts[slot])
            return (object, slot)
        }
        let slot = contexts.count
        slots[key] = slot
        contexts.append(ObjectContext())
        return (ObjectContext(), slot)
    }

    mutating func put(_ object: consuming ObjectContext, at slot: Int) {
        contexts[slot] = object
    }

    /// Forgets every object's last episodic measurement (a new association may re-send it).
    mutating func forgetEpisodes() {
        for i in contexts.indices { contexts[i].lastEpisode = nil }
    }
}
