import net from "node:net";

/**
 * A fault-injection TCP proxy in front of a real Redis-family server (our code, for tests and
 * the load bench). It parses the RESP command stream from the client and the reply stream from
 * the server, pairs each reply with its command, and can — at a chosen command —
 *   - "drop-reply-and-reset": forward the command, let the server execute it, swallow its reply
 *     and reset the client's socket (the classic "executed, but the caller never heard");
 *   - "reset-before": reset the socket before the command reaches the server (never executed);
 *   - "delay": hold that reply (and, to keep order, every later one) for `delayMs`.
 * `resetAll()` resets every open connection now (connection resets every N seconds).
 */
export type FaultAction = "drop-reply-and-reset" | "reset-before" | "delay";

export interface Fault {
  /** cmd[0] is the upper-cased command name; the rest are the arguments as sent (binary as latin1). */
  match: (cmd: string[]) => boolean;
  action: FaultAction;
  delayMs?: number;
  /** How many matching commands it applies to (default 1). */
  times?: number;
}

export interface FaultProxy {
  url: string;
  port: number;
  inject(fault: Fault): void;
  /** Reset every open client connection now. */
  resetAll(): void;
  /** Disarm every fault not yet used up. */
  clear(): void;
  /** Every command seen, in arrival order (bounded to the last 10,000). */
  readonly seen: string[][];
  /** How many times each armed fault fired. */
  readonly fired: number;
  close(): Promise<void>;
}

const CRLF = 0x0d;

/** End offset of the RESP value starting at `pos`, or -1 when the buffer does not hold all of it. */
function valueEnd(buf: Buffer, pos: number): number {
  if (pos >= buf.length) return -1;
  const lineEnd = buf.indexOf(CRLF, pos);
  if (lineEnd < 0 || lineEnd + 1 >= buf.length) return -1;
  const type = String.fromCharCode(buf[pos]!);
  const head = buf.toString("latin1", pos + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case "+":
    case "-":
    case ":":
    case "_":
    case "#":
    case ",":
    case "(":
      return next;
    case "$":
    case "!":
    case "=": {
      const len = Number(head);
      if (len < 0) return next;
      return next + len + 2 <= buf.length ? next + len + 2 : -1;
    }
    case "*":
    case "~":
    case ">":
    case "%":
    case "|": {
      let n = Number(head);
      if (n < 0) return next;
      if (type === "%" || type === "|") n *= 2;
      let at = next;
      for (let i = 0; i < n; i++) {
        at = valueEnd(buf, at);
        if (at < 0) return -1;
      }
      return at;
    }
    default:
      // Inline command (telnet style): one line.
      return next;
  }
}

/** A client command (array of bulk strings, or an inline line) as strings. */
function commandAt(buf: Buffer, pos: number, end: number): string[] {
  if (buf[pos] !== 0x2a /* * */)
    return buf
      .toString("latin1", pos, end - 2)
      .trim()
      .split(/\s+/);
  const out: string[] = [];
  let at = buf.indexOf(CRLF, pos) + 2;
  while (at < end) {
    const lineEnd = buf.indexOf(CRLF, at);
    const len = Number(buf.toString("latin1", at + 1, lineEnd));
    const start = lineEnd + 2;
    out.push(len < 0 ? "" : buf.toString("latin1", start, start + len));
    at = start + Math.max(len, 0) + 2;
  }
  if (out.length) out[0] = out[0]!.toUpperCase();
  return out;
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  const faults: (Fault & { left: number })[] = [];
  const seen: string[][] = [];
  const sockets = new Set<net.Socket>();
  let fired = 0;

  function take(cmd: string[]): Fault | undefined {
    for (const f of faults) {
      if (f.left > 0 && f.match(cmd)) {
        f.left--;
        fired++;
        return f;
      }
    }
    return undefined;
  }

  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const upstream = net.connect({ host: target.hostname, port: Number(target.port || 6379) });
    upstream.setNoDelay(true);
    sockets.add(client);
    let inBuf = Buffer.alloc(0);
    let outBuf = Buffer.alloc(0);
    /** One entry per command forwarded: what to do with its reply. */
    const pending: (Fault | undefined)[] = [];
    let writeChain: Promise<void> = Promise.resolve();
    let dead = false;

    const kill = () => {
      if (dead) return;
      dead = true;
      sockets.delete(client);
      client.resetAndDestroy();
      upstream.destroy();
    };
    client.on("error", kill);
    upstream.on("error", kill);
    client.on("close", kill);
    upstream.on("close", kill);

    client.on("data", (chunk) => {
      inBuf = inBuf.length ? Buffer.concat([inBuf, chunk]) : chunk;
      let pos = 0;
      const forwardFrom = 0;
      while (pos < inBuf.length) {
        const end = valueEnd(inBuf, pos);
        if (end < 0) break;
        const cmd = commandAt(inBuf, pos, end);
        seen.push(cmd);
        if (seen.length > 10_000) seen.shift();
        const fault = take(cmd);
        if (fault?.action === "reset-before") {
          if (pos > forwardFrom) upstream.write(inBuf.subarray(forwardFrom, pos));
          // Let what was forwarded reach the server before the reset, like a real dropped link.
          setImmediate(kill);
          inBuf = Buffer.alloc(0);
          return;
        }
        pending.push(fault);
        pos = end;
      }
      if (pos > forwardFrom) upstream.write(inBuf.subarray(forwardFrom, pos));
      inBuf = inBuf.subarray(pos);
    });

    upstream.on("data", (chunk) => {
      outBuf = outBuf.length ? Buffer.concat([outBuf, chunk]) : chunk;
      let pos = 0;
      while (pos < outBuf.length) {
        const end = valueEnd(outBuf, pos);
        if (end < 0) break;
        const reply = outBuf.subarray(pos, end);
        const isPush = outBuf[pos] === 0x3e; /* > out-of-band RESP3 push */
        const fault = isPush ? undefined : pending.shift();
        pos = end;
        if (fault?.action === "drop-reply-and-reset") {
          writeChain = writeChain.then(kill);
          outBuf = Buffer.alloc(0);
          return;
        }
        const delay = fault?.action === "delay" ? (fault.delayMs ?? 100) : 0;
        const copy = Buffer.from(reply);
        writeChain = writeChain.then(async () => {
          if (delay) await new Promise((r) => setTimeout(r, delay));
          if (!dead) client.write(copy);
        });
      }
      outBuf = outBuf.subarray(pos);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const auth = target.username || target.password ? `${target.username}:${target.password}@` : "";
  const db = target.pathname && target.pathname !== "/" ? target.pathname : "";

  return {
    url: `redis://${auth}127.0.0.1:${port}${db}`,
    port,
    inject: (f) => faults.push({ ...f, left: f.times ?? 1 }),
    resetAll: () => {
      for (const s of [...sockets]) s.emit("error", new Error("reset by fault proxy"));
    },
    clear: () => {
      faults.length = 0;
    },
    seen,
    get fired() {
      return fired;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of [...sockets]) s.emit("error", new Error("proxy closed"));
        server.close(() => resolve());
      }),
  };
}
