import BedsideDriver
import BedsideModel
@testable import GEDatex

/// A request or record found in a byte stream.
struct DecodedRecord {
    var header: GEDatexRecordHeader
    var bytes: [UInt8]

    var body: ArraySlice<UInt8> { bytes[GEDatexWire.headerLength...] }
    var interval: Int16? {
        guard header.mainType == .physiological, bytes.count >= 49 else { return nil }
        return bytes.withUnsafeBytes { $0.geInt16(41) }
    }
    var classBits: UInt32? {
        guard header.mainType == .physiological, bytes.count >= 49 else { return nil }
        return bytes.withUnsafeBytes { $0.geUInt32(43) }
    }
    var waveCommand: Int16? {
        guard header.mainType == .waveform, bytes.count >= 72, header.subrecords.first?.type == 0 else { return nil }
        return bytes.withUnsafeBytes { $0.geInt16(40) }
    }
    var waveIDs: [UInt8] { Array(bytes[44..<52].prefix { $0 != 0xFF }) }
}

/// Splits framed bytes into validated records.
func decodeFrames(_ bytes: [UInt8]) -> [DecodedRecord] {
    var framer = GEDatexFrameDecoder()
    var out: [DecodedRecord] = []
    bytes.withUnsafeBytes { buf in
        var i = 0
        while let outcome = framer.next(in: buf, from: &i) {
            if outcome == .frame {
                let record = Array(framer.frameBytes.dropLast())
                if let h = record.withUnsafeBytes({ GEDatexRecordHeader(record: $0) }) {
                    out.append(DecodedRecord(header: h, bytes: record))
                }
            }
        }
    }
    return out
}


extension Array where Element == Observation {
    var links: [LinkEvent] { compactMap { if case .link(let l) = $0 { l } else { nil } } }
    var numerics: [NumericReading] { compactMap { if case .numeric(let r) = $0 { r } else { nil } } }
    var waveforms: [WaveformSegment] { compactMap { if case .waveform(let w) = $0 { w } else { nil } } }
    /// Everything except link events (those describe the session, not the patient).
    var data: [Observation] { filter { if case .link = $0 { false } else { true } } }
}

let t0 = Timestamp(secondsSinceEpoch: 1_800_000_000)
func seconds(_ s: Double) -> Timestamp { t0.adding(seconds: s) }
