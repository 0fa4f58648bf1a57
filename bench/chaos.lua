-- wrk script of bench/chaos.sh: bench/create_order.lua's requests and
-- counts, plus one line per answer in a file per thread
-- ($CHAOS_ANSWERS.<thread>): "<status> <order id or -> <problem code or ->",
-- where the id is the created order's (2xx) or the kept order a problem body
-- names (order_id), so the checker can follow every answered order into the
-- databases.
dofile("bench/create_order.lua")

local base_setup, base_init, base_response = setup, init, response
local prefix = os.getenv("CHAOS_ANSWERS") or "answers"
local count = 0

function setup(thread)
  base_setup(thread)
  count = count + 1
  thread:set("answers_file", prefix .. "." .. count)
end

function init(args)
  base_init(args)
  out = assert(io.open(answers_file, "w"))
  out:setvbuf("line")
end

function response(status, headers, body)
  base_response(status, headers, body)
  local id, code
  if status >= 200 and status < 300 then
    id = string.match(body, '^{"id":(%d+)')
  else
    id = string.match(body, '"order_id":(%d+)')
    code = string.match(body, '"code":"([%w_]+)"')
  end
  out:write(status, " ", id or "-", " ", code or "-", "\n")
end
