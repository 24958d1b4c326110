-- A mixed shop load for wrk (bench/memory.sh): anonymous browsing, a
-- visitor with a cart browsing, and new visitors putting something in
-- their cart (a new session each). Environment: WINKEL_BENCH_COOKIE (a
-- real session cookie, name=value), WINKEL_BENCH_PRODUCTS (slugs,
-- space-separated), WINKEL_BENCH_PRODUCT_IDS (their ids, the same order).
local cookie = os.getenv("WINKEL_BENCH_COOKIE")
local slugs, ids = {}, {}
for s in string.gmatch(os.getenv("WINKEL_BENCH_PRODUCTS") or "", "%S+") do slugs[#slugs + 1] = s end
for i in string.gmatch(os.getenv("WINKEL_BENCH_PRODUCT_IDS") or "", "%S+") do ids[#ids + 1] = i end

local page = { ["Accept"] = "text/html" }
local with_session = { ["Accept"] = "text/html", ["Cookie"] = cookie }
local add = {
  ["Accept"] = "application/json",
  ["Content-Type"] = "application/x-www-form-urlencoded",
}

request = function()
  local r = math.random(100)
  local n = math.random(#slugs)
  if r <= 45 then
    -- Anonymous: the home page or a product (the micro-cached path).
    if r <= 15 then return wrk.format("GET", "/", page) end
    return wrk.format("GET", "/products/" .. slugs[n], page)
  elseif r <= 85 then
    -- The visitor with a cart: every page rendered for the session.
    local paths = { "/", "/cart", "/checkout", "/products/" .. slugs[n] }
    return wrk.format("GET", paths[math.random(#paths)], with_session)
  else
    -- A new visitor puts a product in a cart: a new session.
    return wrk.format("POST", "/api/add_to_cart", add, "product_id=" .. ids[n] .. "&quantity=1")
  end
end
