import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * A benchmark report: Markdown for people, JSON for tools. Sections hold tables and notes in
 * the order they were measured; `data` keeps every raw number the tables were built from.
 */
export interface Table {
  headers: string[];
  rows: (string | number)[][];
}

export interface Section {
  title: string;
  notes: string[];
  tables: { caption?: string; table: Table }[];
}

export interface ReportMeta {
  title: string;
  command: string;
  startedAt: string;
  gitSha: string;
  gitDirty: boolean;
  machine: { cpus: string; cores: number; memGb: number; node: string; platform: string };
  /** 1-minute load average at the start and end: other work on the machine skews timings. */
  loadAvg: { start: number; end?: number };
}

export class Report {
  readonly sections: Section[] = [];
  readonly data: Record<string, unknown> = {};

  constructor(readonly meta: ReportMeta) {}

  section(title: string): Section {
    const s: Section = { title, notes: [], tables: [] };
    this.sections.push(s);
    return s;
  }

  markdown(): string {
    const m = this.meta;
    const out = [
      `# ${m.title}`,
      "",
      `- Run: ${m.startedAt}, git ${m.gitSha}${m.gitDirty ? " (uncommitted changes)" : ""}`,
      `- Command: \`${m.command}\``,
      `- Machine: ${m.machine.cores} × ${m.machine.cpus}, ${m.machine.memGb} GB RAM, ${m.machine.platform}, Node ${m.machine.node}`,
      `- Load average (1 min) at start / end: ${m.loadAvg.start.toFixed(2)} / ${m.loadAvg.end?.toFixed(2) ?? "–"} (above ${m.machine.cores} means other work competed for the CPUs)`,
      "",
    ];
    for (const s of this.sections) {
      out.push(`## ${s.title}`, "");
      for (const n of s.notes) out.push(n, "");
      for (const t of s.tables) {
        if (t.caption) out.push(`**${t.caption}**`, "");
        out.push(renderTable(t.table), "");
      }
    }
    return out.join("\n");
  }

  /** Writes <dir>/<date>-<time>-<sha>[-suffix].{md,json}; returns both paths. */
  write(dir: string, jsonPath?: string, suffix = ""): { md: string; json: string } {
    mkdirSync(dir, { recursive: true });
    this.meta.loadAvg.end ??= os.loadavg()[0]!;
    const stamp = this.meta.startedAt
      .replace(/[:]/g, "")
      .replace(/\.\d+Z$/, "Z")
      .replace("T", "-");
    const base = path.join(dir, `${stamp}-${this.meta.gitSha}${suffix ? "-" + suffix : ""}`);
    const md = `${base}.md`;
    const json = jsonPath ?? `${base}.json`;
    writeFileSync(md, this.markdown());
    mkdirSync(path.dirname(json), { recursive: true });
    writeFileSync(json, JSON.stringify({ meta: this.meta, sections: this.sections, data: this.data }, null, 2));
    return { md, json };
  }
}

export function renderTable(t: Table): string {
  const esc = (v: string | number) => String(v).replace(/\|/g, "\\|");
  return [
    `| ${t.headers.map(esc).join(" | ")} |`,
    `|${t.headers.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`,
    ...t.rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return "";
  }
}

export function reportMeta(title: string, command: string): ReportMeta {
  const cpus = os.cpus();
  return {
    title,
    command,
    startedAt: new Date().toISOString(),
    gitSha: git(["rev-parse", "--short", "HEAD"]) || "nogit",
    gitDirty: git(["status", "--porcelain", "--untracked-files=no"]) !== "",
    loadAvg: { start: os.loadavg()[0]! },
    machine: {
      cpus: cpus[0]?.model.trim() ?? "unknown",
      cores: cpus.length,
      memGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
  };
}
