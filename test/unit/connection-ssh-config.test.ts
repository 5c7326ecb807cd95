// Resolving where and how to connect: ~/.ssh/config honoured, inventory values winning, as in Ansible.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import SSHConfig from "ssh-config";
import { secret } from "../../src/connection/command.js";
import { expandPath, parseProxyJump, resolveTarget, type LocalEnv } from "../../src/connection/ssh-config.js";

const env: LocalEnv = { home: "/home/op", localUser: "op", agentSocket: "/run/agent.sock" };

const CONFIG = SSHConfig.parse(`
Host db-*
  HostName %h.dc1.example
  User postgres-admin
  Port 2222
  IdentityFile ~/.ssh/db_key
  UserKnownHostsFile ~/.ssh/kh_db /etc/ssh/kh_shared
  StrictHostKeyChecking accept-new
  HashKnownHosts yes

Host behind
  HostName 10.1.2.3
  ProxyJump jump@bastion.example:2200,hop2
  IdentitiesOnly yes

Host bastion.example
  IdentityFile %d/.ssh/bastion_%r

Host *
  ConnectTimeout 7
  IdentityFile ~/.ssh/id_all
`);

describe("resolveTarget", () => {
  it("applies matching Host blocks in order, first value wins", () => {
    const t = resolveTarget({ name: "db-primary" }, CONFIG, env);
    assert.equal(t.hostname, "db-primary.dc1.example");
    assert.equal(t.port, 2222);
    assert.equal(t.user, "postgres-admin");
    assert.deepEqual(t.identityFiles, ["/home/op/.ssh/db_key", "/home/op/.ssh/id_all"]);
    assert.deepEqual(t.knownHostsFiles, [
      "/home/op/.ssh/kh_db",
      "/etc/ssh/kh_shared",
      "/etc/ssh/ssh_known_hosts",
      "/etc/ssh/ssh_known_hosts2",
    ]);
    assert.equal(t.unknownKeyPolicy, "accept-new");
    assert.equal(t.hashKnownHosts, true);
    assert.equal(t.connectTimeoutMs, 7000);
    assert.equal(t.agent, "/run/agent.sock");
    assert.deepEqual(t.jumps, []);
  });

  it("lets inventory values override the config", () => {
    const t = resolveTarget(
      {
        name: "db-primary",
        host: "db-primary",
        port: 22,
        user: "root",
        privateKeyFile: "/lab/id",
        knownHostsFile: "/lab/known_hosts",
        connectTimeoutMs: 1500,
      },
      CONFIG,
      env,
    );
    assert.equal(t.port, 22);
    assert.equal(t.user, "root");
    assert.deepEqual(t.identityFiles, ["/lab/id", "/home/op/.ssh/db_key", "/home/op/.ssh/id_all"]);
    assert.equal(t.identitiesOnly, true);
    assert.deepEqual(t.knownHostsFiles, ["/lab/known_hosts"]);
    assert.equal(t.connectTimeoutMs, 1500);
  });

  it("matches Host patterns against ansible_host, not the inventory name", () => {
    const t = resolveTarget({ name: "primary-db", host: "db-x" }, CONFIG, env);
    assert.equal(t.name, "primary-db");
    assert.equal(t.hostname, "db-x.dc1.example");
  });

  it("falls back to ssh's defaults when nothing matches", () => {
    const t = resolveTarget({ name: "198.18.0.11" }, new SSHConfig(), { home: "/root", localUser: "root" });
    assert.equal(t.hostname, "198.18.0.11");
    assert.equal(t.port, 22);
    assert.equal(t.user, "root");
    assert.deepEqual(t.identityFiles, ["/root/.ssh/id_ed25519", "/root/.ssh/id_ecdsa", "/root/.ssh/id_rsa"]);
    assert.deepEqual(t.knownHostsFiles, [
      "/root/.ssh/known_hosts",
      "/root/.ssh/known_hosts2",
      "/etc/ssh/ssh_known_hosts",
      "/etc/ssh/ssh_known_hosts2",
    ]);
    assert.equal(t.unknownKeyPolicy, "refuse");
    assert.equal(t.connectTimeoutMs, 10_000);
    assert.equal(t.agent, undefined);
  });

  it("turns trust-on-first-use on only when asked", () => {
    assert.equal(
      resolveTarget({ name: "h", trustOnFirstUse: true }, new SSHConfig(), env).unknownKeyPolicy,
      "accept-new",
    );
  });

  it("resolves ProxyJump hops through the config too", () => {
    const t = resolveTarget({ name: "behind", password: secret("pw") }, CONFIG, env);
    assert.equal(t.hostname, "10.1.2.3");
    assert.equal(t.identitiesOnly, true);
    assert.equal(t.password?.value, "pw");
    assert.deepEqual(
      t.jumps.map((j) => [j.hostname, j.port, j.user, j.identityFiles[0]]),
      [
        ["bastion.example", 2200, "jump", "/home/op/.ssh/bastion_jump"],
        ["hop2", 22, "op", "/home/op/.ssh/id_all"],
      ],
    );
  });

  it("lets the inventory disable or replace ProxyJump", () => {
    assert.deepEqual(resolveTarget({ name: "behind", proxyJump: "none" }, CONFIG, env).jumps, []);
    const t = resolveTarget(
      { name: "behind", proxyJump: "root@198.18.0.31", knownHostsFile: "/lab/kh", privateKeyFile: "/lab/id" },
      CONFIG,
      env,
    );
    assert.deepEqual(
      t.jumps.map((j) => [j.user, j.hostname, j.knownHostsFiles, j.identityFiles[0]]),
      [["root", "198.18.0.31", ["/lab/kh"], "/lab/id"]],
    );
  });
});

describe("parseProxyJump and expandPath", () => {
  it("parses user@host:port lists, ssh:// URIs and bracketed IPv6", () => {
    assert.deepEqual(parseProxyJump("a@b:2200, c ,ssh://d@e:23,[::1]:2222"), [
      { host: "b", user: "a", port: 2200 },
      { host: "c" },
      { host: "e", user: "d", port: 23 },
      { host: "::1", port: 2222 },
    ]);
  });

  it("expands ~ and % tokens", () => {
    assert.equal(expandPath("~/.ssh/%r@%h:%p", env, { h: "db", r: "root", p: "22" }), "/home/op/.ssh/root@db:22");
    assert.equal(expandPath("100%%", env, {}), "100%");
  });
});
