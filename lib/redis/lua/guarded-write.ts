import { luaScript } from "./script";

/** The replay-guarded memory write (lib/memory/guarded-write.ts). */

export const GUARDED_WRITE = luaScript(`
local a = 2
local out = {}
local function exec(f, name, ref, i, j)
  if ref > 0 then return f(name, KEYS[ref], unpack(ARGV, i, j)) end
  return f(name, unpack(ARGV, i, j))
end
for w = 1, tonumber(ARGV[1]) do
  local kind = ARGV[a]
  local gref = tonumber(ARGV[a + 1])
  local ncmd = tonumber(ARGV[a + 6])
  local skip = false
  local written = false
  local err = false
  if kind == '1' then
    -- SET NX first, not GET: a write as the first command is what Redis checks for OOM
    -- (Redis 7.0-7.4 and Valkey let a write through once the script has only read so far).
    if redis.call('SET', KEYS[gref], ARGV[a + 2], 'NX', 'EX', ARGV[a + 3]) then written = true
    else skip = redis.call('GET', KEYS[gref]) or '' end
  elseif kind == '2' then
    -- The record is the guard: HSETNX of its field is the first command (a write, for the OOM
    -- check). Present = this write was applied. Absent but tombstoned (the budget trim removed
    -- it, or an older version's guard) = applied too: take the field back and skip.
    if redis.call('HSETNX', KEYS[gref], ARGV[a + 2], ARGV[a + 3]) == 0 then skip = ARGV[a + 4]
    elseif redis.call('EXISTS', KEYS[tonumber(ARGV[a + 5])]) == 1 then
      redis.call('HDEL', KEYS[gref], ARGV[a + 2])
      skip = ARGV[a + 4]
    else written = true end
  end
  a = a + 7
  for c = 1, ncmd do
    local n = tonumber(ARGV[a])
    if not skip then
      local name, ref = ARGV[a + 1], tonumber(ARGV[a + 2])
      if not written then
        exec(redis.call, name, ref, a + 3, a + n)
        written = true
      else
        local r = exec(redis.pcall, name, ref, a + 3, a + n)
        if type(r) == 'table' and r.err and not err then err = r.err end
      end
    end
    a = a + n + 1
  end
  if skip then out[w] = {0, skip} elseif err then out[w] = {2, err} else out[w] = {1} end
end
return out
`);
