import BedsideModel
import GRDB

/// A forwarding sink's step inside the store's commit: it sees every record of a batch in `seq`
/// order, in the same SQLite transaction that commits them, and writes what it derives (an HL7
/// outbox row, say) there too. Records and what a sink made of them are therefore durable together
/// or not at all; a kill between the two cannot lose or duplicate a message.
///
/// Keep stages fast (they run on the store's writer, never on a port) and free of I/O other than
/// the database: a stage that throws rolls the batch back and the writer retries it.
public protocol StoreStage: Sendable {
    /// Unique among the stages of one store; names the stage's tables and cursor.
    var name: String { get }
    /// Creates the stage's tables (idempotent); called once when the stage is added.
    func prepare(_ db: Database) throws
    /// Derives and writes what the stage needs from `records` (in `seq` order).
    func stage(_ records: [FeedRecord], in db: Database) throws
    /// Called on the writer after the transaction committed (e.g. to wake a sender).
    func didCommit()
}
