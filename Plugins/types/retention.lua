---@meta
-- LuaLS definitions for RetentionKit plugins: point your editor's Lua language server at this
-- folder (for example `"workspace.library": ["Plugins/types"]`) for completion and type checks.
-- Amounts are integers of the currency's minor unit (cents for USD); never floats.

---One line of an order.
---@class OrderLine
---@field sku string
---@field category string
---@field quantity integer
---@field unit_price integer  price of one unit, in minor units

---An order as events carry it.
---@class Order
---@field id string
---@field customer_id string
---@field currency string      ISO 4217 code, e.g. "USD"
---@field decimals? integer    digits of the currency's minor unit (2 when absent)
---@field channel? string
---@field lines OrderLine[]
---@field shipping? integer
---@field tax? integer
---@field discount? integer
---@field total integer

---An event the engine applies. Argument tables are fresh for every call and protected: adding
---a field raises an error, and nothing a script writes reaches the engine.
---@class Event
---@field id string      unique; the idempotency key
---@field type string    e.g. "order_placed"
---@field at string      ISO 8601 time
---@field order? Order

---What the rules see of a customer.
---@class Customer
---@field id string
---@field email? string
---@field order_count integer  orders placed before this event
---@field total_spent integer  in minor units

---One award a rule makes.
---@class Award
---@field points integer
---@field reason string
---@field pending_days? integer

---What a plugin file returns.
---@class Plugin
---@field name string                     unique among loaded plugins
---@field api integer                     the plugin API version (1)
---@field earn? fun(event: Event, customer: Customer): Award[]
