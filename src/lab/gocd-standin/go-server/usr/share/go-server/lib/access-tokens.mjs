// GoCD's personal access tokens (since 19.2.0), kept as GoCD keeps them: a token is 40 hex characters, the
// first 8 naming its row (the salt id), the other 32 a secret of which the database holds only a salted
// PBKDF2-HMAC-SHA256 digest. In the database, so both servers of a replicated pair accept the same tokens.
import crypto from "node:crypto";
import { promisify } from "node:util";
import { ACCESS_TOKENS_TABLE } from "./database.mjs";

const pbkdf2 = promisify(crypto.pbkdf2);
const INVALID = { invalid: "Invalid Personal Access Token." };

/** `bytes` random bytes as hex. */
const randomHex = (bytes) => crypto.randomBytes(bytes).toString("hex");

/** The stored digest of a token's secret part. */
async function digest(secret, saltValue) {
  return (await pbkdf2(secret, saltValue, 4096, 32, "sha256")).toString("hex");
}

/** A new token: its display value (shown once, never stored) and what the database keeps of it. */
export async function newAccessToken() {
  const saltId = randomHex(4);
  const secret = randomHex(16);
  const saltValue = randomHex(32);
  return { token: `${saltId}${secret}`, saltId, saltValue, value: await digest(secret, saltValue) };
}

/** Store a token made by newAccessToken for `username`, issued through authorization config `authConfigId`. */
export async function insertAccessToken(db, token, { description, username, authConfigId }) {
  await db.query(
    `INSERT INTO ${ACCESS_TOKENS_TABLE} (salt_id, salt_value, value, description, username, auth_config_id)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [token.saltId, token.saltValue, token.value, description, username, authConfigId],
  );
}

/** The token's owner and auth config, or {invalid: message} with GoCD's message for a bad or revoked token. */
export async function findAccessToken(db, presented) {
  if (presented.length !== 40) return INVALID;
  const { rows } = await db.query(
    `SELECT value, salt_value, username, auth_config_id, revoked, revoked_at FROM ${ACCESS_TOKENS_TABLE} WHERE salt_id = $1`,
    [presented.slice(0, 8)],
  );
  const row = rows[0];
  if (!row) return INVALID;
  const want = Buffer.from(row.value, "hex");
  const got = Buffer.from(await digest(presented.slice(8), row.salt_value), "hex");
  if (want.length !== got.length || !crypto.timingSafeEqual(want, got)) return INVALID;
  if (row.revoked) {
    return { invalid: `Invalid Personal Access Token. Access token was revoked at: ${row.revoked_at?.toISOString()}` };
  }
  return { username: row.username, authConfigId: row.auth_config_id };
}
