// `npm test`: every test file in one node:test run, with the embedded lab brought up before the files that
// need real hosts and taken down afterwards, even when tests fail (a lab that was up before stays up).
// Without root on Linux the lab tests cannot run: the run says so and fails rather than pass on less.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { labDown, labUp } from "../src/lab/lab.js";
import { labPaths } from "../src/lab/topology.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Test files that must run after all others: the lab's life-cycle test takes the lab down and up again. */
const RUN_LAST = [path.join("lab", "lifecycle.test.js")];

/** Every compiled *.test.js below `dir`, sorted. */
function testFiles(dir: string): string[] {
  return findTests(dir);
}

const runsLast = (f: string) => RUN_LAST.some((l) => f.endsWith(path.sep + l));

/** node:test sorts the files it is given, so the files that must run last get a run of their own after the
 * others; the exit code is the first failure's. */
async function inOrder(files: readonly string[]): Promise<number> {
  const first = files.filter((f) => !runsLast(f));
  const last = files.filter(runsLast);
  const code = first.length ? await nodeTest(first) : 0;
  const lastCode = last.length ? await nodeTest(last) : 0;
  return code !== 0 ? code : lastCode;
}

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (entry.endsWith(".test.js")) out.push(full);
  }
  return out;
}

/** Runs this same command again through sudo: the lab needs root, the person running the tests may not be. */
function asRoot(args: string[]): Promise<number> {
  console.error("npm test: the lab tests need root; running them through sudo");
  return new Promise((resolve) => {
    spawn("sudo", ["--preserve-env=PATH,CI,GOCD_BC_LAB_DIR", process.execPath, ...args], { stdio: "inherit" })
      .on("error", () => {
        console.error("npm test: sudo is not available; run the tests as root");
        resolve(1);
      })
      .on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function nodeTest(files: string[]): Promise<number> {
  const args = ["--test", "--test-concurrency=1", ...(process.env.CI ? ["--test-reporter=spec"] : []), ...files];
  return new Promise((resolve) => {
    spawn(process.execPath, args, { stdio: "inherit" }).on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const onlyArgs = process.argv.slice(2);
  const files = onlyArgs.length ? onlyArgs.map((f) => path.resolve(f)) : testFiles(here);
  const needsLab = files.some((f) => f.includes(`${path.sep}lab${path.sep}`));
  if (needsLab && process.platform !== "linux") {
    console.error("npm test: the lab tests need Linux (network namespaces, mounts)");
    return 1;
  }
  if (needsLab && process.getuid?.() !== 0) return asRoot(process.argv.slice(1));
  if (!needsLab) return inOrder(files);
  // A lab that was already running (a developer's) is left running; one this run made is taken down.
  const wasUp = existsSync(path.join(labPaths().root, "ready"));
  const up = Date.now();
  await labUp();
  console.log(`lab up in ${((Date.now() - up) / 1000).toFixed(1)}s`);
  try {
    return await inOrder(files);
  } finally {
    // Quietly: the test runner's summary stays the last thing printed.
    if (!wasUp) await labDown();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
