// API credentials on the stand-in, as GoCD decides them: security is on once cruise-config.xml has an
// authConfig; then /go/api/* (but health and version) and /go/files/* need a bearer token, which the
// package's create-access-token issues into the database (a digest only), so the standby knows it after a
// failover. Agents keep their own tokens; the bearer token never reaches the server log.
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { REPORTED_OK_LINE, waitMoreLines } from "./agent-log.js";
import { createPrimary, createReplica, freePort, makePgRoot, promote, psql, type PgCluster } from "./pg-cluster.js";
import { readText, stopAll, waitFor } from "./procs.js";
import {
  type AgentInstall,
  type ServerInstall,
  createAccessToken,
  createGocdDatabase,
  cruiseConfig,
  installAgent,
  installServer,
  startAgent,
  startServer,
  waitHealthy,
} from "./standin-env.js";

const KEY = "8c3a4f5e-eeee-4fff-8aaa-555555555555";
const V1 = "application/vnd.go.cd.v1+json";
/** GoCD's password-file plugin as the authorization configuration, and one admin. */
const SECURITY = `<security>
      <authConfigs>
        <authConfig id="passwords" pluginId="cd.go.authentication.passwordfile">
          <property><key>PasswordFilePath</key><value>/etc/go/password.properties</value></property>
        </authConfig>
      </authConfigs>
      <admins><user>admin</user></admins>
    </security>`;

/** A GET (or other) with optional bearer token; status, headers and parsed JSON (or text) body. */
async function call(url: string, token?: string, init: RequestInit = {}) {
  const auth: Record<string, string> = token === undefined ? {} : { Authorization: `bearer ${token}` };
  const res = await fetch(url, { ...init, headers: { Connection: "close", ...auth, ...(init.headers ?? {}) } });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body };
}

/** The maintenance mode API, as the switchover will call it. */
const maintenance = (s: ServerInstall, action: "info" | "enable" | "disable", token?: string) =>
  call(`${s.url}/api/admin/maintenance_mode/${action}`, token, {
    method: action === "info" ? "GET" : "POST",
    headers: { Accept: V1, ...(action === "info" ? {} : { "X-GoCD-Confirm": "true" }) },
  });

describe("GoCD stand-in API credentials", () => {
  let root = "";
  let primary: PgCluster;
  let replica: PgCluster;
  let server: ServerInstall;
  let agent: AgentInstall;
  let token = "";

  before(async () => {
    root = await makePgRoot();
    primary = await createPrimary(root);
    await createGocdDatabase(primary);
    replica = await createReplica(root, primary);
    server = await installServer(path.join(root, "server"), {
      port: await freePort(),
      dbPort: primary.port,
      tokenGenerationKey: KEY,
      warmupMs: 200,
    });
    agent = await installAgent(path.join(root, "agent"), {
      serverUrl: server.url,
      statusPort: await freePort(),
      pingIntervalMs: 100,
      jobIntervalMs: 100,
    });
    startServer(server);
    await waitHealthy(server);
    startAgent(agent);
    await waitMoreLines(agent, REPORTED_OK_LINE, 1);
  });

  after(async () => {
    await stopAll();
    await replica?.stop();
    await primary?.stop();
    if (root && process.env.GOCD_STANDIN_KEEP_TMP !== "1") await fs.rm(root, { recursive: true, force: true });
  });

  it("security off: the APIs need nothing, a bearer token is refused (as GoCD does), no token can be issued", async () => {
    assert.equal((await call(`${server.url}/api/agents`)).status, 200);
    const bearer = await call(`${server.url}/api/agents`, "0".repeat(40));
    assert.equal(bearer.status, 401);
    assert.deepEqual(bearer.body, {
      message: "Bearer authentication credentials are not required, since security has been disabled on this server.",
    });
    const issued = await createAccessToken(server, ["switchover"]);
    assert.equal(issued.code, 1);
    assert.match(issued.stderr, /security is off/);
  });

  it("an authConfig in cruise-config.xml turns security on: 401 without or with a wrong token, 200 with the issued one", async () => {
    await fs.writeFile(path.join(server.configDir, "cruise-config.xml"), cruiseConfig(KEY, "artifacts", SECURITY));
    const refused = await waitFor("security on", async () => {
      const r = await call(`${server.url}/api/agents`);
      return r.status === 401 ? r : undefined;
    });
    assert.deepEqual(refused.body, { message: "You are not authenticated!" });
    assert.equal(refused.headers.get("www-authenticate"), 'Basic realm="GoCD"');
    assert.match(await readText(server.logFile), /Security is on \(authConfigs: passwords\)/);

    const issued = await createAccessToken(server, ["switchover"]);
    assert.equal(issued.code, 0, issued.stderr);
    token = issued.stdout.trim();
    assert.match(token, /^[0-9a-f]{40}$/);
    const wrong = token.slice(0, 8) + crypto.randomBytes(16).toString("hex");
    for (const bad of [wrong, "not-a-token"]) {
      const r = await call(`${server.url}/api/agents`, bad);
      assert.equal(r.status, 401);
      assert.deepEqual(r.body, { message: "Invalid Personal Access Token." });
    }
    assert.equal((await call(`${server.url}/api/agents`, token)).status, 200);
    assert.equal((await maintenance(server, "info")).status, 401);
    const info = await maintenance(server, "info", token);
    assert.equal(info.status, 200);
    assert.equal(info.headers.get("content-type"), `${V1}; charset=utf-8`);
    assert.equal((await maintenance(server, "enable", token)).status, 204);
    assert.equal(
      ((await maintenance(server, "info", token)).body as { metadata: { updated_by: string } }).metadata.updated_by,
      "admin",
    );
    assert.equal((await maintenance(server, "disable", token)).status, 204);
  });

  it("security on: health and version stay open; artifacts need the token; agents work with their own tokens", async () => {
    assert.deepEqual((await call(`${server.url}/api/v1/health`)).body, { health: "OK" });
    assert.equal((await call(`${server.url}/api/version`)).status, 200);
    const uuid = (await fs.readFile(path.join(agent.configDir, "guid.txt"), "utf8")).trim();
    const agentToken = (await fs.readFile(path.join(agent.configDir, "token"), "utf8")).trim();
    const rel = "p/1/s/1/j/out.txt";
    const upload = await call(`${server.url}/remoting/files/${rel}`, undefined, {
      method: "PUT",
      headers: { "X-Agent-GUID": uuid, Authorization: agentToken },
      body: "built\n",
    });
    assert.equal(upload.status, 201);
    assert.equal((await call(`${server.url}/files/${rel}`)).status, 401);
    assert.equal((await call(`${server.url}/files/${rel}`, token)).body, "built\n");
    await waitMoreLines(agent, / ping ok 200$/, 3);
    await waitMoreLines(agent, REPORTED_OK_LINE, 3);
  });

  it("a token of a user who is not an admin reads the agents but gets 403 from the admin APIs", async () => {
    const issued = await createAccessToken(server, ["--user", "bob", "reader"]);
    assert.equal(issued.code, 0, issued.stderr);
    const bob = issued.stdout.trim();
    assert.equal((await call(`${server.url}/api/agents`, bob)).status, 200);
    const r = await maintenance(server, "info", bob);
    assert.equal(r.status, 403);
    assert.deepEqual(r.body, { message: "You are not authorized to access this resource!" });
  });

  it("keeps only a digest of the token in the database, and never writes the token to the server log", async () => {
    const secret = token.slice(8);
    const rows = await psql(primary, "gocd", "SELECT * FROM gocd_standin_access_tokens");
    assert.match(rows, /switchover/);
    assert.equal(rows.includes(secret), false, "the token's secret is in the database");
    const log = await readText(server.logFile);
    assert.ok(log.length > 0);
    assert.equal(log.includes(secret), false, "the token is in the server log");
  });

  it("the standby accepts the same token after a failover: tokens live in the replicated database", async () => {
    await waitFor("the token row on the replica", async () =>
      (
        await psql(replica, "gocd", "SELECT count(*) FROM gocd_standin_access_tokens WHERE description = 'switchover'")
      ).trim() === "1"
        ? true
        : undefined,
    );
    await promote(replica);
    const standby = await installServer(path.join(root, "standby"), {
      port: await freePort(),
      dbPort: replica.port,
      tokenGenerationKey: KEY,
      warmupMs: 200,
      security: SECURITY,
    });
    startServer(standby);
    await waitHealthy(standby);
    assert.equal((await call(`${standby.url}/api/agents`)).status, 401);
    assert.equal((await call(`${standby.url}/api/agents`, token)).status, 200);
    assert.equal((await maintenance(standby, "info", token)).status, 200);
  });
});
