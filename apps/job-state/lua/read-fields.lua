--[[
  Reads the same few fields of many jobs in one call (a purge plan's candidates): one reply
  of N x F values instead of one HMGET reply per job, which the caller pays for per job.
  Read only; a missing job or field reads as nil.

  The key count varies with the number of jobs: the caller passes it first, as EVAL does.

    Input:
      KEYS[1..N] job hashes            job:{id}
      ARGV[1..F] the fields to read, in order

    Output: the F values of job 1, then those of job 2, and so on (nil where missing).
]]
local fields = #ARGV
local out = {}
local n = 0
for j = 1, #KEYS do
  local values = redis.call('HMGET', KEYS[j], unpack(ARGV))
  for f = 1, fields do
    n = n + 1
    out[n] = values[f]
  end
end
return out
