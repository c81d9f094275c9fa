import ArgumentParser

/// `retention-host`: the example host. Every command is a thin layer over the library.
@main
struct RetentionHost: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention-host",
        abstract: "Runs RetentionKit's merchant scripts: checks plugins and calls their functions.",
        discussion: """
            Examples:
              retention-host check Plugins
              retention-host call Plugins/points.lua earn --args '[{"total": 2550}]'
            """,
        subcommands: [CheckCommand.self, CallCommand.self]
    )
}
