import ArgumentParser
import BedsideDriver
import BedsideSerial

/// A failure the user can act on: printed as one line on stderr, then exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command body; any error becomes one clear line on stderr and a non-zero exit.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch let error as CleanExit {
        throw error
    } catch {
        Console.error(message(for: error))
        throw ExitCode.failure
    }
}

private func message(for error: any Error) -> String {
    switch error {
    case let e as CommandFailure: e.description
    case let e as SerialPortError: e.description
    case let e as DriverRegistryError: e.description
    case let e as any CustomStringConvertible: "\(e)"
    default: "\(error)"
    }
}
