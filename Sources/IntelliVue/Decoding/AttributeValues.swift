import BedsideModel

/// Readers for attribute value types shared by several objects.
enum AttributeValues {
    /// A `String` attribute: u16 byte length, UTF-16BE, NUL-padded, may contain U+FEFF fill.
    static func text(utf16 raw: UnsafeRawBufferPointer) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(raw.count / 2)
        var i = 0
        while i + 1 < raw.count {
            let u = UInt16(raw[i]) << 8 | UInt16(raw[i + 1])
            i += 2
            if u == 0 { break }
            if u == 0xfeff { continue }
            units.append(u)
        }
        var s = String(decoding: units, as: UTF16.self)
        while s.last == " " { s.removeLast() }
        return s
    }

    /// A `VariableLabel`: u16 length, 8-bit characters, NUL-padded.
    static func variableLabel(_ r: inout PDUReader) throws(IntelliVuePDUError) -> String {
        let raw = try r.raw(Int(try r.u16()))
        var bytes: [UInt8] = []
        for b in raw { if b == 0 { break }; bytes.append(b) }
        var s = String(decoding: bytes, as: UTF8.self)
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// What an MDS object (create event or MDS poll) says about the monitor.
struct MDSFacts: Sendable {
    var absoluteTime: Timestamp?
    var relativeTime: UInt32?
    var manufacturer: String?
    var model: String?
    var serialNumber: String?
    var softwareVersion: String?
    var operatingMode: UInt16?

    /// The texts last read from an MDS object's model and product-spec attributes, with the bytes
    /// they came from: a monitor repeats its MDS object in every extended poll, and decoding the
    /// same UTF-16 labels again each time cost more than the rest of the object.
    struct TextMemo: Sendable {
        fileprivate var modelBytes: [UInt8]?
        fileprivate var model: (manufacturer: String, model: String)?
        fileprivate var specBytes: [UInt8]?
        fileprivate var spec: (serialNumber: String?, softwareVersion: String?)?
    }

    /// Reads the attributes it knows from an AttributeList body, skipping the others by length.
    init(attributes: PDUReader, count: Int) throws(IntelliVuePDUError) {
        var memo = TextMemo()
        try self.init(attributes: attributes, count: count, memo: &memo)
    }

    /// The same, taking unchanged texts from `memo` (and keeping the latest in it).
    init(attributes: PDUReader, count: Int, memo: inout TextMemo) throws(IntelliVuePDUError) {
        var r = attributes
        for _ in 0..<count {
            let id = try r.u16()
            var v = try r.sub(Int(try r.u16()))
            switch id {
            case Nomenclature.Attribute.timeAbsolute:
                absoluteTime = IntelliVueTime.absolute(try v.raw(8))
            case Nomenclature.Attribute.timeRelative:
                relativeTime = try v.u32()
            case Nomenclature.Attribute.idModel:
                let bytes = v.unread
                if let known = memo.model, let seen = memo.modelBytes, bytes.sameBytes(as: seen) {
                    manufacturer = known.manufacturer
                    model = known.model
                } else {
                    let m = try AttributeValues.variableLabel(&v)
                    let md = try AttributeValues.variableLabel(&v)
                    manufacturer = m
                    model = md
                    memo.model = (m, md)
                    memo.modelBytes = Array(bytes)
                }
            case Nomenclature.Attribute.modeOperation:
                operatingMode = try v.u16()
            case Nomenclature.Attribute.idProductSpec:
                let bytes = v.unread
                // The memo holds what the list gives read from scratch; an object repeating the
                // attribute reads the repeat in full.
                if serialNumber == nil, softwareVersion == nil, let known = memo.spec, let seen = memo.specBytes,
                   bytes.sameBytes(as: seen) {
                    serialNumber = known.serialNumber
                    softwareVersion = known.softwareVersion
                    continue
                }
                let fresh = serialNumber == nil && softwareVersion == nil
                var list = try v.list()
                for _ in 0..<list.count {
                    let specType = try list.body.u16()
                    let component = try list.body.u16()
                    let text = try AttributeValues.variableLabel(&list.body)
                    if specType == Nomenclature.ProductSpec.typeSerialNumber, serialNumber == nil, !text.isEmpty {
                        serialNumber = text
                    }
                    if specType == Nomenclature.ProductSpec.typeSoftwareRevision, !text.isEmpty,
                       component == Nomenclature.ProductSpec.componentApplicationSoftware || softwareVersion == nil {
                        softwareVersion = text
                    }
                }
                if fresh {
                    memo.spec = (serialNumber, softwareVersion)
                    memo.specBytes = Array(bytes)
                }
            default:
                break
            }
        }
    }

    var identity: DeviceIdentityUpdate? {
        guard model != nil || serialNumber != nil || softwareVersion != nil else { return nil }
        var m = model
        if let mf = manufacturer, let md = model, !mf.isEmpty { m = mf + " " + md }
        return DeviceIdentityUpdate(model: m, serialNumber: serialNumber, softwareVersion: softwareVersion)
    }
}
