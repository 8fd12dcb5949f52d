/// The monitor objects seen so far, by context id and handle (``ObjectContext/key(context:handle:)``).
///
/// Every poll touches every object: the decoder edits an object's context where it is kept
/// (``contexts`` at the object's slot), and slots are found by an integer probe into a small
/// open-addressing table (a dictionary hashed the key with SipHash for every object of every poll).
struct ObjectTable: Sendable {
    /// `key + 1` per table position (0: empty) and the slot it names in ``contexts``.
    private var keys: [UInt64] = []
    private var slotOfKey: [Int32] = []
    /// The contexts, by slot.
    var contexts: [ObjectContext] = []

    /// The label of `key`'s object, without copying its context.
    func label(of key: UInt32) -> UInt32? {
        find(key).map { contexts[$0].label }
    }

    /// The slot of `key`'s context in ``contexts`` (a new, empty one for an object not seen before).
    mutating func slot(for key: UInt32) -> Int {
        if let slot = find(key) { return slot }
        let slot = contexts.count
        insert(key, slot: slot)
        contexts.append(ObjectContext())
        return slot
    }

    /// Forgets every object's last episodic measurement (a new association may re-send it).
    mutating func forgetEpisodes() {
        for i in contexts.indices { contexts[i].lastEpisode = nil }
    }

    private func find(_ key: UInt32) -> Int? {
        guard !keys.isEmpty else { return nil }
        let mask = keys.count - 1
        var position = Self.position(key, mask: mask)
        let stored = UInt64(key) &+ 1
        while true {
            let k = keys[position]
            if k == 0 { return nil }
            if k == stored { return Int(slotOfKey[position]) }
            position = (position + 1) & mask
        }
    }

    private mutating func insert(_ key: UInt32, slot: Int) {
        if (contexts.count + 1) * 2 > keys.count { grow() }
        let mask = keys.count - 1
        var position = Self.position(key, mask: mask)
        while keys[position] != 0 { position = (position + 1) & mask }
        keys[position] = UInt64(key) &+ 1
        slotOfKey[position] = Int32(slot)
    }

    private mutating func grow() {
        let old = zip(keys, slotOfKey).filter { $0.0 != 0 }
        let size = max(64, keys.count * 2)
        keys = [UInt64](repeating: 0, count: size)
        slotOfKey = [Int32](repeating: 0, count: size)
        let mask = size - 1
        for (k, s) in old {
            var position = Self.position(UInt32(k - 1), mask: mask)
            while keys[position] != 0 { position = (position + 1) & mask }
            keys[position] = k
            slotOfKey[position] = s
        }
    }

    private static func position(_ key: UInt32, mask: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }
}
