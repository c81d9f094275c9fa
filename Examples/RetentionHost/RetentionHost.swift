import ArgumentParser

/// `retention-host`: the example host. Every command is a thin layer over the library.
@main
struct RetentionHost: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention-host",
        abstract: "Runs RetentionKit with merchant scripts: checks plugins, calls their functions, replays events into a store, reads balances, reports the metrics, imports exports and generates stores.",
        discussion: """
            Examples:
              retention-host check Plugins
              retention-host check Plugins --profile --events Examples/Store/events.jsonl
              retention-host replay Examples/Store/events.jsonl --plugins Plugins --store shop.sqlite
              retention-host balances --store shop.sqlite
              retention-host report --store shop.sqlite --period month --point-value 1.00/100
              retention-host import online-retail online-retail.csv.gz -o retail.jsonl
              retention-host generate --customers 1000 -o store.jsonl
              retention-host explain --store shop.sqlite --customer c42
              retention-host simulate Examples/Store/events.jsonl --plugins Plugins --candidate candidate/
              retention-host call Plugins/review-points.lua earn --args '[{"type": "review_posted", "review": {"sku": "MUG", "has_media": true}}, {"rewarded_review_skus": {}}]'
            """,
        subcommands: [CheckCommand.self, CallCommand.self, ReplayCommand.self, BalancesCommand.self, ReportCommand.self, ImportCommand.self, GenerateCommand.self, ExplainCommand.self, SimulateCommand.self]
    )
}
