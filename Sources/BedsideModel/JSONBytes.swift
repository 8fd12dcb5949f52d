/// The byte buffer the feed encoder writes into: a raw allocation grown by doubling, written
/// through a pointer.
///
/// A feed line is ~40 small appends; on `[UInt8]` each one checks uniqueness and capacity and
/// most go through the generic `append(contentsOf:)`. Here a writer reserves once per field
/// (``reserve(_:)``) and stores bytes directly (``put(_:)``).
///
/// A plain value holding a pointer, so that ``JSONObjectWriter`` can carry it and hand it back as
/// it does today; whoever creates one frees it (``deallocate()``) exactly once, and only the copy
/// handed back last is current (growing moves the storage).
struct JSONBytes {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count: Int
    private(set) var capacity: Int
    /// The last time stamps written, already formatted (a feed's records come in runs that share
    /// their device and host times).
    let times: UnsafeMutablePointer<RFC3339Cache>

    init(capacity: Int = 1024) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
        count = 0
        times = .allocate(capacity: 1)
        times.initialize(to: RFC3339Cache())
    }

    func deallocate() {
        base.deallocate()
        times.deinitialize(count: 1)
        times.deallocate()
    }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    mutating func removeAll() { count = 0 }

    /// Makes room for `n` more bytes, so that `n` ``put(_:)`` calls need no check.
    @inline(__always)
    mutating func reserve(_ n: Int) {
        if count &+ n > capacity { grow(n) }
    }

    @inline(never)
    private mutating func grow(_ n: Int) {
        let newCapacity = max(capacity * 2, count + n)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: base, count: count)
        base.deallocate()
        base = grown
        capacity = newCapacity
    }

    /// Stores one byte in room made by ``reserve(_:)``.
    @inline(__always)
    mutating func put(_ byte: UInt8) {
        base[count] = byte
        count &+= 1
    }

    /// Stores `n` bytes in room made by ``reserve(_:)``.
    @inline(__always)
    mutating func put(_ bytes: UnsafeRawPointer, count n: Int) {
        UnsafeMutableRawPointer(base + count).copyMemory(from: bytes, byteCount: n)
        count &+= n
    }

    /// Hands `n` bytes of reserved room to `body`, which returns how many it wrote.
    @inline(__always)
    mutating func write(upTo n: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        reserve(n)
        count &+= body(base + count)
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        put(byte)
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawPointer, count n: Int) {
        reserve(n)
        put(bytes, count: n)
    }

    mutating func append(_ text: StaticString) {
        append(text.utf8Start, count: text.utf8CodeUnitCount)
    }

    mutating func append(contentsOf bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { if let b = $0.baseAddress { append(b, count: $0.count) } }
    }

    /// A scratch buffer for `body`, freed afterwards: the encoder's path for callers that keep no
    /// encoder of their own.
    static func withTemporary<R>(_ body: (inout JSONBytes) -> R) -> R {
        var buffer = JSONBytes(capacity: 1024)
        defer { buffer.deallocate() }
        return body(&buffer)
    }
}

/// The two time stamps last formatted, with their text: in a run of records from one device
/// message every record repeats the same device time and host time.
struct RFC3339Cache {
    struct Slot {
        var nanoseconds: Int64 = 0
        var offset: Int32 = 0
        /// 0: empty; 1: written with `Z`; 2: written with ``offset``.
        var form: UInt8 = 0
        var length: UInt8 = 0
        var text: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
    }

    var slots: (Slot, Slot) = (Slot(), Slot())
    /// The slot to replace next (the one not used last).
    var victim = 0

    /// Appends the RFC 3339 text of `instant` (with `offset`, or `Z` when `nil`) to `out`.
    mutating func append(_ instant: Timestamp, offset: Int32?, to out: inout JSONBytes) {
        let form: UInt8 = offset == nil ? 1 : 2
        let o = offset ?? 0
        let ns = instant.nanosecondsSinceEpoch
        if slots.0.form == form, slots.0.nanoseconds == ns, slots.0.offset == o {
            victim = 1
            Self.copy(&slots.0, to: &out)
            return
        }
        if slots.1.form == form, slots.1.nanoseconds == ns, slots.1.offset == o {
            victim = 0
            Self.copy(&slots.1, to: &out)
            return
        }
        var slot = Slot(nanoseconds: ns, offset: o, form: form)
        withUnsafeMutableBytes(of: &slot.text) { raw in
            let text = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            slot.length = UInt8(instant.formatRFC3339(into: text, utcOffsetSeconds: offset))
        }
        Self.copy(&slot, to: &out)
        if victim == 0 { slots.0 = slot; victim = 1 } else { slots.1 = slot; victim = 0 }
    }

    private static func copy(_ slot: inout Slot, to out: inout JSONBytes) {
        let n = Int(slot.length)
        withUnsafeBytes(of: &slot.text) { out.append($0.baseAddress!, count: n) }
    }
}
