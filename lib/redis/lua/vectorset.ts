import { luaScript } from "./script";

/** Vector-set engine scripts (lib/memory/engines/vectorset.ts). */

// VSIM then HMGET of the ids it returned, in one round trip.
export const vsimWithContent = luaScript(`
local r = redis.call('VSIM', KEYS[1], 'FP32', ARGV[1], 'WITHSCORES', 'COUNT', ARGV[2], 'EF', ARGV[3])
if #r == 0 then return {r, {}} end
local ids = {}
for i = 1, #r, 2 do ids[#ids + 1] = r[i] end
return {r, redis.call('HMGET', KEYS[2], unpack(ids))}
`);
