import ArgumentParser
import BedsideDriver
import BedsideRuntime

/// Runs a command body; any error becomes one clear line on stderr and the exit status
/// ``BridgeExitStatus`` gives it.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch let error as CleanExit {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch BlockingFileWriter.WriteError.readerClosed {
        // The reader of stdout closed it (`bedside … | head`): nobody is left to serve, which
        // ends every command the same way, successfully (docs/reliability.md).
        return
    } catch {
        Console.error(CommandFailure.message(for: error))
        throw ExitCode(exitStatus(for: error).rawValue)
    }
}

private func exitStatus(for error: any Error) -> BridgeExitStatus {
    switch error {
    case let e as CommandFailure: e.exitStatus
    case is OptionCheck.Failure: .usage
    case DriverRegistryError.invalidOption: .usage
    default: .failure
    }
}

/// Runs the checks of a command's `validate()`: a value the shared checks refuse is a usage error
/// (status 64, with the usage line), like a value that does not parse at all.
func validating(_ checks: () throws -> Void) throws {
    do { try checks() } catch let e as OptionCheck.Failure {
        throw ValidationError(e.description)
    } catch let e as CommandFailure where e.exitStatus == .usage {
        throw ValidationError(e.description)
    }
}

extension FeedFormat: ExpressibleByArgument {}
