// known_hosts parsing and key judgement, against lines written by OpenSSH's own ssh-keygen.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { prepareHostKeyCheck } from "../../src/connection/host-keys.js";
import {
  checkHostKey,
  fingerprint,
  formatEntry,
  hashedHostField,
  hostMatches,
  keyTypeOf,
  knownKeyTypes,
  lookupName,
  parseKnownHosts,
} from "../../src/connection/known-hosts.js";

// Generated with ssh-keygen -t ed25519; fingerprints from `ssh-keygen -lf`.
const K1 = "AAAAC3NzaC1lZDI1NTE5AAAAIEDUFFPiHUkW7jei7sZykTBDctiNx+hqdxMBAbGeizX2";
const K1_FP = "SHA256:L79CzoKsIjvopjCRxa5Hg9onlEgUy9W0YABAg+xKc4A";
const K2 = "AAAAC3NzaC1lZDI1NTE5AAAAIETmKsmzbQ+MpPVTglqXVXLCgY+0wHj7RPyxgLU0nJCu";
const key1 = Buffer.from(K1, "base64");
const key2 = Buffer.from(K2, "base64");

// The same two entries after `ssh-keygen -H -f known_hosts`.
const HASHED = [
  `|1|S17anjxu/B/O2Ee2+gVerl1oECI=|cDUkDIrPnmokv03bfLM+GRrQruY= ssh-ed25519 ${K1}`,
  `|1|Gak1dRaPNt4QeYISgn6ruzdTE94=|j1O49kf/FAPcNz0S+YafD1xwGDM= ssh-ed25519 ${K2}`,
].join("\n");

describe("parseKnownHosts", () => {
  it("reads plain, bracketed, marked and comment lines, skipping junk", () => {
    const text = [
      "# a comment",
      "",
      `198.18.0.11 ssh-ed25519 ${K1} root@lab`,
      `@revoked * ssh-ed25519 ${K2}`,
      `@cert-authority *.lab ssh-ed25519 ${K2}`,
      "@weird host ssh-ed25519 AAAA",
      "only-a-host",
    ].join("\n");
    const entries = parseKnownHosts(text);
    assert.deepEqual(
      entries.map((e) => [e.marker, e.hosts, e.keyType, e.line]),
      [
        ["none", "198.18.0.11", "ssh-ed25519", 3],
        ["revoked", "*", "ssh-ed25519", 4],
        ["cert-authority", "*.lab", "ssh-ed25519", 5],
      ],
    );
    assert.ok(entries[0]?.key.equals(key1));
  });
});

describe("host matching", () => {
  it("uses [host]:port for ports other than 22", () => {
    assert.equal(lookupName("198.18.0.11", 22), "198.18.0.11");
    assert.equal(lookupName("198.18.0.12", 2222), "[198.18.0.12]:2222");
  });

  it("matches comma lists, wildcards and negation", () => {
    assert.ok(hostMatches("db1,198.18.0.21", "198.18.0.21"));
    assert.ok(hostMatches("198.18.0.*", "198.18.0.21"));
    assert.ok(hostMatches("db?", "DB1"));
    assert.ok(!hostMatches("198.18.0.*,!198.18.0.21", "198.18.0.21"));
    assert.ok(!hostMatches("198.18.0.1", "198.18.0.11"));
    assert.ok(!hostMatches("198.18.0.12", "[198.18.0.12]:2222"));
  });

  it("matches entries hashed by ssh-keygen -H, including [host]:port", () => {
    const [h1, h2] = parseKnownHosts(HASHED);
    assert.ok(h1 && h2);
    assert.ok(hostMatches(h1.hosts, "198.18.0.11"));
    assert.ok(!hostMatches(h1.hosts, "198.18.0.12"));
    assert.ok(hostMatches(h2.hosts, "[198.18.0.12]:2222"));
  });

  it("hashes new entries the way OpenSSH reads them", () => {
    const field = hashedHostField("[10.0.0.1]:2200", Buffer.alloc(20, 7));
    assert.match(field, /^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+$/);
    assert.ok(hostMatches(field, "[10.0.0.1]:2200"));
    assert.ok(!hostMatches(field, "10.0.0.1"));
  });
});

describe("checkHostKey", () => {
  const entries = parseKnownHosts(
    `198.18.0.11 ssh-ed25519 ${K1}\n198.18.0.13 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7\n`,
  );

  it("accepts the recorded key", () => {
    assert.equal(checkHostKey(entries, "198.18.0.11", key1).status, "known");
    assert.equal(checkHostKey(parseKnownHosts(HASHED), "198.18.0.11", key1).status, "known");
  });

  it("calls a different key of the same type a change, pointing at the line", () => {
    const v = checkHostKey(entries, "198.18.0.11", key2);
    assert.equal(v.status, "changed");
    assert.equal(v.status === "changed" && v.entry.line, 1);
  });

  it("calls a host with no entry unknown", () => {
    assert.deepEqual(checkHostKey(entries, "198.18.0.99", key1), { status: "unknown" });
  });

  it("calls a key of a new type for a host known with another type a change, pointing at the known line", () => {
    const v = checkHostKey(entries, "198.18.0.13", key1);
    assert.equal(v.status, "changed");
    assert.deepEqual(v.status === "changed" && [v.entry.line, v.entry.keyType], [2, "ssh-rsa"]);
  });

  it("rejects a revoked key even when it is also listed as known", () => {
    const withRevoked = parseKnownHosts(`198.18.0.11 ssh-ed25519 ${K1}\n@revoked * ssh-ed25519 ${K1}\n`);
    assert.equal(checkHostKey(withRevoked, "198.18.0.11", key1).status, "revoked");
  });

  it("never trusts a key because of a @cert-authority line", () => {
    const ca = parseKnownHosts(`@cert-authority * ssh-ed25519 ${K1}\n`);
    assert.equal(checkHostKey(ca, "198.18.0.11", key1).status, "unknown");
  });

  it("lists the key types known for a host", () => {
    assert.deepEqual(knownKeyTypes(entries, "198.18.0.13"), ["ssh-rsa"]);
  });
});

describe("keys and fingerprints", () => {
  it("reads the key type from the blob and fingerprints like ssh-keygen -l", () => {
    assert.equal(keyTypeOf(key1), "ssh-ed25519");
    assert.equal(fingerprint(key1), K1_FP);
  });

  it("formats entries that parse back to the same key, plain or hashed", () => {
    assert.equal(formatEntry("198.18.0.11", key1, false), `198.18.0.11 ssh-ed25519 ${K1}`);
    const hashed = parseKnownHosts(formatEntry("[198.18.0.11]:2222", key1, true));
    assert.equal(checkHostKey(hashed, "[198.18.0.11]:2222", key1).status, "known");
  });
});

describe("trust on first use", () => {
  const RSA = "198.18.0.13 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7";
  let dir = "";
  after(() => rm(dir, { recursive: true, force: true }));

  /** Runs the verifier as ssh2 would, against a known_hosts file holding `text`, with --trust-on-first-use. */
  async function present(text: string, host: string, key: Buffer) {
    dir ||= await mkdtemp(path.join(os.tmpdir(), "gocd-bc-known-"));
    const file = path.join(dir, `known_hosts-${host}`);
    await writeFile(file, text);
    const target = {
      name: host,
      hostname: host,
      port: 22,
      user: "root",
      identityFiles: [],
      identitiesOnly: false,
      knownHostsFiles: [file],
      unknownKeyPolicy: "accept-new" as const,
      hashKnownHosts: false,
      connectTimeoutMs: 1000,
      jumps: [],
    };
    const check = await prepareHostKeyCheck(target);
    const accepted = await new Promise<boolean>((resolve) => check.verify(key, resolve));
    return { accepted, refusal: check.refusal(), after: await readFile(file, "utf8") };
  }

  it("records the key of a host it has never seen", async () => {
    const r = await present(`${RSA}\n`, "198.18.0.99", key1);
    assert.equal(r.accepted, true);
    assert.equal(r.after, `${RSA}\n198.18.0.99 ssh-ed25519 ${K1}\n`);
  });

  it("refuses a key of a new type for a known host as a changed key, and records nothing", async () => {
    const r = await present(`${RSA}\n`, "198.18.0.13", key1);
    assert.equal(r.accepted, false);
    assert.equal(r.refusal?.reason, "hostkey-changed");
    assert.match(
      r.refusal?.message ?? "",
      /HOST KEY CHANGED for 198\.18\.0\.13: it presented ssh-ed25519 .* has a different key, of type ssh-rsa/,
    );
    assert.equal(r.after, `${RSA}\n`);
  });

  it("still refuses a changed key of the same type", async () => {
    const r = await present(`198.18.0.11 ssh-ed25519 ${K1}\n`, "198.18.0.11", key2);
    assert.equal(r.refusal?.reason, "hostkey-changed");
  });
});
