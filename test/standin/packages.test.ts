// The stand-in builder: two valid .debs with GoCD's files, pg bundled, and a flat apt index; rebuilds skip.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { buildStandinRepo, standinSourceDir } from "../../src/lab/standin-packages.js";

const run = promisify(execFile);

/** `dpkg-deb ARGS` output. */
const dpkgDeb = async (...args: string[]) => (await run("dpkg-deb", args)).stdout;

describe("buildStandinRepo", () => {
  let tmp = "";
  let repo = "";
  let debs: string[] = [];

  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), "gocd-standin-repo-"));
    repo = path.join(tmp, "apt");
    debs = (await buildStandinRepo(repo)).packages;
  });

  after(async () => {
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  });

  it("builds go-server and go-agent versioned like GoCD", () => {
    assert.deepEqual(debs.map((d) => path.basename(d)).sort(), [
      "go-agent_25.1.0-standin_all.deb",
      "go-server_25.1.0-standin_all.deb",
    ]);
  });

  it("go-server holds GoCD's files, its conffiles and a bundled pg", async () => {
    const deb = path.join(repo, "go-server_25.1.0-standin_all.deb");
    const info = await dpkgDeb("-I", deb);
    assert.match(info, /Package: go-server\n/);
    assert.match(info, /Depends: nodejs \(>= 20\)/);
    const files = await dpkgDeb("-c", deb);
    for (const f of [
      "./etc/go/cruise-config.xml",
      "./etc/go/db.properties",
      "./usr/share/go-server/wrapper-config/wrapper-properties.conf",
      "./usr/share/go-server/bin/go-server.mjs",
      "./usr/share/go-server/lib/node_modules/pg/package.json",
      "./usr/share/go-server/lib/node_modules/pg-protocol/package.json",
      "./lib/systemd/system/go-server.service",
    ]) {
      assert.ok(files.includes(` ${f}\n`), `${f} in the package`);
    }
    assert.match(files, /^-rwxr-xr-x root\/root .* \.\/etc\/init\.d\/go-server$/m);
    assert.match(
      files,
      /^-rwxr-xr-x root\/root .* \.\/usr\/share\/go-server\/bin\/create-access-token$/m,
      "the lab's token program",
    );
    const conffiles = await dpkgDeb("-I", deb, "conffiles");
    assert.match(conffiles, /^\/etc\/go\/cruise-config\.xml$/m);
    assert.match(conffiles, /^\/usr\/share\/go-server\/wrapper-config\/wrapper-properties\.conf$/m);
    assert.match(await dpkgDeb("-I", deb, "postinst"), /useradd --system --gid go --home-dir \/var\/go/);
  });

  it("go-agent holds its program, init script, unit and wrapper properties", async () => {
    const deb = path.join(repo, "go-agent_25.1.0-standin_all.deb");
    assert.match(await dpkgDeb("-I", deb), /Package: go-agent\n/);
    const files = await dpkgDeb("-c", deb);
    for (const f of [
      "./usr/share/go-agent/bin/go-agent.mjs",
      "./usr/share/go-agent/wrapper-config/wrapper-properties.conf",
      "./lib/systemd/system/go-agent.service",
    ]) {
      assert.ok(files.includes(` ${f}\n`), `${f} in the package`);
    }
    assert.match(files, /^-rwxr-xr-x root\/root .* \.\/etc\/init\.d\/go-agent$/m);
  });

  it("the bundled pg loads without the project's node_modules", async () => {
    const root = path.join(tmp, "extracted");
    await run("dpkg-deb", ["-x", path.join(repo, "go-server_25.1.0-standin_all.deb"), root]);
    const db = path.join(root, "usr/share/go-server/lib/database.mjs");
    const code = `const m = await import(${JSON.stringify(db)}); console.log(m.MIGRATION_TABLE);`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", code], { cwd: root });
    assert.equal(stdout.trim(), "gocd_standin_schema_version");
    // create-access-token loads the same way (its usage, exit 2, comes after every import resolved).
    const tool = path.join(root, "usr/share/go-server/bin/create-access-token.mjs");
    const err = await run(process.execPath, [tool], { cwd: root }).then(
      () => undefined,
      (e: { code?: number; stderr?: string }) => e,
    );
    assert.equal(err?.code, 2);
    assert.match(err?.stderr ?? "", /^create-access-token: usage: create-access-token /);
  });

  it("writes a flat apt index (Packages, Packages.gz, Release) listing both", async () => {
    const packages = await fs.readFile(path.join(repo, "Packages"), "utf8");
    assert.match(packages, /^Package: go-server$/m);
    assert.match(packages, /^Package: go-agent$/m);
    assert.match(packages, /^Filename: \.\/go-server_25\.1\.0-standin_all\.deb$/m);
    assert.equal(gunzipSync(await fs.readFile(path.join(repo, "Packages.gz"))).toString(), packages);
    assert.match(await fs.readFile(path.join(repo, "Release"), "utf8"), /^ [0-9a-f]{64} \d+ Packages\.gz$/m);
  });

  it("skips the rebuild when the sources did not change", async () => {
    const before = (await fs.stat(debs[0]!)).mtimeMs;
    const again = await buildStandinRepo(repo);
    assert.deepEqual(again.packages, debs);
    assert.equal((await fs.stat(debs[0]!)).mtimeMs, before);
  });

  it("ships init scripts that report a stopped service with status 3", async () => {
    const script = path.join(standinSourceDir(), "go-server/etc/init.d/go-server");
    const err = await run("sh", [script, "status"]).then(
      () => undefined,
      (e: { code?: number }) => e,
    );
    assert.equal(err?.code, 3);
  });
});
