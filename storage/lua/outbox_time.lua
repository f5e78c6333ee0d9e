-- outbox_time: prepended to the outbox's scripts. Every time of the
-- outbox — a notice's creation, its hold, a claim's lease, a retry's
-- backoff — is Redis's own (TIME), so senders in processes with skewed
-- clocks agree on who may send what, and a test's fixed clock for the
-- bot does not stop delivery.

local function outbox_now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function outbox_ms(n)
  return string.format('%.0f', n)
end
