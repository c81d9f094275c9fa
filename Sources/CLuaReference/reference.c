#include "CLuaReference.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <string.h>

lua_State *reference_open(void) {
    lua_State *L = luaL_newstate();
    if (L) luaL_openlibs(L);
    return L;
}

void reference_close(lua_State *L) { lua_close(L); }

void reference_eval(lua_State *L, const char *chunk, char *out, size_t capacity) {
    const char *result;
    size_t length;
    if (luaL_dostring(L, chunk) == LUA_OK && lua_type(L, -1) == LUA_TSTRING) {
        result = lua_tolstring(L, -1, &length);
    } else {
        lua_pushfstring(L, "error: %s", lua_tostring(L, -1));
        result = lua_tolstring(L, -1, &length);
    }
    if (length >= capacity) length = capacity - 1;
    memcpy(out, result, length);
    out[length] = 0;
    lua_settop(L, 0);
}
