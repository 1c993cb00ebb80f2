import { createHash } from 'node:crypto';
import {
  entryHash,
  firstBrokenLink,
  GENESIS_HASH,
  seal,
  type AuditEvent,
  type ChainEntry,
} from './audit-chain';

// Key-sorted JSON is enough to test the chain; the app injects RFC 8785 (libs/signing).
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );

const event = (id: number, details: Record<string, unknown> = {}): AuditEvent => ({
  id: String(id),
  occurredAt: new Date(Date.UTC(2026, 11, 2, 12, 0, id)),
  actor: 'system',
  action: 'referral.stored',
  subject: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
  details,
});

const links = (events: AuditEvent[], entries: ChainEntry[]) =>
  entries.map((entry, i) => ({ event: events[i], entry }));

describe('audit chain', () => {
  const events = [1, 2, 3, 4].map((i) => event(i, { n: i }));
  const entries = seal(undefined, events, canonical);

  it('hashes the canonical JSON of seq, prev_hash, occurred_at, actor, action, subject, details', () => {
    const e = events[0]!;
    const text = canonical({
      action: e.action,
      actor: e.actor,
      details: e.details,
      occurred_at: '2026-12-02T12:00:01.000Z',
      prev_hash: GENESIS_HASH,
      seq: 1,
      subject: e.subject,
    });
    expect(entries[0]!.hash).toBe(createHash('sha256').update(text).digest('hex'));
    expect(entryHash(1, GENESIS_HASH, e, canonical)).toBe(entries[0]!.hash);
  });

  it('numbers from 1 and links each entry to its predecessor', () => {
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < entries.length; i++) {
      expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
    }
    expect(firstBrokenLink(links(events, entries), canonical)).toBeUndefined();
  });

  it('continues after a head, and a walk in pages checks the same', () => {
    const more = seal(entries[3], [event(5), event(6)], canonical);
    expect(more.map((e) => e.seq)).toEqual([5, 6]);
    expect(more[0]!.prevHash).toBe(entries[3]!.hash);
    expect(
      firstBrokenLink(links([event(5), event(6)], more), canonical, entries[3]),
    ).toBeUndefined();
  });

  it('points at the entry whose event was changed, not at a later one', () => {
    const tampered = events.map((e) => (e.id === '3' ? { ...e, details: { n: 33 } } : e));
    expect(firstBrokenLink(links(tampered, entries), canonical)).toEqual({
      seq: 3,
      eventId: '3',
      reason: 'hash_mismatch',
      expected: entries[2]!.hash,
      found: entryHash(3, entries[1]!.hash, tampered[2]!, canonical),
    });
  });

  it('notices a changed timestamp, actor or subject', () => {
    for (const change of [
      { occurredAt: new Date(0) },
      { actor: 'someone-else' },
      { subject: 'another' },
      { action: 'hold.lifted' },
    ]) {
      const tampered = events.map((e, i) => (i === 1 ? { ...e, ...change } : e));
      expect(firstBrokenLink(links(tampered, entries), canonical)?.seq).toBe(2);
    }
  });

  it('notices a removed entry (seq gap), a missing event and a rewritten hash', () => {
    const withoutTwo = links(events, entries).filter((l) => l.entry.seq !== 2);
    expect(firstBrokenLink(withoutTwo, canonical)).toMatchObject({
      seq: 3,
      reason: 'seq_gap',
      expected: 'seq 2',
    });
    const missing = links(events, entries).map((l) =>
      l.entry.seq === 4 ? { ...l, event: undefined } : l,
    );
    expect(firstBrokenLink(missing, canonical)).toMatchObject({ seq: 4, reason: 'event_missing' });
    // Rewriting one hash to match a changed event breaks the next entry's prev link.
    const rewritten = links(events, entries).map((l) =>
      l.entry.seq === 2 ? { ...l, entry: { ...l.entry, hash: 'f'.repeat(64) } } : l,
    );
    expect(firstBrokenLink(rewritten, canonical)).toMatchObject({
      seq: 2,
      reason: 'hash_mismatch',
    });
  });

  it('refuses one event sealed twice', () => {
    const twice = seal(undefined, [events[0]!, events[0]!], canonical);
    expect(
      firstBrokenLink(
        twice.map((entry) => ({ event: events[0], entry })),
        canonical,
        undefined,
        new Set(),
      ),
    ).toMatchObject({ seq: 2, reason: 'event_reused' });
  });
});
