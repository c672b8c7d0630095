-- wrk script for the plugins benchmark: request i goes to route /p<i mod ROUTES>/ with the API
-- key of consumer <i mod CONSUMERS> (different strides, so every route sees every consumer).
local routes = tonumber(os.getenv("BENCH_ROUTE_COUNT") or "100")
local consumers = tonumber(os.getenv("BENCH_CONSUMER_COUNT") or "100")
local requests = {}

init = function(args)
  -- Pre-built request strings: the load generator spends its time sending, not formatting.
  local n = routes * consumers
  for i = 0, n - 1 do
    local r = i % routes
    local c = math.floor(i / routes) % consumers
    requests[i] = wrk.format("GET", "/p" .. r .. "/", { ["apikey"] = "bench-key-" .. c })
  end
end

local counter = 0
request = function()
  local req = requests[counter % (routes * consumers)]
  counter = counter + 1
  return req
end
