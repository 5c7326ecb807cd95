// The stand-in's config readers, imported from the fixture's .mjs sources: cruise-config.xml (both
// artifactsDir forms, key generation), wrapper properties, db.properties and the agent's server URL.
import assert from "node:assert/strict";
import path from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { standinSourceDir } from "../../src/lab/standin-packages.js";

/** Import one of the fixture's .mjs modules (untyped: plain JavaScript). */
const load = (rel: string) => import(pathToFileURL(path.join(standinSourceDir(), rel)).href);
const serverLib = (name: string) => load(`go-server/usr/share/go-server/lib/${name}`);

describe("stand-in config parsing", () => {
  it("reads artifactsDir from <artifacts><artifactsDir> and from the old attribute", async () => {
    const { parseCruiseConfig, resolveArtifactsDir } = await serverLib("cruise-config.mjs");
    const nested = `<cruise><server tokenGenerationKey="k1"><artifacts><artifactsDir>/mnt/share</artifactsDir></artifacts></server></cruise>`;
    const { security, ...keys } = parseCruiseConfig(nested);
    assert.deepEqual(keys, { tokenGenerationKey: "k1", serverId: "", artifactsDir: "/mnt/share" });
    assert.deepEqual(security.authConfigIds, [], "no <security>: security is off");
    const old = `<cruise schemaVersion="100"><server artifactsDir="arts" tokenGenerationKey="k2" /></cruise>`;
    assert.equal(parseCruiseConfig(old).artifactsDir, "arts");
    assert.equal(resolveArtifactsDir("arts", "/var/lib/go-server"), "/var/lib/go-server/arts");
  });

  it("generates a tokenGenerationKey only when the config has none", async () => {
    const { ensureServerKeys, parseCruiseConfig } = await serverLib("cruise-config.mjs");
    const { DEFAULT_CRUISE_CONFIG } = await serverLib("default-cruise-config.mjs");
    const once = ensureServerKeys(DEFAULT_CRUISE_CONFIG);
    assert.match(parseCruiseConfig(once).tokenGenerationKey, /^[0-9a-f-]{36}$/);
    assert.equal(ensureServerKeys(once), once, "a config with keys is left alone");
    const noAttr = ensureServerKeys(`<cruise><server><artifacts/></server></cruise>`);
    assert.ok(parseCruiseConfig(noAttr).tokenGenerationKey);
  });

  it("reads <security>: the authConfig ids (security is on with one) and GoCD's admins, users and roles", async () => {
    const { parseCruiseConfig } = await serverLib("cruise-config.mjs");
    const { isAdmin } = await serverLib("api-auth.mjs");
    const xml = `<cruise><server tokenGenerationKey="k"><security><authConfigs>
      <authConfig id="passwords" pluginId="cd.go.authentication.passwordfile"><property><key>PasswordFilePath</key><value>/p</value></property></authConfig>
      <authConfig id="ldap" pluginId="cd.go.authentication.ldap" />
      </authConfigs><roles><role name="Ops"><users><user>Bob</user></users></role></roles>
      <admins><user>admin</user><role>ops</role></admins></security></server></cruise>`;
    const { security } = parseCruiseConfig(xml);
    assert.deepEqual(security.authConfigIds, ["passwords", "ldap"]);
    assert.deepEqual(
      [isAdmin(security, "ADMIN"), isAdmin(security, "bob"), isAdmin(security, "carol")],
      [true, true, false],
    );
    const noAdmins = parseCruiseConfig(
      `<cruise><server><security><authConfigs><authConfig id="a" pluginId="p"/></authConfigs></security></server></cruise>`,
    );
    assert.equal(isAdmin(noAdmins.security, "anyone"), true, "without <admins> every user is an admin, as in GoCD");
    assert.deepEqual(parseCruiseConfig(`<cruise><server><security/></server></cruise>`).security.authConfigIds, []);
  });

  it("reads db.properties' JDBC URL and the wrapper's -D properties", async () => {
    const { parseProperties, javaSystemProperties } = await serverLib("properties.mjs");
    const { connectionFromDbProperties } = await serverLib("database.mjs");
    const db = parseProperties(
      "db.url=jdbc:postgresql://db.example:6543/gocd?sslmode=require\ndb.user=u\ndb.password=p\n",
    );
    const conn = connectionFromDbProperties(db);
    assert.deepEqual(
      [conn.host, conn.port, conn.database, conn.user, conn.password],
      ["db.example", 6543, "gocd", "u", "p"],
    );
    assert.ok(conn.ssl);
    const wrapper = parseProperties("# c\nwrapper.java.additional.100=-Dgocd.standin.cache.warmup.ms=3000\n");
    assert.equal(javaSystemProperties(wrapper).get("gocd.standin.cache.warmup.ms"), "3000");
  });

  it("takes the agent's serverUrl from wrapper.app.parameter.100/101 and maps https:8154 to http:8153", async () => {
    const { parseProperties } = await load("go-agent/usr/share/go-agent/lib/properties.mjs");
    const { serverUrlFromWrapper, effectiveServerUrl } = await load("go-agent/usr/share/go-agent/lib/settings.mjs");
    const props = parseProperties(
      "wrapper.app.parameter.101=https://198.18.0.100:8154/go\nwrapper.app.parameter.100=-serverUrl\n",
    );
    assert.equal(serverUrlFromWrapper(props), "https://198.18.0.100:8154/go");
    assert.equal(effectiveServerUrl("https://198.18.0.100:8154/go"), "http://198.18.0.100:8153/go");
    assert.equal(effectiveServerUrl("http://198.18.0.100:8153/go/"), "http://198.18.0.100:8153/go");
  });
});
