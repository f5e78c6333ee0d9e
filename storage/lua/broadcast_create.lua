-- broadcast_create: makes a broadcast job (see broadcast_job.lua).
--
-- ARGV[1] prefix  ARGV[2] now (ms)  ARGV[3] origin ('' none)
-- ARGV[4] number of field/value arguments that follow, then those, then
-- the ids of the recipients named at creation (organizers audience).
--
-- Returns {id, created (1) or found by its origin (0)}.

local n = tonumber(ARGV[4])
local fields, members = {}, {}
for i = 5, 4 + n do fields[#fields + 1] = ARGV[i] end
for i = 5 + n, #ARGV do members[#members + 1] = ARGV[i] end
return create_job(ARGV[1], ARGV[2], ARGV[3], fields, members)
