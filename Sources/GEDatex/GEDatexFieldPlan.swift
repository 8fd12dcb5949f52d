/// What decoding one PHDB field reads, for every field of every record: a table row
/// (``GEDatexFieldSpec``) without its strings, so the hot loop counts no references.
struct GEDatexFieldPlan: Sendable {
    // Narrow integers: a class has up to ~100 fields and the loop reads one plan per field, so a
    // plan fits in half a cache line.
    private let offset16: UInt16
    private let header16: UInt16
    let exponent: Int8
    let groupKind: GEDatexGroupKind
    private let pressureChannel8: UInt8
    private let groupEnd32: Int32
    private let firstDescriptor32: Int32
    let rule: GEDatexFieldSpec.Rule

    /// Byte offset of the field in the class body.
    var offset: Int { Int(offset16) }
    /// Offset of the group's `{u32 status, u16 label}` header.
    var header: Int { Int(header16) }
    /// Invasive pressure channel number (1…8) for `pN` groups, else 0.
    var pressureChannel: Int { Int(pressureChannel8) }
    /// For the first field of a group: the (flat) index past the group's last field, so a group
    /// whose module is absent can be skipped whole; 0 for other fields and for groups holding NIBP
    /// fields (those always go through the cuff-cycle tracker).
    var groupEnd: Int { Int(groupEnd32) }
    /// Where this field's descriptors start in the decoder's resolved list (one per label code
    /// for label-dependent rules, one otherwise).
    var firstDescriptor: Int { Int(firstDescriptor32) }

    init(_ spec: GEDatexFieldSpec, groupEnd: Int, firstDescriptor: Int) {
        // The class body is 270 bytes and the tables a few hundred rows: all fit.
        offset16 = UInt16(spec.offset)
        header16 = UInt16(spec.header)
        exponent = spec.exponent
        rule = spec.rule
        groupKind = spec.groupKind
        pressureChannel8 = UInt8(spec.pressureChannel)
        groupEnd32 = Int32(groupEnd)
        firstDescriptor32 = Int32(firstDescriptor)
    }
}
