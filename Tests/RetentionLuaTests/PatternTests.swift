import RetentionLua
import Testing

/// The bounded matcher against results recorded from stock Lua 5.4's string library.
@Suite("Bounded patterns behave like Lua's")
struct PatternTests {
    static let cases: [(String, String)] = [
        (#"string.find("hello world", "wor")"#, #"7|9"#),
        (#"string.find("hello world", "o", 6)"#, #"8|8"#),
        (#"string.find("hello world", "l+")"#, #"3|4"#),
        (#"string.find("hello", "")"#, #"1|0"#),
        (#"string.find("hello", "", 10)"#, #"nil"#),
        (#"string.find("hello", "", 6)"#, #"6|5"#),
        (#"string.find("a.b", ".", 1, true)"#, #"2|2"#),
        (#"string.find("a+b", "+", 1, true)"#, #"2|2"#),
        (#"string.find("hello", "h(e)(l+)")"#, #"1|4|e|ll"#),
        (#"string.find("hello", "()ll()")"#, #"3|4|3|5"#),
        (#"string.find("  x", "^%s*")"#, #"1|2"#),
        (#"string.find("abc", "^b")"#, #"nil"#),
        (#"string.find("abc", "c$")"#, #"3|3"#),
        (#"string.find("abc$", "c%$")"#, #"3|4"#),
        (#"string.find("x = 10", "(%w+)%s*=%s*(%d+)")"#, #"1|6|x|10"#),
        (#"string.match("key=value", "(%w+)=(%w+)")"#, #"key|value"#),
        (#"string.match("2024-01-15", "(%d+)-(%d+)-(%d+)")"#, #"2024|01|15"#),
        (#"string.match("hello", ".-l")"#, #"hel"#),
        (#"string.match("hello", ".*l")"#, #"hell"#),
        (#"string.match("  trim  ", "^%s*(.-)%s*$")"#, #"trim"#),
        (#"string.match("THE (quick) fox", "%((%a+)%)")"#, #"quick"#),
        (#"string.match("f(a(b)c)d", "%b()")"#, #"(a(b)c)"#),
        (#"string.match("THE (quick) fox", "%f[%a]%a+")"#, #"THE"#),
        (#"string.match("hello THE world", "%f[%u]%u+%f[%A]")"#, #"THE"#),
        (#"string.match("abcabc", "(abc)%1")"#, #"abc"#),
        (#"string.match("abcab", "(abc)%1")"#, #"nil"#),
        (#"string.match("x", "[%a_][%w_]*")"#, #"x"#),
        (#"string.match("_id9!", "[%a_][%w_]*")"#, #"_id9"#),
        (#"string.match("a]b", "[]]")"#, #"]"#),
        (#"string.match("a-b", "[a%-]+")"#, #"a-"#),
        (#"string.match("zz-aa", "[^%-]+")"#, #"zz"#),
        (#"string.match("0x1F", "0[xX](%x+)")"#, #"1F"#),
        (#"string.match("a,b;c", "%p")"#, #","#),
        (#"string.match("hello", "h?ello")"#, #"hello"#),
        (#"string.match("ello", "h?ello")"#, #"ello"#),
        (#"string.match("aaa", "a-b")"#, #"nil"#),
        (#"string.match("aaab", "a-b")"#, #"aaab"#),
        (#"string.match("abc", "((a)(b))")"#, #"ab|a|b"#),
        (#"string.match("abc", "()")"#, #"1"#),
        (#"string.match("hello", "l*", 3)"#, #"ll"#),
        (#"string.match("hello", "o", -1)"#, #"o"#),
        (#"string.match("hello", "h", -10)"#, #"h"#),
        (#"string.gsub("hello world", "o", "0")"#, #"hell0 w0rld|2"#),
        (#"string.gsub("hello world", "(%w+)", "<%1>")"#, #"<hello> <world>|2"#),
        (#"string.gsub("hello world", "%w+", "%0 %0", 1)"#, #"hello hello world|1"#),
        (#"string.gsub("abc", "", "-")"#, #"-a-b-c-|4"#),
        (#"string.gsub("hello", "l", {l = "L"})"#, #"heLLo|2"#),
        (#"string.gsub("hello", ".", {h = "H", e = false})"#, #"Hello|5"#),
        (#"string.gsub("$name is $age", "%$(%w+)", {name = "Ann", age = 30})"#, #"Ann is 30|2"#),
        (#"string.gsub("a b c", "%s", "%%")"#, #"a%b%c|2"#),
        (#"string.gsub("abc", "^a", "x")"#, #"xbc|1"#),
        (#"string.gsub("aaa", "^a", "x")"#, #"xaa|1"#),
        (#"string.gsub("one two", "(%w+) (%w+)", "%2 %1")"#, #"two one|1"#),
        (#"string.gsub("x=1, y=2", "(%w+)=(%w+)", function(k, v) return v .. "=" .. k end)"#, #"1=x, 2=y|2"#),
        (#"string.gsub("abc", "b*", "-")"#, #"-a-c-|3"#),
        (#"string.gsub("hello world", "o", "0", 0)"#, #"hello world|0"#),
    ]

    static let gmatchCases: [(String, String, String)] = [
        ("one two  three", "%a+", "one,two,three"),
        ("k1=v1, k2=v2", "(%w+)=(%w+)", "k1:v1,k2:v2"),
        ("abc", "", ",,,"),
        ("a1b2c3", "%d", "1,2,3"),
        ("hello", "()l", "3,4"),
        ("aaa", "a*", "aaa"),
    ]

    /// Renders all results the way the reference was recorded: tostring of each, joined by "|".
    static let show = """
        local function show(...)
          local out = {}
          for i = 1, select('#', ...) do out[#out + 1] = tostring((select(i, ...))) end
          return table.concat(out, "|")
        end
        """

    @Test("find, match and gsub", arguments: cases)
    func matches(_ expression: String, _ expected: String) throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, Self.show + "\nreturn { f = function() return show(\(expression)) end }")
        #expect(try runtime.call(f) == .string(expected), "\(expression)")
    }

    @Test("gmatch", arguments: gmatchCases)
    func gmatch(_ subject: String, _ pattern: String, _ expected: String) throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, """
            return { f = function(s, p)
              local out = {}
              for a, b in string.gmatch(s, p) do out[#out + 1] = tostring(a) .. (b and (":" .. tostring(b)) or "") end
              return table.concat(out, ",")
            end }
            """)
        #expect(try runtime.call(f, .string(subject), .string(pattern)) == .string(expected))
    }

    @Test("Malformed patterns raise clear errors", arguments: [
        ("'[a'", "missing ']'"), ("'%'", "ends with '%'"), ("'(a'", "unfinished capture"),
        ("'a)'", "invalid pattern capture"), ("'%1'", "invalid capture index"), ("'%b'", "missing arguments"),
        ("'%fa'", "missing '['"),
    ])
    func malformed(_ pattern: String, _ expected: String) throws {
        let runtime = try LuaRuntime()
        let f = try loadFunction(runtime, "return { f = function() return string.match('abc', \(pattern)) end }")
        let error = try #require(callError(runtime, f))
        #expect(error.code == .runtime)
        #expect(error.message.contains(expected), "\(error.message)")
    }
}
