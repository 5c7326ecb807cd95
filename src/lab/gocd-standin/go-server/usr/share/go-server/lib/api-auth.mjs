// Who a request to GoCD's APIs (/go/api/*) or artifacts (/go/files/*) is, decided as GoCD's security filters
// do. Security is on when cruise-config.xml has an <authConfig>; then a user is needed, but for the health
// and version endpoints. The stand-in knows one kind of credentials: bearer tokens (GoCD's access tokens).
// A bearer token presented is always checked, on open endpoints too; with security off GoCD refuses one.
// Never logs the token.
import { findAccessToken } from "./access-tokens.mjs";

/** Paths GoCD lets anyone reach (AuthorizeFilterChain: /api/version, /api/v1/health/**). */
const OPEN = /^\/go\/api\/(?:version|v1\/health(?:\/.*)?)$/;

/** GoCD's user while security is off: anonymous, with every right. */
export const ANONYMOUS_ADMIN = { name: "anonymous", admin: true };

/** True for the paths this module decides on. */
export function needsApiAuthentication(p) {
  return p.startsWith("/go/api/") || p.startsWith("/go/files/");
}

/** GoCD's admin rule: everyone when <admins> is empty, else the users listed and the members of roles listed. */
export function isAdmin(security, username) {
  const name = username.toLowerCase();
  if (security.adminUsers.length === 0 && security.adminRoles.length === 0) return true;
  if (security.adminUsers.some((u) => u.toLowerCase() === name)) return true;
  return security.adminRoles.some((r) => security.roles.get(r.toLowerCase())?.includes(name));
}

/** The user a valid bearer token stands for, or a 401 refusal with GoCD's message. */
async function bearerUser(state, security, token) {
  if (security.authConfigIds.length === 0) {
    return {
      status: 401,
      message: "Bearer authentication credentials are not required, since security has been disabled on this server.",
    };
  }
  const found = await findAccessToken(state.db, token);
  if (found.invalid) return { status: 401, message: found.invalid };
  if (!security.authConfigIds.includes(found.authConfigId)) {
    const id = found.authConfigId;
    return {
      status: 401,
      message:
        `Can not find authorization configuration "${id}" to which the requested personal access token belongs. ` +
        `Authorization Configuration "${id}" might have been renamed or deleted. Please revoke the existing token and create a new one for the same.`,
    };
  }
  return { user: { name: found.username, admin: isAdmin(security, found.username) } };
}

/** Authenticate then authorize: {user} or {status, message, challenge?}; `challenge` asks for a WWW-Authenticate. */
export async function authenticateApi(state, req, p) {
  const security = state.config().security;
  const bearer = /^bearer (.*)$/i.exec(req.headers.authorization ?? "");
  let user = security.authConfigIds.length === 0 ? ANONYMOUS_ADMIN : undefined;
  if (bearer) {
    const found = await bearerUser(state, security, bearer[1]);
    if (!found.user) return found;
    user = found.user;
  }
  if (OPEN.test(p)) return { user: user ?? { name: "anonymous", admin: false } };
  if (!user) return { status: 401, message: "You are not authenticated!", challenge: true };
  // /api/admin/** needs a GoCD admin (ROLE_SUPERVISOR) before any controller sees the request.
  if (p.startsWith("/go/api/admin/") && !user.admin) {
    return { status: 403, message: "You are not authorized to access this resource!" };
  }
  return { user };
}

/** The Content-Type GoCD's refusal takes: the versioned media type asked for, else plain JSON. */
export function refusalType(req) {
  const asked = (req.headers.accept ?? "").split(",").map((t) => t.split(";")[0].trim());
  return asked.find((t) => /^application\/vnd\.go\.cd\.v\d+\+json$/.test(t)) ?? "application/json";
}
