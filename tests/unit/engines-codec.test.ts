import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodeVector,
  encodeVector,
  fromHalf,
  packedCosine,
  packRecord,
  packedVector,
  readHeader,
  toHalf,
  unpackRecord,
} from "@/lib/memory/engines/codec";
import { escapeQueryValue, parseSearchReply } from "@/lib/memory/engines/redisearch-query";

describe("vector codec", () => {
  it("float16 round-trips exactly representable values and rounds others to the nearest half", () => {
    for (const x of [0, 1, -1, 0.5, -2, 65504, 2 ** -14, 2 ** -24]) assert.equal(fromHalf(toHalf(x)), x, String(x));
    assert.ok(Math.abs(fromHalf(toHalf(0.1)) - 0.1) < 0.1 * 2 ** -10);
    assert.equal(fromHalf(toHalf(1e6)), Infinity, "overflow saturates to infinity");
    assert.equal(fromHalf(toHalf(1e-9)), 0, "underflow flushes to zero");
    assert.ok(Number.isNaN(fromHalf(toHalf(NaN))));
  });

  it("int8 keeps a per-vector scale so values come back within one step", () => {
    const v = Float32Array.from([0.5, -0.25, 0.001, -0.5]);
    const { bytes, scale } = encodeVector(v, "int8");
    assert.equal(bytes.length, 4);
    assert.ok(Math.abs(scale - 0.5 / 127) < 1e-9);
    decodeVector(bytes, 0, 4, "int8", scale).forEach((x, i) => assert.ok(Math.abs(x - v[i]!) <= scale / 2 + 1e-9));
  });

  it("packed records round-trip content, meta and role, and score like plain cosine at any alignment", () => {
    const vec = Float32Array.from({ length: 16 }, (_, i) => Math.sin(i + 1));
    const norm = Math.hypot(...vec);
    const unit = vec.map((x) => x / norm);
    const rec = {
      id: "x{1}",
      userId: 7,
      role: "assistant" as const,
      content: "héllo 日本 🎉",
      ts: 1_700_000_000_123,
      meta: { dia_id: "D1:2" },
    };
    for (const enc of ["float32", "float16", "int8"] as const) {
      const packed = packRecord(rec, unit, enc);
      for (const shift of [0, 1, 2, 3]) {
        const buf = Buffer.concat([Buffer.alloc(shift), packed]).subarray(shift); // misaligned views, as in ioredis replies
        const h = readHeader(buf);
        assert.deepEqual(unpackRecord(rec.id, 7, buf, h), rec);
        const cos = packedCosine(unit, buf, h)!;
        assert.ok(Math.abs(cos - 1) < (enc === "float32" ? 1e-6 : 1e-3), `${enc} shift ${shift}: ${cos}`);
        assert.equal(packedVector(buf, h)!.length, 16);
      }
    }
    const noVector = packRecord({ ...rec, meta: undefined }, undefined, "int8");
    assert.equal(readHeader(noVector).enc, "none");
    assert.deepEqual(unpackRecord("a", 1, noVector), {
      id: "a",
      userId: 1,
      role: "assistant",
      content: rec.content,
      ts: rec.ts,
    });
  });

  it("writes the compact version-2 header (13 bytes, 17 with int8) and still reads version-1 records", () => {
    const v = Float32Array.from({ length: 8 }, (_, i) => (i % 3) - 1);
    const rec = { id: "m1", userId: 3, role: "user" as const, content: "hi there", ts: 1_700_000_000_000 };
    assert.equal(packRecord(rec, v, "int8").length, 17 + 8 + 8);
    assert.equal(packRecord(rec, v, "float32").length, 13 + 32 + 8);
    assert.equal(packRecord(rec, undefined, "int8").length, 13 + 8);
    assert.equal(packRecord({ ...rec, meta: { a: "b" } }, undefined, "int8").length, 13 + 2 + 8 + '{"a":"b"}'.length);
    // A version-1 record exactly as main wrote it (fixed 24-byte header).
    for (const enc of ["float32", "float16", "int8"] as const) {
      const { bytes, scale } = encodeVector(v, enc);
      const content = Buffer.from(rec.content);
      const meta = Buffer.from('{"k":"v"}');
      const head = Buffer.alloc(24);
      head.writeUInt8(1, 0);
      head.writeUInt8({ float32: 0, float16: 1, int8: 2 }[enc], 1);
      head.writeUInt8(1, 2);
      head.writeUInt8(1, 3);
      head.writeDoubleLE(rec.ts, 4);
      head.writeUInt16LE(8, 12);
      head.writeFloatLE(scale, 16);
      head.writeUInt32LE(content.length, 20);
      const old = Buffer.concat([head, bytes, content, meta]);
      const h = readHeader(old);
      assert.deepEqual(unpackRecord("m1", 3, old, h), { ...rec, role: "assistant", meta: { k: "v" } });
      assert.ok(
        Math.abs(
          packedCosine(
            Float32Array.from(v, (x) => x / Math.hypot(...v)),
            old,
            h,
          )! - 1,
        ) < 1e-3,
        enc,
      );
      assert.deepEqual(Array.from(packedVector(old, h)!, Math.round), Array.from(v));
    }
  });

  it("keeps contents over 64 KiB with meta readable (version-1 fallback)", () => {
    const rec = { id: "big", userId: 1, role: "user" as const, content: "x".repeat(70_000), ts: 5, meta: { a: "1" } };
    const buf = packRecord(rec, Float32Array.from([1, 0]), "float16");
    assert.equal(buf.readUInt8(0), 1);
    assert.deepEqual(unpackRecord("big", 1, buf), rec);
    assert.equal(
      unpackRecord("big", 1, packRecord({ ...rec, meta: undefined }, undefined, "int8")).content.length,
      70_000,
    );
  });

  it("rejects records it cannot read", () => {
    assert.throws(() => readHeader(Buffer.from("plain text value, not a record")), /reindex/);
  });
});

describe("RediSearch query helpers", () => {
  it("escapes every non-word character so any value is one literal", () => {
    assert.equal(escapeQueryValue("a-b:c{d}|e f"), "a\\-b\\:c\\{d\\}\\|e\\ f");
    assert.equal(escapeQueryValue("-123"), "\\-123");
    assert.equal(escapeQueryValue("naïve_日本"), "naïve_日本");
  });

  it("parses RESP2 and RESP3 FT.SEARCH replies the same way", () => {
    const resp2 = [2, "k1", "1.5", ["id", "a", "ts", "1"], "k2", "0.5", ["id", "b", "ts", "2"]];
    const resp3 = [
      "attributes",
      [],
      "total_results",
      2,
      "format",
      "STRING",
      "results",
      [
        ["id", "k1", "score", 1.5, "extra_attributes", ["id", "a", "ts", "1"], "values", []],
        ["id", "k2", "score", 0.5, "extra_attributes", ["id", "b", "ts", "2"], "values", []],
      ],
      "warning",
      [],
    ];
    const expected = {
      total: 2,
      docs: [
        { key: "k1", score: 1.5, fields: { id: "a", ts: "1" } },
        { key: "k2", score: 0.5, fields: { id: "b", ts: "2" } },
      ],
    };
    assert.deepEqual(parseSearchReply(resp2, true), expected);
    assert.deepEqual(parseSearchReply(resp3, true), expected);
    assert.deepEqual(
      parseSearchReply([2, "k1", "k2"], false).docs.map((d) => d.key),
      ["k1", "k2"],
      "NOCONTENT",
    );
  });
});
