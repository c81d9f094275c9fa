// The C floor: what one call of a point rule costs with nothing but the Lua API.
// Keys are pushed from string literals (Lua's string cache finds them by address); values come
// from the host's buffers with lua_pushlstring, as they would from any real data.
#include "LuaCallFloor.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdlib.h>

struct floor_state {
    lua_State *L;
    int function;
};

floor_state *floor_open(const char *source, const char *function) {
    lua_State *L = luaL_newstate();
    if (L == NULL) return NULL;
    luaL_openlibs(L);
    if (luaL_dostring(L, source) != LUA_OK || !lua_istable(L, -1)) {
        lua_close(L);
        return NULL;
    }
    lua_getfield(L, -1, function);
    floor_state *state = malloc(sizeof *state);
    state->L = L;
    state->function = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_settop(L, 0);
    return state;
}

static void floor_empty_hook(lua_State *L, lua_Debug *ar) {
    (void)L;
    (void)ar;
}

void floor_set_count_hook(floor_state *state) { lua_sethook(state->L, floor_empty_hook, LUA_MASKCOUNT, 1000); }

void floor_close(floor_state *state) {
    lua_close(state->L);
    free(state);
}

static void push_order(lua_State *L, const floor_order *order) {
    lua_createtable(L, 0, 6);
    lua_pushlstring(L, order->id, order->id_length);
    lua_setfield(L, -2, "id");
    lua_pushlstring(L, order->customer_id, order->customer_id_length);
    lua_setfield(L, -2, "customer_id");
    lua_pushlstring(L, order->currency, order->currency_length);
    lua_setfield(L, -2, "currency");
    lua_pushinteger(L, order->total);
    lua_setfield(L, -2, "total");
    lua_pushboolean(L, order->first_order);
    lua_setfield(L, -2, "first_order");
    lua_createtable(L, (int)order->line_count, 0);
    for (size_t i = 0; i < order->line_count; i++) {
        const floor_line *line = &order->lines[i];
        lua_createtable(L, 0, 4);
        lua_pushlstring(L, line->sku, line->sku_length);
        lua_setfield(L, -2, "sku");
        lua_pushlstring(L, line->category, line->category_length);
        lua_setfield(L, -2, "category");
        lua_pushinteger(L, line->quantity);
        lua_setfield(L, -2, "quantity");
        lua_pushinteger(L, line->unit_price);
        lua_setfield(L, -2, "unit_price");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "lines");
}

int64_t floor_call(floor_state *state, const floor_order *order, int64_t count) {
    lua_State *L = state->L;
    int64_t sum = 0;
    for (int64_t i = 0; i < count; i++) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, state->function);
        push_order(L, order);
        if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
            lua_settop(L, 0);
            return INT64_MIN;
        }
        sum += lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    return sum;
}
