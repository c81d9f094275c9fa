// The runtime: the capped allocator, the instruction budget, the protected operations and the
// error reports.
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char rk_key_base = 0;
const char rk_key_plugins = 0;
const char rk_key_functions = 0;

/// Room kept free for describing an error after the memory cap was hit.
#define RK_ERROR_HEADROOM (256 * 1024)

/// A cheap clock for the deadline (a backstop of hundreds of milliseconds: a few milliseconds of
/// resolution are enough).
static int64_t rk_now(void) {
    struct timespec ts;
#ifdef CLOCK_MONOTONIC_COARSE
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
#else
    clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

// MARK: - Allocator

static void rk_hook(lua_State *L, lua_Debug *ar);

static void rk_note_stop(rk_runtime *rt, rk_stop why) {
    if (rt->stop == RK_STOP_NONE) rt->stop = why;
    // From now on every instruction raises again.
    if (rt->L && rt->operating) lua_sethook(rt->L, rk_hook, LUA_MASKCOUNT, 1);
}

/// Where the running Lua code is, for errors that Lua raises without a message handler (memory).
static void rk_locate(rk_runtime *rt, lua_State *L) {
    if (rt->error_located || L == NULL) return;
    lua_Debug ar;
    for (int level = 0; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            free(rt->error_source);
            const char *src = ar.source[0] == '@' || ar.source[0] == '=' ? ar.source + 1 : ar.short_src;
            rt->error_source = strdup(src);
            rt->error_line = ar.currentline;
            rt->error_located = true;
            return;
        }
    }
}

// MARK: - Memory

// A call builds and drops a dozen small tables and strings (the arguments, the results), and the
// C library's malloc and free cost several times more than taking a block off a list. Blocks of
// RK_POOL_LIMIT bytes or less are malloc'd at their class's size and, when Lua frees them, kept
// on their class's list for the next allocation; rk_pool_drain returns them when the state is
// closed. Accounting and the cap count the sizes Lua asks for, as before.

static inline __attribute__((always_inline)) size_t rk_pool_class(size_t size) { return (size - 1) / RK_POOL_STEP; }

static inline __attribute__((always_inline)) void *rk_pool_take(rk_runtime *rt, size_t size) {
    size_t class = rk_pool_class(size);
    void *block = rt->pool[class];
    if (block != NULL) {
        rt->pool[class] = *(void **)block;
        return block;
    }
    return malloc((class + 1) * RK_POOL_STEP);
}

static inline __attribute__((always_inline)) void rk_pool_give(rk_runtime *rt, void *block, size_t size) {
    size_t class = rk_pool_class(size);
    *(void **)block = rt->pool[class];
    rt->pool[class] = block;
}

static void rk_pool_drain(rk_runtime *rt) {
    for (size_t class = 0; class < RK_POOL_CLASSES; class++) {
        while (rt->pool[class] != NULL) {
            void *next = *(void **)rt->pool[class];
            free(rt->pool[class]);
            rt->pool[class] = next;
        }
    }
}

/// Frees a block Lua held at `size` bytes: to its class's list when it came from one.
static inline __attribute__((always_inline)) void rk_release(rk_runtime *rt, void *block, size_t size) {
    if (size <= RK_POOL_LIMIT) rk_pool_give(rt, block, size);
    else free(block);
}

/// A new block of `nsize` bytes holding what `ptr` held (at `old` bytes), or NULL when memory
/// ran out (then `ptr` is untouched).
static inline __attribute__((always_inline)) void *rk_resize(rk_runtime *rt, void *ptr, size_t old, size_t nsize) {
    bool old_pooled = ptr != NULL && old <= RK_POOL_LIMIT;
    bool new_pooled = nsize <= RK_POOL_LIMIT;
    if (!old_pooled && !new_pooled) return realloc(ptr, nsize);
    // A pooled block has room for its whole class; shrinking within the pool keeps it (it goes
    // back to the smaller class when freed, which it more than fills).
    if (old_pooled && new_pooled && rk_pool_class(nsize) <= rk_pool_class(old)) return ptr;
    void *block = new_pooled ? rk_pool_take(rt, nsize) : malloc(nsize);
    if (block == NULL) return NULL;
    if (ptr != NULL) {
        memcpy(block, ptr, old < nsize ? old : nsize);
        rk_release(rt, ptr, old);
    }
    return block;
}

/// Everything but freeing and a new small block from a list: growing, shrinking, large
/// blocks, empty lists and the cap. Kept out of line so the common paths save no registers.
static __attribute__((noinline)) void *rk_alloc_slow(rk_runtime *rt, void *ptr, size_t osize, size_t nsize) {
    size_t old = ptr ? osize : 0;
    if (nsize > old && rt->memory_used - old + nsize > rt->memory_limit + rt->memory_headroom) {
        if (rt->operating && rt->stop == RK_STOP_NONE) {
            rk_locate(rt, rt->L);
            rk_note_stop(rt, RK_STOP_MEMORY);
        }
        return NULL;
    }
    void *block = rk_resize(rt, ptr, old, nsize);
    if (block == NULL) {
        // Lua counts on a shrink never failing: keep the block, which is big enough.
        if (nsize <= old) block = ptr;
        else return NULL;
    }
    rt->memory_used = rt->memory_used - old + nsize;
    if (rt->memory_used > rt->memory_peak) rt->memory_peak = rt->memory_used;
    return block;
}

/// Lua's allocator: pooled small blocks, every byte counted against the cap. A call frees and
/// makes about twenty blocks, so the two common cases take a dozen instructions each.
static void *rk_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    rk_runtime *rt = ud;
    if (nsize == 0) {
        if (ptr != NULL) {
            rk_release(rt, ptr, osize);
            rt->memory_used -= osize;
        }
        return NULL;
    }
    if (ptr == NULL && nsize <= RK_POOL_LIMIT) {
        // (osize is then the kind of object, not a size.)
        size_t class = rk_pool_class(nsize);
        void *block = rt->pool[class];
        size_t used = rt->memory_used + nsize;
        if (block != NULL && used <= rt->memory_limit + rt->memory_headroom) {
            rt->pool[class] = *(void **)block;
            rt->memory_used = used;
            if (used > rt->memory_peak) rt->memory_peak = used;
            return block;
        }
    }
    return rk_alloc_slow(rt, ptr, osize, nsize);
}

// MARK: - Budget

static void rk_raise_stop(lua_State *L, rk_runtime *rt) {
    switch (rt->stop) {
    case RK_STOP_BUDGET:
        lua_pushliteral(L, "instruction budget exceeded");
        break;
    case RK_STOP_DEADLINE:
        lua_pushliteral(L, "deadline exceeded");
        break;
    default:
        lua_pushliteral(L, "memory limit exceeded");
        break;
    }
    lua_error(L);
}

static void rk_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    rk_runtime *rt = rk_runtime_of(L);
    if (rt->stop != RK_STOP_NONE) rk_raise_stop(L, rt);
    rt->budget_left -= rt->hook_count;
    if (rt->budget_left <= 0) {
        rk_note_stop(rt, RK_STOP_BUDGET);
        rk_raise_stop(L, rt);
    }
    if (rt->deadline_nanoseconds > 0) {
        int64_t now = rk_now();
        // The deadline runs from the first check, so a call that ends before it (a point rule
        // takes a few dozen instructions) never reads the clock.
        if (rt->deadline_at == 0) {
            rt->deadline_at = now + rt->deadline_nanoseconds;
        } else if (now > rt->deadline_at) {
            rk_note_stop(rt, RK_STOP_DEADLINE);
            rk_raise_stop(L, rt);
        }
    }
    int64_t next = rt->budget_left < rt->check_interval ? rt->budget_left : rt->check_interval;
    // lua_sethook walks the whole call stack (to set traps), so only call it when the count
    // changes: near the end of the budget, not every interval of a deep recursion.
    if (next != rt->hook_count) {
        rt->hook_count = (int32_t)next;
        lua_sethook(L, rk_hook, LUA_MASKCOUNT, rt->hook_count);
    }
}

void rk_charge(lua_State *L, int64_t units) {
    rk_runtime *rt = rk_runtime_of(L);
    if (!rt->operating) return;
    if (rt->stop != RK_STOP_NONE) rk_raise_stop(L, rt);
    rt->budget_left -= units;
    if (rt->budget_left <= 0) {
        rk_note_stop(rt, RK_STOP_BUDGET);
        rk_raise_stop(L, rt);
    }
}

/// A full instruction budget and a fresh deadline; installing the hook also resets its count.
/// The hook stays installed after the operation: no Lua code runs between operations, and one
/// lua_sethook per call is cheaper than two.
static void rk_arm_budget(rk_runtime *rt) {
    rt->budget_left = rt->budget_limit;
    rt->hook_count = (int32_t)(rt->budget_limit < rt->check_interval ? rt->budget_limit : rt->check_interval);
    if (rt->hook_count < 1) rt->hook_count = 1;
    rt->deadline_at = 0; // set by the first check
    lua_sethook(rt->L, rk_hook, LUA_MASKCOUNT, rt->hook_count);
}

static void rk_begin(rk_runtime *rt) {
    rt->stop = RK_STOP_NONE;
    rt->pending_status = RK_OK;
    rt->error_status = RK_OK;
    rt->error_located = false;
    rt->error_line = -1;
    rt->instructions_before = 0;
    rt->operating = true;
    rk_arm_budget(rt);
}

static void rk_end(rk_runtime *rt) {
    rt->operating = false;
    rk_lazy_end(rt);
    rt->memory_headroom = 0;
    // What the budget says was spent; the instructions since the last check are not counted.
    rt->last_instructions = rt->instructions_before + rt->budget_limit - rt->budget_left;
}

// MARK: - Errors

static void rk_set_string(char **field, const char *value) {
    free(*field);
    *field = strdup(value ? value : "");
}

int rk_raise(lua_State *L, int status, const char *format, ...) {
    rk_runtime *rt = rk_runtime_of(L);
    rt->pending_status = status;
    va_list args;
    va_start(args, format);
    lua_pushvfstring(L, format, args);
    va_end(args);
    return lua_error(L);
}

/// The message handler of every protected operation: records message, place and traceback.
static int rk_message_handler(lua_State *L) {
    rk_runtime *rt = rk_runtime_of(L);
    rt->memory_headroom = RK_ERROR_HEADROOM;
    const char *message;
    if (lua_type(L, 1) == LUA_TSTRING) {
        message = lua_tostring(L, 1);
    } else if (lua_type(L, 1) == LUA_TNUMBER) {
        message = lua_pushfstring(L, "%s", lua_tostring(L, 1));
    } else {
        message = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    rk_set_string(&rt->error_message, message);
    rk_locate(rt, L);
    luaL_traceback(L, L, NULL, 1);
    rk_set_string(&rt->error_traceback, lua_tostring(L, -1));
    lua_settop(L, 1);
    return 1;
}

static int rk_status_after(rk_runtime *rt, int lua_status) {
    if (lua_status == LUA_OK) return RK_OK;
    switch (rt->stop) {
    case RK_STOP_BUDGET: return RK_ERR_BUDGET;
    case RK_STOP_DEADLINE: return RK_ERR_DEADLINE;
    case RK_STOP_MEMORY: return RK_ERR_MEMORY;
    default: break;
    }
    if (lua_status == LUA_ERRMEM) return RK_ERR_MEMORY;
    if (rt->pending_status != RK_OK) return rt->pending_status;
    return RK_ERR_RUNTIME;
}

/// Stack slots that stay put between operations.
enum {
    RK_SLOT_HANDLER = 1, // the message handler
    RK_SLOT_CALL = 2,    // rk_call's body, a closure over the resolved functions
};

/// Runs `body(arg)` (or, when `body` is NULL, the call body in its slot) under the budget,
/// inside one lua_pcall with the message handler.
static int rk_protected(rk_runtime *rt, lua_CFunction body, void *arg) {
    lua_State *L = rt->L;
    int base = lua_gettop(L);
    rk_begin(rt);
    if (body) lua_pushcfunction(L, body);
    else lua_pushvalue(L, RK_SLOT_CALL);
    lua_pushlightuserdata(L, arg);
    int status = lua_pcall(L, 1, 0, RK_SLOT_HANDLER);
    rk_end(rt);
    int result = rk_status_after(rt, status);
    if (result != RK_OK) {
        rt->error_status = result;
        if (status == LUA_ERRMEM || status == LUA_ERRERR) {
            // The handler did not run (memory errors bypass it): say what we know.
            if (status == LUA_ERRMEM || rt->error_message == NULL)
                rk_set_string(&rt->error_message, status == LUA_ERRMEM ? "not enough memory" : "error in error handling");
            rk_set_string(&rt->error_traceback, "");
        }
        if (!rt->error_located) {
            rk_set_string(&rt->error_source, "");
            rt->error_line = -1;
        }
    }
    lua_settop(L, base);
    if (result == RK_ERR_MEMORY) lua_gc(L, LUA_GCCOLLECT, 0);
    return result;
}

rk_error_info rk_last_error(const rk_runtime *rt) {
    rk_error_info info = {
        .status = rt->error_status,
        .message = rt->error_message ? rt->error_message : "",
        .source = rt->error_source ? rt->error_source : "",
        .line = rt->error_line,
        .traceback = rt->error_traceback ? rt->error_traceback : "",
    };
    return info;
}

// MARK: - Lifecycle

static int rk_open_body(lua_State *L) {
    (void)lua_touserdata(L, 1);
    return rk_sandbox_open(L);
}

static int rk_call_body(lua_State *L);

/// Puts the fixed slots in place (before the first protected operation).
static bool rk_place_slots(rk_runtime *rt) {
    lua_State *L = rt->L;
    if (!lua_checkstack(L, LUA_MINSTACK)) return false;
    lua_settop(L, 0);
    lua_pushcfunction(L, rk_message_handler);
    lua_pushnil(L); // the call body, once the sandbox exists
    return true;
}

static int rk_make_call_body(lua_State *L) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &rk_key_functions);
    lua_pushcclosure(L, rk_call_body, 1);
    return 1;
}

void rk_set_strict_arguments(rk_runtime *rt, int strict) { rt->strict_arguments = strict != 0; }

void rk_set_limits(rk_runtime *rt, const rk_limits *limits) {
    rt->budget_limit = limits->instructions_per_call > 0 ? limits->instructions_per_call : 1;
    rt->memory_limit = limits->memory_bytes;
    rt->deadline_nanoseconds = limits->deadline_nanoseconds;
    rt->check_interval = limits->check_interval > 0 ? limits->check_interval : 1000;
}

rk_runtime *rk_open(const rk_limits *limits, rk_host_callback callback, void *context) {
    rk_runtime *rt = calloc(1, sizeof *rt);
    if (rt == NULL) return NULL;
    rk_set_limits(rt, limits);
    rt->callback = callback;
    rt->callback_context = context;
    rt->error_line = -1;
    // Opening the libraries needs more than a tiny cap allows; the cap applies from here on.
    rt->L = lua_newstate(rk_alloc, rt);
    if (rt->L == NULL) {
        rk_pool_drain(rt);
        free(rt);
        return NULL;
    }
    *(rk_runtime **)lua_getextraspace(rt->L) = rt;
    lua_setwarnf(rt->L, NULL, NULL);
    if (!rk_place_slots(rt) || rk_protected(rt, rk_open_body, NULL) != RK_OK) {
        rk_close(rt);
        return NULL;
    }
    // The call body closure (allocates, so it is made under protection).
    lua_pushcfunction(rt->L, rk_make_call_body);
    if (lua_pcall(rt->L, 0, 1, RK_SLOT_HANDLER) != LUA_OK) {
        rk_close(rt);
        return NULL;
    }
    lua_replace(rt->L, RK_SLOT_CALL);
    // Every call leaves its argument and result tables as garbage; with the collector waiting
    // until memory is four times what the last cycle kept (instead of twice), it runs half as
    // often. The memory cap still holds: an allocation over it first makes Lua collect in full.
    // (Generational mode saved a little more, but Lua 5.4.4 has a known bug in it after full
    // collections, which the memory cap makes happen.)
    lua_gc(rt->L, LUA_GCINC, 400, 0, 0);
    return rt;
}

void rk_close(rk_runtime *rt) {
    if (rt == NULL) return;
    if (rt->L) lua_close(rt->L);
    rk_pool_drain(rt);
    rk_buffer_free(&rt->results);
    rk_buffer_free(&rt->host_args);
    rk_buffer_free(&rt->host_return);
    free(rt->host_error);
    free(rt->error_message);
    free(rt->error_source);
    free(rt->error_traceback);
    free(rt);
}

size_t rk_memory_in_use(const rk_runtime *rt) { return rt->memory_used; }
size_t rk_memory_peak(const rk_runtime *rt) { return rt->memory_peak; }
int64_t rk_last_instructions(const rk_runtime *rt) { return rt->last_instructions; }

// MARK: - Host functions

typedef struct rk_register_request {
    const char *library, *name;
    int32_t id;
} rk_register_request;

/// Calls host function `id` with every value on the stack; returns its results or raises its
/// error once the host has returned.
int rk_host_invoke(lua_State *L, int32_t id) {
    rk_runtime *rt = rk_runtime_of(L);
    int nargs = lua_gettop(L);
    rk_buffer_reset(&rt->host_args);
    for (int i = 1; i <= nargs; i++) rk_tape_emit(L, &rt->host_args, i, 0);
    lua_Debug ar;
    const char *source = "";
    int line = -1;
    // Only print's lines carry where they were printed; finding the line costs a walk of the
    // function's line table, which every other host call would pay for nothing.
    if (id == RK_HOST_PRINT && lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar)) {
        source = ar.source[0] == '@' || ar.source[0] == '=' ? ar.source + 1 : ar.short_src;
        line = ar.currentline;
    }
    rk_buffer_reset(&rt->host_return);
    rt->host_return_count = 0;
    int failed = rt->callback ? rt->callback(rt->callback_context, rt, id, rk_buffer_tape(&rt->host_args),
                                              (uint32_t)nargs, source, line)
                              : 1;
    // The host has returned: now it is safe to raise.
    if (failed) {
        if (rt->host_error) {
            lua_pushlstring(L, rt->host_error, rt->host_error_length);
            free(rt->host_error);
            rt->host_error = NULL;
        } else {
            lua_pushliteral(L, "host function failed");
        }
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        rt->pending_status = RK_ERR_HOST;
        return lua_error(L);
    }
    rk_tape tape = rk_buffer_tape(&rt->host_return);
    size_t cursor = 0;
    luaL_checkstack(L, (int)rt->host_return_count + LUA_MINSTACK, "too many results from a host function");
    for (uint32_t i = 0; i < rt->host_return_count; i++) rk_tape_push(L, &tape, &cursor, 0);
    return (int)rt->host_return_count;
}

/// The C side of every registered host function (upvalue 1: its id).
static int rk_host_trampoline(lua_State *L) {
    return rk_host_invoke(L, (int32_t)lua_tointeger(L, lua_upvalueindex(1)));
}

static bool rk_buffer_copy(rk_buffer *buffer, rk_tape tape) {
    if (tape.count > buffer->capacity) {
        rk_slot *slots = realloc(buffer->slots, tape.count * sizeof(rk_slot));
        if (slots == NULL) return false;
        buffer->slots = slots;
        buffer->capacity = tape.count;
    }
    if (tape.arena_length > buffer->arena_capacity) {
        char *arena = realloc(buffer->arena, tape.arena_length);
        if (arena == NULL) return false;
        buffer->arena = arena;
        buffer->arena_capacity = tape.arena_length;
    }
    if (tape.count) memcpy(buffer->slots, tape.slots, tape.count * sizeof(rk_slot));
    if (tape.arena_length) memcpy(buffer->arena, tape.arena, tape.arena_length);
    buffer->count = tape.count;
    buffer->arena_length = tape.arena_length;
    return true;
}

int rk_host_return(rk_runtime *rt, rk_tape values, uint32_t nvalues) {
    if (!rk_buffer_copy(&rt->host_return, values)) return RK_ERR_MEMORY;
    rt->host_return_count = nvalues;
    return RK_OK;
}

void rk_host_fail(rk_runtime *rt, const char *message, size_t length) {
    free(rt->host_error);
    rt->host_error = malloc(length + 1);
    if (rt->host_error == NULL) {
        rt->host_error_length = 0;
        return;
    }
    memcpy(rt->host_error, message, length);
    rt->host_error[length] = 0;
    rt->host_error_length = length;
}

static int rk_register_body(lua_State *L) {
    rk_register_request *request = lua_touserdata(L, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &rk_key_base);
    int base = lua_gettop(L);
    int target = base;
    if (request->library) {
        // Libraries are read-only proxies in the base; add to the table behind the proxy.
        if (lua_getfield(L, base, request->library) == LUA_TNIL) {
            lua_pop(L, 1);
            lua_newtable(L);
            rk_expose_library(L, base, lua_gettop(L), request->library);
            lua_pop(L, 1);
            lua_getfield(L, base, request->library);
        }
        if (!rk_push_backing(L, -1)) return rk_raise(L, RK_ERR_ARGUMENTS, "'%s' is not a library", request->library);
        target = lua_gettop(L);
    }
    lua_pushinteger(L, request->id);
    lua_pushcclosure(L, rk_host_trampoline, 1);
    lua_setfield(L, target, request->name);
    return 0;
}

int rk_register_host_function(rk_runtime *rt, const char *library, const char *name, int32_t id) {
    rk_register_request request = {library, name, id};
    return rk_protected(rt, rk_register_body, &request);
}

// MARK: - Loading plugins

typedef struct rk_load_request {
    const char *name, *source;
    size_t length;
    int32_t plugin;
} rk_load_request;

static int rk_load_body(lua_State *L) {
    rk_load_request *request = lua_touserdata(L, 1);
    rk_runtime *rt = rk_runtime_of(L);
    // The plugin's own environment: its globals, reading through to the shared base.
    lua_createtable(L, 0, 8);
    int env = lua_gettop(L);
    lua_createtable(L, 0, 2);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &rk_key_base);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, env);
    lua_pushvalue(L, env);
    lua_setfield(L, env, "_G");

    const char *chunkname = lua_pushfstring(L, "@%s", request->name);
    int status = luaL_loadbufferx(L, request->source, request->length, chunkname, "t");
    if (status != LUA_OK) {
        rt->pending_status = status == LUA_ERRSYNTAX ? RK_ERR_SYNTAX : RK_ERR_RUNTIME;
        if (status == LUA_ERRSYNTAX && strstr(lua_tostring(L, -1), "attempt to load a binary chunk"))
            lua_pushfstring(L, "%s: precompiled (binary) chunks are refused; load the plugin's source text", request->name);
        return lua_error(L);
    }
    lua_pushvalue(L, env);
    lua_setupvalue(L, -2, 1);
    lua_call(L, 0, 1);
    int exports = lua_gettop(L);

    // Nothing the plugin built while loading may change afterwards: its globals, the table it
    // returned and every table they reach become read-only.
    rk_deep_freeze(L, exports);
    rk_deep_freeze(L, env);
    rk_freeze_in_place(L, env, "the plugin's globals");
    // Globals then resolve in one step: the plugin's own, then the base's, in one table.
    rk_push_backing(L, env);
    lua_pushnil(L);
    lua_setmetatable(L, -2);
    rk_inherit_base(L, lua_gettop(L));
    lua_pop(L, 1);

    lua_rawgetp(L, LUA_REGISTRYINDEX, &rk_key_plugins);
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, env);
    lua_setfield(L, -2, "env");
    lua_pushvalue(L, exports);
    lua_setfield(L, -2, "exports");
    lua_pushstring(L, request->name);
    lua_setfield(L, -2, "name");
    rt->plugin_count++;
    lua_rawseti(L, -2, rt->plugin_count);
    request->plugin = rt->plugin_count;
    return 0;
}

int rk_load(rk_runtime *rt, const char *name, const char *source, size_t length, int32_t *plugin) {
    rk_load_request request = {name, source, length, 0};
    int status = rk_protected(rt, rk_load_body, &request);
    if (status == RK_OK) *plugin = request.plugin;
    return status;
}

// MARK: - Resolving functions

typedef struct rk_resolve_request {
    int32_t plugin;
    const char *path;
    int32_t function;
} rk_resolve_request;

/// Looks up a dotted path in the table at the top, replacing it with the result (or nil). With
/// `raw_first`, the first name is looked up without metamethods (a plugin's own globals only).
static void rk_lookup_path(lua_State *L, const char *path, bool raw_first) {
    const char *part = path;
    while (!lua_isnil(L, -1)) {
        const char *dot = strchr(part, '.');
        size_t length = dot ? (size_t)(dot - part) : strlen(part);
        if (!lua_istable(L, -1)) {
            lua_pop(L, 1);
            lua_pushnil(L);
            return;
        }
        lua_pushlstring(L, part, length);
        if (raw_first && part == path) lua_rawget(L, -2);
        else lua_gettable(L, -2);
        lua_remove(L, -2);
        if (dot == NULL) return;
        part = dot + 1;
    }
}

static int rk_resolve_body(lua_State *L) {
    rk_resolve_request *request = lua_touserdata(L, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &rk_key_plugins);
    if (lua_rawgeti(L, -1, request->plugin) != LUA_TTABLE)
        return rk_raise(L, RK_ERR_ARGUMENTS, "no plugin with id %d in this runtime", (int)request->plugin);
    int plugin = lua_gettop(L);
    lua_getfield(L, plugin, "exports");
    rk_lookup_path(L, request->path, false);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_getfield(L, plugin, "env");
        if (rk_push_backing(L, -1)) lua_remove(L, -2);
        rk_lookup_path(L, request->path, true);
        // The plugin's globals table also holds the base functions; those are not the plugin's.
        const char *dot = strchr(request->path, '.');
        lua_rawgetp(L, LUA_REGISTRYINDEX, &rk_key_base);
        lua_pushlstring(L, request->path, dot ? (size_t)(dot - request->path) : strlen(request->path));
        lua_rawget(L, -2);
        bool inherited = dot == NULL && lua_rawequal(L, -1, -3);
        lua_pop(L, 2);
        if (inherited) {
            lua_pop(L, 1);
            lua_pushnil(L);
        }
    }
    if (!lua_isfunction(L, -1)) {
        lua_getfield(L, plugin, "name");
        return rk_raise(L, RK_ERR_NOT_FOUND, "%s: no function '%s' (the plugin %s)", lua_tostring(L, -1),
                        request->path, lua_isnil(L, -2) ? "does not define it" : "defines it, but not as a function");
    }
    lua_rawgetp(L, LUA_REGISTRYINDEX, &rk_key_functions);
    lua_insert(L, -2);
    request->function = luaL_ref(L, -2);
    return 0;
}

int rk_resolve(rk_runtime *rt, int32_t plugin, const char *path, int32_t *function) {
    rk_resolve_request request = {plugin, path, 0};
    int status = rk_protected(rt, rk_resolve_body, &request);
    if (status == RK_OK) *function = request.function;
    return status;
}

// MARK: - Inspecting plugins

/// Copies the table at `src` into a new plain table (pushed), leaving out functions: their
/// dotted paths go into the sequence at `functions` instead. Data the plugin declared (its name,
/// its tiers, its test cases) can then cross to the host like any result.
static void rk_copy_without_functions(lua_State *L, int src, int functions, const char *path, int depth) {
    if (depth >= 16) rk_raise(L, RK_ERR_RESULT, "the plugin's table nests more than 16 deep at '%s'", path);
    luaL_checkstack(L, 8, "plugin table nests too deeply");
    bool view;
    int data = rk_push_data(L, src, &view);
    lua_newtable(L);
    int copy = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, data)) {
        int key = lua_gettop(L) - 1, value = key + 1;
        if (view && rk_is_view_key(L, key)) {
            lua_pop(L, 1);
            continue;
        }
        const char *child;
        if (lua_type(L, key) == LUA_TSTRING)
            child = *path ? lua_pushfstring(L, "%s.%s", path, lua_tostring(L, key)) : lua_pushstring(L, lua_tostring(L, key));
        else if (lua_isinteger(L, key))
            child = *path ? lua_pushfstring(L, "%s.%I", path, (LUAI_UACINT)lua_tointeger(L, key))
                          : lua_pushfstring(L, "%I", (LUAI_UACINT)lua_tointeger(L, key));
        else
            child = lua_pushstring(L, path);
        if (lua_isfunction(L, value)) {
            lua_rawseti(L, functions, (lua_Integer)lua_rawlen(L, functions) + 1);
        } else if (lua_istable(L, value)) {
            rk_copy_without_functions(L, value, functions, child, depth + 1);
            lua_pushvalue(L, key);
            lua_insert(L, -2);
            lua_rawset(L, copy);
            lua_pop(L, 1);
        } else {
            lua_pop(L, 1);
            lua_pushvalue(L, key);
            lua_pushvalue(L, value);
            lua_rawset(L, copy);
        }
        lua_pop(L, 1);
    }
    lua_remove(L, data);
}

static int rk_inspect_body(lua_State *L) {
    int32_t *plugin = lua_touserdata(L, 1);
    rk_runtime *rt = rk_runtime_of(L);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &rk_key_plugins);
    if (lua_rawgeti(L, -1, *plugin) != LUA_TTABLE)
        return rk_raise(L, RK_ERR_ARGUMENTS, "no plugin with id %d in this runtime", (int)*plugin);
    lua_getfield(L, -1, "exports");
    int exports = lua_gettop(L);
    lua_createtable(L, 0, 2);
    int result = lua_gettop(L);
    lua_newtable(L);
    int functions = lua_gettop(L);
    if (lua_istable(L, exports)) {
        rk_copy_without_functions(L, exports, functions, "", 0);
        lua_setfield(L, result, "values");
    } else if (lua_isfunction(L, exports)) {
        lua_pushstring(L, "");
        lua_rawseti(L, functions, 1);
    } else {
        lua_pushvalue(L, exports);
        lua_setfield(L, result, "values");
    }
    lua_setfield(L, result, "functions");
    rk_buffer_reset(&rt->results);
    rk_tape_emit(L, &rt->results, result, 0);
    rt->result_count = 1;
    return 0;
}

int rk_inspect(rk_runtime *rt, int32_t plugin) {
    rt->result_count = 0;
    return rk_protected(rt, rk_inspect_body, &plugin);
}

// MARK: - Calling

typedef struct rk_call_request {
    const int32_t *functions;
    uint32_t function_count;
    rk_tape args;
    uint32_t nargs;
    /// The function running; after a failure, the one that failed.
    uint32_t running;
} rk_call_request;

/// Between the functions of one rk_call_each: a budget, deadline and random seed of its own,
/// as if it were a call of its own.
static void rk_restart(rk_runtime *rt) {
    rt->instructions_before += rt->budget_limit - rt->budget_left;
    rt->random_seeded = false;
    rk_arm_budget(rt);
}

static int rk_call_body(lua_State *L) {
    rk_call_request *request = lua_touserdata(L, 1);
    rk_runtime *rt = rk_runtime_of(L);
    // One function returns all its results; several return their first result each.
    bool each = request->function_count != 1;
    rk_buffer_reset(&rt->results);
    uint32_t results = 0;
    for (uint32_t f = 0; f < request->function_count; f++) {
        request->running = f;
        if (f > 0) rk_restart(rt);
        if (lua_rawgeti(L, lua_upvalueindex(1), request->functions[f]) != LUA_TFUNCTION)
            return rk_raise(L, RK_ERR_ARGUMENTS, "no function with id %d in this runtime", (int)request->functions[f]);
        int top = lua_gettop(L) - 1;
        luaL_checkstack(L, (int)request->nargs + LUA_MINSTACK, "too many arguments");
        // Every function gets tables of its own, built from the same tape.
        size_t cursor = 0;
        for (uint32_t i = 0; i < request->nargs; i++) rk_tape_push_argument(L, &request->args, &cursor);
        if (cursor != request->args.count)
            return rk_raise(L, RK_ERR_ARGUMENTS, "argument tape has %d slots but %d values used %d",
                            (int)request->args.count, (int)request->nargs, (int)cursor);
        lua_call(L, (int)request->nargs, each ? 1 : LUA_MULTRET);
        int count = lua_gettop(L) - top;
        for (int i = 1; i <= count; i++) rk_tape_emit(L, &rt->results, top + i, 0);
        results += (uint32_t)count;
        lua_settop(L, top);
        rk_lazy_next_function(rt);
    }
    rt->result_count = results;
    return 0;
}

int rk_call(rk_runtime *rt, int32_t function, rk_tape args, uint32_t nargs, uint64_t seed) {
    uint32_t failed;
    return rk_call_each(rt, &function, 1, args, nargs, seed, &failed);
}

int rk_call_each(rk_runtime *rt, const int32_t *functions, uint32_t count, rk_tape args, uint32_t nargs, uint64_t seed,
                 uint32_t *failed) {
    rk_call_request request = {functions, count, args, nargs, 0};
    rt->random_seed = seed;
    rt->random_seeded = false;
    rt->result_count = 0;
    int status = rk_protected(rt, NULL, &request);
    *failed = request.running;
    return status;
}

rk_tape rk_results(const rk_runtime *rt, uint32_t *nvalues) {
    *nvalues = rt->result_count;
    return rk_buffer_tape(&rt->results);
}
