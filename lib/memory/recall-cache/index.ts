export { RecallCache, queueLogEntry, logEntry, type RecallCacheOptions, type RecallCacheStats } from "./sync";
export { UserIndex } from "./user-index";
export { loadNative } from "./dense-index";
export { recallCacheFor, RECALL_CACHE_MB_DEFAULT, type EngineRecallCache } from "./engine-cache";
