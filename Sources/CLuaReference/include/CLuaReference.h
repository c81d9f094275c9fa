// Stock Lua 5.4, unsandboxed, for tests that compare RetentionLua with the reference
// implementation (the pattern functions above all). Not used by the library.
#ifndef CLUA_REFERENCE_H
#define CLUA_REFERENCE_H

#include <stddef.h>

typedef struct lua_State lua_State;

/// A plain state with the standard libraries.
lua_State *reference_open(void);
void reference_close(lua_State *L);

/// Runs `chunk` (which must return a string) and copies the result, or the error message
/// prefixed with "error: ", into `out` (NUL-terminated, truncated to `capacity`).
void reference_eval(lua_State *L, const char *chunk, char *out, size_t capacity);

#endif
