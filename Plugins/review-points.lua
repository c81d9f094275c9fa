-- review-points: points for a product review, more with a photo or video.
--
-- On review_posted, the customer earns for the first review of each product
-- (customer.rewarded_review_skus lists the products already rewarded; a removed review's
-- product can earn again). The points are available at once. When a review is removed, the
-- engine takes its points back.
--
-- The same program as RetentionKit's built-in ReviewPoints rule.
--
-- Configuration (retention.config):
--   review_points.points             points for a text review (default 20)
--   review_points.with_media_points  points for a review with a photo or video (default 50)

local POINTS = retention.config("review_points.points", 20)
local WITH_MEDIA = retention.config("review_points.with_media_points", 50)

---@param event Event
---@param customer Customer
---@return Award[]|string|nil
local function earn(event, customer)
  if event.type ~= "review_posted" then return nil end
  local review = event.review
  if customer.rewarded_review_skus[review.sku] then
    return "a review of " .. review.sku .. " was rewarded already (one per product)"
  end
  local points = review.has_media and WITH_MEDIA or POINTS
  if points <= 0 then return nil end
  return { { points = points, reason = review.has_media and "review with photo or video" or "review", pending_days = 0 } }
end

return {
  name = "review-points",
  api = 1,
  version = "1",
  description = "Points for the first review of each product, more with a photo or video.",
  earn = earn,
  earn_on = { "review_posted" },  -- the engine asks `earn` about these events only
  tests = {
    {
      name = "a review with a photo earns more; a second review of the product earns nothing",
      events = {
        { id = "c1", type = "customer_created", at = "2025-03-01T09:00:00Z", customer = { id = "ana", email = "ana@example.com" } },
        { id = "r1", type = "review_posted", at = "2025-03-02T09:00:00Z", review = { id = "r1", customer_id = "ana", sku = "MUG", rating = 5, has_media = true } },
        { id = "r2", type = "review_posted", at = "2025-03-03T09:00:00Z", review = { id = "r2", customer_id = "ana", sku = "MUG", rating = 4 } },
        { id = "r3", type = "review_posted", at = "2025-03-04T09:00:00Z", review = { id = "r3", customer_id = "ana", sku = "BEANS", rating = 4 } },
      },
      expect = { ana = { available = 70 } },
    },
  },
}
