-- wrk script for `make bench` (d): replays pre-signed POST /v1/payments requests, each once.
-- Lines of the file are "<Authorization header>\t<JSON body>"; thread k of n takes every n-th
-- line starting at k, so no two threads send the same nonce.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local path = os.getenv("PAYGATE_BENCH_REQUESTS")
  local total = tonumber(os.getenv("PAYGATE_BENCH_THREADS"))
  requests = {}
  local line_number = 0
  for line in io.lines(path) do
    if line_number % total == index then
      local tab = string.find(line, "\t", 1, true)
      local authorization = string.sub(line, 1, tab - 1)
      local body = string.sub(line, tab + 1)
      table.insert(requests, wrk.format("POST", "/v1/payments",
        {["Authorization"] = authorization, ["Content-Type"] = "application/json"}, body))
    end
    line_number = line_number + 1
  end
  position = 0
end

function request()
  position = position + 1
  if position > #requests then
    -- Out of pre-signed requests: a replay would be refused (nonce_reused) and counted as an error.
    position = 1
  end
  return requests[position]
end
