-- A fixed JSON POST: BODY and, for NdisMock, the sandbox KEY come from the environment.
wrk.method = "POST"
wrk.body = os.getenv("BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("KEY")
if key then
  wrk.headers["X-Sandbox-Key"] = key
end
