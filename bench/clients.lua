-- wrk sends each request as one of a thousand clients behind one proxy, as a meeting day's
-- readers arrive: the proxy appends the client's address to X-Forwarded-For, and the server,
-- run with PROXY_COUNT=1, takes it from there for the API's per-client rate limit. The
-- addresses are in 198.18.0.0/15, the range set aside for benchmarks (RFC 2544). Every
-- request is built once, in init; request() only hands out the next one.
local clients = 1000
local requests = {}

function init(args)
  for client = 1, clients do
    local address = string.format("198.18.%d.%d", math.floor(client / 256), client % 256)
    requests[client] = wrk.format(nil, nil, { ["X-Forwarded-For"] = address })
  end
end

local next_client = 0

function request()
  next_client = next_client % clients + 1
  return requests[next_client]
end
