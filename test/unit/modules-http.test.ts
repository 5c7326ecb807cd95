// get_url and uri through the local connection against an HTTP server on this machine's loopback
// (the lab test bed runs them from real hosts).
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { LocalConnection } from "../../src/connection/local-connection.js";
import { runLocalModule } from "./local-modules.js";

function serve(): http.Server {
  return http.createServer((req, res) => {
    if (req.url === "/file.txt") return void res.end("payload\n");
    if (req.url === "/moved") return void res.writeHead(302, { Location: "/file.txt" }).end();
    if (req.url === "/state")
      return void res.writeHead(200, { "Content-Type": "application/json" }).end('{"state": "ready", "n": 2}');
    if (req.url === "/echo" && req.method === "POST") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () =>
        res
          .writeHead(201, { "Content-Type": "application/json" })
          .end(
            JSON.stringify({ got: JSON.parse(Buffer.concat(chunks).toString()), type: req.headers["content-type"] }),
          ),
      );
      return;
    }
    res.writeHead(404).end("no");
  });
}

describe("get_url and uri", () => {
  const conn = new LocalConnection("localhost");
  const server = serve();
  let base = "";
  let dir = "";
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = await mkdtemp(path.join(os.tmpdir(), "gocd-bc-http-"));
  });
  after(async () => {
    await conn.close();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("get_url downloads (following a redirect), keeps an existing file, and writes nothing in check mode", async () => {
    const dest = path.join(dir, "got.txt");
    const checked = await runLocalModule(conn, "get_url", { url: `${base}/moved`, dest }, true);
    assert.equal(checked.status, "changed", JSON.stringify(checked));
    await assert.rejects(stat(dest));
    const got = await runLocalModule(conn, "get_url", { url: `${base}/moved`, dest, mode: "0640" });
    assert.equal(got.status, "changed", JSON.stringify(got));
    assert.equal(await readFile(dest, "utf8"), "payload\n");
    assert.equal((await stat(dest)).mode & 0o777, 0o640);
    await writeFile(dest, "local edit\n");
    assert.equal((await runLocalModule(conn, "get_url", { url: `${base}/file.txt`, dest, mode: "0640" })).status, "ok");
  });

  it("get_url with a checksum replaces a file that does not match and refuses a download that does not", async () => {
    const dest = path.join(dir, "sum.txt");
    const sum = crypto.createHash("sha256").update("payload\n").digest("hex");
    await writeFile(dest, "old\n");
    assert.equal(
      (await runLocalModule(conn, "get_url", { url: `${base}/file.txt`, dest, checksum: `sha256:${sum}` })).status,
      "changed",
    );
    assert.equal(
      (await runLocalModule(conn, "get_url", { url: `${base}/file.txt`, dest, checksum: `sha256:${sum}` })).status,
      "ok",
    );
    const bad = await runLocalModule(conn, "get_url", {
      url: `${base}/file.txt`,
      dest: path.join(dir, "bad.txt"),
      checksum: "sha256:00",
    });
    assert.equal(bad.status === "failed" && /checksum/.test(bad.error), true, JSON.stringify(bad));
    const missing = await runLocalModule(conn, "get_url", { url: `${base}/nothing`, dest: path.join(dir, "none.txt") });
    assert.equal(missing.status === "failed" && /HTTP 404/.test(missing.error), true, JSON.stringify(missing));
  });

  it("uri GET registers status, json and headers as Ansible does, in check mode too; a wrong status fails", async () => {
    const r = await runLocalModule(conn, "uri", { url: `${base}/state` }, true);
    assert.equal(r.status, "ok", JSON.stringify(r));
    assert.deepEqual(
      [r.data.status, r.data.json, r.data.content_type],
      [200, { state: "ready", n: 2 }, "application/json"],
    );
    const text = await runLocalModule(conn, "uri", { url: `${base}/file.txt`, return_content: true });
    assert.equal(text.data.content, "payload\n");
    const wrong = await runLocalModule(conn, "uri", { url: `${base}/nothing`, status_code: [200, 204] });
    assert.equal(wrong.status === "failed" && wrong.error, "Status code was 404 and not [200, 204]");
    assert.equal(wrong.data.status, 404);
  });

  it("uri POST with a JSON body is a change, made only in a real run", async () => {
    const args = { url: `${base}/echo`, method: "POST", body: { a: 1 }, body_format: "json", status_code: 201 };
    assert.equal((await runLocalModule(conn, "uri", args, true)).status, "changed");
    const r = await runLocalModule(conn, "uri", args);
    assert.equal(r.status, "changed", JSON.stringify(r));
    assert.deepEqual(r.data.json, { got: { a: 1 }, type: "application/json" });
  });

  it("uri says why when nothing answers", async () => {
    const r = await runLocalModule(conn, "uri", { url: "http://127.0.0.1:1/", timeout: 2 });
    assert.equal(r.status, "failed");
  });
});
