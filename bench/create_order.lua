-- wrk script: POST one order per request and count answers by class, so the
-- checker can compare 2xx answers with what was stored.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- Every call carries an API key (bench/run.sh starts the platform with it).
local key = os.getenv("BENCH_KEY")
if key and key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
wrk.body = '{"customer_name":"ベンチ 太郎","customer_email":"bench@example.jp",' ..
  '"items":[{"product_id":"P-1","product_name":"緑茶","quantity":2,"unit_price":1500},' ..
  '{"product_id":"P-2","product_name":"羊羹","quantity":1,"unit_price":800}]}'

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  failed = 0
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else failed = failed + 1 end
end

function done(summary, latency, requests)
  local total_ok, total_failed = 0, 0
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_failed = total_failed + t:get("failed")
  end
  io.write(string.format("RESULT ok=%d failed=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    total_ok, total_failed, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
