// The switchover journal as the topology reads it: each server's last line, the latest of the two, and
// lines that cannot be read are no record.
import { test } from "node:test";
import assert from "node:assert/strict";
import { journalRecord, latestRecord } from "../../src/topology/journal.js";

const encode = (line: unknown) =>
  Buffer.from(typeof line === "string" ? line : JSON.stringify(line)).toString("base64");
const line = (time: string, step: string, epoch?: unknown) =>
  encode({
    time,
    host: "go-a",
    switchover: { step, id: "sw-1", from: "go-a", to: "go-b", ...(epoch !== undefined ? { epoch } : {}) },
  });

test("a journal line gives the switchover's id, sides, step, time and epoch; done and aborted ended it", () => {
  assert.deepEqual(journalRecord(line("2026-12-01T10:00:00.000Z", "promoted", 7)), {
    kind: "switchover",
    id: "sw-1",
    from: "go-a",
    to: "go-b",
    step: "promoted",
    time: "2026-12-01T10:00:00.000Z",
    epoch: 7,
    ended: false,
  });
  assert.equal(journalRecord(line("t", "done"))?.ended, true);
  assert.equal(journalRecord(line("t", "aborted"))?.ended, true);
  assert.equal(journalRecord(line("t", "resumed"))?.ended, false);
});

test("an epoch that is not a positive whole number reads as none (0)", () => {
  for (const bad of ["7", -1, 1.5, null])
    assert.equal(journalRecord(line("t", "started", bad))?.epoch, bad === "7" ? 7 : 0);
});

test("no line, or a torn one, is no record", () => {
  assert.equal(journalRecord(undefined), undefined);
  assert.equal(journalRecord(""), undefined);
  assert.equal(journalRecord(encode('{"time":"2026-12-01T10:0')), undefined);
});

test("the latest record of the two servers wins; a server without one is passed over", () => {
  const a = journalRecord(line("2026-12-01T10:00:05.000Z", "done"));
  const b = journalRecord(line("2026-12-01T10:00:01.000Z", "promoted"));
  assert.equal(latestRecord([b, a])?.step, "done");
  assert.equal(latestRecord([undefined, b])?.step, "promoted");
  assert.equal(latestRecord([undefined, undefined]), undefined);
});

test("a failover line is a record of its own kind; only done ends it (a failover is never aborted)", () => {
  const failover = (step: string) =>
    encode({
      time: "2026-12-01T11:00:00.000Z",
      host: "go-b",
      failover: { epoch: 5, step, id: "fo-1", from: "go-a", to: "go-b", by: "root@vm" },
    });
  assert.deepEqual(journalRecord(failover("promoted")), {
    kind: "failover",
    id: "fo-1",
    from: "go-a",
    to: "go-b",
    step: "promoted",
    time: "2026-12-01T11:00:00.000Z",
    epoch: 5,
    ended: false,
  });
  assert.equal(journalRecord(failover("done"))?.ended, true);
  assert.equal(journalRecord(failover("aborted"))?.ended, false);
  assert.equal(journalRecord(line("t", "done"))?.kind, "switchover");
});
