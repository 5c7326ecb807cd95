#!/usr/bin/node
// Issue a GoCD personal access token for the lab and print it once; the database keeps only its digest.
// GoCD itself issues tokens to a logged-in user (web UI: user menu, Personal Access Tokens; or the access
// token API, POST /go/api/current_user/access_tokens); the stand-in has no users to log in, hence this.
// Usage: create-access-token [--user NAME] [--auth-config ID] DESCRIPTION
import fs from "node:fs";
import { insertAccessToken, newAccessToken } from "../lib/access-tokens.mjs";
import { parseCruiseConfig } from "../lib/cruise-config.mjs";
import { withDatabase } from "../lib/database.mjs";
import { loadSettings } from "../lib/settings.mjs";

const USAGE = "usage: create-access-token [--user NAME] [--auth-config ID] DESCRIPTION";

/** The options and the description; throws the usage on anything else. */
function parseArgs(argv) {
  const opts = { user: "admin", authConfig: undefined, description: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--user" || a === "--auth-config") {
      if (!argv[i + 1]) throw new Error(USAGE);
      opts[a === "--user" ? "user" : "authConfig"] = argv[++i];
    } else if (a.startsWith("-") || opts.description !== undefined) {
      throw new Error(USAGE);
    } else {
      opts.description = a;
    }
  }
  if (!opts.description) throw new Error(USAGE);
  return opts;
}

/** The authorization configuration the token belongs to: the one asked for, else the config's first. */
function authConfigFor(settings, asked) {
  const ids = parseCruiseConfig(fs.readFileSync(settings.cruiseConfigFile, "utf8")).security.authConfigIds;
  if (ids.length === 0) {
    throw new Error(
      `security is off in ${settings.cruiseConfigFile} (no <authConfig> under <server><security><authConfigs>): GoCD issues tokens only to users of one`,
    );
  }
  if (asked !== undefined && !ids.includes(asked)) {
    throw new Error(`no authConfig "${asked}" in ${settings.cruiseConfigFile} (there are: ${ids.join(", ")})`);
  }
  return asked ?? ids[0];
}

/** Why the insert failed, in the operator's terms where we know them. */
function explain(err) {
  if (err.code === "42P01") {
    return "the token table does not exist yet: start go-server once (its migration creates it)";
  }
  if (err.code === "25006") {
    return "the database is read-only (a standby's replica?): create tokens on the active server";
  }
  return err.message;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const settings = loadSettings();
  const authConfigId = authConfigFor(settings, opts.authConfig);
  const token = await newAccessToken();
  await withDatabase(settings.dbPropertiesFile, (db) =>
    insertAccessToken(db, token, { description: opts.description, username: opts.user, authConfigId }),
  );
  process.stdout.write(`${token.token}\n`);
}

main().catch((err) => {
  process.stderr.write(`create-access-token: ${explain(err)}\n`);
  process.exit(err.message === USAGE ? 2 : 1);
});
