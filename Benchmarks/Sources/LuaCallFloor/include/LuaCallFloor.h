// The floor for a Lua call: stock Lua 5.4, plain lua_pcall, no sandbox, no hook, no memory cap.
#ifndef LUA_CALL_FLOOR_H
#define LUA_CALL_FLOOR_H

#include <stddef.h>
#include <stdint.h>

/// One order line as the host holds it.
typedef struct floor_line {
    const char *sku;
    size_t sku_length;
    const char *category;
    size_t category_length;
    int64_t quantity;
    int64_t unit_price;
} floor_line;

/// One order as the host holds it.
typedef struct floor_order {
    const char *id;
    size_t id_length;
    const char *customer_id;
    size_t customer_id_length;
    const char *currency;
    size_t currency_length;
    int64_t total;
    int first_order;
    const floor_line *lines;
    size_t line_count;
} floor_order;

typedef struct floor_state floor_state;

/// A plain state with the standard libraries and `source` loaded; `function` is the field of
/// the table the chunk returns. NULL on failure.
floor_state *floor_open(const char *source, const char *function);
/// Installs a count hook that does nothing, every 1,000 instructions as RetentionLua's budget
/// checks: what the budget alone costs, since stock Lua calls into its hook code on every VM
/// instruction once a count hook is set.
void floor_set_count_hook(floor_state *state);
void floor_close(floor_state *state);

/// Calls the function `count` times, each time with a fresh order table built from `order`;
/// returns the sum of the integer results (or INT64_MIN on an error).
int64_t floor_call(floor_state *state, const floor_order *order, int64_t count);

#endif
