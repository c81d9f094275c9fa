import CLuaReference
import PropertyBased
import RetentionLua
import Testing

/// The bounded pattern matcher against stock Lua 5.4 on random subjects and patterns.
@Suite("Bounded patterns agree with stock Lua on random input")
struct PatternDifferentialTests {
    /// Pattern pieces: classes, sets, quantified items, anchors, captures, %b, %f, back-references.
    static let atoms = [
        "a", "b", "c", ".", "%a", "%d", "%s", "%w", "%A", "[ab]", "[^a]", "[a-c]", "[%d ]", "%(", "%%", " ",
    ]
    static let quantifiers = ["", "", "", "*", "+", "-", "?"]
    static let alphabet = Array("abc1 ()")

    struct Case: CustomStringConvertible {
        var subject: String
        var pattern: String
        var description: String { "subject \(subject.debugDescription), pattern \(pattern.debugDescription)" }
    }

    static let cases = Generator<Case, Shrink.None<Case>> { rng in
        let subject = String((0..<Int.random(in: 0...10, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
        var pattern = Bool.random(using: &rng) && Bool.random(using: &rng) ? "^" : ""
        var open = 0
        var closed = 0
        for _ in 0..<Int.random(in: 1...5, using: &rng) {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0 where open < 3:
                pattern += Bool.random(using: &rng) ? "(" : "()"
                open += 1
            case 1 where open > closed:
                pattern += ")"
                closed += 1
            case 2: pattern += "%b()"
            case 3: pattern += "%f[%a]"
            case 4 where closed > 0: pattern += "%1"
            default:
                pattern += atoms.randomElement(using: &rng)! + quantifiers.randomElement(using: &rng)!
            }
        }
        while closed < open {
            pattern += ")"
            closed += 1
        }
        if Int.random(in: 0..<5, using: &rng) == 0 { pattern += "$" }
        return Case(subject: subject, pattern: pattern)
    }

    /// A Lua string literal of `text`, every byte escaped.
    static func literal(_ text: String) -> String {
        "\"" + text.utf8.map { "\\\($0)" }.joined() + "\""
    }

    /// A chunk body returning every function's result (or ERR) for one case, one per line.
    static func body(_ test: Case) -> String {
        """
        local function show(...)
          local out = {}
          for i = 1, select('#', ...) do out[#out + 1] = tostring((select(i, ...))) end
          return table.concat(out, "|")
        end
        local s, p = \(literal(test.subject)), \(literal(test.pattern))
        local function try(f) local ok, r = pcall(f) if ok then return r else return "ERR" end end
        return table.concat({
          try(function() return show(string.find(s, p)) end),
          try(function() return show(string.find(s, p, 3)) end),
          try(function() return show(string.match(s, p)) end),
          try(function() return show(string.gsub(s, p, "<%0>")) end),
          try(function() return show(string.gsub(s, p, function(x) return x:upper() end, 2)) end),
          try(function()
            local out = {}
            for a in string.gmatch(s, p) do out[#out + 1] = tostring(a) end
            return table.concat(out, ",")
          end),
        }, "\\n")
        """
    }

    @Test("find, match, gsub and gmatch give stock Lua's results", .tags(.property))
    func agree() async throws {
        let reference = try #require(reference_open())
        defer { reference_close(reference) }
        let runtime = try LuaRuntime(limits: LuaLimits(instructionsPerCall: 100_000_000, deadline: nil))
        await propertyCheck(count: 3_000, input: Self.cases) { test in
            let body = Self.body(test)
            var buffer = [CChar](repeating: 0, count: 64 * 1024)
            reference_eval(reference, body, &buffer, buffer.count)
            let expected = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let ours: LuaValue?
            do {
                let f = try loadFunction(runtime, "return { f = function() \(body) end }", name: "case.lua")
                ours = try runtime.call(f)
            } catch {
                ours = .string("failed: \(error)")
            }
            #expect(ours == .string(expected), "\(test)")
        }
    }
}
