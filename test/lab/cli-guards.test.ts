// What an operator relies on without seeing it, checked on real hosts through the command line: Ctrl-C
// sent to a running gocd-bc leaves no half-written or temporary file on the host; any_errors_fatal stops
// every host at the first failure; the falsy strings `off`, `0`, `none` (quoted or plain YAML) skip a task
// and turn a keyword off; secrets whose variable names are not `password` stay out of every output form.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import "./fresh-lab.js";
import { cli, told } from "./cli.js";
import { writeInventory } from "./engine-harness.js";
import { eventually, ok, sh } from "./lab-access.js";

const DIR = "/srv/gbc-guards";
const BIG = 512 * 1024 * 1024;

let work = "";
let inventory = "";
const playbook = (name: string, text: string) => {
  const file = path.join(work, name);
  writeFileSync(file, text);
  return file;
};
const listing = (h: string) =>
  ok(h, `ls -A ${DIR} 2>/dev/null | sort`).then((s) => s.trim().split("\n").filter(Boolean));

describe("guards an operator relies on, through the command line", { concurrency: false }, () => {
  before(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), "gbc-guards-"));
    inventory = writeInventory();
  });
  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await Promise.all(["agent1", "share"].map((h) => sh(h, `rm -rf ${DIR}`)));
  });
  // Both ways a file is written: over SFTP as the login user, and through a script on stdin as another.
  for (const [how, become] of [
    ["over SFTP", ""],
    ["as another user", "\n      become: true\n      become_user: postgres"],
  ] as const) {
    it(`SIGINT to a running gocd-bc: exit 99, and the file it was writing ${how} is neither partial nor left as a temporary`, async () => {
      const big = path.join(work, "big.bin");
      writeFileSync(big, "");
      truncateSync(big, BIG);
      const file = playbook(
        "interrupt.yml",
        `- hosts: agent1
  gather_facts: false
  tasks:
    - file: {path: ${DIR}, state: directory, owner: postgres}
    - name: big write
      copy: {src: ${big}, dest: ${DIR}/big.bin}${become}
    - name: after the write
      command: sleep 30
    - name: never started
      file: {path: ${DIR}/never, state: touch}
`,
      );
      await sh("agent1", `rm -rf ${DIR}`);
      let child: ChildProcess | undefined;
      const running = cli(["run", file, "-i", inventory], 300_000, (c) => (child = c));
      // Interrupt while the temporary file is being written.
      const writing = await eventually(
        async () => (await sh("agent1", `ls -A ${DIR} 2>/dev/null | grep -c gocd-bc || true`)).stdout.trim() !== "0",
        60_000,
        50,
      );
      assert.ok(writing, "the write never started");
      child?.kill("SIGINT");
      const hung = setTimeout(() => child?.kill("SIGKILL"), 30_000);
      const r = await running;
      clearTimeout(hung);
      const out = r.stdout + r.stderr;
      assert.equal(r.code, 99, `not ended with 99 within 30 s of Ctrl-C:\n${out}`);
      assert.match(out, /Interrupted/);
      // Nothing temporary is left; the destination is either absent or whole.
      const left = await eventually(async () => (await listing("agent1")).every((f) => f === "big.bin"), 5_000);
      assert.ok(left, `left on the host: ${(await listing("agent1")).join(", ")}`);
      if ((await listing("agent1")).includes("big.bin"))
        assert.equal((await ok("agent1", `stat -c %s ${DIR}/big.bin`)).trim(), String(BIG), "a partial file was left");
      assert.equal(
        (await sh("agent1", "pgrep -x sleep")).code,
        1,
        "the task after the interrupted one runs on the host",
      );
    });
  }

  it("any_errors_fatal: one host's failure stops every host before the next task, and every later play", async () => {
    const file = playbook(
      "fatal.yml",
      `- hosts: targets
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - file: {path: ${DIR}, state: directory}
    - name: fails on share only
      command: "false"
      when: (eq inventory_hostname 'share')
    - name: after the failure
      file: {path: "${DIR}/after-failure", state: touch}
- hosts: targets
  gather_facts: false
  tasks:
    - name: later play
      file: {path: "${DIR}/later-play", state: touch}
`,
    );
    await Promise.all(["agent1", "share"].map((h) => sh(h, `rm -rf ${DIR}`)));
    const r = await cli(["run", file, "-i", inventory]);
    assert.equal(r.code, 2, told(r));
    for (const h of ["agent1", "share"]) assert.deepEqual(await listing(h), [], `${h} went on after share failed`);
    // Without it, the host that did not fail goes on.
    const tolerant = await cli([
      "run",
      playbook("tolerant.yml", readFileSync(file, "utf8").replace("  any_errors_fatal: true\n", "")),
      "-i",
      inventory,
    ]);
    assert.equal(tolerant.code, 2, told(tolerant));
    assert.deepEqual(await listing("agent1"), ["after-failure", "later-play"]);
    assert.deepEqual(await listing("share"), []);
  });

  it("the strings off, 0 and none are false in conditions, and off, 0, no in keywords, quoted or plain YAML", async () => {
    const falsy = {
      q_off: `"off"`,
      q_zero: `"0"`,
      q_none: `"none"`,
      q_None: `"None"`,
      q_false: `"False"`,
      y_off: "off",
      y_no: "no",
      y_zero: "0",
      y_null: "~",
    };
    const truthy = { q_on: `"on"`, q_yes: `"yes"`, q_one: `"1"`, q_word: `"nonempty"`, y_true: "true" };
    const vars = Object.entries({ ...falsy, ...truthy })
      .map(([k, v]) => `    ${k}: ${v}\n`)
      .join("");
    const whenTasks = Object.keys({ ...falsy, ...truthy })
      .map(
        (k) => `    - name: when ${k}
      file: {path: "${DIR}/when-${k}", state: touch}
      when: ${k}
`,
      )
      .join("");
    // Keywords take Ansible's boolean words only (validate refuses `none` there, as Ansible does).
    const checkTasks = ["off", "0", "no", "false", "on", "yes"]
      .map(
        (v) => `    - name: check_mode ${v}
      file: {path: "${DIR}/check_mode-${v}", state: touch}
      check_mode: "${v}"
`,
      )
      .join("");
    const file = playbook(
      "falsy.yml",
      `- hosts: agent1
  gather_facts: false
  vars:
${vars}  tasks:
    - file: {path: ${DIR}, state: directory}
${whenTasks}${checkTasks}    - name: ignore_errors off still stops the host
      command: "false"
      ignore_errors: "off"
    - name: after a failure that was not ignored
      file: {path: "${DIR}/not-ignored", state: touch}
`,
    );
    await sh("agent1", `rm -rf ${DIR}`);
    const r = await cli(["run", file, "-i", inventory]);
    assert.equal(r.code, 2, told(r));
    assert.deepEqual(
      await listing("agent1"),
      [
        ...Object.keys(truthy).map((k) => `when-${k}`),
        "check_mode-off",
        "check_mode-0",
        "check_mode-no",
        "check_mode-false",
      ].sort(),
    );
  });

  it("secrets named passwd, secret, token, passphrase and a templated password stay out of plain, verbose, diff and JSON output", async () => {
    const values = {
      db_passwd: "pw-d1ff-8a2b",
      app_secret: "sec-77c1-x9",
      api_token: "tok-4e5f-a0b1",
      key_passphrase: "pp-3c2d-q8",
      stored: "S3cr:t v@lue!",
    };
    const file = playbook(
      "secrets.yml",
      `- hosts: agent1
  gather_facts: false
  vars:
    db_passwd: ${values.db_passwd}
    app_secret: ${values.app_secret}
    api_token: ${values.api_token}
    key_passphrase: ${values.key_passphrase}
    store: {db: "${values.stored}"}
    my_password: "{{ store.db }}"
  tasks:
    - file: {path: ${DIR}, state: directory}
    - name: an old password on the host, as before a rotation
      shell: "test -e ${DIR}/app.properties || printf 'db.password=Old-Pa55-w0rd\\\\nuser=gocd\\\\n' > ${DIR}/app.properties"
    - name: the secrets in a command, raw, shell-quoted and base64
      shell: "echo {{ db_passwd }} {{ app_secret }} {{ api_token }} {{ key_passphrase }}; echo {{ quote my_password }}; echo {{ b64encode my_password }}"
    - name: the password rotated in a file shown as a diff
      copy:
        dest: ${DIR}/app.properties
        content: "db.password={{ my_password }}\\nuser=gocd\\n"
`,
    );
    await sh("agent1", `rm -rf ${DIR}`);
    const forbidden = [...Object.values(values), Buffer.from(values.stored).toString("base64"), "Old-Pa55-w0rd"];
    for (const args of [["-D"], ["-D", "-vv"], ["-D", "--json", "-v"]]) {
      await sh("agent1", `rm -f ${DIR}/app.properties`);
      const r = await cli(["run", file, "-i", inventory, ...args]);
      assert.equal(r.code, 0, told(r));
      for (const v of forbidden) {
        assert.ok(!r.stdout.includes(v) && !r.stderr.includes(v), `${args.join(" ")} printed ${v}:\n${r.stdout}`);
      }
      assert.match(r.stdout, /db\.password=\*{8}/, `${args.join(" ")} shows no masked diff line`);
    }
    // The host got the real values.
    assert.equal(await ok("agent1", `cat ${DIR}/app.properties`), `db.password=${values.stored}\nuser=gocd\n`);
  });
});
