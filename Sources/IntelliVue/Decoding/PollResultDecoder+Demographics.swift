import BedsideDriver
import BedsideModel

/// Patient demographics (only with `demographics=on`): body measurements only.
extension PollResultDecoder {
    mutating func decodeDemographics(attributes: PDUReader, count: Int, replyTime: DeviceTime?, hostTime: Timestamp,
                                             into output: inout DriverOutput) {
        // Only body measurements leave the driver; names, ids and dates of birth have no place in the feed.
        let measures: [UInt16: String] = [0x09dc: "patient height", 0x09df: "patient weight", 0x09d8: "patient age",
                                          0x0956: "patient body surface area"]
        var r = attributes
        do {
            for _ in 0..<count {
                let id = try r.u16()
                var v = try r.sub(Int(try r.u16()))
                guard let name = measures[id], v.remaining >= 6 else { continue }
                let value = IntelliVueFloat(bits: try v.u32())
                let unitCode = try v.u16()
                let ucum = mapping.ucum(unitCode: unitCode)
                let reading = NumericReading(
                    metric: .unmapped("intellivue:attribute:0x" + hex(id)), value: value.decimal, unit: ucum,
                    unitCode: IntelliVueMapping.mdcUnitCode(unitCode),
                    vendorUnit: unitCode == 0 || ucum != nil ? nil : vendorUnit(unitCode),
                    state: value.decimal == nil ? .absent : .valid, reason: value.specialName.map { "value " + $0 },
                    displayLabel: name, deviceTime: replyTime, hostTime: hostTime)
                output.observations.append(.numeric(reading))
            }
        } catch {
            output.count("attributes.malformed")
        }
    }
}
