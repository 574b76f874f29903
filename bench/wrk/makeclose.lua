-- NdisClMakeCall and NdisClCloseCall, alternately, on a pool of POOL VCs per thread: VC n = id, id + THREADS, … of
-- PREFIX .. n (vc-<tag>-<n>, created beforehand, make and close completing at once). A VC's call is closed LAG
-- requests after it was made and made again POOL - LAG requests after it was closed: a request held back that long
-- behind the others of its thread (a connection the server starved) gets a 409, counted as non-2xx. Each request counts
-- once. KEY comes from the environment.
local threads = {}
local count = tonumber(os.getenv("THREADS") or "2")

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  prefix = os.getenv("PREFIX")
  pool = tonumber(os.getenv("POOL") or "256")
  lag = tonumber(os.getenv("LAG") or "64")
  headers = { ["Content-Type"] = "application/json", ["X-Sandbox-Key"] = os.getenv("KEY") }
  made = 0
  closed = 0
  -- wrk asks the first thread for one request before the run, to see whether the script pipelines, and never sends
  -- it: that one must not count, or the first VC's close would find no call.
  probe = id == 1
end

local function vc(i)
  return prefix .. (id + count * (i % pool))
end

function request()
  if probe then
    probe = false
    return wrk.format("POST", vc(0) .. "/call", headers, "{}")
  end
  if made - closed < lag then
    made = made + 1
    return wrk.format("POST", vc(made - 1) .. "/call", headers, "{}")
  end
  closed = closed + 1
  return wrk.format("POST", vc(closed - 1) .. "/call/close", headers, "{}")
end
