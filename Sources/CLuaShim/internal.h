// Shared between the shim's files; not part of the public header.
#ifndef CLUASHIM_INTERNAL_H
#define CLUASHIM_INTERNAL_H

#include "CLuaShim.h"
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdbool.h>

/// Why the running operation was stopped. Once set, every further VM instruction raises again,
/// so a script's own pcall cannot swallow the stop and go on.
typedef enum rk_stop {
    RK_STOP_NONE = 0,
    RK_STOP_BUDGET,
    RK_STOP_MEMORY,
    RK_STOP_DEADLINE,
} rk_stop;

/// A growable tape owned by C (results, host-call arguments, host-call results).
typedef struct rk_buffer {
    rk_slot *slots;
    size_t count, capacity;
    char *arena;
    size_t arena_length, arena_capacity;
} rk_buffer;

/// An on-demand argument table of the running call (see lazy.c).
typedef struct rk_lazy_table {
    const void *table;
    rk_tape tape;
    size_t header;  // the table's slot in the tape; its fields follow
    uint32_t count; // how many fields it has
    bool complete;  // every field has been made
} rk_lazy_table;

/// On-demand tables one call can have (its arguments).
#define RK_LAZY_MAX_TABLES 8

/// Small blocks are kept on free lists by size class, 16 bytes apart up to RK_POOL_LIMIT.
#define RK_POOL_STEP 16
#define RK_POOL_LIMIT 256
#define RK_POOL_CLASSES (RK_POOL_LIMIT / RK_POOL_STEP)

struct rk_runtime {
    lua_State *L;

    /// Free small blocks by size class (each links to the next through its first word).
    void *pool[RK_POOL_CLASSES];

    // Memory cap (the allocator's accounting).
    size_t memory_used, memory_peak, memory_limit;
    /// Extra bytes allowed while an error report is built, so a memory stop can still be described.
    size_t memory_headroom;

    // Instruction budget and deadline of the running operation.
    int64_t budget_limit, budget_left;
    int32_t check_interval, hook_count;
    int64_t deadline_nanoseconds, deadline_at;
    rk_stop stop;
    bool operating;
    int64_t last_instructions;
    /// Spent by the functions of an rk_call_each before the running one.
    int64_t instructions_before;

    /// math.random's state (xoshiro256**), seeded per call, lazily: on the first draw.
    uint64_t random_state[4];
    uint64_t random_seed;
    bool random_seeded;

    /// Whether protected argument tables are strict proxies rather than guarded copies.
    bool strict_arguments;
    /// Registry references (luaL_ref) of the shared metatables of guarded and on-demand
    /// argument tables. Every argument table gets one, and an integer key is found in the
    /// registry's array part without hashing, where a light-userdata key is hashed each time.
    int guard_ref, lazy_ref;

    /// The running call's on-demand argument tables.
    rk_lazy_table lazy_tables[RK_LAZY_MAX_TABLES];
    uint32_t lazy_table_count;

    rk_host_callback callback;
    void *callback_context;

    rk_buffer results;
    uint32_t result_count;
    rk_buffer host_args;
    rk_buffer host_return;
    uint32_t host_return_count;
    char *host_error;
    size_t host_error_length;

    /// Set before the shim raises an error of its own, so the report gets the right status.
    int pending_status;

    // The last error.
    int error_status;
    char *error_message, *error_source, *error_traceback;
    int error_line;
    bool error_located;

    int32_t plugin_count;
};

/// The runtime a state belongs to (kept in the state's extra space).
static inline rk_runtime *rk_runtime_of(lua_State *L) {
    return *(rk_runtime **)lua_getextraspace(L);
}

// Registry keys (their addresses are the keys).
extern const char rk_key_base;      // the sandbox's base environment (read-only to scripts)
extern const char rk_key_plugins;   // plugin id -> { env = ..., exports = ... }
extern const char rk_key_functions; // resolved functions (luaL_ref)

// runtime.c
/// Charges `units` instructions of C work to the running operation; raises when spent.
void rk_charge(lua_State *L, int64_t units);

// sandbox.c
/// Opens the allowed libraries and builds the read-only base environment. Runs protected.
int rk_sandbox_open(lua_State *L);
/// Creates the read-only metatable guard for the table at the top: the table is moved into a
/// backing table and `idx` becomes an empty proxy reading through to it.
void rk_freeze_in_place(lua_State *L, int idx, const char *what);
/// Freezes, in place, every plain table reachable from the value at `idx` (through tables and
/// the upvalues of Lua functions).
void rk_deep_freeze(lua_State *L, int idx);
/// If the table at `idx` is a read-only view or proxy, pushes the table holding its data and
/// returns true; otherwise pushes nothing and returns false.
bool rk_push_backing(lua_State *L, int idx);
/// Pushes the table holding the data of the table at `idx` (its backing table when it is a
/// proxy or view, else itself) and returns its index; `*is_view` tells whether it is a strict
/// view, whose data table also holds the view's metamethods (skip them with rk_is_view_key).
int rk_push_data(lua_State *L, int idx, bool *is_view);
/// Whether `key` (a string at the top) is one of the metamethod names of a read-only view.
bool rk_is_view_key(lua_State *L, int idx);
/// __newindex of read-only tables: raises the error that says the table cannot be written (its
/// upvalue, when present, names what the table is).
int rk_readonly_newindex(lua_State *L);
/// Replaces the freshly built argument table at the top with a strict read-only view of it.
/// (A guarded table gets the shared guard as its metatable instead: see rk_push_table.)
void rk_make_strict_view(lua_State *L, bool is_array);
/// Copies every entry of the base environment that the table at `idx` lacks into it.
void rk_inherit_base(lua_State *L, int idx);
/// Sets base[name] (the table at `base`) to a read-only proxy of the library table at `library`.
void rk_expose_library(lua_State *L, int base, int library, const char *name);
/// Calls host function `id` with the values on the stack (runtime.c).
int rk_host_invoke(lua_State *L, int32_t id);
/// The seeded generator.
void rk_random_seed(rk_runtime *rt, uint64_t seed);

// pattern.c
/// Replaces string.find/match/gmatch/gsub in the string table at `idx` with bounded versions.
void rk_install_patterns(lua_State *L, int idx);

// tape.c
/// Pushes the next value of the tape (advancing *cursor). Raises on a malformed tape. The caller
/// leaves LUA_MINSTACK stack slots free (as a C function finds on entry); only tables nested
/// deeper than a few levels check for more.
void rk_tape_push(lua_State *L, const rk_tape *tape, size_t *cursor, int depth);
/// Appends the value at `idx` to the buffer. Raises (RK_ERR_RESULT) for values that cannot cross.
void rk_tape_emit(lua_State *L, rk_buffer *buffer, int idx, int depth);
void rk_buffer_reset(rk_buffer *buffer);
void rk_buffer_free(rk_buffer *buffer);
rk_tape rk_buffer_tape(const rk_buffer *buffer);
// lazy.c
/// Pushes the next argument of a call (advancing *cursor): an on-demand table when the tape
/// asks for one and the runtime's tables are guarded, else as rk_tape_push does.
void rk_tape_push_argument(lua_State *L, const rk_tape *tape, size_t *cursor);
/// Whether the table at `idx` is an on-demand argument table.
bool rk_is_lazy(lua_State *L, int idx);
/// Makes every field of the on-demand table at `idx` that is not made yet (for traversals).
void rk_lazy_complete(lua_State *L, int idx);
/// The __newindex of on-demand tables (compared to recognise them as protected).
int rk_lazy_newindex(lua_State *L);
/// rawget that sees the fields of on-demand tables not made yet.
int rk_lazy_rawget(lua_State *L);
/// Between the functions of one rk_call_each: the last function's tables are stale.
void rk_lazy_next_function(rk_runtime *rt);
/// Forgets the running operation's on-demand tables (their tape is about to go).
void rk_lazy_end(rk_runtime *rt);
/// Creates the shared metatable of on-demand tables (rt->lazy_ref). Runs protected.
void rk_lazy_open(lua_State *L);

/// Raises a shim error with the given status and message.
int rk_raise(lua_State *L, int status, const char *format, ...);

/// Raises "argument tape ends early": a table on `tape` says it has more entries than follow.
__attribute__((noreturn)) void rk_raise_tape_end(lua_State *L, const rk_tape *tape);

/// The bytes of the string at `slot` of `tape`; raises when they lie outside the tape's arena.
static inline const char *rk_tape_string(lua_State *L, const rk_tape *tape, const rk_slot *slot) {
    if (slot->bits < 0 || (size_t)slot->bits + slot->len > tape->arena_length)
        rk_raise(L, RK_ERR_ARGUMENTS, "argument string lies outside the tape's arena");
    return tape->arena + slot->bits;
}

#endif
