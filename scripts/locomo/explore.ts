/**
 * Research harness (not the eval): cached rankings for fast fusion/context experiments.
 *   npx tsx scripts/locomo/explore.ts --data DIR
 * Dense = exact cosine (scan engine), lexical = the app-side BM25 (same tokenizer as every engine).
 * Parameters are chosen by leave-one-conversation-out: pick on 6, score the 7th.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "@/lib/config";
import { createEmbedder } from "@/lib/embeddings";
import { dot, l2normalize } from "@/lib/embeddings/types";
import { bm25Search } from "@/lib/memory/lexical";
import { loadConversations, type LocomoConversation, type LocomoTurn } from "./dataset";
import { withDiskCache } from "./embed-cache";

const { values } = parseArgs({ options: { data: { type: "string" }, schemes: { type: "string" } } });
const KS = [1, 5, 10, 20];
const C = 50;

type Ranked = { idx: number; score: number }[];
interface Q {
  conv: number;
  cat: number;
  evidence: string[];
  dense: Record<string, Ranked>;
  lex: Record<string, Ranked>;
}

function prevInSession(turns: LocomoTurn[], i: number, back = 1): LocomoTurn[] {
  const out: LocomoTurn[] = [];
  for (let j = i - 1; j >= 0 && out.length < back; j--) {
    if (turns[j]!.session !== turns[i]!.session) break;
    out.unshift(turns[j]!);
  }
  return out;
}
const fmtDate = (ts: number) =>
  new Date(ts).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

const TEXT_SCHEMES: Record<string, (t: LocomoTurn[], i: number) => string> = {
  plain: (t, i) => t[i]!.content,
  prevcat: (t, i) => [...prevInSession(t, i).map((x) => x.content), t[i]!.content].join("\n"),
  curprev: (t, i) => [t[i]!.content, ...prevInSession(t, i).map((x) => x.content)].join("\n"),
  prev2cat: (t, i) => [...prevInSession(t, i, 2).map((x) => x.content), t[i]!.content].join("\n"),
  nextcat: (t, i) =>
    [
      ...prevInSession(t, i).map((x) => x.content),
      t[i]!.content,
      ...(t[i + 1]?.session === t[i]!.session ? [t[i + 1]!.content] : []),
    ].join("\n"),
  dateprev: (t, i) =>
    `${fmtDate(t[i]!.ts)}: ` + [...prevInSession(t, i).map((x) => x.content), t[i]!.content].join("\n"),
};

async function main() {
  const convs = loadConversations(values.data!);
  const config = loadConfig(process.env);
  const emb = withDiskCache(createEmbedder(config.embedding), "/tmp/mm-recall/emb");
  await emb.warmUp();
  const schemes = (values.schemes ?? "plain,prevcat,curprev,prev2cat,mix0.5,mix0.7,mix1").split(",");
  const qs: Q[] = [];
  for (const [ci, conv] of convs.entries()) {
    const t = conv.turns;
    const vecs: Record<string, Float32Array[]> = {};
    const needText = new Set(schemes.filter((s) => TEXT_SCHEMES[s]));
    if (schemes.some((s) => s.startsWith("mix"))) needText.add("plain");
    for (const s of needText) vecs[s] = await emb.embed(t.map((_, i) => TEXT_SCHEMES[s]!(t, i)));
    for (const s of schemes.filter((x) => x.startsWith("mix"))) {
      const lam = Number(s.slice(3));
      const p = vecs.plain!;
      vecs[s] = t.map((_, i) => {
        const v = Float32Array.from(p[i]!);
        const prev = i > 0 && t[i - 1]!.session === t[i]!.session ? p[i - 1]! : undefined;
        if (prev) for (let d = 0; d < v.length; d++) v[d]! += lam * prev[d]!;
        return l2normalize(v);
      });
    }
    const qv = await emb.embed(conv.questions.map((q) => q.question));
    const docsPlain = t.map((x, i) => ({ item: i, text: x.content }));
    const docsPrev = t.map((x, i) => ({ item: i, text: TEXT_SCHEMES.prevcat!(t, i) }));
    conv.questions.forEach((q, qi) => {
      const dense: Record<string, Ranked> = {};
      for (const s of schemes) {
        const v = vecs[s]!;
        dense[s] = v
          .map((d, idx) => ({ idx, score: dot(d, qv[qi]!) }))
          .sort((a, b) => b.score - a.score)
          .slice(0, C);
      }
      const lex = {
        plain: bm25Search(q.question, docsPlain, C).map((h) => ({ idx: h.item, score: h.score })),
        prev: bm25Search(q.question, docsPrev, C).map((h) => ({ idx: h.item, score: h.score })),
      };
      qs.push({ conv: ci, cat: q.category, evidence: q.evidence, dense, lex });
    });
    console.error(
      `${conv.name}: ${t.length} turns, ${conv.questions.length} q (cache hits ${emb.hits}, misses ${emb.misses})`,
    );
  }
  report(convs, qs, schemes);
}

type Fuser = (d: Ranked, l: Ranked) => number[];
function recallOf(ranked: number[], ev: string[], turns: LocomoTurn[], k: number): number {
  const top = new Set(ranked.slice(0, k).map((i) => turns[i]!.diaId));
  return ev.filter((e) => top.has(e)).length / ev.length;
}

function rrfF(k: number, wd: number, wl = 1): Fuser {
  return (d, l) => {
    const s = new Map<number, number>();
    d.forEach((h, r) => s.set(h.idx, (s.get(h.idx) ?? 0) + wd / (k + r + 1)));
    l.forEach((h, r) => s.set(h.idx, (s.get(h.idx) ?? 0) + wl / (k + r + 1)));
    return [...s].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([i]) => i);
  };
}
function normF(kind: "minmax" | "z" | "max", alpha: number): Fuser {
  const norm = (r: Ranked) => {
    if (r.length === 0) return { m: new Map<number, number>(), floor: 0 };
    const xs = r.map((h) => h.score);
    const max = Math.max(...xs),
      min = Math.min(...xs);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) || 1;
    const f =
      kind === "minmax"
        ? (x: number) => (max > min ? (x - min) / (max - min) : 1)
        : kind === "z"
          ? (x: number) => (x - mean) / sd
          : (x: number) => x / (max || 1);
    return { m: new Map(r.map((h) => [h.idx, f(h.score)])), floor: kind === "z" ? f(min) : 0 };
  };
  return (d, l) => {
    const nd = norm(d),
      nl = norm(l);
    const ids = new Set([...nd.m.keys(), ...nl.m.keys()]);
    return [...ids]
      .map((i) => [i, alpha * (nd.m.get(i) ?? nd.floor) + (1 - alpha) * (nl.m.get(i) ?? nl.floor)] as const)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .map(([i]) => i);
  };
}

function report(convs: LocomoConversation[], qs: Q[], schemes: string[]) {
  const evalF = (qsub: Q[], pick: (q: Q) => number[]) => {
    const sums = KS.map(() => 0);
    for (const q of qsub) {
      const r = pick(q);
      KS.forEach((k, j) => (sums[j]! += recallOf(r, q.evidence, convs[q.conv]!.turns, k)));
    }
    return sums.map((s) => s / Math.max(1, qsub.length));
  };
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(" ");
  const byConv = convs.map((_, ci) => qs.filter((q) => q.conv === ci));
  const loo = (
    name: string,
    cands: { name: string; pick: (q: Q) => number[] }[],
    obj = (r: number[]) => (r[0]! + r[1]! + r[2]! + r[3]!) / 4,
  ) => {
    // per-conv score of every candidate once
    const per = cands.map((c) => byConv.map((qq) => ({ r: evalF(qq, c.pick), n: qq.length })));
    const folds: number[][] = [];
    const chosen: string[] = [];
    for (let h = 0; h < convs.length; h++) {
      let best = -1,
        bi = 0;
      per.forEach((pc, ci) => {
        let s = KS.map(() => 0),
          n = 0;
        pc.forEach((x, c) => {
          if (c !== h) {
            s = s.map((v, j) => v + x.r[j]! * x.n);
            n += x.n;
          }
        });
        const o = obj(s.map((v) => v / n));
        if (o > best) {
          best = o;
          bi = ci;
        }
      });
      folds.push(per[bi]![h]!.r);
      chosen.push(cands[bi]!.name);
    }
    const mean = KS.map((_, j) => folds.reduce((a, f) => a + f[j]!, 0) / folds.length);
    const sd = KS.map((_, j) => Math.sqrt(folds.reduce((a, f) => a + (f[j]! - mean[j]!) ** 2, 0) / folds.length));
    const pooled = evalF(
      qs,
      cands[
        per
          .map((pc) => obj(KS.map((_, j) => pc.reduce((a, x) => a + x.r[j]! * x.n, 0) / qs.length)))
          .reduce((bi, v, i, arr) => (v > arr[bi]! ? i : bi), 0)
      ]!.pick,
    );
    console.log(
      `${name.padEnd(28)} LOO ${KS.map((k, j) => `@${k} ${mean[j]!.toFixed(3)}±${sd[j]!.toFixed(3)}`).join("  ")} | pooled-best ${fmt(pooled)} | picks ${[...new Set(chosen)].join(",")}`,
    );
    return mean;
  };
  const idxs = (r: Ranked) => r.map((h) => h.idx);
  for (const lx of ["plain", "prev"]) loo(`lexical/${lx}`, [{ name: lx, pick: (q) => idxs(q.lex[lx]!) }]);
  for (const s of schemes) loo(`dense/${s}`, [{ name: s, pick: (q) => idxs(q.dense[s]!) }]);
  const fusers: { name: string; f: Fuser }[] = [];
  for (const k of [1, 2, 5, 10, 20, 60])
    for (const wd of [0.3, 0.5, 0.75, 1, 1.25]) fusers.push({ name: `rrf k${k} w${wd}`, f: rrfF(k, wd) });
  for (const a of [0.2, 0.3, 0.4, 0.5, 0.6, 0.7]) {
    fusers.push({ name: `minmax a${a}`, f: normF("minmax", a) });
    fusers.push({ name: `z a${a}`, f: normF("z", a) });
    fusers.push({ name: `max a${a}`, f: normF("max", a) });
  }
  const pin =
    (f: Fuser): Fuser =>
    (d, l) => {
      const r = f(d, l);
      return l.length ? [l[0]!.idx, ...r.filter((i) => i !== l[0]!.idx)] : r;
    };
  for (const a of [0.3, 0.4, 0.5, 0.6]) {
    fusers.push({ name: `pin-minmax a${a}`, f: pin(normF("minmax", a)) });
    fusers.push({ name: `pin-z a${a}`, f: pin(normF("z", a)) });
  }
  // three-way: dense + BM25 on the turn + BM25 on previous turn + turn, BM25-on-turn top pinned
  const mm = (r: Ranked) => {
    const xs = r.map((h) => h.score);
    const mx = Math.max(...xs),
      mn = Math.min(...xs);
    return new Map(r.map((h) => [h.idx, mx > mn ? (h.score - mn) / (mx - mn) : 1]));
  };
  const three = (ad: number, ap: number) => (q: Q, s: string) => {
    const d = mm(q.dense[s]!),
      l = mm(q.lex.plain!),
      lp = mm(q.lex.prev!);
    const ids = new Set([...d.keys(), ...l.keys(), ...lp.keys()]);
    const r = [...ids]
      .map((i) => [i, ad * (d.get(i) ?? 0) + ap * (lp.get(i) ?? 0) + (1 - ad - ap) * (l.get(i) ?? 0)] as const)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .map(([i]) => i);
    const top = q.lex.plain![0]?.idx;
    return top === undefined ? r : [top, ...r.filter((i) => i !== top)];
  };
  for (const s of schemes) {
    const c: { name: string; pick: (q: Q) => number[] }[] = [];
    for (const ad of [0.2, 0.3, 0.4])
      for (const ap of [0.2, 0.3, 0.4, 0.5])
        if (ad + ap < 1) c.push({ name: `3way d${ad} p${ap}`, pick: (q) => three(ad, ap)(q, s) });
    loo(`3way dense ${s}`, c);
  }
  for (const s of schemes)
    for (const lx of ["plain", "prev"]) {
      console.log(`--- dense ${s} + lexical ${lx}`);
      for (const fam of ["rrf", "minmax", "z", "max", "pin-minmax", "pin-z"])
        loo(
          `  ${fam}`,
          fusers
            .filter((f) => f.name.startsWith(fam + " "))
            .map((f) => ({ name: f.name, pick: (q) => f.f(q.dense[s]!, q.lex[lx]!) })),
        );
      loo(
        `  any`,
        fusers.map((f) => ({ name: f.name, pick: (q) => f.f(q.dense[s]!, q.lex[lx]!) })),
      );
    }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
