// The pool's contract with a fake connector: lazy, shared, one reconnect after a drop, failures sticky.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Duplex } from "node:stream";
import { UnreachableError } from "../../src/connection/errors.js";
import { ConnectionPool, type HostSpec } from "../../src/connection/pool.js";
import type { Connection } from "../../src/connection/types.js";

class FakeConnection implements Connection {
  alive = true;
  closed = false;
  readonly user = "root";
  constructor(readonly host: string) {}
  run = async () => ({ kind: "exited" as const, exitCode: 0, stdout: "", stderr: "" });
  put = async () => undefined;
  get = async () => null;
  stat = async () => null;
  forwardOut = async (): Promise<Duplex> => {
    throw new Error("not in fakes");
  };
  forwardOutUnix = this.forwardOut;
  isAlive = () => this.alive;
  close = async () => {
    this.closed = true;
    this.alive = false;
  };
}

const spec = (name: string): HostSpec => ({ kind: "ssh", target: { name } });

function fakeConnector(outcomes: Array<"ok" | "fail">) {
  const made: FakeConnection[] = [];
  let calls = 0;
  const connector = async (s: HostSpec) => {
    const outcome = outcomes[calls++] ?? "ok";
    const name = s.kind === "ssh" ? s.target.name : s.name;
    if (outcome === "fail") throw new UnreachableError(name, "connect", `cannot connect to ${name}: refused`);
    const c = new FakeConnection(name);
    made.push(c);
    return c;
  };
  return { connector, made, calls: () => calls };
}

describe("ConnectionPool", () => {
  it("opens lazily and shares one connection between concurrent callers", async () => {
    const f = fakeConnector([]);
    const pool = new ConnectionPool(f.connector);
    assert.equal(f.calls(), 0);
    const [a, b] = await Promise.all([pool.get(spec("h1")), pool.get(spec("h1"))]);
    assert.equal(a, b);
    assert.equal(await pool.get(spec("h1")), a);
    assert.equal(f.calls(), 1);
  });

  it("reconnects once when the connection dropped between tasks", async () => {
    const f = fakeConnector(["ok", "ok"]);
    const pool = new ConnectionPool(f.connector);
    const first = (await pool.get(spec("h1"))) as FakeConnection;
    first.alive = false;
    const [x, y] = await Promise.all([pool.get(spec("h1")), pool.get(spec("h1"))]);
    assert.equal(x, y);
    assert.notEqual(x, first);
    assert.equal(f.calls(), 2);
  });

  it("reports unreachable when the reconnect fails, and keeps saying so without retrying", async () => {
    const f = fakeConnector(["ok", "fail"]);
    const pool = new ConnectionPool(f.connector);
    ((await pool.get(spec("h1"))) as FakeConnection).alive = false;
    await assert.rejects(pool.get(spec("h1")), (e: unknown) => e instanceof UnreachableError && e.reason === "connect");
    await assert.rejects(pool.get(spec("h1")), UnreachableError);
    assert.equal(f.calls(), 2);
  });

  it("keeps hosts independent and closes them all", async () => {
    const f = fakeConnector(["fail", "ok"]);
    const pool = new ConnectionPool(f.connector);
    await assert.rejects(pool.get(spec("down")), UnreachableError);
    await pool.get(spec("up"));
    await pool.closeAll();
    assert.ok(f.made.every((c) => c.closed));
  });
});
