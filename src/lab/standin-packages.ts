// Builds the GoCD stand-in (src/lab/gocd-standin: the lab's own, so it ships with the lab) into go-server and go-agent .deb packages and a flat
// apt repository, so lab hosts install it the production way: `deb [trusted=yes] file:/srv/gocd-bc-apt ./`.
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";

const run = promisify(execFile);

/** The stand-in packages and the npm packages each one bundles (with their whole dependency trees). */
export const STANDIN_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  "go-server": ["pg"],
  "go-agent": [],
};

/** Bumped when the build itself changes, so an old stamp never hides a needed rebuild. */
const BUILDER_REVISION = "1";
const STAMP = ".standin-build-stamp";
const MAINTAINER_SCRIPTS = new Set(["preinst", "postinst", "prerm", "postrm", "config"]);

/** The project root: the nearest directory upwards holding gocd-bc's package.json (works from src/ and dist/). */
export function projectRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pj = path.join(dir, "package.json");
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, "utf8")) as { name?: string }).name === "gocd-bc") return dir;
    if (path.dirname(dir) === dir) throw new Error(`gocd-bc's package.json not found above ${from}`);
  }
}

/** Where the stand-in's package trees live. */
export function standinSourceDir(root: string = projectRoot()): string {
  return path.join(root, "src", "lab", "gocd-standin");
}

/** Every file under `dir` (relative paths, sorted), for hashing and permission fixing. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** The directory of npm package `name` as Node would resolve it from `fromDir` (walking up node_modules). */
function resolvePackageDir(name: string, fromDir: string, root: string): string | undefined {
  for (let dir = fromDir; dir.startsWith(root); dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
    if (dir === root) break;
  }
  return undefined;
}

/** `names` and their dependencies (and installed optional ones), walked through package.json files. */
export function dependencyTree(names: readonly string[], root: string = projectRoot()): string[] {
  const found = new Set<string>();
  const visit = (name: string, fromDir: string, optional: boolean): void => {
    const dir = resolvePackageDir(name, fromDir, root);
    if (!dir) {
      if (optional) return;
      throw new Error(`npm package ${name} (needed by the stand-in) is not installed under ${root}`);
    }
    if (found.has(dir)) return;
    found.add(dir);
    const pj = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(pj.dependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(pj.optionalDependencies ?? {})) visit(dep, dir, true);
  };
  for (const name of names) visit(name, root, false);
  return [...found].sort();
}

/** A hash of everything that goes into the packages: sources (content and mode) and bundled npm packages. */
async function sourceHash(srcDir: string, root: string): Promise<string> {
  const h = crypto.createHash("sha256").update(`rev ${BUILDER_REVISION}\n`);
  for (const rel of await listFiles(srcDir)) {
    const file = path.join(srcDir, rel);
    const st = await fs.stat(file);
    h.update(`${rel} ${st.mode & 0o111 ? "x" : "-"}\n`).update(await fs.readFile(file));
  }
  for (const deps of Object.values(STANDIN_PACKAGES)) {
    for (const dir of dependencyTree(deps, root)) {
      h.update(`${path.relative(root, dir)}\n`).update(await fs.readFile(path.join(dir, "package.json")));
    }
  }
  return h.digest("hex");
}

/** Modes as dpkg-deb and Debian policy want them: scripts and programs 0755, everything else 0644. */
async function fixPermissions(tree: string): Promise<void> {
  const entries = await fs.readdir(tree, { recursive: true, withFileTypes: true });
  await fs.chmod(tree, 0o755);
  for (const e of entries) {
    const abs = path.join(e.parentPath, e.name);
    const rel = path.relative(tree, abs);
    const executable =
      (rel.startsWith("DEBIAN/") && MAINTAINER_SCRIPTS.has(e.name)) ||
      rel.startsWith("etc/init.d/") ||
      /^usr\/share\/go-[a-z]+\/bin\//.test(rel);
    await fs.chmod(abs, e.isDirectory() || executable ? 0o755 : 0o644);
  }
}

/** Add Installed-Size (KiB of the payload) to DEBIAN/control; returns the control's Version. */
async function finishControl(tree: string): Promise<string> {
  const controlFile = path.join(tree, "DEBIAN", "control");
  let control = await fs.readFile(controlFile, "utf8");
  let bytes = 0;
  for (const rel of await listFiles(tree)) {
    if (!rel.startsWith("DEBIAN/")) bytes += (await fs.stat(path.join(tree, rel))).size;
  }
  if (!/^Installed-Size:/m.test(control)) {
    control = control.replace(/^(Architecture:.*)$/m, `$1\nInstalled-Size: ${Math.ceil(bytes / 1024)}`);
    await fs.writeFile(controlFile, control);
  }
  const version = /^Version:\s*(\S+)$/m.exec(control)?.[1];
  if (!version) throw new Error(`${controlFile} has no Version`);
  return version;
}

/** Stage one package (sources plus bundled npm packages) and build its .deb into repoDir; returns its path. */
async function buildPackage(name: string, srcDir: string, workDir: string, repoDir: string, root: string) {
  const tree = path.join(workDir, name);
  // dereference: a package shares a source file with the other through a symlink; the .deb gets a copy.
  await fs.cp(path.join(srcDir, name), tree, { recursive: true, dereference: true });
  const libDir = path.join(tree, "usr", "share", name, "lib");
  for (const dir of dependencyTree(STANDIN_PACKAGES[name] ?? [], root)) {
    const dest = path.join(libDir, path.relative(root, dir));
    if (!existsSync(dest)) await fs.cp(dir, dest, { recursive: true });
  }
  await fixPermissions(tree);
  const version = await finishControl(tree);
  const deb = path.join(repoDir, `${name}_${version}_all.deb`);
  const tmp = path.join(workDir, path.basename(deb));
  await run("dpkg-deb", ["--build", "--root-owner-group", "-Zgzip", tree, tmp]);
  await fs.copyFile(tmp, `${deb}.tmp`);
  await fs.chmod(`${deb}.tmp`, 0o644);
  await fs.rename(`${deb}.tmp`, deb);
  return deb;
}

/** Write a file atomically, world-readable (apt's _apt user reads the repository). */
async function writeAtomic(file: string, data: string | Buffer): Promise<void> {
  await fs.writeFile(`${file}.tmp`, data, { mode: 0o644 });
  await fs.rename(`${file}.tmp`, file);
}

/** Packages, Packages.gz and a Release with their SHA256 sums: a flat repository apt accepts. */
async function writeIndex(repoDir: string): Promise<void> {
  const { stdout } = await run("dpkg-scanpackages", ["--multiversion", ".", "/dev/null"], { cwd: repoDir });
  const packages = Buffer.from(stdout);
  const gz = gzipSync(packages, { level: 9 });
  await writeAtomic(path.join(repoDir, "Packages"), packages);
  await writeAtomic(path.join(repoDir, "Packages.gz"), gz);
  const sum = (b: Buffer) => crypto.createHash("sha256").update(b).digest("hex");
  const release = [
    "Origin: gocd-bc",
    "Label: gocd-bc GoCD stand-in",
    `Date: ${new Date().toUTCString().replace("GMT", "UTC")}`,
    "Architectures: all amd64 arm64",
    "SHA256:",
    ` ${sum(packages)} ${packages.length} Packages`,
    ` ${sum(gz)} ${gz.length} Packages.gz`,
    "",
  ].join("\n");
  await writeAtomic(path.join(repoDir, "Release"), release);
}

/** Remove stand-in .debs of other versions, so the index lists only what this build made. */
async function removeStaleDebs(repoDir: string, keep: readonly string[]): Promise<void> {
  for (const f of await fs.readdir(repoDir)) {
    const ours = Object.keys(STANDIN_PACKAGES).some((n) => f.startsWith(`${n}_`) && f.endsWith(".deb"));
    if (ours && !keep.includes(path.join(repoDir, f))) await fs.rm(path.join(repoDir, f));
  }
}

/** Build both stand-in .debs and the apt index into repoDir; skips the work when nothing changed. */
export async function buildStandinRepo(repoDir: string): Promise<{ packages: string[] }> {
  const root = projectRoot();
  const srcDir = standinSourceDir(root);
  await fs.mkdir(repoDir, { recursive: true, mode: 0o755 });
  const hash = await sourceHash(srcDir, root);
  const stampFile = path.join(repoDir, STAMP);
  const previous = existsSync(stampFile) ? JSON.parse(await fs.readFile(stampFile, "utf8")) : undefined;
  const done = previous as { hash: string; debs: string[] } | undefined;
  const donePackages = (done?.debs ?? []).map((f) => path.join(repoDir, f));
  if (done?.hash === hash && [...donePackages, path.join(repoDir, "Packages.gz")].every((f) => existsSync(f))) {
    return { packages: donePackages };
  }
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), "gocd-standin-build-"));
  try {
    const packages: string[] = [];
    for (const name of Object.keys(STANDIN_PACKAGES)) {
      packages.push(await buildPackage(name, srcDir, workDir, repoDir, root));
    }
    await removeStaleDebs(repoDir, packages);
    await writeIndex(repoDir);
    await writeAtomic(stampFile, JSON.stringify({ hash, debs: packages.map((f) => path.basename(f)) }));
    return { packages };
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
