// Running the stand-in programs straight from their sources with node (no .deb), with config in temp dirs,
// and making sure every process started here dies with the test run.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { standinSourceDir } from "../../src/lab/standin-packages.js";

/** The server's and agent's entry points in the fixture sources. */
export const SERVER_MAIN = path.join(standinSourceDir(), "go-server/usr/share/go-server/bin/go-server.mjs");
export const AGENT_MAIN = path.join(standinSourceDir(), "go-agent/usr/share/go-agent/bin/go-agent.mjs");
/** The server package's token-issuing program (the .mjs its /usr/share/go-server/bin/create-access-token runs). */
export const CREATE_ACCESS_TOKEN = path.join(
  standinSourceDir(),
  "go-server/usr/share/go-server/bin/create-access-token.mjs",
);

const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

/** Spawn `node script` with extra env; the process is killed at exit if a test forgets it. */
export function spawnNode(script: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** SIGTERM a child and wait for it (SIGKILL after 5 s). */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** Kill every child still running (for after() hooks). */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c)));
}

/** Poll `probe` until it returns a value that is not undefined, or fail after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** A file's text, or "" when it does not exist yet. */
export async function readText(file: string): Promise<string> {
  return fs.readFile(file, "utf8").catch(() => "");
}

/** GET/PUT/POST with fetch and no keep-alive; returns status and body text, or undefined when refused. */
export async function http(url: string, init: RequestInit = {}): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url, { ...init, headers: { Connection: "close", ...(init.headers ?? {}) } });
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}
