// The GE driver lives in this target.
let _embeddedCheck = EmbeddedProtocolTables.files.count
