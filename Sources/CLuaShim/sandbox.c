// The sandbox: which globals scripts see, read-only tables, and the replacements that make a
// script's behaviour the same in every process (iteration order, random numbers, tostring).
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// MARK: - Read-only tables

// Two shapes share one guard (a metatable whose __newindex is rk_readonly_newindex):
// - a frozen proxy: an empty table whose metatable's __index is the table holding the data
//   (libraries, plugin globals, tables a plugin built while loading);
// - a view: an empty table whose metatable *is* the data table, with __index pointing at itself
//   (argument tables, built fresh for every call: one extra table each instead of two).

int rk_readonly_newindex(lua_State *L) {
    const char *what = lua_tostring(L, lua_upvalueindex(1));
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : luaL_typename(L, 2);
    if (what == NULL) {
        return luaL_error(L,
                          "cannot set field '%s': the engine's values are read-only to scripts "
                          "(copy what you need into a local variable)",
                          key);
    }
    return luaL_error(L,
                      "cannot set '%s' in %s: it is read-only once the plugin has loaded "
                      "(keep per-call values in local variables)",
                      key, what);
}

/// #t for a read-only table: the length of the data behind it.
static int rk_readonly_len(lua_State *L) {
    if (!rk_push_backing(L, 1)) return luaL_error(L, "not a read-only table");
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
    return 1;
}

static bool rk_is_readonly_metatable(lua_State *L, int mt) {
    lua_pushliteral(L, "__newindex");
    lua_rawget(L, mt);
    lua_CFunction newindex = lua_tocfunction(L, -1);
    bool guarded = newindex == rk_readonly_newindex || newindex == rk_lazy_newindex;
    lua_pop(L, 1);
    return guarded;
}

bool rk_push_backing(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (!lua_istable(L, idx) || !lua_getmetatable(L, idx)) return false;
    int mt = lua_gettop(L);
    if (!rk_is_readonly_metatable(L, mt)) {
        lua_pop(L, 1);
        return false;
    }
    lua_pushliteral(L, "__index");
    if (lua_rawget(L, mt) != LUA_TTABLE) { // a guarded table holds its own data
        lua_pop(L, 1);
        // An on-demand table holds what was read so far: make the rest.
        if (rk_is_lazy(L, idx)) rk_lazy_complete(L, idx);
        lua_pushvalue(L, idx);
    }
    lua_remove(L, mt);
    return true;
}

int rk_push_data(lua_State *L, int idx, bool *is_view) {
    idx = lua_absindex(L, idx);
    if (!rk_push_backing(L, idx)) lua_pushvalue(L, idx);
    int data = lua_gettop(L);
    *is_view = false;
    if (lua_getmetatable(L, idx)) {
        *is_view = lua_rawequal(L, -1, data);
        lua_pop(L, 1);
    }
    return data;
}

static const char *const rk_view_keys[] = {"__index", "__newindex", "__len", "__metatable"};

bool rk_is_view_key(lua_State *L, int idx) {
    if (lua_type(L, idx) != LUA_TSTRING) return false;
    size_t length;
    const char *key = lua_tolstring(L, idx, &length);
    if (length < 2 || key[0] != '_' || key[1] != '_') return false;
    for (size_t i = 0; i < sizeof rk_view_keys / sizeof *rk_view_keys; i++)
        if (strcmp(key, rk_view_keys[i]) == 0) return true;
    return false;
}

void rk_make_strict_view(lua_State *L, bool is_array) {
    // The data table becomes the metatable of a new empty table.
    int data = lua_gettop(L);
    lua_pushvalue(L, data);
    lua_setfield(L, data, "__index");
    lua_pushcfunction(L, rk_readonly_newindex);
    lua_setfield(L, data, "__newindex");
    if (is_array) {
        lua_pushcfunction(L, rk_readonly_len);
        lua_setfield(L, data, "__len");
    }
    lua_pushboolean(L, 0);
    lua_setfield(L, data, "__metatable");
    lua_createtable(L, 0, 0);
    lua_pushvalue(L, data);
    lua_setmetatable(L, -2);
    lua_replace(L, data);
}

/// Pushes the metatable of a frozen proxy whose data is the table at `data`; `what` names it in
/// the error a write raises (the string at the top is consumed).
static void rk_push_proxy_metatable(lua_State *L, int data) {
    int what = lua_gettop(L);
    lua_createtable(L, 0, 4);
    lua_pushvalue(L, data);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, what);
    lua_pushcclosure(L, rk_readonly_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, rk_readonly_len);
    lua_setfield(L, -2, "__len");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_remove(L, what);
}

void rk_freeze_in_place(lua_State *L, int idx, const char *what) {
    idx = lua_absindex(L, idx);
    lua_createtable(L, 0, 0);
    int data = lua_gettop(L);
    // Move every entry into the data table, then clear the original (assigning nil to existing
    // fields during a traversal is allowed).
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, data);
    }
    lua_pushnil(L);
    while (lua_next(L, data)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_rawset(L, idx);
    }
    if (lua_getmetatable(L, idx)) lua_setmetatable(L, data);
    lua_pushstring(L, what);
    rk_push_proxy_metatable(L, data);
    lua_setmetatable(L, idx);
    lua_pop(L, 1);
}

void rk_inherit_base(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &rk_key_base);
    int base = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, base)) {
        lua_pushvalue(L, -2);
        if (lua_rawget(L, idx) == LUA_TNIL) {
            lua_pop(L, 1);
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, idx);
        } else {
            lua_pop(L, 2);
        }
    }
    lua_pop(L, 1);
}

static void rk_deep_freeze_value(lua_State *L, int idx, int visited, int depth);

static void rk_deep_freeze_table(lua_State *L, int idx, int visited, int depth) {
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        rk_deep_freeze_value(L, lua_gettop(L) - 1, visited, depth + 1);
        rk_deep_freeze_value(L, lua_gettop(L), visited, depth + 1);
        lua_pop(L, 1);
    }
}

static void rk_deep_freeze_value(lua_State *L, int idx, int visited, int depth) {
    idx = lua_absindex(L, idx);
    int type = lua_type(L, idx);
    if (type != LUA_TTABLE && !(type == LUA_TFUNCTION && !lua_iscfunction(L, idx))) return;
    if (depth > 200) luaL_error(L, "the plugin's tables nest more than 200 deep");
    lua_pushvalue(L, idx);
    if (lua_rawget(L, visited) != LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, visited);
    if (type == LUA_TFUNCTION) {
        for (int i = 1; lua_getupvalue(L, idx, i) != NULL; i++) {
            rk_deep_freeze_value(L, -1, visited, depth + 1);
            lua_pop(L, 1);
        }
        return;
    }
    if (lua_getmetatable(L, idx)) {
        bool readonly = rk_is_readonly_metatable(L, lua_gettop(L));
        lua_pop(L, 1);
        // Read-only already (a library, an argument): nothing to do. A table with a metatable of
        // the plugin's own is left as it is, but what it holds is frozen.
        if (!readonly) rk_deep_freeze_table(L, idx, visited, depth);
        return;
    }
    rk_deep_freeze_table(L, idx, visited, depth);
    rk_freeze_in_place(L, idx, "a table the plugin built while loading");
}

void rk_deep_freeze(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    lua_createtable(L, 0, 16);
    int visited = lua_gettop(L);
    if (lua_istable(L, idx)) {
        // The root itself is frozen by the caller when it has a metatable (the environment).
        lua_pushvalue(L, idx);
        lua_pushboolean(L, 1);
        lua_rawset(L, visited);
        rk_deep_freeze_table(L, idx, visited, 0);
        if (!lua_getmetatable(L, idx)) {
            rk_freeze_in_place(L, idx, "the table the plugin returned");
        } else {
            lua_pop(L, 1);
        }
    } else {
        rk_deep_freeze_value(L, idx, visited, 0);
    }
    lua_pop(L, 1);
}

// MARK: - Deterministic iteration

typedef struct rk_key {
    int kind; // 0 number, 1 string, 2 boolean
    bool is_integer;
    lua_Integer integer;
    lua_Number number;
    const char *string;
    size_t length;
    lua_Integer slot; // position in the unsorted key array
} rk_key;

static int rk_compare_keys(const void *a, const void *b) {
    const rk_key *x = a, *y = b;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    switch (x->kind) {
    case 0: {
        if (x->is_integer && y->is_integer) return x->integer < y->integer ? -1 : x->integer > y->integer;
        lua_Number nx = x->is_integer ? (lua_Number)x->integer : x->number;
        lua_Number ny = y->is_integer ? (lua_Number)y->integer : y->number;
        if (nx != ny) return nx < ny ? -1 : 1;
        // Equal after conversion: integers first, so the order never depends on input order.
        return x->is_integer == y->is_integer ? 0 : (x->is_integer ? -1 : 1);
    }
    case 1: {
        size_t n = x->length < y->length ? x->length : y->length;
        int c = memcmp(x->string, y->string, n);
        if (c != 0) return c;
        return x->length < y->length ? -1 : x->length > y->length;
    }
    default:
        return x->integer < y->integer ? -1 : x->integer > y->integer;
    }
}

static void rk_describe_key(lua_State *L, int idx, rk_key *key) {
    memset(key, 0, sizeof *key);
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        key->kind = 0;
        key->is_integer = lua_isinteger(L, idx);
        if (key->is_integer) key->integer = lua_tointeger(L, idx);
        else key->number = lua_tonumber(L, idx);
        break;
    case LUA_TSTRING:
        key->kind = 1;
        key->string = lua_tolstring(L, idx, &key->length);
        break;
    case LUA_TBOOLEAN:
        key->kind = 2;
        key->integer = lua_toboolean(L, idx);
        break;
    default:
        luaL_error(L,
                   "cannot iterate a table with a %s key in a deterministic order "
                   "(use strings or numbers as keys)",
                   luaL_typename(L, idx));
    }
}

/// Pushes the data table behind `idx` (itself unless read-only) and an array of its keys in
/// sorted order; returns the number of keys.
static lua_Integer rk_sorted_keys(lua_State *L, int idx) {
    bool skip_view_keys;
    int data = rk_push_data(L, idx, &skip_view_keys);
    lua_createtable(L, 8, 0);
    int unsorted = lua_gettop(L);
    lua_Integer count = 0;
    lua_pushnil(L);
    while (lua_next(L, data)) {
        lua_pop(L, 1);
        if (skip_view_keys && rk_is_view_key(L, -1)) continue;
        lua_pushvalue(L, -1);
        lua_rawseti(L, unsorted, ++count);
    }
    int64_t cost = count;
    for (lua_Integer n = count; n > 1; n >>= 1) cost += count;
    rk_charge(L, cost);
    rk_key *keys = lua_newuserdatauv(L, (size_t)(count > 0 ? count : 1) * sizeof(rk_key), 0);
    for (lua_Integer i = 0; i < count; i++) {
        lua_rawgeti(L, unsorted, i + 1);
        rk_describe_key(L, -1, &keys[i]);
        keys[i].slot = i + 1;
        lua_pop(L, 1); // the string stays alive in `unsorted`
    }
    qsort(keys, (size_t)count, sizeof(rk_key), rk_compare_keys);
    lua_createtable(L, (int)count, 0);
    for (lua_Integer i = 0; i < count; i++) {
        lua_rawgeti(L, unsorted, keys[i].slot);
        lua_rawseti(L, -2, i + 1);
    }
    // Leave [data, sorted].
    lua_replace(L, unsorted);
    lua_pop(L, 1);
    return count;
}

static int rk_pairs_step(lua_State *L) {
    lua_Integer position = lua_tointeger(L, lua_upvalueindex(3));
    lua_Integer count = (lua_Integer)lua_rawlen(L, lua_upvalueindex(2));
    while (position < count) {
        position++;
        lua_rawgeti(L, lua_upvalueindex(2), position);
        lua_pushvalue(L, -1);
        if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) {
            lua_pushinteger(L, position);
            lua_replace(L, lua_upvalueindex(3));
            return 2;
        }
        lua_pop(L, 2); // removed during the traversal: skip it
    }
    lua_pushinteger(L, position);
    lua_replace(L, lua_upvalueindex(3));
    return 0;
}

/// pairs(t): keys in a fixed order (numbers ascending, then strings bytewise, then false, true).
static int rk_pairs(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    rk_sorted_keys(L, 1);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, rk_pairs_step, 3);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/// next(t, k): the same order as pairs (it sorts on each call: prefer pairs for loops).
static int rk_next(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    lua_Integer count = rk_sorted_keys(L, 1);
    int data = 3, sorted = 4;
    lua_Integer index = 0;
    if (!lua_isnil(L, 2)) {
        rk_key wanted, probe;
        rk_describe_key(L, 2, &wanted);
        lua_Integer low = 1, high = count;
        while (low <= high) {
            lua_Integer mid = low + (high - low) / 2;
            lua_rawgeti(L, sorted, mid);
            rk_describe_key(L, -1, &probe);
            int c = rk_compare_keys(&probe, &wanted);
            lua_pop(L, 1);
            if (c == 0) {
                index = mid;
                break;
            }
            if (c < 0) low = mid + 1;
            else high = mid - 1;
        }
        if (index == 0) return luaL_error(L, "invalid key to 'next'");
    }
    for (index++; index <= count; index++) {
        lua_rawgeti(L, sorted, index);
        lua_pushvalue(L, -1);
        if (lua_rawget(L, data) != LUA_TNIL) return 2;
        lua_pop(L, 2);
    }
    lua_pushnil(L);
    return 1;
}

// MARK: - tostring and print without addresses

/// Like luaL_tolstring, but tables, functions and other references print as their type name
/// (their addresses differ between processes).
static const char *rk_tostring(lua_State *L, int idx, size_t *length) {
    idx = lua_absindex(L, idx);
    int type = lua_type(L, idx);
    if (type == LUA_TTABLE || type == LUA_TFUNCTION || type == LUA_TUSERDATA || type == LUA_TTHREAD ||
        type == LUA_TLIGHTUSERDATA) {
        if (luaL_getmetafield(L, idx, "__tostring") != LUA_TNIL) {
            lua_pop(L, 1);
            return luaL_tolstring(L, idx, length);
        }
        int name = luaL_getmetafield(L, idx, "__name");
        if (name == LUA_TSTRING) return lua_tolstring(L, -1, length);
        if (name != LUA_TNIL) lua_pop(L, 1);
        lua_pushstring(L, lua_typename(L, type));
        return lua_tolstring(L, -1, length);
    }
    return luaL_tolstring(L, idx, length);
}

static int rk_sandbox_tostring(lua_State *L) {
    luaL_checkany(L, 1);
    rk_tostring(L, 1, NULL);
    return 1;
}

static int rk_print(lua_State *L) {
    int n = lua_gettop(L);
    luaL_Buffer buffer;
    luaL_buffinit(L, &buffer);
    for (int i = 1; i <= n; i++) {
        if (i > 1) luaL_addchar(&buffer, '\t');
        rk_tostring(L, i, NULL);
        luaL_addvalue(&buffer);
    }
    luaL_pushresult(&buffer);
    lua_replace(L, 1);
    lua_settop(L, 1);
    return rk_host_invoke(L, RK_HOST_PRINT);
}

// MARK: - Guards on the raw functions

static int rk_rawset(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    if (lua_getmetatable(L, 1)) {
        if (rk_is_readonly_metatable(L, lua_gettop(L))) {
            return luaL_error(L, "rawset cannot change a read-only table");
        }
        lua_pop(L, 1);
    }
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

static int rk_setmetatable(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    int type = lua_type(L, 2);
    luaL_argexpected(L, type == LUA_TNIL || type == LUA_TTABLE, 2, "nil or table");
    if (type == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "__gc metamethods are not available to scripts (finalizers would run outside any budget)");
        lua_pop(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_call(L, 2, 1);
    return 1;
}

// MARK: - Charged library functions

/// Calls the original function (upvalue 1) with all arguments after charging `cost`.
static int rk_forward(lua_State *L, int64_t cost) {
    rk_charge(L, cost);
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, LUA_MULTRET);
    return lua_gettop(L);
}

static int64_t rk_n_log_n(int64_t n) {
    int64_t cost = n;
    for (int64_t m = n; m > 1; m >>= 1) cost += n;
    return cost;
}

static int rk_table_sort(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    return rk_forward(L, rk_n_log_n((int64_t)luaL_len(L, 1)));
}

static int rk_table_concat(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer last = luaL_opt(L, luaL_checkinteger, 4, luaL_len(L, 1));
    lua_Integer first = luaL_optinteger(L, 3, 1);
    return rk_forward(L, last > first ? (int64_t)(last - first) : 0);
}

static int rk_table_unpack(lua_State *L) {
    lua_Integer first = luaL_optinteger(L, 2, 1);
    lua_Integer last = luaL_opt(L, luaL_checkinteger, 3, luaL_len(L, 1));
    return rk_forward(L, last > first ? (int64_t)(last - first) : 0);
}

static int rk_string_rep(lua_State *L) {
    size_t length, separator = 0;
    luaL_checklstring(L, 1, &length);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &separator);
    int64_t cost = 0;
    if (n > 0) {
        double bytes = (double)(length + separator) * (double)n;
        cost = bytes / 32 > (double)INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)(bytes / 32);
    }
    return rk_forward(L, cost);
}

/// string.format without %p (an address) and with references printed as their type names.
static int rk_string_format(lua_State *L) {
    size_t length;
    const char *format = luaL_checklstring(L, 1, &length);
    const char *end = format + length;
    int arg = 1;
    for (const char *p = format; p < end; p++) {
        if (*p != '%') continue;
        if (++p >= end) break;
        if (*p == '%') continue;
        while (p < end && strchr("-+ #0123456789.", *p)) p++;
        if (p >= end) break;
        arg++;
        if (*p == 'p')
            return luaL_error(L, "string.format: '%%p' is not available to scripts (addresses differ between runs)");
        if (*p == 's' && arg <= lua_gettop(L)) {
            int type = lua_type(L, arg);
            if (type == LUA_TTABLE || type == LUA_TFUNCTION || type == LUA_TUSERDATA || type == LUA_TTHREAD) {
                rk_tostring(L, arg, NULL);
                lua_replace(L, arg);
            }
        }
    }
    return rk_forward(L, (int64_t)length);
}

// MARK: - math.random, seeded per call

static uint64_t rk_rotl(uint64_t x, int n) { return (x << n) | (x >> (64 - n)); }

static uint64_t rk_random_next(rk_runtime *rt) {
    uint64_t *s = rt->random_state;
    uint64_t result = rk_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rk_rotl(s[3], 45);
    return result;
}

void rk_random_seed(rk_runtime *rt, uint64_t seed) {
    // splitmix64 spreads the seed over the whole state.
    for (int i = 0; i < 4; i++) {
        seed += 0x9e3779b97f4a7c15ULL;
        uint64_t z = seed;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        rt->random_state[i] = z ^ (z >> 31);
    }
}

/// A uniform integer in [0, n].
static uint64_t rk_random_below(rk_runtime *rt, uint64_t n) {
    uint64_t value = rk_random_next(rt);
    if ((n & (n + 1)) == 0) return value & n;
    uint64_t mask = n;
    for (int shift = 1; shift < 64; shift <<= 1) mask |= mask >> shift;
    while ((value &= mask) > n) value = rk_random_next(rt);
    return value;
}

static int rk_math_random(lua_State *L) {
    rk_runtime *rt = rk_runtime_of(L);
    if (!rt->random_seeded) {
        rk_random_seed(rt, rt->random_seed);
        rt->random_seeded = true;
    }
    lua_Integer low, high;
    switch (lua_gettop(L)) {
    case 0:
        lua_pushnumber(L, (lua_Number)(rk_random_next(rt) >> 11) * 0x1.0p-53);
        return 1;
    case 1:
        low = 1;
        high = luaL_checkinteger(L, 1);
        if (high == 0) {
            lua_pushinteger(L, (lua_Integer)rk_random_next(rt));
            return 1;
        }
        break;
    case 2:
        low = luaL_checkinteger(L, 1);
        high = luaL_checkinteger(L, 2);
        break;
    default:
        return luaL_error(L, "wrong number of arguments");
    }
    luaL_argcheck(L, low <= high, lua_gettop(L), "interval is empty");
    uint64_t offset = rk_random_below(rt, (uint64_t)high - (uint64_t)low);
    lua_pushinteger(L, (lua_Integer)(offset + (uint64_t)low));
    return 1;
}

static int rk_math_randomseed(lua_State *L) {
    rk_runtime *rt = rk_runtime_of(L);
    if (lua_isnone(L, 1)) { // back to the call's own seed
        rk_random_seed(rt, rt->random_seed);
        rt->random_seeded = true;
        return 0;
    }
    uint64_t seed;
    if (lua_isinteger(L, 1)) {
        seed = (uint64_t)lua_tointeger(L, 1);
    } else {
        lua_Number n = luaL_checknumber(L, 1);
        memcpy(&seed, &n, sizeof seed);
    }
    rk_random_seed(rt, seed);
    rt->random_seeded = true;
    return 0;
}

// MARK: - Building the sandbox

/// Copies `names` from the table at `from` to the table at `to`.
static void rk_copy_fields(lua_State *L, int from, int to, const char *const *names) {
    for (; *names; names++) {
        lua_getfield(L, from, *names);
        lua_setfield(L, to, *names);
    }
}

/// Replaces field `name` of the table at `table` with `wrapper`, keeping the original as upvalue 1.
static void rk_wrap(lua_State *L, int table, const char *name, lua_CFunction wrapper) {
    lua_getfield(L, table, name);
    lua_pushcclosure(L, wrapper, 1);
    lua_setfield(L, table, name);
}

/// Sets base[name] to a read-only proxy of the library table at `library`.
void rk_expose_library(lua_State *L, int base, int library, const char *name) {
    lua_createtable(L, 0, 0);
    int proxy = lua_gettop(L);
    // The proxy reads through to the library itself, so the library table stays the one Lua's
    // string metatable uses.
    lua_pushfstring(L, "the '%s' library", name);
    rk_push_proxy_metatable(L, library);
    lua_setmetatable(L, proxy);
    lua_setfield(L, base, name);
}

int rk_sandbox_open(lua_State *L) {
    static const char *const base_functions[] = {
        "assert", "error", "ipairs", "rawequal", "rawlen", "select",
        "tonumber", "type", "pcall", "xpcall", "getmetatable", "_VERSION", NULL,
    };
    luaL_requiref(L, "_G", luaopen_base, 1);
    int globals = lua_gettop(L);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    int string = lua_gettop(L);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    int table = lua_gettop(L);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    int math = lua_gettop(L);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    int utf8 = lua_gettop(L);

    lua_createtable(L, 0, 32);
    int base = lua_gettop(L);
    rk_copy_fields(L, globals, base, base_functions);
    static const luaL_Reg replacements[] = {
        {"pairs", rk_pairs}, {"next", rk_next}, {"tostring", rk_sandbox_tostring},
        {"print", rk_print}, {"rawset", rk_rawset}, {"rawget", rk_lazy_rawget}, {NULL, NULL},
    };
    luaL_setfuncs(L, replacements, 0);
    lua_getfield(L, globals, "setmetatable");
    lua_pushcclosure(L, rk_setmetatable, 1);
    lua_setfield(L, base, "setmetatable");

    // string: no dump, bounded patterns, a format without addresses, a charged rep.
    lua_pushnil(L);
    lua_setfield(L, string, "dump");
    rk_install_patterns(L, string);
    rk_wrap(L, string, "format", rk_string_format);
    rk_wrap(L, string, "rep", rk_string_rep);
    // The string metatable routes ("x"):method() to the same (sandboxed) table; hide it.
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    rk_wrap(L, table, "sort", rk_table_sort);
    rk_wrap(L, table, "concat", rk_table_concat);
    rk_wrap(L, table, "unpack", rk_table_unpack);

    static const luaL_Reg random[] = {{"random", rk_math_random}, {"randomseed", rk_math_randomseed}, {NULL, NULL}};
    lua_pushvalue(L, math);
    luaL_setfuncs(L, random, 0);
    lua_pop(L, 1);

    rk_expose_library(L, base, string, "string");
    rk_expose_library(L, base, table, "table");
    rk_expose_library(L, base, math, "math");
    rk_expose_library(L, base, utf8, "utf8");

    // The guard of argument tables: new fields raise; the metatable itself is hidden.
    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, rk_readonly_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    rk_runtime_of(L)->guard_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    rk_lazy_open(L);

    lua_pushvalue(L, base);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &rk_key_base);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &rk_key_plugins);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &rk_key_functions);
    return 0;
}
