import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { Redis } from "ioredis";
import { startFaultProxy, type FaultProxy } from "../helpers/fault-proxy";
import { rawClient, testServers, uniquePrefix } from "../helpers/servers";

const { available, missing } = testServers();
const proxies: FaultProxy[] = [];
const clients: Redis[] = [];
after(async () => {
  clients.forEach((c) => c.disconnect());
  await Promise.all(proxies.map((p) => p.close()));
});

/** A client through the proxy that neither retries nor resends, so each fault is visible. */
function strictClient(url: string): Redis {
  const c = new Redis(url, { maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false, retryStrategy: () => 20 });
  c.on("error", () => {});
  clients.push(c);
  return c;
}

describe("fault-injection proxy in front of a real server", () => {
  for (const reason of missing) it(`server ${reason}`, { skip: reason }, () => {});
  const server = available[0];
  if (!server) return;

  it("passes commands and pipelined replies through unchanged, and records them", async () => {
    const proxy = await startFaultProxy(server.url);
    proxies.push(proxy);
    const c = strictClient(proxy.url);
    const key = `${uniquePrefix("proxy")}k`;
    const res = await c.pipeline().set(key, "v\r\n*binary\x00").get(key).del(key).exec();
    assert.deepEqual(
      res?.map(([e, v]) => [e, v]),
      [
        [null, "OK"],
        [null, "v\r\n*binary\x00"],
        [null, 1],
      ],
    );
    assert.ok(proxy.seen.some((cmd) => cmd[0] === "SET" && cmd[1] === key));
  });

  it("drop-reply-and-reset: the server executed the command, the caller never heard", async () => {
    const proxy = await startFaultProxy(server.url);
    proxies.push(proxy);
    const c = strictClient(proxy.url);
    const raw = rawClient(server.url);
    clients.push(raw);
    const key = `${uniquePrefix("proxy")}n`;
    proxy.inject({ match: (cmd) => cmd[0] === "INCR" && cmd[1] === key, action: "drop-reply-and-reset" });
    await assert.rejects(c.incr(key));
    assert.equal(await raw.get(key), "1");
    assert.equal(proxy.fired, 1);
    // The fault is used up: after the reconnect the next command goes through.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(await c.incr(key), 2);
    await raw.del(key);
  });

  it("reset-before: the command never reaches the server", async () => {
    const proxy = await startFaultProxy(server.url);
    proxies.push(proxy);
    const c = strictClient(proxy.url);
    const raw = rawClient(server.url);
    clients.push(raw);
    const key = `${uniquePrefix("proxy")}m`;
    proxy.inject({ match: (cmd) => cmd[0] === "EXEC", action: "reset-before" });
    await assert.rejects(c.multi().incr(key).incr(key).exec());
    assert.equal(await raw.exists(key), 0, "a transaction cut before EXEC is discarded by the server");
  });

  it("delay holds a reply (and keeps the order of the ones after it)", async () => {
    const proxy = await startFaultProxy(server.url);
    proxies.push(proxy);
    const c = strictClient(proxy.url);
    const key = `${uniquePrefix("proxy")}d`;
    proxy.inject({ match: (cmd) => cmd[0] === "SET", action: "delay", delayMs: 150 });
    const started = Date.now();
    const order: string[] = [];
    await Promise.all([c.set(key, "1").then(() => order.push("set")), c.get(key).then(() => order.push("get"))]);
    assert.ok(Date.now() - started >= 140, "the delayed reply arrived no earlier than the delay");
    assert.deepEqual(order, ["set", "get"]);
    await c.del(key);
  });

  it("resetAll drops every connection; a reconnecting client works again", async () => {
    const proxy = await startFaultProxy(server.url);
    proxies.push(proxy);
    const c = new Redis(proxy.url, { maxRetriesPerRequest: 5, retryStrategy: () => 20 });
    c.on("error", () => {});
    clients.push(c);
    assert.equal(await c.ping(), "PONG");
    const closed = new Promise((r) => c.once("close", r));
    proxy.resetAll();
    await closed;
    assert.equal(await c.ping(), "PONG");
  });
});
