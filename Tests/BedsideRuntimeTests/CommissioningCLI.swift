import Testing

/// The commissioning and service command-line tests (`ports`, `probe`, `watch`, `verify`,
/// `udev-rule`, `run --config`, hotplug under umockdev). They start many processes (the bridge,
/// simulators, umockdev); run one at a time, they leave the machine to the in-process pty tests
/// that run beside them.
@Suite("commissioning on the command line", .serialized)
enum CommissioningCLI {}
