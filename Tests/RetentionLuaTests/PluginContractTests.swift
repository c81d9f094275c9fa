import RetentionKit
import RetentionLua
import Testing

/// The plugin contract: what a plugin must declare, what its hooks may return, and the
/// `retention` library scripts call.
@Suite("The plugin contract")
struct PluginContractTests {
    static func load(_ sources: [String: String], configuration: LuaValue = .nil) throws(PluginError) -> LuaPlugins {
        try LuaPlugins(sources: sources.sorted { $0.key < $1.key }.map { LuaPlugins.Source(file: $0.key, text: $0.value) },
                       configuration: configuration)
    }

    static func loadError(_ sources: [String: String]) -> PluginError? {
        do {
            _ = try load(sources)
            return nil
        } catch {
            return error
        }
    }

    @Test("Load errors name the file, the field and the fix", arguments: [
        ("return { api = 1 }", "name", "missing or not a string"),
        (#"return { name = "x", api = 2 }"#, "api", "version 2 is not supported"),
        (#"return { name = "x", api = 1, earns = function() end }"#, "earns", "unknown field"),
        (#"return { name = "x", api = 1, tier = function() return "gold" end }"#, "tiers", "must list its tiers"),
        (#"return { name = "x", api = 1, tiers = {"a"}, earn_multipliers = { b = 150 }, tier = function() end }"#,
         "earn_multipliers.b", "not one of the plugin's tiers"),
        (#"return { name = "x", api = 1, earn = 5 }"#, "earn", "must be a function"),
        (#"return { name = "x", api = 1, segments = { vip = true } }"#, "segments", "every segment must be a function"),
        ("return function() end", nil, "returned a function, not a plugin table"),
        (#"return { name = "x", api = 1, earn_on = { "order_placed" } }"#, "earn_on", "the plugin has no `earn`"),
        (#"return { name = "x", api = 1, earn = function() end, earn_on = "order_placed" }"#, "earn_on", "must be a list of event type names"),
        (#"return { name = "x", api = 1, triggers = function() end, triggers_on = { "order_shipped" } }"#, "triggers_on",
         "'order_shipped' is not an event type"),
    ])
    func contractErrors(source: String, field: String?, message: String) throws {
        let error = try #require(Self.loadError(["bad.lua": source]))
        #expect(error.code == .contract)
        #expect(error.file == "bad.lua")
        #expect(error.field == field)
        #expect(error.message.contains(message), "\(error)")
        #expect(error.hint != nil)
    }

    @Test("Two plugins with one name, two defining tier, or one segment defined twice cannot load together")
    func clashes() throws {
        let a = #"return { name = "same", api = 1, tiers = {"t"}, tier = function() return "t" end, segments = { s = function() return true end } }"#
        let names = try #require(Self.loadError(["a.lua": a, "b.lua": #"return { name = "same", api = 1 }"#]))
        #expect(names.field == "name" && names.file == "b.lua" && names.message.contains("a.lua"))
        let tiers = try #require(Self.loadError(["a.lua": a, "b.lua": #"return { name = "b", api = 1, tiers = {"t"}, tier = function() end }"#]))
        #expect(tiers.field == "tier" && tiers.message.contains("at most one loaded plugin"))
        let segments = try #require(Self.loadError(["a.lua": a, "b.lua": #"return { name = "b", api = 1, segments = { s = function() return false end } }"#]))
        #expect(segments.field == "segments.s")
    }

    @Test("A syntax error or a failure while loading names the file and line")
    func loadFailures() throws {
        let syntax = try #require(Self.loadError(["broken.lua": "return {\n  name = \"x\",\n  api = = 1 }"]))
        #expect(syntax.code == .load && syntax.file == "broken.lua" && syntax.line == 3)
        let failing = try #require(Self.loadError(["failing.lua": "local x = nil\nreturn { name = x.y }"]))
        #expect(failing.code == .load && failing.line == 2)
    }

    /// Applies a customer and one order through a plugin whose `earn` returns `result` (Lua).
    static func earnResult(_ result: String) throws -> EventOutcome {
        let plugins = try load(["rule.lua": "return { name = \"rule\", api = 1, earn = function(event) if event.type == \"order_placed\" then return \(result) end end }"])
        var engine = Engine(program: Program(), rules: try plugins.ruleSet().rules)
        _ = engine.apply(try EventParser.parse(#"{"id": "c", "type": "customer_created", "at": "2025-01-01T00:00:00Z", "customer": {"id": "ana"}}"#))
        return engine.apply(try EventParser.parse(#"""
            {"id": "o", "type": "order_placed", "at": "2025-01-02T00:00:00Z", "order": {"id": "1", "customer_id": "ana",
             "currency": "USD", "total": "30.00", "lines": [{"sku": "A", "quantity": 1, "unit_price": "10.00"},
             {"sku": "B", "quantity": 1, "unit_price": "20.00"}]}}
            """#))
    }

    @Test("Bad awards reject the event with the plugin, hook and field", arguments: [
        ("{ { points = 2.5, reason = 'x' } }", "[1].points: expected an integer, got the float 2.5"),
        ("{ { points = 0, reason = 'x' } }", "[1].points: 0 is out of range"),
        ("{ { points = 10 } }", "[1].reason: expected a non-empty string"),
        ("{ { points = 10, reason = 'x', bonus = true } }", "[1].bonus: unknown field"),
        ("{ { points = 10, reason = 'x', lines = { 3, 3 } } }", "[1].lines: the lines add up to 6 points, the award is 10"),
        ("{ { points = 10, reason = 'x', lines = { 10 } } }", "[1].lines: expected a list of 2 integers"),
        ("{ points = 10, reason = 'x' }", "expected a list of awards, nil or a note, got a table"),
        ("''", "expected a non-empty note of at most 200 characters, got the string \"\""),
        ("string.rep('x', 201)", "expected a non-empty note of at most 200 characters"),
        ("{ { points = 1e12, reason = 'x' } }", "[1].points: expected an integer, got the float"),
        ("{ { points = 1000000000000, reason = 'x' } }", "[1].points: 1000000000000 is out of range (1...100000000)"),
    ])
    func badAwards(result: String, message: String) throws {
        guard case .rejected(let error) = try Self.earnResult(result) else {
            Issue.record("the event was applied")
            return
        }
        #expect(error.eventID == "o")
        #expect(error.message.contains("rule.lua (plugin rule, hook earn): \(message)"), "\(error)")
    }

    @Test("Good awards: per-line shares, pending days and campaigns reach the ledger")
    func goodAwards() throws {
        let outcome = try Self.earnResult("{ { points = 30, reason = 'purchase', lines = { 10, 20 }, pending_days = 7 }, { points = 5, reason = 'promo', campaign = 'spring' } }")
        let entries = try #require(outcome.decisions).entries.map(\.entry)
        #expect(entries.map(\.points.value) == [30, 5])
        #expect(entries[0].source.lines == ["A", "B"])
    }

    @Test("earn may say why it awards nothing: the note is in the engine's explanation, and nothing is applied")
    func earnNote() throws {
        let outcome = try Self.earnResult("'order 1 is below the 50.00 minimum'")
        let decisions = try #require(outcome.decisions)
        #expect(decisions.entries.isEmpty)
        #expect(decisions.explanation.map(\.note) == ["order 1 is below the 50.00 minimum"])
        #expect(decisions.explanation.map(\.rule) == ["rule"])
    }

    @Test("Bad tier, segment and trigger results name the hook")
    func badOtherResults() throws {
        let plugins = try Self.load([
            "tiers.lua": #"return { name = "tiers", api = 1, tiers = {"gold"}, tier = function(c) if c.order_count > 0 then return "platinum" end end }"#,
            "segment.lua": #"return { name = "segment", api = 1, segments = { vip = function(c) if c.order_count > 0 then return nil end return false end } }"#,
            "trigger.lua": #"return { name = "trigger", api = 1, triggers = function(e) if e.type == "custom" then return { { campaign = "x" } } end end }"#,
        ])
        var engine = Engine(program: Program(), rules: try plugins.ruleSet().rules)
        #expect(engine.apply(try EventParser.parse(#"{"id": "c", "type": "customer_created", "at": "2025-01-01T00:00:00Z", "customer": {"id": "ana"}}"#)).decisions != nil)
        guard case .rejected(let order) = engine.apply(try EventParser.parse(#"""
            {"id": "o", "type": "order_placed", "at": "2025-01-02T00:00:00Z", "order": {"id": "1", "customer_id": "ana",
             "currency": "USD", "total": "10.00", "lines": [{"sku": "A", "quantity": 1, "unit_price": "10.00"}]}}
            """#)) else { Issue.record("the order was applied"); return }
        #expect(order.message.contains("tiers.lua (plugin tiers, hook tier): 'platinum' is not one of the tiers the plugin lists (gold)"), "\(order)")
        guard case .rejected(let custom) = engine.apply(try EventParser.parse(
            #"{"id": "x", "type": "custom", "at": "2025-01-03T00:00:00Z", "name": "follow", "customer_id": "ana"}"#
        )) else { Issue.record("the custom event was applied"); return }
        #expect(custom.message.contains("trigger.lua (plugin trigger, hook triggers): [1].reason: expected a non-empty string"), "\(custom)")
    }

    @Test("A tier without a reason: the change says the plugin decided it; with one, the change gives it")
    func tierReasons() throws {
        let plugins = try Self.load([
            "tiers.lua": #"""
                return { name = "tiers", api = 1, tiers = {"silver", "gold"},
                  tier = function(c)
                    if c.order_count >= 2 then return { tier = "gold", reason = "two orders" } end
                    if c.order_count >= 1 then return { tier = "silver" } end
                  end }
                """#,
        ])
        var engine = Engine(program: Program(), rules: try plugins.ruleSet().rules)
        _ = engine.apply(try EventParser.parse(#"{"id": "c", "type": "customer_created", "at": "2025-01-01T00:00:00Z", "customer": {"id": "ana"}}"#))
        func order(_ id: String, _ day: String) throws -> EventOutcome {
            engine.apply(try EventParser.parse(#"{"id": "o\#(id)", "type": "order_placed", "at": "\#(day)T00:00:00Z", "order": {"id": "\#(id)", "customer_id": "ana", "currency": "USD", "total": "10.00", "lines": [{"sku": "A", "quantity": 1, "unit_price": "10.00"}]}}"#))
        }
        #expect(try order("1", "2025-01-02").decisions?.tierChanges.map(\.reason) == ["tiers says silver"])
        #expect(try order("2", "2025-01-03").decisions?.tierChanges.map(\.reason) == ["two orders"])
    }

    @Test("Results are read in place: fields beside a table too long to step over at once read right, and unknown ones are named")
    func longTablesInResults() throws {
        // 70,000 entries is more than a table header on the results tape can record the span of,
        // so reading the fields after it walks through it.
        let plugins = try Self.load([
            "tiers.lua": #"""
                local filler = {}
                for i = 1, 70000 do filler[i] = i end
                return { name = "tiers", api = 1, tiers = {"silver", "gold"},
                  tier = function(c)
                    if c.order_count >= 2 then return { tier = "gold", aaa = filler, zzz = 1 } end
                    return { tier = "silver", progress = { measure = "points", filler = filler, current = 7, to_next_tier = 3,
                                                           next_tier = "gold", more = { filler, filler } } }
                  end }
                """#,
        ])
        var engine = Engine(program: Program(), rules: try plugins.ruleSet().rules)
        _ = engine.apply(try EventParser.parse(#"{"id": "c", "type": "customer_created", "at": "2025-01-01T00:00:00Z", "customer": {"id": "ana"}}"#))
        func order(_ id: String) throws -> EventOutcome {
            engine.apply(try EventParser.parse(#"{"id": "o\#(id)", "type": "order_placed", "at": "2025-01-0\#(id)T00:00:00Z", "order": {"id": "\#(id)", "customer_id": "ana", "currency": "USD", "total": "10.00", "lines": [{"sku": "A", "quantity": 1, "unit_price": "10.00"}]}}"#))
        }
        #expect(try order("2").decisions != nil)
        #expect(engine.view(of: "ana")?.tier == "silver")
        let progress = try #require(engine.view(of: "ana")?.tierProgress)
        #expect(progress == TierProgress(measure: .pointsEarned, current: 7, nextTier: "gold", toNextTier: 3, toKeepTier: nil))
        guard case .rejected(let second) = try order("3") else { Issue.record("the second order was applied"); return }
        #expect(second.message.contains("tiers.lua (plugin tiers, hook tier): aaa: unknown field"), "\(second)")
    }

    @Test("A trigger may name its cause and compensation points; a bad one names the field")
    func triggerCauseAndCompensation() throws {
        let plugins = try Self.load([
            "sorry.lua": #"""
                return { name = "sorry", api = 1, triggers = function(e)
                  if e.type == "custom" and e.name == "complaint" then
                    return { { campaign = "service_recovery", reason = "complained", cause = "complaint:" .. e.attributes.case, compensation_points = 75 } }
                  end
                  if e.type == "custom" and e.name == "bad" then
                    return { { campaign = "service_recovery", reason = "x", compensation_points = 2.5 } }
                  end
                end }
                """#,
        ])
        var engine = Engine(program: Program(), rules: try plugins.ruleSet().rules)
        func custom(_ id: String, _ name: String, _ day: String, _ attributes: String = "{}") throws -> EventOutcome {
            engine.apply(try EventParser.parse(#"{"id": "\#(id)", "type": "custom", "at": "\#(day)T00:00:00Z", "name": "\#(name)", "customer_id": "ana", "attributes": \#(attributes)}"#))
        }
        _ = engine.apply(try EventParser.parse(#"{"id": "c", "type": "customer_created", "at": "2025-01-01T00:00:00Z", "customer": {"id": "ana"}}"#))
        let first = try custom("k1", "complaint", "2025-01-02", #"{"case": "7"}"#)
        #expect(first.decisions?.campaignActions.map(\.campaign) == ["service_recovery"])
        #expect(first.decisions?.entries.map(\.entry.points) == [Points(75)])
        // The same cause again: withheld as a duplicate, no second compensation.
        let again = try custom("k2", "complaint", "2025-01-03", #"{"case": "7"}"#)
        #expect(again.decisions?.withheldActions.map(\.outcome) == [.duplicate])
        #expect(again.decisions?.entries.isEmpty == true)
        guard case .rejected(let bad) = try custom("k3", "bad", "2025-01-04") else { Issue.record("a fractional compensation was accepted"); return }
        #expect(bad.message.contains("[1].compensation_points: expected a whole number"), "\(bad)")
    }

    @Test("triggers_on_clock asks a plugin's triggers about every customer on clock events")
    func clockTriggers() throws {
        let source = #"""
            return { name = "quiet", api = 1, triggers_on_clock = true, triggers = function(e, c)
              if e.type == "clock" and c.days_since_last_order and c.days_since_last_order > 30 then
                return { { campaign = "win_back", reason = "quiet", cause = "lapse:" .. c.last_order_on } }
              end
            end }
            """#
        var engine = Engine(program: Program(), rules: try Self.load(["quiet.lua": source]).ruleSet().rules)
        for line in [
            #"{"id": "c1", "type": "customer_created", "at": "2025-01-01T00:00:00Z", "customer": {"id": "ana"}}"#,
            #"{"id": "c2", "type": "customer_created", "at": "2025-01-01T00:00:00Z", "customer": {"id": "bo"}}"#,
            #"{"id": "o1", "type": "order_placed", "at": "2025-01-02T00:00:00Z", "order": {"id": "1", "customer_id": "ana", "currency": "USD", "total": "10.00", "lines": [{"sku": "A", "quantity": 1, "unit_price": "10.00"}]}}"#,
        ] { _ = engine.apply(try EventParser.parse(line)) }
        let early = engine.apply(try EventParser.parse(#"{"id": "k1", "type": "clock", "at": "2025-02-01T00:00:00Z"}"#))
        #expect(early.decisions?.campaignActions.isEmpty == true)
        let late = engine.apply(try EventParser.parse(#"{"id": "k2", "type": "clock", "at": "2025-02-02T00:00:00Z"}"#))
        #expect(late.decisions?.campaignActions.map(\.customerID) == ["ana"])
        // A flag without the hook, or not a boolean, is a load error.
        #expect(throws: PluginError.self) { try Self.load(["x.lua": #"return { name = "x", api = 1, triggers_on_clock = true }"#]) }
        #expect(throws: PluginError.self) {
            try Self.load(["y.lua": #"return { name = "y", api = 1, triggers_on_clock = "yes", triggers = function() end }"#])
        }
    }

    @Test("earn_on and triggers_on: a hook is asked about the listed event types only")
    func eventTypeLists() throws {
        // Both hooks answer every event they are asked about; the lists decide which they are asked.
        let source = #"""
            local calls = 0
            return { name = "counted", api = 1,
              earn = function(e, c) return { { points = 10, reason = e.type } } end,
              earn_on = { "review_posted" },
              triggers = function(e, c) return { { campaign = "thanks", reason = e.type, cause = e.type } } end,
              triggers_on = { "order_placed" } }
            """#
        var engine = Engine(program: Program(), rules: try Self.load(["counted.lua": source]).ruleSet().rules)
        _ = engine.apply(try EventParser.parse(#"{"id": "c1", "type": "customer_created", "at": "2025-01-01T00:00:00Z", "customer": {"id": "ana"}}"#))
        let order = engine.apply(try EventParser.parse(#"{"id": "o1", "type": "order_placed", "at": "2025-01-02T00:00:00Z", "order": {"id": "1", "customer_id": "ana", "currency": "USD", "total": "10.00", "lines": [{"sku": "A", "quantity": 1, "unit_price": "10.00"}]}}"#))
        #expect(order.decisions?.entries.isEmpty == true)
        #expect(order.decisions?.explanation.map(\.note) == [LuaPlugins.notAskedNote])
        #expect(order.decisions?.campaignActions.map(\.reason) == ["order_placed"])
        let review = engine.apply(try EventParser.parse(#"{"id": "r1", "type": "review_posted", "at": "2025-01-03T00:00:00Z", "review": {"id": "r1", "customer_id": "ana", "sku": "A", "rating": 5}}"#))
        #expect(review.decisions?.entries.map(\.entry.source.reason) == ["review_posted"])
        #expect(review.decisions?.campaignActions.isEmpty == true)
        #expect(engine.balance(of: "ana")?.available.value == 10)
    }

    @Test("The retention library: dates, shares, rounding, money and configuration")
    func hostLibrary() throws {
        let plugins = try Self.load(["lib.lua": """
            local checks = {
              retention.days_between("2025-01-01", "2025-03-01") == 59,
              retention.days_between(retention.day("2025-03-01T23:59:59Z"), "2025-03-02") == 1,
              retention.date(retention.day("2024-02-29")) == "2024-02-29",
              table.concat(retention.share(10, { 1, 1, 1 }), ",") == "4,3,3",
              retention.percent(999, 150) == 1498,
              retention.percent(-999, 150) == -1499,
              retention.round(2.5) == 3 and math.type(retention.round(2.5)) == "integer",
              retention.round(-2.5) == -3,
              retention.money(1250, "USD") == "12.50 USD" and retention.money(1200, "JPY") == "1200 JPY",
              retention.config("shop.multipliers.coffee") == 2,
              retention.config("shop.missing", "fallback") == "fallback",
              retention.config("program.return_window_days") == 0,
              pcall(retention.day, "2025-13-01") == false,
            }
            local failed = {}
            for i, ok in ipairs(checks) do if not ok then failed[#failed + 1] = i end end
            return { name = "lib", api = 1, version = table.concat(failed, ",") }
            """], configuration: ["shop": ["multipliers": ["coffee": 2]]])
        #expect(plugins.manifests[0].version == "", "checks that failed: \(plugins.manifests[0].version)")
    }

    @Test("math.random is seeded from the event: the same events earn the same points in every rule set")
    func seededRandom() throws {
        func points() throws -> [Int64] {
            let plugins = try Self.load(["lucky.lua": #"return { name = "lucky", api = 1, earn = function(e) if e.type == "custom" then return { { points = math.random(1, 1000000), reason = "luck" } } end end }"#])
            var engine = Engine(program: Program(), rules: try plugins.ruleSet().rules)
            _ = engine.apply(try EventParser.parse(#"{"id": "c", "type": "customer_created", "at": "2025-01-01T00:00:00Z", "customer": {"id": "ana"}}"#))
            return try (1...5).flatMap { index in
                let outcome = engine.apply(try EventParser.parse(#"{"id": "x\#(index)", "type": "custom", "at": "2025-01-03T00:00:00Z", "name": "spin", "customer_id": "ana"}"#))
                return outcome.decisions?.entries.map(\.entry.points.value) ?? []
            }
        }
        let first = try points()
        #expect(first.count == 5 && Set(first).count > 1)
        #expect(try points() == first)
    }

    @Test("A fixture that does not hold reports the difference")
    func failingFixture() throws {
        let plugins = try Self.load(["f.lua": """
            return { name = "f", api = 1, earn = function(e) if e.type == "custom" then return { { points = 5, reason = "x", pending_days = 0 } } end end,
              tests = { { name = "wrong on purpose", events = {
                { id = "c", type = "customer_created", at = "2025-01-01T00:00:00Z", customer = { id = "ana" } },
                { id = "x", type = "custom", at = "2025-01-02T00:00:00Z", name = "follow", customer_id = "ana" } },
                expect = { ana = { available = 6, tier = false }, bob = { lifetime = 0 } } } } }
            """])
        let cases = try PluginFixtures.cases(of: plugins.manifests[0])
        let result = try PluginFixtures.run(try #require(cases.first), with: plugins)
        #expect(result.differences == ["ana.available: expected 6, got 5", "bob: no such customer after the events"])
    }
}
