import BedsideHL7
import BedsideModel
import BedsidePlatform
import BedsideStore
import GRDB
import Logging
import Metrics

/// Turns committed records into PCD messages for one receiver, inside the store's commit: each
/// message gets its control id (MSH-10) once, here, and is kept in the outbox until the receiver
/// accepted it, so a resend after an outage or a restart carries the same MSH-10.
///
/// Also kept in the store, so they survive restarts: each device's unbound-patient id (a new one
/// when the device's link opens again) and each alarm's first alert id (for OBR-29).
public final class HL7OutboxStage: StoreStage {
    public let name: String
    let configuration: HL7ReceiverConfiguration
    let encoder: PCDEncoder
    private let planner = PCDPlanner()
    private let wake: @Sendable () -> Void
    /// Where each (device, metric code, instance) sits, from the numerics seen: alarms about a
    /// metric hang their facets below it.
    private let containments = Locked<[String: Containment]>([:])

    private let logger: Logger

    init(configuration: HL7ReceiverConfiguration, bridgeId: String, logger: Logger, wake: @escaping @Sendable () -> Void) {
        self.configuration = configuration
        self.logger = logger
        expiredCounter = Counter(label: "bedside_hl7_expired_total", dimensions: [("receiver", configuration.name)])
        name = configuration.sinkName
        encoder = PCDEncoder(sender: configuration.sender(bridgeId: bridgeId))
        self.wake = wake
    }

    public func prepare(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS hl7_outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                sink TEXT NOT NULL,
                device_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                control_id TEXT NOT NULL,
                message TEXT NOT NULL,
                first_seq INTEGER NOT NULL,
                last_seq INTEGER NOT NULL,
                created_ns INTEGER NOT NULL,
                parked INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0,
                reason TEXT
            );
            CREATE INDEX IF NOT EXISTS hl7_outbox_sink ON hl7_outbox(sink, parked, id);
            CREATE TABLE IF NOT EXISTS hl7_sessions (sink TEXT NOT NULL, device_id TEXT NOT NULL, patient_id TEXT NOT NULL,
                                                     PRIMARY KEY (sink, device_id));
            CREATE TABLE IF NOT EXISTS hl7_alerts (sink TEXT NOT NULL, alarm_id TEXT NOT NULL, first_alert_id TEXT NOT NULL,
                                                   PRIMARY KEY (sink, alarm_id));
            """)
    }

    public func stage(_ records: [FeedRecord], in db: Database) throws {
        // A link that opens starts a new device session: a new unbound-patient id from here on.
        for record in records {
            if case .link(let link) = record.observation, link.kind == .opened, let device = record.device.id {
                try db.execute(sql: "DELETE FROM hl7_sessions WHERE sink = ? AND device_id = ?", arguments: [name, device])
            }
            if case .numeric(let r) = record.observation, let c = r.containment, let code = r.metric.code {
                let key = "\(record.device.id ?? "")|\(code)|\(r.instance)"
                containments.withLock { $0[key] = c }
            }
        }
        let created = records.last.map { $0.observation.hostTime } ?? Timestamp(nanosecondsSinceEpoch: 0)
        var staged = 0
        for plan in planner.plan(records) where configuration.kinds.contains(plan.kind) {
            let device = plan.device.id ?? ""
            let patient = UnboundPatient(temporaryID: try patientID(device: device, seq: plan.firstSeq, db),
                                         location: plan.device.location)
            try db.execute(sql: """
                INSERT INTO hl7_outbox(sink, device_id, kind, control_id, message, first_seq, last_seq, created_ns)
                VALUES (?, ?, ?, '', '', ?, ?, ?)
                """, arguments: [name, device, plan.kind.rawValue, Int64(plan.firstSeq), Int64(plan.lastSeq),
                                 created.nanosecondsSinceEpoch])
            let id = db.lastInsertedRowID
            let controlID = Self.controlID(id)
            let message: String
            switch plan.content {
            case .observation(let time, let numerics, let pumps):
                message = encoder.observationReport(controlID: controlID, created: created, device: plan.device,
                                                    patient: patient, observationTime: time, numerics: numerics,
                                                    pumpChannels: pumps)
            case .alert(let alarm):
                let alertID = "A" + controlID.dropFirst(2)
                let first = try String.fetchOne(db, sql: "SELECT first_alert_id FROM hl7_alerts WHERE sink = ? AND alarm_id = ?",
                                                arguments: [name, alarm.alarmId])
                if first == nil {
                    try db.execute(sql: "INSERT INTO hl7_alerts(sink, alarm_id, first_alert_id) VALUES (?, ?, ?)",
                                   arguments: [name, alarm.alarmId, alertID])
                }
                if alarm.phase == .end {
                    try db.execute(sql: "DELETE FROM hl7_alerts WHERE sink = ? AND alarm_id = ?", arguments: [name, alarm.alarmId])
                }
                let key = "\(device)|\(alarm.metric?.code.map(String.init) ?? "")|\(alarm.instance ?? 1)"
                message = encoder.alertReport(controlID: controlID, alertID: alertID, firstAlertID: first, created: created,
                                              device: plan.device, patient: patient, alarm: alarm,
                                              sourceContainment: containments.withLock { $0[key] })
            case .infusionEvent(let event):
                message = encoder.infusionEventReport(controlID: controlID, created: created, device: plan.device,
                                                      patient: patient, event: event)
            }
            try db.execute(sql: "UPDATE hl7_outbox SET control_id = ?, message = ? WHERE id = ?",
                           arguments: [controlID, message, id])
            staged += 1
        }
        if let last = records.last { try RecordStore.setCursor(last.seq, of: name + ":staged", in: db) }
        try expireObservations(now: created, db)
        if staged > 0 { pendingWake.withLock { $0 = true } }
    }

    private let pendingWake = Locked(false)
    private let expiredCounter: Counter

    /// Drops undelivered PCD-01 reports older than the receiver's limit (by the host time of the
    /// records they report); alerts and infusion events stay until delivered.
    private func expireObservations(now: Timestamp, _ db: Database) throws {
        guard let age = configuration.maxUndeliveredObservationAgeSeconds else { return }
        let cutoff = now.nanosecondsSinceEpoch - Int64(age * 1e9)
        try db.execute(sql: "DELETE FROM hl7_outbox WHERE sink = ? AND kind = ? AND parked = 0 AND created_ns < ?",
                       arguments: [name, PCDMessageKind.observation.rawValue, cutoff])
        let dropped = db.changesCount
        if dropped > 0 {
            expiredCounter.increment(by: dropped)
            logger.warning("dropped \(dropped) undelivered PCD-01 report(s) older than \(Int(age)) s; the records stay in the store")
        }
    }

    public func didCommit() {
        if pendingWake.withLock({ v in defer { v = false }; return v }) { wake() }
    }

    /// MSH-10: `BB` and the outbox row id, 12 digits (14 characters: within PCD's 20 for EI-1).
    static func controlID(_ id: Int64) -> String {
        let digits = String(id)
        return "BB" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }

    /// The device's current unbound-patient id (`UNBOUND-` and 7 hex digits), minted at the first
    /// message of a device session.
    private func patientID(device: String, seq: UInt64, _ db: Database) throws -> String {
        if let id = try String.fetchOne(db, sql: "SELECT patient_id FROM hl7_sessions WHERE sink = ? AND device_id = ?",
                                        arguments: [name, device]) {
            return id
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in Array(device.utf8) + Array(String(seq).utf8) {
            hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash & 0x0FFF_FFFF, radix: 16, uppercase: true)
        let id = "UNBOUND-" + String(repeating: "0", count: 7 - hex.count) + hex
        try db.execute(sql: "INSERT INTO hl7_sessions(sink, device_id, patient_id) VALUES (?, ?, ?)",
                       arguments: [name, device, id])
        return id
    }
}
