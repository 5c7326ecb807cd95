// Commands through long-lived shells instead of one ssh channel each. sshd sets up every session channel
// (PAM, environment, login shell) at a cost of 100-200 ms; a shell kept open answers a command in about a
// millisecond. Each command runs in a subshell (so `cd`, `exit` and variables stay inside it), framed by a
// random marker on stdout (followed by the exit code) and on stderr. Its stdin is /dev/null, or text the
// shell's builtin printf pipes into it: the text stays in the shell's memory and a pipe, never on a command
// line or a disk (a here-document may go through a temporary file).
import { randomBytes } from "node:crypto";
import type { ClientChannel } from "ssh2";
import { quote } from "shell-quote";
import type { RawResult } from "./shell-connection.js";

/** The text sent for one command: the command evaluated in a subshell, with its stdin, then the markers. */
export function framedCommand(shellText: string, marker: string, stdin?: string): string {
  const run = `( eval ${quote([shellText])} )`;
  const fed = stdin === undefined ? `${run} </dev/null` : `printf '%s' ${quote([stdin])} | ${run}`;
  return `${fed}; printf '\\n%s %d\\n' ${marker} $?; printf '\\n%s\\n' ${marker} >&2\n`;
}

/** The most stdin a shell takes as text; more goes over a channel of its own (as does binary input). */
const SHELL_STDIN_MAX = 256 * 1024;

/** `stdin` as text a shell can hold (UTF-8, no NUL, not too long), or undefined when it cannot. */
export function shellStdin(stdin: Buffer): string | undefined {
  if (stdin.length > SHELL_STDIN_MAX || stdin.includes(0)) return undefined;
  const text = stdin.toString("utf8");
  return Buffer.from(text, "utf8").equals(stdin) ? text : undefined;
}

/** Where the framed output of a command ends, if it has arrived: its stdout, stderr and exit code. */
export function parseFramed(
  out: Buffer,
  err: Buffer,
  marker: string,
): { stdout: Buffer; stderr: Buffer; code: number } | undefined {
  const outEnd = out.indexOf(`\n${marker} `);
  const errEnd = err.indexOf(`\n${marker}\n`);
  if (outEnd < 0 || errEnd < 0) return undefined;
  const tail = out.subarray(outEnd + marker.length + 2);
  const nl = tail.indexOf("\n");
  if (nl < 0) return undefined;
  return {
    stdout: out.subarray(0, outEnd),
    stderr: err.subarray(0, errEnd),
    code: Number(tail.subarray(0, nl).toString("latin1")),
  };
}

/** One shell on one channel, running one command at a time. */
export class PersistentShell {
  private out = Buffer.alloc(0);
  private err = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  private closed = false;

  constructor(private readonly channel: ClientChannel) {
    channel.on("data", (b: Buffer) => this.take("out", b));
    channel.stderr.on("data", (b: Buffer) => this.take("err", b));
    channel.on("close", () => {
      this.closed = true;
      this.waiting?.();
    });
    channel.on("error", () => undefined);
  }

  /** False once the channel closed (the shell died, or was dropped after a timeout). */
  isOpen(): boolean {
    return !this.closed;
  }

  /** Runs one command; resolves `undefined` when the shell closed underneath it (the caller decides why). */
  run(shellText: string, timeoutMs: number | undefined, stdin?: string): Promise<RawResult | undefined> {
    const marker = `__gocd_bc_${randomBytes(8).toString("hex")}__`;
    this.out = Buffer.alloc(0);
    this.err = Buffer.alloc(0);
    return new Promise((resolve) => {
      // On timeout: answer now and drop this shell; the remote `timeout` wrapper ends the command itself.
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.close();
              resolve({ kind: "timeout", timeoutMs, stdout: this.out, stderr: this.err });
            }, timeoutMs);
      this.waiting = () => {
        const done = parseFramed(this.out, this.err, marker);
        if (!done && !this.closed) return;
        if (timer) clearTimeout(timer);
        this.waiting = undefined;
        resolve(done ? { kind: "exited", exitCode: done.code, stdout: done.stdout, stderr: done.stderr } : undefined);
      };
      this.channel.write(framedCommand(shellText, marker, stdin));
    });
  }

  /** Closes the channel (and with it the shell). */
  close(): void {
    this.closed = true;
    this.channel.close();
  }

  private take(stream: "out" | "err", chunk: Buffer): void {
    if (stream === "out") this.out = Buffer.concat([this.out, chunk]);
    else this.err = Buffer.concat([this.err, chunk]);
    this.waiting?.();
  }
}
