// Secrets never reach the output: in the forms a template or a module gives them (shell-quoted, JSON,
// SQL, URL, base64, hex), when a secret-named variable is itself a template, on both sides of a diff,
// in PostgreSQL's echo of a failed statement, and for GoCD's tokenGenerationKey and cipher.aes. Every
// run goes through the real executor and both reporters, on a host kept in memory.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pg from "pg";
import { quote } from "shell-quote";
import { MASK, maskSecrets } from "../../src/connection/command.js";
import { maskEvent } from "../../src/engine/secrets.js";
import { maskedChange } from "../../src/modules/support/mask.js";
import { HELPERS } from "../../src/template/helpers.js";
import { FakeHost, runOnFakeHost, type CommandAnswer, type Printed } from "./fake-host.js";

/** Every variable-name word the code treats as secret. */
const SECRET_WORDS = ["password", "passwd", "secret", "token", "passphrase"] as const;

const PLAY = "- hosts: all\n  gather_facts: false\n";

function printed(p: Printed): string {
  return `${p.plain}\n${p.json}`;
}

function assertHidden(p: Printed, values: readonly string[]): void {
  const out = printed(p);
  for (const v of values) assert.ok(!out.includes(v), `'${v}' appears in the output:\n${out}`);
}

describe("the forms of a secret", () => {
  const pw = `p@ss:w0rd!"it's\\x7`;
  const forms: Record<string, string> = {
    raw: pw,
    "quote helper's": String(HELPERS.quote?.(pw)),
    "shell-quote": quote([pw]),
    "shell-quote, backslashed": quote(["p@ss:w0rd!x7"]),
    "JSON string": JSON.stringify(pw).slice(1, -1),
    "SQL literal (quotes and backslashes doubled)": pg.escapeLiteral(pw).replace(/^ E'|'$/g, ""),
    ".pgpass line (as the standby role escapes it)": pw.replace(/([:\\])/g, "\\$1"),
    "URL-encoded": encodeURIComponent(pw),
    "form-encoded": encodeURIComponent(pw).replace(/%20/g, "+"),
    base64: Buffer.from(pw).toString("base64"),
    "base64 without padding": Buffer.from(pw).toString("base64").replace(/=+$/, ""),
    "base64url": Buffer.from(pw).toString("base64url"),
    hex: Buffer.from(pw).toString("hex"),
    "upper-case hex": Buffer.from(pw).toString("hex").toUpperCase(),
  };
  it("the SQL form is what pg writes inside its literal", () => {
    assert.equal(pg.escapeLiteral(pw), ` E'${forms["SQL literal (quotes and backslashes doubled)"]}'`);
  });
  for (const [name, form] of Object.entries(forms)) {
    it(`masks the ${name} form`, () => {
      const secrets = name === "shell-quote, backslashed" ? ["p@ss:w0rd!x7"] : [pw];
      assert.equal(maskSecrets(`before ${form} after`, secrets), `before ${MASK} after`);
    });
  }

  it("masks a secret inside a longer base64 text (basic auth) at any byte offset, to its last bit", () => {
    for (const user of ["gocd", "gocd1", "gocd12"]) {
      const token = Buffer.from(`${user}:${pw}`).toString("base64");
      const masked = maskSecrets(`Authorization: Basic ${token}`, [pw]);
      const m = /^Authorization: Basic (\S*)\*{8}$/.exec(masked);
      assert.ok(m, `not masked to the end: ${masked}`);
      const shown = Buffer.from(m[1] ?? "", "base64").toString("latin1");
      assert.ok(`${user}:`.startsWith(shown), `'${shown}' shows more than the user name`);
    }
  });

  it("leaves short words alone: a two-character secret's encodings are not masked", () => {
    assert.equal(maskSecrets("YWI= 6162", ["ab"]), "YWI= 6162");
  });
});

describe("every secret name, and secret-named variables whose value is a template", () => {
  for (const word of SECRET_WORDS) {
    it(`${word}: the literal value, the rendered template and its quoted and encoded forms are hidden`, async () => {
      const literal = `Lit-${word}-4471`;
      const site = `${PLAY}  vars:
    base: "p@ss:w0rd!"
    store:
      db: "{{ base }}-${word}-Zq81"
    my_${word}: "{{ store.db }}"
    api_${word}: ${literal}
  tasks:
    - debug:
        msg: "value {{ my_${word} }} {{ api_${word} }}"
    - debug:
        msg: "quoted {{ quote my_${word} }}"
    - debug:
        msg: "encoded {{ b64encode my_${word} }} {{ to_json my_${word} }}"
`;
      const p = await runOnFakeHost({ "site.yml": site }, new FakeHost("h1"));
      assert.equal(p.exitCode, 0, printed(p));
      const value = `p@ss:w0rd!-${word}-Zq81`;
      assertHidden(p, [literal, value, quote([value]), Buffer.from(value).toString("base64"), "Zq81"]);
      assert.match(p.plain, /value \*{8} \*{8}/);
    });
  }

  it("a secret-named task variable that uses the loop item is hidden for every item", async () => {
    const site = `${PLAY}  tasks:
    - debug:
        msg: "{{ item_token }}"
      vars:
        item_token: "tok-{{ item }}-77"
      loop: [a1, b2]
`;
    const p = await runOnFakeHost({ "site.yml": site }, new FakeHost("h1"));
    assertHidden(p, ["tok-a1-77", "tok-b2-77"]);
  });

  it("a variable that cannot be rendered yet does not break the run, and its literal secrets count now", async () => {
    const site = `${PLAY}  vars:
    later_token: "{{ not_yet_defined }}"
    db:
      host: "{{ not_yet_defined }}"
      password: literal-pw-61
  tasks:
    - debug:
        msg: "hello literal-pw-61"
`;
    const p = await runOnFakeHost({ "site.yml": site }, new FakeHost("h1"));
    assert.equal(p.exitCode, 0, printed(p));
    assertHidden(p, ["literal-pw-61"]);
  });
});

describe("diffs", () => {
  for (const word of SECRET_WORDS) {
    it(`${word}: a secret line is masked on both sides, and the change still shows`, async () => {
      const host = new FakeHost("h1", { "/etc/app/db.properties": `db.url=jdbc:x\ndb.${word}=old-${word}-77\n` });
      const site = `${PLAY}  vars:
    new_value: new-${word}-88
  tasks:
    - copy:
        dest: /etc/app/db.properties
        content: "db.url=jdbc:x\\ndb.${word}={{ new_value }}\\n"
`;
      const p = await runOnFakeHost({ "site.yml": site }, host, { check: true });
      assertHidden(p, [`old-${word}-77`, `new-${word}-88`]);
      assert.match(p.plain, new RegExp(`^-db\\.${word}=\\*{8}`, "m"));
      assert.match(p.plain, new RegExp(`^\\+db\\.${word}=\\*{8}`, "m"));
    });
  }

  it("masks secret assignments in the usual file syntaxes, keeps the key and what modules describe", () => {
    const before = [
      "export API_TOKEN=tok-1",
      '  "passphrase": "pp-1",',
      "smtp_passwd: pw-1",
      "<password>xml-1</password>",
      "primary_conninfo = 'host=db user=replicator password=conn-1 application_name=s'",
      "password: (set)",
      "db.url=jdbc:x",
    ].join("\n");
    const after = before.replace(/-1\b/g, "-2").replace("(set)", "(changed)");
    const c = maskedChange({ path: "/etc/app/settings", before, after }, []);
    for (const v of ["tok-", "pp-", "pw-", "xml-", "conn-"])
      assert.ok(!c.before.includes(v) && !c.after.includes(v), `${v} shows:\n${c.before}\n${c.after}`);
    assert.match(c.before, /^export API_TOKEN=\*{8}$/m);
    assert.match(c.before, /^password: \(set\)$/m);
    assert.match(c.after, /^password: \(changed\)$/m);
    assert.match(c.after, /^db\.url=jdbc:x$/m);
    assert.notEqual(c.before, c.after, "a changed secret must still show as a change");
  });

  it("masks in linear time: long runs of key characters and unclosed tags cost milliseconds, not minutes", () => {
    for (const text of [
      "token-".repeat(80_000),
      "<password ".repeat(50_000),
      `${"a.".repeat(250_000)}password`,
      "password '".repeat(50_000),
    ]) {
      const started = Date.now();
      maskedChange({ path: "/tmp/x", before: text, after: `${text}\n` }, ["hunter22"]);
      assert.ok(Date.now() - started < 3000, `${text.slice(0, 12)}... took ${Date.now() - started} ms`);
    }
  });

  it("GoCD's tokenGenerationKey, agentAutoRegisterKey and webhookSecret never show in a diff of cruise-config.xml", async () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<cruise schemaVersion="139">
  <server agentAutoRegisterKey="ark-3c4d-77aa" webhookSecret="wh-9911-x" serverId="s1" tokenGenerationKey="tgk-5a7f-8c2e">
    <artifacts>
      <artifactsDir>/old</artifactsDir>
    </artifacts>
  </server>
</cruise>
`;
    const host = new FakeHost("h1", { "/etc/go/cruise-config.xml": xml });
    const site = `${PLAY}  tasks:
    - lineinfile:
        path: /etc/go/cruise-config.xml
        regexp: '^(\\s*)<artifactsDir>.*</artifactsDir>'
        line: '\\1<artifactsDir>/share</artifactsDir>'
        backrefs: true
`;
    const p = await runOnFakeHost({ "site.yml": site }, host, { check: true });
    assertHidden(p, ["tgk-5a7f-8c2e", "wh-9911-x", "ark-3c4d-77aa"]);
    assert.match(p.plain, /tokenGenerationKey="\*{8}"/);
    assert.match(p.plain, /^\+\s*<artifactsDir>\/share<\/artifactsDir>/m);
  });

  it("cipher.aes shows no content on either side, only that it changed", async () => {
    const host = new FakeHost("h1", { "/etc/go/cipher.aes": "fedcba9876543210fedcba9876543210\n" });
    const site = `${PLAY}  tasks:
    - copy:
        dest: /etc/go/cipher.aes
        content: "0123456789abcdef0123456789abcdef\\n"
`;
    const p = await runOnFakeHost({ "site.yml": site }, host, { check: true });
    assertHidden(p, ["fedcba9876543210", "0123456789abcdef"]);
    assert.match(p.plain, /changed: \[h1\]/);
    assert.match(p.plain, /^\+.*not shown/m);
  });
});

describe("output of commands", () => {
  it("tokenGenerationKey in a command's output is masked in every line and in --json", async () => {
    const host = new FakeHost("h1", {}, (shell) =>
      shell.includes("cruise-config")
        ? { stdout: '<server serverId="s1" tokenGenerationKey="tgk-77aa-91bc">\n' }
        : undefined,
    );
    const site = `${PLAY}  tasks:
    - command: cat /etc/go/cruise-config.xml
      register: cfg
    - debug:
        var: cfg.stdout
`;
    const p = await runOnFakeHost({ "site.yml": site }, host);
    assert.equal(p.exitCode, 0, printed(p));
    assertHidden(p, ["tgk-77aa-91bc"]);
  });
});

describe("registered results and warnings", () => {
  it("a secret-named registered variable hides its output, not the status words of every result", async () => {
    const host = new FakeHost("h1", {}, (shell) =>
      shell.includes("issue-token") ? { stdout: "tok-3f9a-e21b" } : undefined,
    );
    const site = `${PLAY}  tasks:
    - command: /usr/local/bin/issue-token
      register: agent_token
    - debug:
        msg: "the agent's is {{ agent_token.stdout }}"
`;
    const p = await runOnFakeHost({ "site.yml": site }, host);
    assert.equal(p.exitCode, 0, printed(p));
    assertHidden(p, ["tok-3f9a-e21b"]);
    assert.match(p.plain, /changed: \[h1\] run/);
  });

  it("a private key's registered diff shows no content when a later task shows the registered value", async () => {
    const pem = "-----BEGIN PRIVATE KEY-----\nold-key-body-4411\n-----END PRIVATE KEY-----\n";
    const site = `${PLAY}  tasks:
    - lineinfile: {path: /etc/ssl/app.pem, regexp: "^old-key", line: new-key-body-5522}
      register: edited
    - debug: {var: edited}
`;
    const p = await runOnFakeHost({ "site.yml": site }, new FakeHost("h1", { "/etc/ssl/app.pem": pem }));
    assert.equal(p.exitCode, 0, printed(p));
    assertHidden(p, ["old-key-body-4411", "new-key-body-5522"]);
  });

  it("debug hides a secret nested deeper than secret-named variables are searched, in its text too", async () => {
    const site = `${PLAY}  vars:
    x: {a: {b: {c: {d: {e: {password: ["deep-secret-77"]}}}}}}
  tasks:
    - debug:
        var: x
`;
    const p = await runOnFakeHost({ "site.yml": site }, new FakeHost("h1"));
    assert.equal(p.exitCode, 0, printed(p));
    assertHidden(p, ["deep-secret-77"]);
  });

  it("a warning quoting an error is cleared of secret-named keys' values", () => {
    const e = maskEvent(
      { type: "warning", message: "play 'db' could not run: LINE 1: ALTER ROLE x PASSWORD 'in-a-warning'" },
      [],
    );
    assert.equal(e.type === "warning" && e.message, `play 'db' could not run: LINE 1: ALTER ROLE x PASSWORD '${MASK}'`);
  });
});

describe("environment", () => {
  it("a secret-named environment variable's value is hidden, wherever the command prints it", async () => {
    const host = new FakeHost("h1", {}, (shell) =>
      shell.includes("pg_dump") ? { stdout: "connected with env-pw-8c1d" } : undefined,
    );
    const site = `${PLAY}  vars:
    conn:
      pw: env-pw-8c1d
  tasks:
    - command: pg_dump gocd
      environment:
        PGPASSWORD: "{{ conn.pw }}"
`;
    const p = await runOnFakeHost({ "site.yml": site }, host);
    assert.equal(p.exitCode, 0, printed(p));
    assertHidden(p, ["env-pw-8c1d"]);
  });
});

/** A psql that fails every write statement and echoes it as PostgreSQL does (`LINE 1: ...`). The
 * statement is the dollar-quoted literal that gocd-bc's psql script hands to `\gexec`. */
function failingPsql(shell: string, stdin: string): ReturnType<CommandAnswer> {
  if (!shell.includes("psql")) return undefined;
  const quoted = /\\set QUIET off\nSELECT \$(\w+)\$([\s\S]*?)\$\1\$ \\gexec\n/.exec(stdin);
  const statement = quoted?.[2] ?? "";
  if (/^SELECT/.test(statement)) return { stdout: "__gocd_bc_begin__\n[]\n__gocd_bc_end__\n" };
  return {
    exitCode: 3,
    stderr: `psql:<stdin>:7: ERROR:  permission denied to alter role\nLINE 1: ${statement}\n        ^\n`,
  };
}

describe("PostgreSQL errors", () => {
  it("a secret passed as a parameter is hidden in the echoed statement, SQL-escaped as it is", async () => {
    const site = `${PLAY}  vars:
    gocd_db_password: "It's\\\\a-Secret-5e"
  tasks:
    - postgres_query:
        query: ALTER ROLE gocd PASSWORD %s
        positional_args: ["{{ gocd_db_password }}"]
`;
    const p = await runOnFakeHost({ "site.yml": site }, new FakeHost("h1", {}, failingPsql));
    assert.equal(p.exitCode, 2);
    assert.match(p.json, /LINE 1/);
    assertHidden(p, ["It''s", "It's", "a-Secret-5e"]);
  });

  it("a PASSWORD literal written in the statement is hidden in the echo", async () => {
    const site = `${PLAY}  tasks:
    - postgres_query:
        query: "ALTER ROLE gocd PASSWORD 'written-in-the-playbook'"
`;
    const p = await runOnFakeHost({ "site.yml": site }, new FakeHost("h1", {}, failingPsql));
    assert.match(p.json, /LINE 1/);
    assertHidden(p, ["written-in-the-playbook"]);
  });

  it("a value passed as a module's password argument is a secret from then on", async () => {
    const site = `${PLAY}  vars:
    creds:
      gocd: "from-a-plain-name-31"
  tasks:
    - postgres_user:
        name: gocd
        password: "{{ creds.gocd }}"
    - debug:
        msg: "{{ creds.gocd }}"
`;
    const p = await runOnFakeHost({ "site.yml": site }, new FakeHost("h1", {}, failingPsql), { check: true });
    assert.equal(p.exitCode, 0, printed(p));
    assertHidden(p, ["from-a-plain-name-31"]);
  });
});
