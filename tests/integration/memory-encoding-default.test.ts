import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createMemory } from "@/lib/memory";
import { DEFAULT_ENCODING } from "@/lib/memory/engines/encoding";
import { memoryOptions } from "../helpers/memory";
import { deletePrefix, rawClient, testServers, uniquePrefix } from "../helpers/servers";

/**
 * VECTOR_ENCODING unset: a new index gets the engine's compact default; an index built with
 * another encoding keeps it (no config:vector at start); an explicit different setting still
 * refuses (reindex converts).
 */
const { available, missing } = testServers();

describe("default vector encoding", { skip: available.length === 0 ? missing.join("; ") : false }, () => {
  for (const server of available) {
    describe(server.name, () => {
      const raw = rawClient(server.url);
      const prefixes: string[] = [];
      after(async () => {
        for (const p of prefixes) await deletePrefix(raw, p);
        raw.disconnect();
      });

      it(`a new index uses ${DEFAULT_ENCODING[server.engine]}; an old float32 index keeps float32`, async () => {
        const fresh = uniquePrefix("enc");
        prefixes.push(fresh);
        const m1 = createMemory(memoryOptions(server, raw, fresh, { encoding: undefined }));
        await m1.init();
        await m1.appendMessage({ userId: 11, role: "user", content: "compact vectors by default" });
        assert.equal(await raw.hget(`${fresh}m:_meta`, "encoding"), DEFAULT_ENCODING[server.engine]);
        assert.equal(
          (await m1.recall({ userId: 11, query: "compact vectors", k: 1, mode: "dense" })).hits[0]?.content,
          "compact vectors by default",
        );
        m1.close();

        const old = uniquePrefix("enc");
        prefixes.push(old);
        const before = createMemory(memoryOptions(server, raw, old, { encoding: "float32" }));
        await before.init();
        await before.appendMessage({ userId: 12, role: "user", content: "written by an older release" });
        before.close();
        const unset = createMemory(memoryOptions(server, raw, old, { encoding: undefined }));
        await unset.init(); // no config:vector: the stored encoding is adopted
        await unset.appendMessage({ userId: 12, role: "user", content: "written after the upgrade" });
        assert.equal(await raw.hget(`${old}m:_meta`, "encoding"), "float32");
        const hits = (await unset.recall({ userId: 12, query: "written release upgrade", k: 5, mode: "dense" })).hits
          .map((h) => h.content)
          .sort();
        assert.deepEqual(hits, ["written after the upgrade", "written by an older release"]);
        unset.close();

        if (DEFAULT_ENCODING[server.engine] !== "float32") {
          const explicit = createMemory(memoryOptions(server, raw, old, { encoding: DEFAULT_ENCODING[server.engine] }));
          await assert.rejects(explicit.init(), /memory:reindex/);
          explicit.close();
        }
      });
    });
  }
});
