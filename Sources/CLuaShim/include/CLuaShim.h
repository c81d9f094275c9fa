// CLuaShim: the only C in RetentionKit.
//
// Swift never touches the Lua API directly. Everything that can raise a Lua error (building
// argument tables, calling a script, reading its results, loading a chunk) runs here, inside one
// protected call per operation, so a Lua error never unwinds through Swift frames. Values cross
// the boundary as a flat "tape" of `rk_slot`s that Swift writes and C reads, or C writes and
// Swift reads.
#ifndef CLUASHIM_H
#define CLUASHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One Lua runtime: a sandboxed lua_State with its budgets, its plugins and its tapes.
typedef struct rk_runtime rk_runtime;

// MARK: - The value tape

/// What a slot holds.
typedef enum rk_tag {
    RK_NIL = 0,
    RK_FALSE = 1,
    RK_TRUE = 2,
    /// A Lua integer; `bits` is the value.
    RK_INT = 3,
    /// A Lua float; `bits` is the IEEE-754 bit pattern.
    RK_NUM = 4,
    /// A string in the tape's arena: `bits` is the offset, `len` the byte count.
    RK_STR = 5,
    /// A string that lives for the whole process (a Swift StaticString): `bits` is its address,
    /// `len` its byte count, and it ends with a NUL. Lua caches these by address.
    RK_STATIC_STR = 6,
    /// A table: `len` array entries and `bits` keyed entries follow, in any order. A keyed entry
    /// is a key slot (RK_KEY_*) followed by the value.
    RK_TABLE = 7,
    /// Key slots, only inside tables: the same payloads as RK_STR, RK_STATIC_STR and RK_INT.
    RK_KEY_STR = 8,
    RK_KEY_STATIC_STR = 9,
    RK_KEY_INT = 10,
    /// A date, made into its ISO 8601 text ("2026-03-14") only when Lua receives it: `bits` is
    /// the day number (days from 1970-01-01), of a year from 0 to 9999. Argument tapes only.
    RK_DAY = 11,
} rk_tag;

/// The day numbers an RK_DAY slot may hold: 0000-01-01 and 9999-12-31.
enum { RK_DAY_FIRST = -719528, RK_DAY_LAST = 2932896 };

/// Flags on an RK_TABLE slot.
enum {
    /// The table is protected from the script's writes, as rk_set_strict_arguments chooses.
    RK_FLAG_READONLY = 1,
    /// With RK_FLAG_READONLY, on a call's argument (not a nested table) and under guarded
    /// tables: the fields are made when a script first reads them.
    RK_FLAG_ON_DEMAND = 2,
};

/// One tape entry. 16 bytes; see rk_tag for what `len` and `bits` mean. `span`, on a table's
/// header, is 1 + the number of slots its entries take, so a reader can step over the table at
/// once; 0 when not recorded (or too large to record), and a reader then walks the entries.
typedef struct rk_slot {
    uint8_t tag;
    uint8_t flags;
    uint16_t span;
    uint32_t len;
    int64_t bits;
} rk_slot;

/// A tape: slots plus the arena their strings point into.
typedef struct rk_tape {
    const rk_slot *slots;
    size_t count;
    const char *arena;
    size_t arena_length;
} rk_tape;

// MARK: - Status and errors

typedef enum rk_status {
    RK_OK = 0,
    /// A Lua runtime error (error(), arithmetic on nil, ...).
    RK_ERR_RUNTIME = 1,
    /// The chunk did not compile, or was not text.
    RK_ERR_SYNTAX = 2,
    /// The state's memory cap was reached.
    RK_ERR_MEMORY = 3,
    /// The call used up its instruction budget.
    RK_ERR_BUDGET = 4,
    /// The call ran past its wall-clock deadline.
    RK_ERR_DEADLINE = 5,
    /// A returned value cannot cross to the host (a function, a cycle, a bad key).
    RK_ERR_RESULT = 6,
    /// The named function does not exist in the plugin.
    RK_ERR_NOT_FOUND = 7,
    /// A host function reported an error.
    RK_ERR_HOST = 8,
    /// The argument tape was malformed (a host programming error).
    RK_ERR_ARGUMENTS = 9,
    /// The runtime could not be created.
    RK_ERR_STATE = 10,
} rk_status;

/// The last error of a runtime; strings stay valid until the next operation.
typedef struct rk_error_info {
    int status;
    /// The error message as Lua produced it (it may start with "source:line:").
    const char *message;
    /// The chunk name where the error happened (without Lua's '@'), or "" when unknown.
    const char *source;
    /// The line in `source`, or -1 when unknown.
    int line;
    /// Lua's traceback, or "".
    const char *traceback;
} rk_error_info;

// MARK: - Limits

typedef struct rk_limits {
    /// VM instructions one call may execute (bounded pattern steps and other C work are charged too).
    int64_t instructions_per_call;
    /// Bytes the whole state may hold.
    size_t memory_bytes;
    /// Wall-clock nanoseconds one call may take; 0 for none. A backstop: the budget is the real limit.
    int64_t deadline_nanoseconds;
    /// How many instructions run between two budget checks (the deadline is checked then too).
    int32_t check_interval;
} rk_limits;

// MARK: - Host functions

/// Called when a script calls a host function. `args` holds the arguments (as a tape of
/// `nargs` values). Return 0 after setting a result with rk_host_return, or non-zero after
/// setting an error with rk_host_fail; C raises the error after this function has returned.
/// `caller_source` and `caller_line` say where `print` was called ("" and -1 for every other
/// function: finding the line has a cost that only print's log lines need).
typedef int (*rk_host_callback)(void *context, rk_runtime *runtime, int32_t function_id,
                                rk_tape args, uint32_t nargs,
                                const char *caller_source, int caller_line);

/// The host function id reserved for `print`: one string argument, the line to log.
#define RK_HOST_PRINT 0

// MARK: - Lifecycle

/// Creates a sandboxed runtime. Returns NULL if the state cannot be created (out of memory or
/// a limit too small for the standard libraries).
rk_runtime *rk_open(const rk_limits *limits, rk_host_callback callback, void *context);
void rk_close(rk_runtime *runtime);

/// Replaces the limits for the following operations.
void rk_set_limits(rk_runtime *runtime, const rk_limits *limits);

/// How protected argument tables (RK_FLAG_READONLY) are built. Not strict (the default): a fresh
/// table with a shared guard, so adding a field raises and overwriting one changes only this
/// call's copy. Strict: an empty proxy over the data, so every write raises (slower).
void rk_set_strict_arguments(rk_runtime *runtime, int strict);

/// Bytes the state holds now, and the most it has held.
size_t rk_memory_in_use(const rk_runtime *runtime);
size_t rk_memory_peak(const rk_runtime *runtime);

/// Instructions the last operation executed (to the nearest check interval, charges included).
int64_t rk_last_instructions(const rk_runtime *runtime);

/// The last error.
rk_error_info rk_last_error(const rk_runtime *runtime);

// MARK: - Operations (each one protected call)

/// Exposes host function `function_id` to scripts as `library.name` (or the global `name` when
/// library is NULL). Libraries are read-only to scripts. Call before loading plugins.
int rk_register_host_function(rk_runtime *runtime, const char *library, const char *name,
                              int32_t function_id);

/// Loads a plugin from source text under the chunk name `name` (binary chunks are refused),
/// runs it in a fresh environment of its own, and freezes what it defined. On success
/// `*plugin` identifies it.
int rk_load(rk_runtime *runtime, const char *name, const char *source, size_t length,
            int32_t *plugin);

/// Finds a function of a plugin by a dotted path ("earn", "segments.at_risk"): first in the
/// table the chunk returned, then among its globals. On success `*function` identifies it.
int rk_resolve(rk_runtime *runtime, int32_t plugin, const char *path, int32_t *function);

/// Describes what a plugin's chunk returned, as one result table: `values`, a copy of it without
/// its functions, and `functions`, the dotted paths of the functions it holds ("earn",
/// "segments.at_risk"; "" when the chunk returned a function itself).
int rk_inspect(rk_runtime *runtime, int32_t plugin);

/// Calls a resolved function with `nargs` values from `args`. `seed` seeds math.random for this
/// call. On success the results are in rk_results until the next operation.
int rk_call(rk_runtime *runtime, int32_t function, rk_tape args, uint32_t nargs, uint64_t seed);

/// Calls `count` resolved functions in turn, each with `nargs` values from `args` in tables of its
/// own, under a budget and deadline of its own, with math.random seeded from `seed` for each, as
/// `count` rk_calls would, in one protected call. On success rk_results holds each function's
/// first result (nil when it returned none), in order; on failure `*failed` is the index of the
/// function that failed, and nothing after it ran.
int rk_call_each(rk_runtime *runtime, const int32_t *functions, uint32_t count, rk_tape args, uint32_t nargs,
                 uint64_t seed, uint32_t *failed);

/// The values the last rk_call or rk_call_each returned (`*nvalues` of them).
rk_tape rk_results(const rk_runtime *runtime, uint32_t *nvalues);

/// From a host callback: the values to return to the script (copied before the callback returns).
int rk_host_return(rk_runtime *runtime, rk_tape values, uint32_t nvalues);
/// From a host callback: the error message to raise in the script.
void rk_host_fail(rk_runtime *runtime, const char *message, size_t length);

#ifdef __cplusplus
}
#endif

#endif
