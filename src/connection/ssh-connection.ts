// A Connection over one persistent ssh2 client: commands through a few long-lived shells (exec channels
// only for binary or very long stdin), one lazily opened SFTP session for atomic writes and reads, and
// forwarded streams for clients such as pg. Channels are capped by the server's MaxSessions.
import { randomBytes } from "node:crypto";
import { constants as osConstants } from "node:os";
import type { Duplex } from "node:stream";
import type { Client, ClientChannel, SFTPWrapper, Stats } from "ssh2";
import { cmd } from "./command.js";
import { RemoteOperationError, UnreachableError } from "./errors.js";
import { ownerSpec, tempPathFor } from "./file-scripts.js";
import { PersistentShell, shellStdin } from "./persistent-shell.js";
import { Semaphore } from "./semaphore.js";
import { ShellConnection, type RawResult } from "./shell-connection.js";
import type { PutOptions, RemoteProcess } from "./types.js";

const SFTP_NO_SUCH_FILE = 2;
/** Long-lived shells per connection: a host runs one task at a time, so a few cover every module. */
const SHELLS = 3;

/** A live ssh connection to one host; built by `connectSsh`. */
export class SshConnection extends ShellConnection {
  private alive = true;
  private sftpSession: Promise<SFTPWrapper> | undefined;
  private readonly sessions: Semaphore;
  private readonly shellSlots = new Semaphore(SHELLS);
  private idleShells: PersistentShell[] = [];
  // A run that changes nothing then never opens an SFTP session (each session costs sshd 100-200 ms).
  protected override readonly readsThroughShell = true;

  constructor(
    host: string,
    user: string,
    private readonly client: Client,
    private readonly jumpClients: readonly Client[],
    maxSessions = 10,
  ) {
    super(host, user);
    // One session is kept for SFTP and some for the shells; the rest are for commands with stdin.
    this.sessions = new Semaphore(Math.max(1, maxSessions - 1 - SHELLS));
    const dead = () => {
      this.alive = false;
    };
    client.on("close", dead);
    client.on("end", dead);
    client.on("error", dead);
  }

  isAlive(): boolean {
    return this.alive;
  }

  async close(): Promise<void> {
    await this.removeUnfinishedWrites();
    this.alive = false;
    for (const c of [this.client, ...this.jumpClients].reverse()) c.end();
  }

  /** Temporary files of writes still under way when the connection closes (a run interrupted by
   * Ctrl-C abandons them): removed first, so the host keeps neither a partial nor a stray file. */
  private readonly unfinished = new Set<string>();

  private async removeUnfinishedWrites(): Promise<void> {
    if (!this.alive || this.unfinished.size === 0) return;
    const paths = [...this.unfinished];
    await this.exec(cmd`rm -f -- ${paths}`.toShell(), undefined, 10_000).catch(() => undefined);
  }

  protected exec(shellText: string, stdin: Buffer | undefined, timeoutMs: number | undefined): Promise<RawResult> {
    // Text input rides in the shell too (a psql script, a sudo password line): a channel of its own would
    // cost sshd a session's set-up, the 100-200 ms that made every PostgreSQL task slow.
    const text = stdin === undefined ? undefined : shellStdin(stdin);
    if (stdin === undefined || text !== undefined)
      return this.shellSlots.use(() => this.inShell(shellText, timeoutMs, text));
    return this.sessions.use(async () =>
      collect(await this.openExec(shellText), stdin, timeoutMs, () =>
        this.alive ? undefined : this.dropped("the command"),
      ),
    );
  }

  /** Runs a command in an idle long-lived shell (opening one if needed), and keeps the shell for the next. */
  private async inShell(shellText: string, timeoutMs: number | undefined, stdin?: string): Promise<RawResult> {
    let shell = this.idleShells.pop();
    while (shell && !shell.isOpen()) shell = this.idleShells.pop();
    shell ??= new PersistentShell(await this.openExec('exec "${SHELL:-/bin/sh}"'));
    const result = await shell.run(shellText, timeoutMs, stdin);
    if (result) {
      if (shell.isOpen()) this.idleShells.push(shell);
      return result;
    }
    // The shell closed under the command: the connection died (its close event comes just after), or the
    // command killed its own shell, which counts like a process killed by a signal.
    await new Promise((r) => setImmediate(r));
    if (!this.alive) throw this.dropped("a command");
    return {
      kind: "exited",
      exitCode: 255,
      stdout: Buffer.alloc(0),
      stderr: Buffer.from("the remote shell closed during the command\n"),
    };
  }

  /** A channel of its own, for as long as the connection lives (sshd closes it with the connection). */
  protected override async openProcess(shellText: string): Promise<RemoteProcess> {
    const channel = await this.openExec(shellText);
    channel.on("error", () => undefined);
    return {
      write: (text) => channel.write(text),
      onOutput: (listener) => {
        channel.on("data", (b: Buffer) => listener("out", b));
        channel.stderr.on("data", (b: Buffer) => listener("err", b));
      },
      onEnd: (listener) => channel.once("close", listener),
      close: () => channel.close(),
    };
  }

  private openExec(shellText: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      if (!this.alive) return reject(this.dropped("a command"));
      this.client.exec(shellText, (err, channel) => (err ? reject(this.channelError(err, "run")) : resolve(channel)));
    });
  }

  protected async putDirect(remotePath: string, content: Buffer, opts: PutOptions): Promise<void> {
    const sftp = await this.sftp();
    const tmp = tempPathFor(remotePath, randomBytes(6).toString("hex"));
    const existing = await sftpMaybe<Stats | null>((cb) => sftp.stat(remotePath, cb), null);
    this.unfinished.add(tmp);
    try {
      const keepMode = opts.mode ?? (existing ? existing.mode & 0o7777 : undefined);
      // A known final mode: create private, then chmod. Otherwise let the server's umask decide.
      await sftpCall((cb) =>
        sftp.writeFile(tmp, content, { flag: "wx", mode: keepMode === undefined ? 0o666 : 0o600 }, cb),
      );
      if (keepMode !== undefined) await sftpCall((cb) => sftp.chmod(tmp, keepMode, cb));
      await this.setOwner(sftp, tmp, opts, existing);
      await this.renameOver(sftp, tmp, remotePath);
    } catch (e) {
      await sftpCall((cb) => sftp.unlink(tmp, cb)).catch(() => undefined);
      throw e instanceof UnreachableError || e instanceof RemoteOperationError
        ? e
        : new RemoteOperationError(this.host, "put", `put ${remotePath}: ${(e as Error).message}`);
    } finally {
      this.unfinished.delete(tmp);
    }
  }

  private async setOwner(sftp: SFTPWrapper, tmp: string, opts: PutOptions, existing: Stats | null): Promise<void> {
    const spec = ownerSpec(opts);
    if (spec !== undefined) {
      const r = await this.exec(cmd`chown -- ${spec} ${tmp}`.toShell(), undefined, 60_000);
      if (r.kind !== "exited" || r.exitCode !== 0)
        throw new Error(`chown ${spec}: ${r.stderr.toString("utf8").trim() || r.kind}`);
      return;
    }
    if (existing === null) return;
    const mine = await sftpCall<Stats>((cb) => sftp.stat(tmp, cb));
    if (mine.uid === existing.uid && mine.gid === existing.gid) return;
    // Keeping the replaced file's owner needs privileges; without them the login user keeps it, like cp.
    await sftpCall((cb) => sftp.chown(tmp, existing.uid, existing.gid, cb)).catch(() => undefined);
  }

  private async renameOver(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
    try {
      await sftpCall((cb) => sftp.ext_openssh_rename(from, to, cb));
    } catch {
      // Servers without posix-rename@openssh.com: mv -f is still an atomic rename(2) in one directory.
      const r = await this.exec(cmd`mv -f -- ${from} ${to}`.toShell(), undefined, 60_000);
      if (r.kind !== "exited" || r.exitCode !== 0)
        throw new Error(`rename: ${r.stderr.toString("utf8").trim() || r.kind}`);
    }
  }

  protected async getDirect(remotePath: string): Promise<Buffer | null> {
    const sftp = await this.sftp();
    try {
      return await sftpMaybe<Buffer | null>((cb) => sftp.readFile(remotePath, cb), null);
    } catch (e) {
      throw new RemoteOperationError(this.host, "get", `get ${remotePath}: ${(e as Error).message}`);
    }
  }

  private sftp(): Promise<SFTPWrapper> {
    if (!this.sftpSession) {
      const opening = new Promise<SFTPWrapper>((resolve, reject) => {
        if (!this.alive) return reject(this.dropped("SFTP"));
        this.client.sftp((err, sftp) => (err ? reject(this.channelError(err, "put")) : resolve(sftp)));
      });
      this.sftpSession = opening;
      const forget = () => {
        if (this.sftpSession === opening) this.sftpSession = undefined;
      };
      opening.then((s) => s.on("close", forget), forget);
    }
    return this.sftpSession;
  }

  /** Opens a TCP stream to host:port from the remote side (ssh direct-tcpip). */
  forwardOut(host: string, port: number): Promise<Duplex> {
    return this.forward(`${host}:${port}`, (cb) => this.client.forwardOut("127.0.0.1", 0, host, port, cb));
  }

  /** Opens a stream to a unix socket on the remote host (needs sshd's AllowStreamLocalForwarding, on by default). */
  forwardOutUnix(socketPath: string): Promise<Duplex> {
    return this.forward(socketPath, (cb) => this.client.openssh_forwardOutStreamLocal(socketPath, cb));
  }

  private forward(
    what: string,
    open: (cb: (err: Error | undefined, ch: ClientChannel) => void) => void,
  ): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      if (!this.alive) return reject(this.dropped(`forwarding to ${what}`));
      open((err, ch) =>
        err
          ? reject(
              new RemoteOperationError(
                this.host,
                "forward",
                `cannot open a forwarded stream to ${what} on ${this.host}: ${err.message}`,
              ),
            )
          : resolve(ch),
      );
    });
  }

  private channelError(err: Error, op: "run" | "put"): Error {
    return this.alive
      ? new RemoteOperationError(this.host, op, `cannot open an ssh channel on ${this.host}: ${err.message}`)
      : this.dropped(op);
  }

  private dropped(what: string): UnreachableError {
    return new UnreachableError(this.host, "dropped", `the ssh connection to ${this.host} dropped (during ${what})`);
  }
}

// Feeds stdin, gathers output, and kills the channel on timeout.
// `dropped` says whether a close without exit status means the connection died (else: exit code 255).
function collect(
  ch: ClientChannel,
  stdin: Buffer | undefined,
  timeoutMs: number | undefined,
  dropped: () => Error | undefined,
): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let exit: { code: number | null; signal?: string } | undefined;
    let timedOut = false;
    ch.on("data", (b: Buffer) => out.push(b));
    ch.stderr.on("data", (b: Buffer) => err.push(b));
    ch.on("exit", (code: number | null, signal?: string) => {
      exit = { code, signal };
    });
    let done = false;
    // On timeout: signal and close the channel, and answer now (sshd holds the close until the
    // process exits; the remote `timeout` wrapper from ShellConnection makes sure it does).
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            ch.signal("KILL");
            ch.close();
            finish();
          }, timeoutMs);
    const finish = () => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      const stdout = Buffer.concat(out);
      const stderr = Buffer.concat(err);
      if (timedOut) return resolve({ kind: "timeout", timeoutMs: timeoutMs ?? 0, stdout, stderr });
      const lost = exit === undefined ? dropped() : undefined;
      if (lost) return reject(lost);
      const e = exit ?? { code: null };
      resolve({ kind: "exited", exitCode: exitCodeOf(e), ...(e.signal ? { signal: e.signal } : {}), stdout, stderr });
    };
    // Decide on the next turn: when the whole connection died, its close event comes after the channel's.
    ch.on("close", () => setImmediate(finish));
    ch.on("error", () => undefined);
    ch.end(stdin);
  });
}

function exitCodeOf(exit: { code: number | null; signal?: string }): number {
  if (exit.code !== null && exit.code !== undefined) return exit.code;
  const n = exit.signal ? (osConstants.signals as Record<string, number>)[`SIG${exit.signal}`] : undefined;
  return n !== undefined ? 128 + n : 255;
}

// Promisifies an SFTP call.
function sftpCall<T = void>(call: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => call((err, value) => (err ? reject(err) : resolve(value as T))));
}

// Like sftpCall, but "no such file" yields `absent`.
async function sftpMaybe<T>(
  call: (cb: (err: Error | null | undefined, value?: T) => void) => void,
  absent: T,
): Promise<T> {
  try {
    return await sftpCall<T>(call);
  } catch (e) {
    if ((e as Error & { code?: number }).code === SFTP_NO_SUCH_FILE) return absent;
    throw e;
  }
}
