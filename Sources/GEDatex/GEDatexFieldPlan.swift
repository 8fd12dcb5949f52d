/// What decoding one PHDB field reads, for every field of every record: a table row
/// (``GEDatexFieldSpec``) without its strings, so the hot loop counts no references.
struct GEDatexFieldPlan: Sendable {
    /// Byte offset of the field in the class body.
    let offset: Int
    /// Offset of the group's `{u32 status, u16 label}` header.
    let header: Int
    let exponent: Int8
    let rule: GEDatexFieldSpec.Rule
    let groupKind: GEDatexGroupKind
    /// Invasive pressure channel number (1…8) for `pN` groups, else 0.
    let pressureChannel: Int
    /// For the first field of a group: the (flat) index past the group's last field, so a group
    /// whose module is absent can be skipped whole; 0 for other fields and for groups holding NIBP
    /// fields (those always go through the cuff-cycle tracker).
    let groupEnd: Int
    /// Where this field's descriptors start in the decoder's resolved list (one per label code
    /// for label-dependent rules, one otherwise).
    let firstDescriptor: Int

    init(_ spec: GEDatexFieldSpec, groupEnd: Int, firstDescriptor: Int) {
        offset = spec.offset
        header = spec.header
        exponent = spec.exponent
        rule = spec.rule
        groupKind = spec.groupKind
        pressureChannel = spec.pressureChannel
        self.groupEnd = groupEnd
        self.firstDescriptor = firstDescriptor
    }
}
