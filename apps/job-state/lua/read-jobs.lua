--[[
  Reads jobs as a purge needs them: every field of each job's hash, framed into one string
  per job, so the caller decodes one reply per job instead of one per field and hashes the
  job's content in one go (the frame is exactly what the content hash is computed over).
  Read only; a missing job or field reads as empty.

  The key count varies with the number of jobs: the caller passes it first, as EVAL does.

    Input:
      KEYS[1..N] job hashes            job:{id}
      ARGV[1..F] the fields to read, in order (JOB_HASH_FIELDS)

    Output: per job, in order, one string: for each field `<byte length>:<bytes>`.
]]
local fields = #ARGV
local parts = {}
local out = {}
for j = 1, #KEYS do
  local values = redis.call('HMGET', KEYS[j], unpack(ARGV))
  for f = 1, fields do
    local v = values[f] or ''
    parts[2 * f - 1] = #v .. ':'
    parts[2 * f] = v
  end
  out[j] = table.concat(parts, '', 1, 2 * fields)
end
return out
