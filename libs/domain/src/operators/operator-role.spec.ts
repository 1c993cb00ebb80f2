import { parseOperatorTokens, parseRoleMap, roleAllows, roleFromClaim } from './operator-role';

const D1 = 'a'.repeat(64);
const D2 = 'b'.repeat(64);

describe('operator roles', () => {
  it('each role includes the ones below it', () => {
    expect(roleAllows('admin', 'operator')).toBe(true);
    expect(roleAllows('operator', 'viewer')).toBe(true);
    expect(roleAllows('operator', 'admin')).toBe(false);
    expect(roleAllows('viewer', 'operator')).toBe(false);
  });

  it('reads digest[:role[:label]], a bare digest being an admin', () => {
    expect(parseOperatorTokens(`${D1}, ${D2}:viewer:night-desk,`)).toEqual({
      entries: [
        { sha256: D1, role: 'admin', label: 'token-aaaaaaaa' },
        { sha256: D2, role: 'viewer', label: 'night-desk' },
      ],
    });
    expect(parseOperatorTokens('')).toEqual({ entries: [] });
  });

  it('refuses upper-case digests, unknown roles and odd labels', () => {
    expect(parseOperatorTokens(D1.toUpperCase())).toHaveProperty('error');
    expect(parseOperatorTokens(`${D1}:root`)).toHaveProperty('error');
    expect(parseOperatorTokens(`${D1}:admin:has space`)).toHaveProperty('error');
    expect(parseOperatorTokens(`${D1}:admin:a:b`)).toHaveProperty('error');
  });

  it('maps claim values to roles, the highest winning', () => {
    const map = parseRoleMap('wissel-ops=operator, wissel-view=viewer');
    if ('error' in map) throw new Error(map.error);
    expect(roleFromClaim(['wissel-view', 'wissel-ops', 'other'], map)).toBe('operator');
    expect(roleFromClaim('wissel-view other', map)).toBe('viewer');
    expect(roleFromClaim(['admin'], map)).toBeUndefined();
    expect(roleFromClaim(42, map)).toBeUndefined();
    const identity = parseRoleMap('');
    if ('error' in identity) throw new Error(identity.error);
    expect(roleFromClaim(['admin'], identity)).toBe('admin');
    expect(parseRoleMap('x=root')).toHaveProperty('error');
  });
});
