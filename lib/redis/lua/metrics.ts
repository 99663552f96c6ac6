import { luaScript } from "./script";

/** Prometheus scrape (lib/metrics/prometheus.ts): folds old per-minute histograms into one that never expires. */

export const FOLDED_FIELD = "folded";

/**
 * KEYS[1] the cumulative hash (bucket → count, plus `folded` = last minute folded into it),
 * KEYS[2..] the per-minute hashes of minutes ARGV[1], ARGV[1]+1, …; ARGV[2] the last minute to
 * fold. Minutes already folded (another scrape got there first) are skipped. Returns the
 * cumulative counts plus the unfolded minutes, flat: bucket, count, bucket, count, …
 */
export const FOLD_AND_READ = luaScript(`
local total = KEYS[1]
local first = tonumber(ARGV[1])
local foldTo = tonumber(ARGV[2])
local folded = tonumber(redis.call('HGET', total, '${FOLDED_FIELD}') or '') or -1
local live = {}
for i = 2, #KEYS do
  local m = first + i - 2
  if m > folded then
    local h = redis.call('HGETALL', KEYS[i])
    for j = 1, #h, 2 do
      if m <= foldTo then
        redis.call('HINCRBY', total, h[j], h[j + 1])
      else
        live[h[j]] = (live[h[j]] or 0) + tonumber(h[j + 1])
      end
    end
  end
end
if foldTo > folded then redis.call('HSET', total, '${FOLDED_FIELD}', foldTo) end
local t = redis.call('HGETALL', total)
for j = 1, #t, 2 do
  if t[j] ~= '${FOLDED_FIELD}' then live[t[j]] = (live[t[j]] or 0) + tonumber(t[j + 1]) end
end
local out = {}
for b, n in pairs(live) do
  out[#out + 1] = b
  out[#out + 1] = string.format('%.0f', n)
end
return out
`);
