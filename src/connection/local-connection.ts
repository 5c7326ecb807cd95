// `connection: local`: the same Connection contract on the controller, with child_process and fs.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, open, rename, stat, unlink, readFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import type { Duplex } from "node:stream";
import { cmd } from "./command.js";
import { RemoteOperationError } from "./errors.js";
import { ownerSpec, tempPathFor } from "./file-scripts.js";
import { ShellConnection, type RawResult } from "./shell-connection.js";
import type { PutOptions } from "./types.js";

/** Runs on this machine as the current user; `host` is the inventory name (usually localhost). */
export class LocalConnection extends ShellConnection {
  private closed = false;

  constructor(host = "localhost") {
    super(host, os.userInfo().username);
  }

  isAlive(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  protected exec(shellText: string, stdin: Buffer | undefined, timeoutMs: number | undefined): Promise<RawResult> {
    return new Promise((resolve, reject) => {
      // Own process group, so a timeout kills the whole pipeline, not just sh.
      const child = spawn("/bin/sh", ["-c", shellText], { detached: true, stdio: ["pipe", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.stdin.on("error", () => undefined); // the command may exit without reading its input
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              killGroup(child.pid);
            }, timeoutMs);
      child.on("error", (e) => {
        if (timer) clearTimeout(timer);
        reject(new RemoteOperationError(this.host, "run", `cannot start /bin/sh: ${e.message}`));
      });
      child.on("close", (code, signal) => {
        if (timer) clearTimeout(timer);
        const stdout = Buffer.concat(out);
        const stderr = Buffer.concat(err);
        if (timedOut) return resolve({ kind: "timeout", timeoutMs: timeoutMs ?? 0, stdout, stderr });
        const exitCode = code ?? 128 + (signal ? (os.constants.signals[signal] ?? 127) : 127);
        resolve({
          kind: "exited",
          exitCode,
          ...(signal ? { signal: signal.replace(/^SIG/, "") } : {}),
          stdout,
          stderr,
        });
      });
      child.stdin.end(stdin);
    });
  }

  protected async putDirect(remotePath: string, content: Buffer, opts: PutOptions): Promise<void> {
    const tmp = tempPathFor(remotePath, randomBytes(6).toString("hex"));
    const existing = await stat(remotePath).catch(() => null);
    const mode = opts.mode ?? (existing ? existing.mode & 0o7777 : undefined);
    try {
      const fh = await open(tmp, "wx", mode === undefined ? 0o666 : 0o600);
      try {
        await fh.writeFile(content);
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (mode !== undefined) await chmod(tmp, mode);
      await this.chownLike(tmp, opts, existing);
      await rename(tmp, remotePath);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e instanceof RemoteOperationError
        ? e
        : new RemoteOperationError(this.host, "put", `put ${remotePath}: ${(e as Error).message}`);
    }
  }

  private async chownLike(tmp: string, opts: PutOptions, existing: { uid: number; gid: number } | null): Promise<void> {
    const spec = ownerSpec(opts) ?? (existing ? `${existing.uid}:${existing.gid}` : undefined);
    if (spec === undefined) return;
    const r = await this.exec(cmd`chown -- ${spec} ${tmp}`.toShell(), undefined, 60_000);
    // Keeping an existing owner is best effort (needs privileges); an explicit owner must succeed.
    if ((r.kind !== "exited" || r.exitCode !== 0) && ownerSpec(opts) !== undefined) {
      throw new RemoteOperationError(this.host, "put", `chown ${spec}: ${r.stderr.toString("utf8").trim()}`);
    }
  }

  protected async getDirect(localPath: string): Promise<Buffer | null> {
    try {
      return await readFile(localPath);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return null;
      throw new RemoteOperationError(this.host, "get", `get ${localPath}: ${(e as Error).message}`);
    }
  }

  /** A plain TCP socket (already local). */
  forwardOut(host: string, port: number): Promise<Duplex> {
    return connectSocket(this.host, `${host}:${port}`, () => net.connect({ host, port }));
  }

  /** A plain unix socket connection. */
  forwardOutUnix(socketPath: string): Promise<Duplex> {
    return connectSocket(this.host, socketPath, () => net.connect({ path: socketPath }));
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

function connectSocket(host: string, what: string, make: () => net.Socket): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const s = make();
    s.once("connect", () => {
      s.removeAllListeners("error");
      resolve(s);
    });
    s.once("error", (e) =>
      reject(new RemoteOperationError(host, "forward", `cannot connect to ${what}: ${e.message}`)),
    );
  });
}
