// Argument tables built on demand: a call's wide argument (the customer, some 40 fields and
// seven nested tables) is passed as an empty table whose fields are made from the tape when a
// script first reads them. A segment that reads three fields then costs three lookups instead
// of building every field and table, and collecting them afterwards.
//
// Such a table behaves as a guarded table (see rk_make_view): reading gives the tape's values,
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

/// The value slot of field `key` (length `length`) in `lazy`, or SIZE_MAX when it has none.
static size_t rk_lazy_lookup(const rk_runtime *rt, const rk_lazy_table *lazy, const char *key, size_t length) {
    const rk_lazy_field *fields = rt->lazy_fields + lazy->first;
    for (uint32_t i = 0; i < lazy->count; i++)
        if (fields[i].length == length && memcmp(fields[i].name, key, length) == 0) return fields[i].value;
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
    if (lua_type(L, 2) != LUA_TSTRING) return 0;
    size_t length;
    const char *key = lua_tolstring(L, 2, &length);
    size_t slot = rk_lazy_lookup(rk_runtime_of(L), lazy, key, length);
    if (slot == SIZE_MAX) return 0;
    rk_lazy_make(L, lazy, 1, 2, slot);
    return 1;
}

int rk_lazy_newindex(lua_State *L) {
    rk_lazy_table *lazy = rk_lazy_find(L, 1);
    if (lua_type(L, 2) == LUA_TSTRING) {
        size_t length;
        const char *key = lua_tolstring(L, 2, &length);
        if (rk_lazy_lookup(rk_runtime_of(L), lazy, key, length) != SIZE_MAX) {
            // An existing field not read yet: overwriting it changes this call's copy only.
            lua_settop(L, 3);
            lua_rawset(L, 1);
            return 0;
        }
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
    const rk_lazy_field *fields = rk_runtime_of(L)->lazy_fields + lazy->first;
    for (uint32_t i = 0; i < lazy->count; i++) {
        lua_pushlstring(L, fields[i].name, fields[i].length);
        int key = lua_gettop(L);
        lua_pushvalue(L, key);
        if (lua_rawget(L, idx) == LUA_TNIL) rk_lazy_make(L, lazy, idx, key, fields[i].value);
        lua_settop(L, key - 1);
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

/// Pushes a new, empty on-demand table over the fields first..first+count of rt->lazy_fields.
static void rk_lazy_table_push(lua_State *L, rk_runtime *rt, const rk_tape *tape, uint32_t first, uint32_t count) {
    lua_createtable(L, 0, 4);
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->lazy_ref);
    lua_setmetatable(L, -2);
    rt->lazy_tables[rt->lazy_table_count++] = (rk_lazy_table){lua_topointer(L, -1), *tape, first, count, false};
}

/// Advances `*cursor` past one value of the tape (a whole table with everything in it).
static void rk_tape_skip(lua_State *L, const rk_tape *tape, size_t *cursor) {
    int64_t pending = 1;
    while (pending > 0) {
        if (*cursor >= tape->count) rk_raise(L, RK_ERR_ARGUMENTS, "argument tape ends early (%d slots)", (int)tape->count);
        const rk_slot *slot = &tape->slots[(*cursor)++];
        switch (slot->tag) {
        case RK_KEY_STR:
        case RK_KEY_STATIC_STR:
        case RK_KEY_INT: break; // the value after it is what counts
        case RK_TABLE: pending += (int64_t)slot->len + slot->bits - 1; break;
        default: pending--; break;
        }
    }
}

/// Makes the table at `header` an on-demand table if it can be one (string keys only, not too
/// many): records its fields, pushes it and returns true. Otherwise pushes nothing.
static bool rk_lazy_push(lua_State *L, const rk_tape *tape, size_t header, size_t *cursor) {
    rk_runtime *rt = rk_runtime_of(L);
    const rk_slot *slot = &tape->slots[header];
    int64_t count = slot->bits;
    if (slot->len != 0 || count > RK_LAZY_MAX_FIELDS || rt->lazy_table_count == RK_LAZY_MAX_TABLES) return false;
    // The functions of one rk_call_each share a tape: its tables' fields are found once.
    for (uint32_t i = 0; i < rt->lazy_layout_count; i++) {
        const rk_lazy_layout *layout = &rt->lazy_layouts[i];
        if (layout->slots == tape->slots && layout->header == header) {
            rk_lazy_table_push(L, rt, tape, layout->first, layout->count);
            *cursor = layout->end;
            return true;
        }
    }
    if (rt->lazy_field_count + (size_t)count > rt->lazy_field_capacity) {
        size_t capacity = rt->lazy_field_capacity ? rt->lazy_field_capacity : 64;
        while (capacity < rt->lazy_field_count + (size_t)count) capacity *= 2;
        rk_lazy_field *fields = realloc(rt->lazy_fields, capacity * sizeof *fields);
        if (fields == NULL) rk_raise(L, RK_ERR_MEMORY, "out of memory for an argument table");
        rt->lazy_fields = fields;
        rt->lazy_field_capacity = capacity;
    }
    size_t position = header + 1;
    rk_lazy_field *fields = rt->lazy_fields + rt->lazy_field_count;
    for (int64_t i = 0; i < count; i++) {
        if (position >= tape->count) rk_raise(L, RK_ERR_ARGUMENTS, "argument tape ends early (%d slots)", (int)tape->count);
        const rk_slot *key = &tape->slots[position];
        if (key->tag == RK_KEY_STATIC_STR) {
            fields[i].name = (const char *)(intptr_t)key->bits;
        } else if (key->tag == RK_KEY_STR) {
            if (key->bits < 0 || (size_t)key->bits + key->len > tape->arena_length)
                rk_raise(L, RK_ERR_ARGUMENTS, "argument string lies outside the tape's arena");
            fields[i].name = tape->arena + key->bits;
        } else {
            return false; // an integer key: build it at once
        }
        fields[i].length = key->len;
        fields[i].value = ++position;
        rk_tape_skip(L, tape, &position);
    }
    uint32_t first = (uint32_t)rt->lazy_field_count;
    rt->lazy_field_count += (size_t)count;
    if (rt->lazy_layout_count < RK_LAZY_MAX_TABLES)
        rt->lazy_layouts[rt->lazy_layout_count++] = (rk_lazy_layout){tape->slots, header, first, (uint32_t)count, position};
    rk_lazy_table_push(L, rt, tape, first, (uint32_t)count);
    *cursor = position;
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

void rk_lazy_end(rk_runtime *rt) {
    rt->lazy_table_count = 0;
    rt->lazy_layout_count = 0;
    rt->lazy_field_count = 0;
}

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
