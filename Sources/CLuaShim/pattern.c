// Lua patterns with a bounded cost.
//
// Lua's pattern matcher backtracks, so a pattern such as 'a*a*a*a*a*b' against a long run of
// 'a's takes time polynomial in the subject's length, inside one C call the count hook cannot
// interrupt. This matcher implements the same pattern language (Lua 5.4 manual, §6.4.1) and
// charges every matching step to the call's instruction budget, so such a search stops with a
// budget error instead of running for minutes. Character classes are ASCII, independent of
// the C locale. Plain searches (no special characters, or plain = true) stay a linear scan.
#include "internal.h"

#include <string.h>

#define RK_MAX_CAPTURES 32
#define RK_MAX_DEPTH 200
#define RK_CAPTURE_OPEN (-1)
#define RK_CAPTURE_POSITION (-2)
/// Steps are charged in batches to keep the budget check off the inner loop.
#define RK_STEP_BATCH 256

typedef struct rk_match {
    const char *subject, *subject_end;
    const char *pattern_end;
    lua_State *L;
    int depth;
    int level;
    int64_t steps;
    struct {
        const char *start;
        ptrdiff_t length;
    } capture[RK_MAX_CAPTURES];
} rk_match;

static void rk_step(rk_match *m) {
    if (++m->steps == RK_STEP_BATCH) {
        rk_charge(m->L, m->steps);
        m->steps = 0;
    }
}

// MARK: - Character classes (ASCII)

static bool rk_is_lower(int c) { return c >= 'a' && c <= 'z'; }
static bool rk_is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static bool rk_is_alpha(int c) { return rk_is_lower(c) || rk_is_upper(c); }
static bool rk_is_digit(int c) { return c >= '0' && c <= '9'; }
static bool rk_is_space(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static bool rk_is_control(int c) { return c < 32 || c == 127; }
static bool rk_is_graph(int c) { return c > 32 && c < 127; }
static bool rk_is_punct(int c) { return rk_is_graph(c) && !rk_is_alpha(c) && !rk_is_digit(c); }
static bool rk_is_hex(int c) { return rk_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/// Whether byte `c` is in class `%k`.
static bool rk_class_has(int c, int k) {
    bool in;
    switch (k | 0x20) {
    case 'a': in = rk_is_alpha(c); break;
    case 'c': in = rk_is_control(c); break;
    case 'd': in = rk_is_digit(c); break;
    case 'g': in = rk_is_graph(c); break;
    case 'l': in = rk_is_lower(c); break;
    case 'p': in = rk_is_punct(c); break;
    case 's': in = rk_is_space(c); break;
    case 'u': in = rk_is_upper(c); break;
    case 'w': in = rk_is_alpha(c) || rk_is_digit(c); break;
    case 'x': in = rk_is_hex(c); break;
    default: return k == c; // an escaped character stands for itself
    }
    return rk_is_upper(k) ? !in : in;
}

/// Whether `c` is in the set [..] that starts at `p` ('[') and whose ']' is at `close`.
static bool rk_set_has(int c, const char *p, const char *close) {
    bool match = true;
    p++;
    if (*p == '^') {
        match = false;
        p++;
    }
    while (p < close) {
        if (*p == '%' && p + 1 < close) {
            if (rk_class_has(c, (unsigned char)p[1])) return match;
            p += 2;
        } else if (p + 2 < close && p[1] == '-') {
            if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2]) return match;
            p += 3;
        } else {
            if ((unsigned char)*p == c) return match;
            p++;
        }
    }
    return !match;
}

/// The end of the single-character class that starts at `p`.
static const char *rk_class_end(rk_match *m, const char *p) {
    const char *end = m->pattern_end;
    char c = *p++;
    if (c == '%') {
        if (p >= end) luaL_error(m->L, "malformed pattern (ends with '%%')");
        return p + 1;
    }
    if (c == '[') {
        if (p < end && *p == '^') p++;
        do { // the first character of a set may be ']'
            if (p >= end) luaL_error(m->L, "malformed pattern (missing ']')");
            c = *p++;
            if (c == '%') {
                if (p >= end) luaL_error(m->L, "malformed pattern (missing ']')");
                p++;
            }
        } while (p >= end || *p != ']');
        return p + 1;
    }
    return p;
}

/// Whether the subject byte at `s` matches the class from `p` to `class_end`.
static bool rk_single(rk_match *m, const char *s, const char *p, const char *class_end) {
    if (s >= m->subject_end) return false;
    int c = (unsigned char)*s;
    switch (*p) {
    case '.': return true;
    case '%': return rk_class_has(c, (unsigned char)p[1]);
    case '[': return rk_set_has(c, p, class_end - 1);
    default: return (unsigned char)*p == c;
    }
}

// MARK: - Matching

static const char *rk_do_match(rk_match *m, const char *s, const char *p);

static const char *rk_match_balance(rk_match *m, const char *s, const char *p) {
    if (p + 1 >= m->pattern_end) luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m->subject_end || *s != *p) return NULL;
    char open = p[0], close = p[1];
    int depth = 1;
    while (++s < m->subject_end) {
        rk_step(m);
        if (*s == close) {
            if (--depth == 0) return s + 1;
        } else if (*s == open) {
            depth++;
        }
    }
    return NULL;
}

static const char *rk_max_expand(rk_match *m, const char *s, const char *p, const char *class_end) {
    ptrdiff_t count = 0;
    while (rk_single(m, s + count, p, class_end)) {
        count++;
        rk_step(m);
    }
    // Try the longest run first, giving back one character at a time.
    for (; count >= 0; count--) {
        const char *result = rk_do_match(m, s + count, class_end + 1);
        if (result) return result;
    }
    return NULL;
}

static const char *rk_min_expand(rk_match *m, const char *s, const char *p, const char *class_end) {
    for (;;) {
        const char *result = rk_do_match(m, s, class_end + 1);
        if (result) return result;
        if (!rk_single(m, s, p, class_end)) return NULL;
        s++;
    }
}

static const char *rk_start_capture(rk_match *m, const char *s, const char *p, ptrdiff_t what) {
    if (m->level >= RK_MAX_CAPTURES) luaL_error(m->L, "too many captures (at most %d)", RK_MAX_CAPTURES);
    m->capture[m->level].start = s;
    m->capture[m->level].length = what;
    m->level++;
    const char *result = rk_do_match(m, s, p);
    if (result == NULL) m->level--;
    return result;
}

static const char *rk_end_capture(rk_match *m, const char *s, const char *p) {
    int open = -1;
    for (int i = m->level - 1; i >= 0; i--) {
        if (m->capture[i].length == RK_CAPTURE_OPEN) {
            open = i;
            break;
        }
    }
    if (open < 0) luaL_error(m->L, "invalid pattern capture (a ')' without '(')");
    m->capture[open].length = s - m->capture[open].start;
    const char *result = rk_do_match(m, s, p);
    if (result == NULL) m->capture[open].length = RK_CAPTURE_OPEN;
    return result;
}

static const char *rk_back_reference(rk_match *m, const char *s, int digit) {
    int index = digit - '1';
    if (index < 0 || index >= m->level || m->capture[index].length == RK_CAPTURE_OPEN)
        luaL_error(m->L, "invalid capture index %%%d", index + 1);
    size_t length = (size_t)m->capture[index].length;
    if ((size_t)(m->subject_end - s) >= length && memcmp(m->capture[index].start, s, length) == 0) return s + length;
    return NULL;
}

static const char *rk_do_match_loop(rk_match *m, const char *s, const char *p) {
    for (;;) {
        rk_step(m);
        if (p == m->pattern_end) return s;
        switch (*p) {
        case '(':
            if (p + 1 < m->pattern_end && p[1] == ')') return rk_start_capture(m, s, p + 2, RK_CAPTURE_POSITION);
            return rk_start_capture(m, s, p + 1, RK_CAPTURE_OPEN);
        case ')':
            return rk_end_capture(m, s, p + 1);
        case '$':
            if (p + 1 == m->pattern_end) return s == m->subject_end ? s : NULL;
            break;
        case '%':
            if (p + 1 >= m->pattern_end) break; // rk_class_end reports it
            if (p[1] == 'b') {
                s = rk_match_balance(m, s, p + 2);
                if (s == NULL) return NULL;
                p += 4;
                continue;
            }
            if (p[1] == 'f') {
                p += 2;
                if (p >= m->pattern_end || *p != '[') luaL_error(m->L, "missing '[' after '%%f' in pattern");
                const char *close = rk_class_end(m, p);
                int before = s == m->subject ? 0 : (unsigned char)s[-1];
                int here = s < m->subject_end ? (unsigned char)*s : 0;
                if (rk_set_has(before, p, close - 1) || !rk_set_has(here, p, close - 1)) return NULL;
                p = close;
                continue;
            }
            if (rk_is_digit((unsigned char)p[1])) {
                s = rk_back_reference(m, s, (unsigned char)p[1]);
                if (s == NULL) return NULL;
                p += 2;
                continue;
            }
            break;
        default:
            break;
        }
        const char *class_end = rk_class_end(m, p);
        bool matched = rk_single(m, s, p, class_end);
        char suffix = class_end < m->pattern_end ? *class_end : 0;
        switch (suffix) {
        case '?':
            if (matched) {
                const char *result = rk_do_match(m, s + 1, class_end + 1);
                if (result) return result;
            }
            p = class_end + 1;
            continue;
        case '+':
            return matched ? rk_max_expand(m, s + 1, p, class_end) : NULL;
        case '*':
            return rk_max_expand(m, s, p, class_end);
        case '-':
            return rk_min_expand(m, s, p, class_end);
        default:
            if (!matched) return NULL;
            s++;
            p = class_end;
            continue;
        }
    }
}

static const char *rk_do_match(rk_match *m, const char *s, const char *p) {
    if (m->depth++ >= RK_MAX_DEPTH) luaL_error(m->L, "pattern too complex (nested more than %d deep)", RK_MAX_DEPTH);
    const char *result = rk_do_match_loop(m, s, p);
    m->depth--;
    return result;
}

static void rk_match_init(rk_match *m, lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
    m->L = L;
    m->subject = s;
    m->subject_end = s + ls;
    m->pattern_end = p + lp;
    m->depth = 0;
    m->level = 0;
    m->steps = 0;
}

static void rk_match_reset(rk_match *m) {
    m->level = 0;
    m->depth = 0;
}

static void rk_match_finish(rk_match *m) {
    if (m->steps) rk_charge(m->L, m->steps);
    m->steps = 0;
}

// MARK: - Captures

static void rk_push_capture(rk_match *m, int i, const char *s, const char *e) {
    if (i >= m->level) {
        if (i != 0) luaL_error(m->L, "invalid capture index %%%d", i + 1);
        lua_pushlstring(m->L, s, (size_t)(e - s)); // no captures: the whole match
        return;
    }
    ptrdiff_t length = m->capture[i].length;
    if (length == RK_CAPTURE_OPEN) luaL_error(m->L, "unfinished capture");
    if (length == RK_CAPTURE_POSITION) lua_pushinteger(m->L, (m->capture[i].start - m->subject) + 1);
    else lua_pushlstring(m->L, m->capture[i].start, (size_t)length);
}

/// Pushes the captures (or the whole match when there are none and `s` is given).
static int rk_push_captures(rk_match *m, const char *s, const char *e) {
    int count = (m->level == 0 && s) ? 1 : m->level;
    luaL_checkstack(m->L, count, "too many captures");
    for (int i = 0; i < count; i++) rk_push_capture(m, i, s, e);
    return count;
}

// MARK: - find and match

static size_t rk_start_position(lua_Integer position, size_t length) {
    if (position > 0) return (size_t)position;
    if (position == 0) return 1;
    if (position < -(lua_Integer)length) return 1;
    return length + (size_t)position + 1;
}

static bool rk_has_specials(const char *p, size_t length) {
    for (size_t i = 0; i < length; i++)
        if (strchr("^$*+?.([%-", p[i])) return true;
    return false;
}

static const char *rk_plain_find(lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
    rk_charge(L, (int64_t)(ls / 16));
    if (lp == 0) return s;
    if (lp > ls) return NULL;
    const char *last = s + (ls - lp);
    for (const char *at = s; at <= last; at++) {
        at = memchr(at, p[0], (size_t)(last - at) + 1);
        if (at == NULL) return NULL;
        if (memcmp(at + 1, p + 1, lp - 1) == 0) return at;
    }
    return NULL;
}

static int rk_find_or_match(lua_State *L, bool find) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = rk_start_position(luaL_optinteger(L, 3, 1), ls);
    if (init > ls + 1) {
        luaL_pushfail(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || !rk_has_specials(p, lp))) {
        const char *at = rk_plain_find(L, s + init - 1, ls - init + 1, p, lp);
        if (at) {
            lua_pushinteger(L, (at - s) + 1);
            lua_pushinteger(L, (at - s) + (lua_Integer)lp);
            return 2;
        }
        luaL_pushfail(L);
        return 1;
    }
    rk_match m;
    bool anchored = lp > 0 && *p == '^';
    if (anchored) {
        p++;
        lp--;
    }
    rk_match_init(&m, L, s, ls, p, lp);
    const char *start = s + init - 1;
    do {
        rk_match_reset(&m);
        const char *end = rk_do_match(&m, start, p);
        if (end) {
            rk_match_finish(&m);
            if (find) {
                lua_pushinteger(L, (start - s) + 1);
                lua_pushinteger(L, end - s);
                return rk_push_captures(&m, NULL, NULL) + 2;
            }
            return rk_push_captures(&m, start, end);
        }
    } while (start++ < m.subject_end && !anchored);
    rk_match_finish(&m);
    luaL_pushfail(L);
    return 1;
}

static int rk_str_find(lua_State *L) { return rk_find_or_match(L, true); }
static int rk_str_match(lua_State *L) { return rk_find_or_match(L, false); }

// MARK: - gmatch

typedef struct rk_gmatch_state {
    size_t position;     // offset of the next try
    ptrdiff_t last_end;  // offset where the last match ended, or -1
} rk_gmatch_state;

static int rk_gmatch_step(lua_State *L) {
    size_t ls, lp;
    const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
    const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
    rk_gmatch_state *state = lua_touserdata(L, lua_upvalueindex(3));
    rk_match m;
    rk_match_init(&m, L, s, ls, p, lp);
    for (const char *start = s + state->position; start <= m.subject_end; start++) {
        rk_match_reset(&m);
        const char *end = rk_do_match(&m, start, p);
        if (end && (end - s) != state->last_end) {
            rk_match_finish(&m);
            state->position = (size_t)(end - s);
            state->last_end = end - s;
            return rk_push_captures(&m, start, end);
        }
    }
    rk_match_finish(&m);
    state->position = ls + 1;
    return 0;
}

static int rk_str_gmatch(lua_State *L) {
    size_t ls;
    luaL_checklstring(L, 1, &ls);
    luaL_checkstring(L, 2);
    size_t init = rk_start_position(luaL_optinteger(L, 3, 1), ls);
    lua_settop(L, 2);
    rk_gmatch_state *state = lua_newuserdatauv(L, sizeof *state, 0);
    state->position = init > ls + 1 ? ls + 1 : init - 1;
    state->last_end = -1;
    lua_pushcclosure(L, rk_gmatch_step, 3);
    return 1;
}

// MARK: - gsub

static void rk_add_replacement_string(rk_match *m, luaL_Buffer *b, const char *s, const char *e) {
    lua_State *L = m->L;
    size_t length;
    const char *replacement = lua_tolstring(L, 3, &length);
    const char *end = replacement + length;
    for (const char *r = replacement; r < end; r++) {
        if (*r != '%') {
            luaL_addchar(b, *r);
            continue;
        }
        r++;
        if (r >= end || (*r != '%' && !rk_is_digit((unsigned char)*r)))
            luaL_error(L, "invalid use of '%%' in replacement string");
        if (*r == '%') {
            luaL_addchar(b, '%');
        } else if (*r == '0') {
            luaL_addlstring(b, s, (size_t)(e - s));
        } else {
            rk_push_capture(m, *r - '1', s, e);
            luaL_tolstring(L, -1, NULL);
            lua_remove(L, -2);
            luaL_addvalue(b);
        }
    }
}

static void rk_add_replacement(rk_match *m, luaL_Buffer *b, const char *s, const char *e, int type) {
    lua_State *L = m->L;
    switch (type) {
    case LUA_TFUNCTION: {
        lua_pushvalue(L, 3);
        int n = rk_push_captures(m, s, e);
        lua_call(L, n, 1);
        break;
    }
    case LUA_TTABLE:
        rk_push_capture(m, 0, s, e);
        lua_gettable(L, 3);
        break;
    default:
        rk_add_replacement_string(m, b, s, e);
        return;
    }
    if (!lua_toboolean(L, -1)) { // nil or false: keep the original text
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
    } else if (!lua_isstring(L, -1)) {
        luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    } else {
        luaL_addvalue(b);
    }
}

static int rk_str_gsub(lua_State *L) {
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    int type = lua_type(L, 3);
    lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
    luaL_argexpected(L, type == LUA_TNUMBER || type == LUA_TSTRING || type == LUA_TFUNCTION || type == LUA_TTABLE,
                     3, "string/function/table");
    lua_settop(L, 3);
    bool anchored = lp > 0 && *p == '^';
    if (anchored) {
        p++;
        lp--;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    rk_match m;
    rk_match_init(&m, L, s, ls, p, lp);
    const char *source = s;
    const char *last_end = NULL;
    lua_Integer count = 0;
    while (count < max) {
        rk_match_reset(&m);
        const char *end = rk_do_match(&m, source, p);
        if (end && end != last_end) {
            count++;
            rk_add_replacement(&m, &b, source, end, type);
            source = last_end = end;
        } else if (source < m.subject_end) {
            luaL_addchar(&b, *source++);
        } else {
            break;
        }
        if (anchored) break;
    }
    rk_match_finish(&m);
    luaL_addlstring(&b, source, (size_t)(m.subject_end - source));
    luaL_pushresult(&b);
    lua_pushinteger(L, count);
    return 2;
}

void rk_install_patterns(lua_State *L, int idx) {
    static const luaL_Reg functions[] = {
        {"find", rk_str_find}, {"match", rk_str_match}, {"gmatch", rk_str_gmatch}, {"gsub", rk_str_gsub}, {NULL, NULL},
    };
    lua_pushvalue(L, idx);
    luaL_setfuncs(L, functions, 0);
    lua_pop(L, 1);
}
