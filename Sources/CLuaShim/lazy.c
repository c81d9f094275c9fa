// Argument tables built on demand: a call's wide argument (the customer, some 40 fields and
// seven nested tables) is passed as an empty table whose fields are made from the tape when a
// script first reads them. A segment that reads three fields then costs three lookups instead
// of building every field and table, and collecting them afterwards.
//
// Such a table behaves as a guarded table (see rk_push_table): reading gives the tape's values,
// overwriting a field changes only this call's copy, adding a field raises. pairs, next, rawget
// and results first make the missing fields, so nothing a script can observe differs, except
// that a field set to nil reads its original value again. The tape lives only during its call:
// a table kept from an earlier call raises a clear error instead of reading freed memory.
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/// Fields in one on-demand table beyond which it is built at once (its lookups scan the fields).
#define RK_LAZY_MAX_FIELDS 256

/// Finds the on-demand table at `idx` among the running call's; raises when it is from an
/// earlier call (whose tape is gone).
static rk_lazy_table *rk_lazy_find(lua_State *L, int idx) {
    rk_runtime *rt = rk_runtime_of(L);
    const void *table = lua_topointer(L, idx);
    for (uint32_t i = 0; i < rt->lazy_table_count; i++)
        if (rt->lazy_tables[i].table == table) return &rt->lazy_tables[i];
    luaL_error(L,
               "this argument table belongs to an earlier call: hooks get fresh tables on every call "
               "(copy what you need into a local variable instead of keeping the table)");
    return NULL;
}

/// Advances `*cursor` past one value of the tape (a whole table with everything in it): at once
/// over a table whose header records its span, slot by slot otherwise.
static void rk_tape_skip(lua_State *L, const rk_tape *tape, size_t *cursor) {
    int64_t pending = 1;
    while (pending > 0) {
        if (*cursor >= tape->count) rk_raise_tape_end(L, tape);
        const rk_slot *slot = &tape->slots[(*cursor)++];
        switch (slot->tag) {
        case RK_KEY_STR:
        case RK_KEY_STATIC_STR:
        case RK_KEY_INT: break; // the value after it is what counts
        case RK_TABLE:
            if (slot->span != 0) {
                if ((size_t)slot->span - 1 > tape->count - *cursor) rk_raise_tape_end(L, tape);
                *cursor += (size_t)slot->span - 1;
                pending--;
            } else {
                pending += (int64_t)slot->len + slot->bits - 1;
            }
            break;
        default: pending--; break;
        }
    }
}

/// The name of the field whose key is `key`, or NULL for an integer key.
static const char *rk_lazy_key_name(lua_State *L, const rk_tape *tape, const rk_slot *key) {
    switch (key->tag) {
    case RK_KEY_STATIC_STR: return (const char *)(intptr_t)key->bits;
    case RK_KEY_STR: return rk_tape_string(L, tape, key);
    case RK_KEY_INT: return NULL;
    default: rk_raise(L, RK_ERR_ARGUMENTS, "unexpected key tag %d in the argument tape", (int)key->tag);
    }
    return NULL;
}

/// The key slot of the field after the one whose key slot is `position` (its value at
/// `position + 1`, which the caller checked lies on the tape): a scalar takes one slot, a table
/// with a recorded span is stepped over at once.
static inline __attribute__((always_inline)) size_t rk_lazy_next_field(lua_State *L, const rk_tape *tape, size_t position) {
    const rk_slot *value = &tape->slots[position + 1];
    if (value->tag != RK_TABLE) return position + 2;
    if (value->span != 0) {
        size_t next = position + 1 + value->span;
        if (next > tape->count) rk_raise_tape_end(L, tape);
        return next;
    }
    size_t cursor = position + 1;
    rk_tape_skip(L, tape, &cursor);
    return cursor;
}

/// The value slot of the field `key` (at stack index `idx`: a string, or an integer) in `lazy`,
/// or SIZE_MAX when it has none. Scans the table's fields on the tape, stepping over nested
/// tables at once: hooks read a few fields of a table, and this costs less than indexing every
/// field first (measured: indexing them, at once or as lookups pass them, made the Lua replay
/// about 1% slower).
static size_t rk_lazy_find_field(lua_State *L, const rk_lazy_table *lazy, int idx) {
    int type = lua_type(L, idx);
    if (type != LUA_TSTRING && !(type == LUA_TNUMBER && lua_isinteger(L, idx))) return SIZE_MAX;
    size_t length = 0;
    const char *name = type == LUA_TSTRING ? lua_tolstring(L, idx, &length) : NULL;
    lua_Integer integer = name == NULL ? lua_tointeger(L, idx) : 0;
    const rk_tape *tape = &lazy->tape;
    size_t position = lazy->header + 1;
    for (uint32_t i = 0; i < lazy->count; i++) {
        if (position + 1 >= tape->count) rk_raise_tape_end(L, tape);
        const rk_slot *key = &tape->slots[position];
        bool found = key->tag == RK_KEY_INT ? name == NULL && key->bits == integer
                                            : name != NULL && key->len == length && memcmp(rk_lazy_key_name(L, tape, key), name, length) == 0;
        if (found) return position + 1;
        position = rk_lazy_next_field(L, tape, position);
    }
    return SIZE_MAX;
}

/// Pushes the value at `slot` of the table's tape and stores it in the table (at `table`)
/// under the key at `key`, so later reads find it without a metamethod.
static void rk_lazy_make(lua_State *L, const rk_lazy_table *lazy, int table, int key, size_t slot) {
    size_t cursor = slot;
    rk_tape_push(L, &lazy->tape, &cursor, 1);
    lua_pushvalue(L, key);
    lua_pushvalue(L, -2);
    lua_rawset(L, table);
}

/// __index: makes the field from the tape (nil when the table has no such field).
static int rk_lazy_index(lua_State *L) {
    rk_lazy_table *lazy = rk_lazy_find(L, 1);
    size_t slot = rk_lazy_find_field(L, lazy, 2);
    if (slot == SIZE_MAX) return 0;
    rk_lazy_make(L, lazy, 1, 2, slot);
    return 1;
}

int rk_lazy_newindex(lua_State *L) {
    rk_lazy_table *lazy = rk_lazy_find(L, 1);
    if (rk_lazy_find_field(L, lazy, 2) != SIZE_MAX) {
        // An existing field not read yet: overwriting it changes this call's copy only.
        lua_settop(L, 3);
        lua_rawset(L, 1);
        return 0;
    }
    return rk_readonly_newindex(L); // a new field: refused as in any guarded table
}

bool rk_is_lazy(lua_State *L, int idx) {
    if (!lua_getmetatable(L, idx)) return false;
    lua_rawgeti(L, LUA_REGISTRYINDEX, rk_runtime_of(L)->lazy_ref);
    bool lazy = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return lazy;
}

void rk_lazy_complete(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    rk_lazy_table *lazy = rk_lazy_find(L, idx);
    if (lazy->complete) return;
    luaL_checkstack(L, 4, "argument table");
    const rk_tape *tape = &lazy->tape;
    size_t position = lazy->header + 1;
    for (uint32_t i = 0; i < lazy->count; i++) {
        if (position + 1 >= tape->count) rk_raise_tape_end(L, tape);
        const rk_slot *slot = &tape->slots[position];
        const char *name = rk_lazy_key_name(L, tape, slot);
        if (name != NULL) lua_pushlstring(L, name, slot->len); else lua_pushinteger(L, (lua_Integer)slot->bits);
        int key = lua_gettop(L);
        lua_pushvalue(L, key);
        if (lua_rawget(L, idx) == LUA_TNIL) rk_lazy_make(L, lazy, idx, key, position + 1);
        lua_settop(L, key - 1);
        position = rk_lazy_next_field(L, tape, position);
    }
    lazy->complete = true;
}

int rk_lazy_rawget(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    lua_settop(L, 2);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, 1) != LUA_TNIL || !rk_is_lazy(L, 1)) return 1;
    lua_pop(L, 1);
    return rk_lazy_index(L);
}

/// Pushes a new, empty on-demand table over the `count` fields after slot `header` of `tape`.
static void rk_lazy_table_push(lua_State *L, rk_runtime *rt, const rk_tape *tape, size_t header, uint32_t count) {
    lua_createtable(L, 0, 4);
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->lazy_ref);
    lua_setmetatable(L, -2);
    rt->lazy_tables[rt->lazy_table_count++] = (rk_lazy_table){lua_topointer(L, -1), *tape, header, count, false};
}

/// Makes the table at `header` an on-demand table if it can be one (named fields only, not too
/// many): pushes it, moves `*cursor` past it and returns true. Otherwise pushes nothing.
static bool rk_lazy_push(lua_State *L, const rk_tape *tape, size_t header, size_t *cursor) {
    rk_runtime *rt = rk_runtime_of(L);
    const rk_slot *slot = &tape->slots[header];
    int64_t count = slot->bits;
    if (slot->len != 0 || count < 0 || count > RK_LAZY_MAX_FIELDS || rt->lazy_table_count == RK_LAZY_MAX_TABLES) return false;
    size_t end = header;
    rk_tape_skip(L, tape, &end);
    rk_lazy_table_push(L, rt, tape, header, (uint32_t)count);
    *cursor = end;
    return true;
}

void rk_tape_push_argument(lua_State *L, const rk_tape *tape, size_t *cursor) {
    if (*cursor < tape->count) {
        const rk_slot *slot = &tape->slots[*cursor];
        if (slot->tag == RK_TABLE && (slot->flags & RK_FLAG_ON_DEMAND) && (slot->flags & RK_FLAG_READONLY) &&
            !rk_runtime_of(L)->strict_arguments && rk_lazy_push(L, tape, *cursor, cursor))
            return;
    }
    rk_tape_push(L, tape, cursor, 0);
}

void rk_lazy_next_function(rk_runtime *rt) { rt->lazy_table_count = 0; }

void rk_lazy_end(rk_runtime *rt) { rt->lazy_table_count = 0; }

void rk_lazy_open(lua_State *L) {
    lua_createtable(L, 0, 3);
    lua_pushcfunction(L, rk_lazy_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, rk_lazy_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    rk_runtime_of(L)->lazy_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}
