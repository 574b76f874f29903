-- POSTs to PREFIX .. n .. SUFFIX with n = 1, 2, 3 … shared out across threads, so each request names a fresh object
-- (NdisMock's handles are sequential per sandbox: vc-<tag>-<n>, op-<tag>-<n>). BODY and KEY come from the environment.
local threads = {}
local count = tonumber(os.getenv("THREADS") or "2")

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  n = id
  prefix = os.getenv("PREFIX")
  suffix = os.getenv("SUFFIX") or ""
  headers = { ["Content-Type"] = "application/json", ["X-Sandbox-Key"] = os.getenv("KEY") }
  body = os.getenv("BODY") or "{}"
end

function request()
  local path = prefix .. n .. suffix
  n = n + count
  return wrk.format("POST", path, headers, body)
end
