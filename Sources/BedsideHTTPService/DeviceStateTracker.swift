import BedsidePlatform
import BedsideStore
import Foundation

/// The current state of every device, kept from committed records: identity, last link event,
/// latest value of each metric. What `GET /v1/devices` and the health verdict read.
public final class DeviceStateTracker: Sendable {
    struct Value {
        var json: [String: Any]
        var hostTimeNanoseconds: Int64
    }

    struct Device {
        var device: [String: Any] = [:]
        var link: String?
        var linkDetail: String?
        var lastSeenNanoseconds: Int64 = 0
        var values: [String: Value] = [:]
    }

    private let state = Locked<[String: Device]>([:])

    public init() {}

    /// Follows the store's committed records until the task is cancelled or the store closes.
    public func follow(_ store: RecordStore) async {
        while !Task.isCancelled {
            let subscription = store.committed.subscribe(bufferSize: 50_000)
            for await record in subscription { apply(record) }
            // Ended: the store closed, or we fell behind (then pick up again from now).
            if subscription.overflowedAt == nil { return }
        }
    }

    func apply(_ record: StoredRecord) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(record.json)) as? [String: Any],
              let device = object["device"] as? [String: Any], let id = device["id"] as? String else { return }
        state.withLock { devices in
            var d = devices[id] ?? Device()
            d.device = device
            d.lastSeenNanoseconds = max(d.lastSeenNanoseconds, record.hostTimeNanoseconds)
            switch record.kind {
            case "link":
                d.link = object["event"] as? String
                d.linkDetail = object["detail"] as? String
            case "numeric":
                let key = "\(object["metric"] as? String ?? object["vendorCode"] as? String ?? "?")#\(object["instance"] ?? 1)"
                d.values[key] = Value(json: object, hostTimeNanoseconds: record.hostTimeNanoseconds)
            default:
                break
            }
            devices[id] = d
        }
    }

    /// Devices as JSON objects, with each value's age at `now`.
    func devices(now: Int64, silenceSeconds: Double) -> [[String: Any]] {
        state.withLock { devices in
            devices.keys.sorted().map { id in
                let d = devices[id]!
                var values: [[String: Any]] = []
                for key in d.values.keys.sorted() {
                    let v = d.values[key]!
                    var out: [String: Any] = [:]
                    for field in ["metric", "code", "vendorCode", "instance", "value", "unit", "unitCode", "state", "deviceTime",
                                  "hostTime", "seq"] {
                        if let x = v.json[field] { out[field] = x }
                    }
                    out["ageNs"] = now - v.hostTimeNanoseconds
                    values.append(out)
                }
                let verdict = Self.verdict(d, now: now, silenceSeconds: silenceSeconds)
                var out: [String: Any] = ["device": d.device, "values": values, "lastSeenAgeNs": now - d.lastSeenNanoseconds,
                                          "degraded": verdict != nil]
                if let link = d.link { out["link"] = link }
                if let verdict { out["reason"] = verdict }
                return out
            }
        }
    }

    /// Why a device is degraded, or nil.
    static func verdict(_ d: Device, now: Int64, silenceSeconds: Double) -> String? {
        if let link = d.link, ["silent", "disconnected", "stopped", "closed", "error"].contains(link) {
            return "link \(link)" + (d.linkDetail.map { ": \($0)" } ?? "")
        }
        let silence = Double(now - d.lastSeenNanoseconds) / 1e9
        if silence > silenceSeconds { return "nothing received for \(Int(silence)) s" }
        return nil
    }
}
