/**
 * Operator roles, each including the ones below it: a viewer reads (URLs masked), an
 * operator also acts on referrals (holds, disclosures, replays, revealing URLs), an admin
 * also manages partners and their keys.
 */
export const OPERATOR_ROLES = ['viewer', 'operator', 'admin'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export function isOperatorRole(value: string): value is OperatorRole {
  return (OPERATOR_ROLES as readonly string[]).includes(value);
}

/** Whether `have` includes `need`. */
export function roleAllows(have: OperatorRole, need: OperatorRole): boolean {
  return OPERATOR_ROLES.indexOf(have) >= OPERATOR_ROLES.indexOf(need);
}

/** The highest of several roles, or undefined for none. */
export function highestRole(roles: Iterable<OperatorRole>): OperatorRole | undefined {
  let best: OperatorRole | undefined;
  for (const role of roles) if (best === undefined || roleAllows(role, best)) best = role;
  return best;
}

/** A static operator token as configured: only its SHA-256, a role and a label for the audit log. */
export interface OperatorTokenEntry {
  sha256: string;
  role: OperatorRole;
  label: string;
}

const DIGEST = /^[0-9a-f]{64}$/;
const LABEL = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * Parses OPERATOR_TOKEN_SHA256: comma-separated `digest[:role[:label]]`. A bare digest is
 * an admin (what every token could do before roles), labelled by its first 8 hex digits.
 * Returns the entries, or the first invalid item's error.
 */
export function parseOperatorTokens(
  value: string,
): { entries: OperatorTokenEntry[] } | { error: string } {
  const entries: OperatorTokenEntry[] = [];
  for (const item of value.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    const [sha256 = '', role = 'admin', label, ...rest] = item.split(':');
    if (!DIGEST.test(sha256)) return { error: `"${item}": not a lower-case SHA-256 hex digest` };
    if (!isOperatorRole(role))
      return { error: `"${item}": role must be viewer, operator or admin` };
    if (rest.length > 0 || (label !== undefined && !LABEL.test(label))) {
      return { error: `"${item}": the label must be 1–64 of A-Z a-z 0-9 . _ @ -` };
    }
    entries.push({ sha256, role, label: label ?? `token-${sha256.slice(0, 8)}` });
  }
  return { entries };
}

/**
 * Parses OIDC_ROLE_MAP: comma-separated `claimValue=role` (e.g. `wissel-ops=operator`).
 * An empty map means the claim's values are the role names themselves.
 */
export function parseRoleMap(value: string): Map<string, OperatorRole> | { error: string } {
  const map = new Map<string, OperatorRole>();
  for (const item of value.split(',').map((s) => s.trim())) {
    if (item === '') continue;
    const at = item.lastIndexOf('=');
    const claim = item.slice(0, at).trim();
    const role = item.slice(at + 1).trim();
    if (at <= 0 || claim === '') return { error: `"${item}": expected claimValue=role` };
    if (!isOperatorRole(role))
      return { error: `"${item}": role must be viewer, operator or admin` };
    map.set(claim, role);
  }
  if (map.size === 0) for (const role of OPERATOR_ROLES) map.set(role, role);
  return map;
}

/**
 * The role an OIDC token grants: its roles claim (a string, a space-separated string or an
 * array of strings) mapped through the role map, the highest mapped value winning.
 */
export function roleFromClaim(
  claim: unknown,
  map: ReadonlyMap<string, OperatorRole>,
): OperatorRole | undefined {
  const values =
    typeof claim === 'string'
      ? claim.split(/\s+/)
      : Array.isArray(claim)
        ? claim.filter((v): v is string => typeof v === 'string')
        : [];
  return highestRole(values.flatMap((v) => (map.has(v) ? [map.get(v)!] : [])));
}
