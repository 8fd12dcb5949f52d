/// The subrecord descriptors of one record header (at most
/// ``GEDatexWire/maximumSubrecords``), held inline: a header is parsed for every record, and a
/// heap array per record cost more than reading the header.
public struct GEDatexSubrecordList: RandomAccessCollection, Hashable, Sendable, ExpressibleByArrayLiteral {
    // Offsets and types side by side in fixed slots; `count` of them are in use.
    private var offsets: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var types: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0)
    public private(set) var count = 0

    public static let capacity = 8

    public init() {}

    /// The first ``capacity`` of `descriptors`.
    public init(_ descriptors: some Sequence<GEDatexSubrecordDescriptor>) {
        for d in descriptors where count < Self.capacity { append(d) }
    }

    public init(arrayLiteral elements: GEDatexSubrecordDescriptor...) {
        self.init(elements)
    }

    /// Adds a descriptor; ignored once the list holds ``capacity`` (a header has no room for more).
    public mutating func append(_ d: GEDatexSubrecordDescriptor) {
        guard count < Self.capacity else { return }
        let slot = count
        withUnsafeMutableBytes(of: &offsets) { $0.storeBytes(of: Int32(truncatingIfNeeded: d.offset), toByteOffset: slot * 4, as: Int32.self) }
        withUnsafeMutableBytes(of: &types) { $0[slot] = d.type }
        count += 1
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> GEDatexSubrecordDescriptor {
        precondition(position >= 0 && position < count, "subrecord index out of range")
        let offset = withUnsafeBytes(of: offsets) { $0.load(fromByteOffset: position * 4, as: Int32.self) }
        let type = withUnsafeBytes(of: types) { $0[position] }
        return GEDatexSubrecordDescriptor(offset: Int(offset), type: type)
    }

    public static func == (lhs: GEDatexSubrecordList, rhs: GEDatexSubrecordList) -> Bool {
        lhs.elementsEqual(rhs)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for d in self { hasher.combine(d) }
    }
}
