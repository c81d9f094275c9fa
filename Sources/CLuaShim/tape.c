// The value tape: the one converter between host values and Lua values, in both directions.
#include "internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/// Deepest nesting of tables that crosses the boundary (a deeper table is most likely a cycle).
#define RK_MAX_NESTING 64

// MARK: - Tape to Lua

/// Pushes day number `days` as "YYYY-MM-DD" (proleptic Gregorian; years 0 to 9999, which the
/// encoder checks), the same text as Swift's `Day.iso`.
static void rk_push_iso_day(lua_State *L, int64_t days) {
    int64_t shifted = days + 719468;
    int64_t era = (shifted >= 0 ? shifted : shifted - 146096) / 146097;
    int64_t day_of_era = shifted - era * 146097;
    int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t month_from_march = (5 * day_of_year + 2) / 153;
    int day = (int)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
    int month = (int)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    int year = (int)(year_of_era + era * 400 + (month <= 2 ? 1 : 0));
    char text[10] = {
        (char)('0' + year / 1000), (char)('0' + year / 100 % 10), (char)('0' + year / 10 % 10), (char)('0' + year % 10), '-',
        (char)('0' + month / 10), (char)('0' + month % 10), '-', (char)('0' + day / 10), (char)('0' + day % 10),
    };
    lua_pushlstring(L, text, sizeof text);
}

/// Tables nested this deep or deeper make sure of stack room themselves; above them, the room
/// every caller leaves (see rk_tape_push) is enough: each level holds its table and at most a
/// key beside the value being pushed.
#define RK_UNCHECKED_DEPTH 6

void rk_raise_tape_end(lua_State *L, const rk_tape *tape) {
    rk_raise(L, RK_ERR_ARGUMENTS, "argument tape ends early (%d slots)", (int)tape->count);
    __builtin_unreachable(); // rk_raise raises a Lua error
}

static inline __attribute__((always_inline)) const rk_slot *rk_tape_next(lua_State *L, const rk_tape *tape, size_t *cursor) {
    if (*cursor >= tape->count) rk_raise_tape_end(L, tape);
    return &tape->slots[(*cursor)++];
}

/// Pushes the value of `slot` unless it is a table; returns whether it pushed. Inlined into the
/// table loop, so a field costs no call of its own.
static inline __attribute__((always_inline)) bool rk_push_scalar(lua_State *L, const rk_tape *tape, const rk_slot *slot) {
    switch (slot->tag) {
    case RK_NIL: lua_pushnil(L); return true;
    case RK_FALSE: lua_pushboolean(L, 0); return true;
    case RK_TRUE: lua_pushboolean(L, 1); return true;
    case RK_INT: lua_pushinteger(L, (lua_Integer)slot->bits); return true;
    case RK_NUM: {
        double number;
        memcpy(&number, &slot->bits, sizeof number);
        lua_pushnumber(L, number);
        return true;
    }
    case RK_STR: lua_pushlstring(L, rk_tape_string(L, tape, slot), slot->len); return true;
    case RK_STATIC_STR: lua_pushlstring(L, (const char *)(intptr_t)slot->bits, slot->len); return true;
    case RK_DAY:
        if (slot->bits < RK_DAY_FIRST || slot->bits > RK_DAY_LAST) rk_raise(L, RK_ERR_ARGUMENTS, "argument date out of range");
        rk_push_iso_day(L, slot->bits);
        return true;
    case RK_TABLE: return false;
    default: rk_raise(L, RK_ERR_ARGUMENTS, "unexpected tag %d in the argument tape", (int)slot->tag);
    }
    return false;
}

/// Pushes the table whose header is `header`, reading its entries from the tape from
/// `position` on; returns the position after them. The position and the tape's fields live in
/// locals while the entries are read: behind pointers, every Lua call in between would make the
/// compiler store and load them again.
static size_t rk_push_table(lua_State *L, const rk_tape *tape, size_t position, const rk_slot *header, int depth) {
    if (depth >= RK_UNCHECKED_DEPTH) {
        if (depth >= RK_MAX_NESTING) rk_raise(L, RK_ERR_ARGUMENTS, "arguments nest more than %d tables deep", RK_MAX_NESTING);
        luaL_checkstack(L, 4, "arguments nest too deeply");
    }
    uint32_t array_count = header->len;
    int64_t field_count = header->bits;
    bool readonly = header->flags & RK_FLAG_READONLY;
    // A strict view keeps up to four metamethods beside the data; size for them up front.
    // A guarded table needs no room: its guard is a shared metatable.
    rk_runtime *rt = rk_runtime_of(L);
    bool strict = readonly && rt->strict_arguments;
    lua_createtable(L, (int)array_count, (int)field_count + (strict ? 4 : 0));
    const rk_slot *slots = tape->slots;
    size_t count = tape->count;
    lua_Integer next_index = 1;
    int64_t entries = (int64_t)array_count + field_count;
    for (int64_t entry = 0; entry < entries; entry++) {
        if (position >= count) rk_raise_tape_end(L, tape);
        const rk_slot *slot = &slots[position++];
        const rk_slot *key = NULL;
        if (slot->tag == RK_KEY_STATIC_STR || slot->tag == RK_KEY_STR || slot->tag == RK_KEY_INT) {
            key = slot;
            if (key->tag == RK_KEY_STR) lua_pushlstring(L, rk_tape_string(L, tape, key), key->len);
            if (position >= count) rk_raise_tape_end(L, tape);
            slot = &slots[position++];
        }
        if (!rk_push_scalar(L, tape, slot)) position = rk_push_table(L, tape, position, slot, depth + 1);
        // The table is below the value (and the key, for a key from the arena).
        if (key == NULL) {
            lua_rawseti(L, -2, next_index++);
        } else if (key->tag == RK_KEY_STATIC_STR) {
            // Static keys keep their address, so Lua's string cache finds them without hashing.
            lua_setfield(L, -2, (const char *)(intptr_t)key->bits);
        } else if (key->tag == RK_KEY_STR) {
            lua_rawset(L, -3);
        } else {
            lua_rawseti(L, -2, (lua_Integer)key->bits);
        }
    }
    if (strict) {
        rk_make_strict_view(L, array_count > 0);
    } else if (readonly) {
        // A guarded table: the data stays in it; the shared guard refuses new fields.
        lua_rawgeti(L, LUA_REGISTRYINDEX, rt->guard_ref);
        lua_setmetatable(L, -2);
    }
    return position;
}

void rk_tape_push(lua_State *L, const rk_tape *tape, size_t *cursor, int depth) {
    const rk_slot *slot = rk_tape_next(L, tape, cursor);
    if (!rk_push_scalar(L, tape, slot)) *cursor = rk_push_table(L, tape, *cursor, slot, depth);
}

// MARK: - Lua to tape

void rk_buffer_reset(rk_buffer *buffer) {
    buffer->count = 0;
    buffer->arena_length = 0;
}

void rk_buffer_free(rk_buffer *buffer) {
    free(buffer->slots);
    free(buffer->arena);
    memset(buffer, 0, sizeof *buffer);
}

rk_tape rk_buffer_tape(const rk_buffer *buffer) {
    rk_tape tape = {buffer->slots, buffer->count, buffer->arena, buffer->arena_length};
    return tape;
}

static size_t rk_buffer_append(lua_State *L, rk_buffer *buffer, rk_slot slot) {
    if (buffer->count == buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity * 2 : 64;
        rk_slot *slots = realloc(buffer->slots, capacity * sizeof(rk_slot));
        if (slots == NULL) rk_raise(L, RK_ERR_MEMORY, "out of memory for results");
        buffer->slots = slots;
        buffer->capacity = capacity;
    }
    buffer->slots[buffer->count] = slot;
    return buffer->count++;
}

static int64_t rk_buffer_append_bytes(lua_State *L, rk_buffer *buffer, const char *bytes, size_t length) {
    if (buffer->arena_length + length > buffer->arena_capacity) {
        size_t capacity = buffer->arena_capacity ? buffer->arena_capacity : 256;
        while (capacity < buffer->arena_length + length) capacity *= 2;
        char *arena = realloc(buffer->arena, capacity);
        if (arena == NULL) rk_raise(L, RK_ERR_MEMORY, "out of memory for results");
        buffer->arena = arena;
        buffer->arena_capacity = capacity;
    }
    int64_t offset = (int64_t)buffer->arena_length;
    if (length) memcpy(buffer->arena + offset, bytes, length);
    buffer->arena_length += length;
    return offset;
}

static void rk_emit_string(lua_State *L, rk_buffer *buffer, int idx, uint8_t tag) {
    size_t length;
    const char *string = lua_tolstring(L, idx, &length);
    if (length > UINT32_MAX) rk_raise(L, RK_ERR_RESULT, "a string of %d MiB is too long to return", (int)(length >> 20));
    rk_slot slot = {.tag = tag, .len = (uint32_t)length};
    slot.bits = rk_buffer_append_bytes(L, buffer, string, length);
    rk_buffer_append(L, buffer, slot);
}

static void rk_emit_table(lua_State *L, rk_buffer *buffer, int idx, int depth) {
    if (depth >= RK_MAX_NESTING)
        rk_raise(L, RK_ERR_RESULT, "a returned table nests more than %d deep (does it contain itself?)", RK_MAX_NESTING);
    luaL_checkstack(L, 6, "result nests too deeply");
    bool view;
    int data = rk_push_data(L, idx, &view);
    size_t header = rk_buffer_append(L, buffer, (rk_slot){.tag = RK_TABLE});
    // The sequence 1..n first, then every other key.
    lua_Integer sequence = 0;
    while (lua_rawgeti(L, data, sequence + 1) != LUA_TNIL) {
        sequence++;
        rk_tape_emit(L, buffer, -1, depth + 1);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    int64_t fields = 0;
    lua_pushnil(L);
    while (lua_next(L, data)) {
        int key = lua_gettop(L) - 1;
        if (lua_isinteger(L, key)) {
            lua_Integer k = lua_tointeger(L, key);
            if (k >= 1 && k <= sequence) {
                lua_pop(L, 1);
                continue;
            }
            rk_buffer_append(L, buffer, (rk_slot){.tag = RK_KEY_INT, .bits = k});
        } else if (lua_type(L, key) == LUA_TSTRING) {
            if (view && rk_is_view_key(L, key)) {
                lua_pop(L, 1);
                continue;
            }
            rk_emit_string(L, buffer, key, RK_KEY_STR);
        } else {
            rk_raise(L, RK_ERR_RESULT, "a returned table has a %s key; only string and integer keys can be returned",
                     luaL_typename(L, key));
        }
        rk_tape_emit(L, buffer, -1, depth + 1);
        fields++;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    buffer->slots[header].len = (uint32_t)sequence;
    buffer->slots[header].bits = fields;
    // The span (as on argument tapes) lets the reader step over the table at once.
    size_t span = buffer->count - header;
    buffer->slots[header].span = span <= UINT16_MAX ? (uint16_t)span : 0;
}

void rk_tape_emit(lua_State *L, rk_buffer *buffer, int idx, int depth) {
    idx = lua_absindex(L, idx);
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
    case LUA_TNONE:
        rk_buffer_append(L, buffer, (rk_slot){.tag = RK_NIL});
        return;
    case LUA_TBOOLEAN:
        rk_buffer_append(L, buffer, (rk_slot){.tag = lua_toboolean(L, idx) ? RK_TRUE : RK_FALSE});
        return;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            rk_buffer_append(L, buffer, (rk_slot){.tag = RK_INT, .bits = lua_tointeger(L, idx)});
        } else {
            lua_Number number = lua_tonumber(L, idx);
            rk_slot slot = {.tag = RK_NUM};
            memcpy(&slot.bits, &number, sizeof number);
            rk_buffer_append(L, buffer, slot);
        }
        return;
    case LUA_TSTRING:
        rk_emit_string(L, buffer, idx, RK_STR);
        return;
    case LUA_TTABLE:
        rk_emit_table(L, buffer, idx, depth);
        return;
    default:
        rk_raise(L, RK_ERR_RESULT, "a %s cannot be returned to the host (return numbers, strings, booleans or tables)",
                 luaL_typename(L, idx));
    }
}
