extension PortHolder {
    /// The process that has `path` open right now (by `flock`, else any open descriptor), if `/proc`
    /// tells; for `bedside ports` to show which ports a running bridge or another program holds.
    public static func current(of path: String) -> PortHolder? {
        PortHolderLookup.holder(of: path)
    }
}
