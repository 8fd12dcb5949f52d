import ArgumentParser

@main
struct Bedside: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bedside",
        abstract: "Bedside Bridge: connects bedside medical devices to the software that watches over patients."
    )
}
