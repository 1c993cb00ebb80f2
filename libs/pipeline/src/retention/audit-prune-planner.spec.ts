import { seal, type AuditEvent } from '@wissel/domain';
import { canonicalJson } from '@wissel/signing';
import { AuditChainBrokenError, auditPrunePlanner } from './audit-prune-planner';

const old = new Date('2020-01-01T00:00:00Z');
const cutoff = new Date('2021-01-01T00:00:00Z');

function chain(n: number) {
  const events: AuditEvent[] = Array.from({ length: n }, (_, i) => ({
    id: String(i + 1),
    occurredAt: old,
    actor: 'system',
    action: 'test.event',
    subject: `s-${i}`,
    details: {},
  }));
  const entries = seal(undefined, events, canonicalJson);
  return entries.map((entry, i) => ({ entry, event: events[i] as AuditEvent | undefined }));
}

describe('auditPrunePlanner', () => {
  it('takes the old prefix of an intact chain, never the head', () => {
    expect(auditPrunePlanner(cutoff)(chain(5), 5, undefined)).toBe(4);
  });

  it('refuses a chain with a changed event, a missing event or a gap, pruning nothing', () => {
    const changed = chain(5);
    changed[1]!.event = { ...changed[1]!.event!, details: { changed: true } };
    const missing = chain(5);
    missing[2]!.event = undefined;
    const gap = chain(5).filter((_, i) => i !== 0);
    for (const links of [changed, missing, gap]) {
      expect(() => auditPrunePlanner(cutoff)(links, 5, undefined)).toThrow(AuditChainBrokenError);
    }
  });

  it('checks the first link against the previous anchor', () => {
    const links = chain(5).slice(2);
    const anchor = { seq: 2, hash: links[0]!.entry.prevHash };
    expect(auditPrunePlanner(cutoff)(links, 5, anchor)).toBe(2);
    expect(() => auditPrunePlanner(cutoff)(links, 5, { seq: 2, hash: 'f'.repeat(64) })).toThrow(
      AuditChainBrokenError,
    );
  });
});
