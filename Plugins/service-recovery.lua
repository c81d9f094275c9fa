-- service-recovery: starts the service-recovery campaign after a bad experience.
--
-- Asks for the "service_recovery" campaign when a customer returns goods, gets a refund, or
-- posts a review rated at or below a threshold.
--
-- Configuration (retention.config):
--   service_recovery.low_rating  the highest review rating that counts as bad (default 2)

local LOW_RATING = retention.config("service_recovery.low_rating", 2)

---@param event Event
---@return CampaignRequest[]?
local function triggers(event, _)
  if event.type == "order_returned" then
    return { { campaign = "service_recovery", reason = "returned goods from order " .. event.order_id } }
  elseif event.type == "order_refunded" then
    return { { campaign = "service_recovery", reason = "refunded on order " .. event.order_id } }
  elseif event.type == "review_posted" and event.review.rating <= LOW_RATING then
    return { { campaign = "service_recovery", reason = "rated " .. event.review.sku .. " " .. event.review.rating .. " of 5" } }
  end
  return nil
end

return {
  name = "service-recovery",
  api = 1,
  version = "1",
  description = "Service-recovery campaign after a return, a refund or a low review.",
  triggers = triggers,
  triggers_on = { "order_returned", "order_refunded", "review_posted" },  -- the engine asks `triggers` about these events only
  tests = {
    {
      name = "a return and a one-star review start the campaign; a five-star review does not",
      events = {
        { id = "c1", type = "customer_created", at = "2025-03-01T09:00:00Z", customer = { id = "ana", email = "ana@example.com" } },
        { id = "o1", type = "order_placed", at = "2025-03-01T10:00:00Z", order = {
          id = "1", customer_id = "ana", currency = "USD", total = "20.00",
          lines = { { sku = "MUG", quantity = 2, unit_price = "10.00" } } } },
        { id = "x1", type = "order_returned", at = "2025-03-05T10:00:00Z", order_id = "1", customer_id = "ana" },
        { id = "r1", type = "review_posted", at = "2025-03-06T09:00:00Z", review = { id = "r1", customer_id = "ana", sku = "MUG", rating = 1 } },
        { id = "r2", type = "review_posted", at = "2025-03-07T09:00:00Z", review = { id = "r2", customer_id = "ana", sku = "BEANS", rating = 5 } },
      },
      expect = { ana = { campaigns = { "service_recovery", "service_recovery" } } },
    },
  },
}
