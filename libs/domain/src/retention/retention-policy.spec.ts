import {
  DATA_CLASSES,
  hasExpired,
  mayPurgeReferral,
  retentionCutoff,
  retentionCutoffs,
  type RetentionPolicy,
} from './retention-policy';

const policy: RetentionPolicy = {
  personal_data: 365,
  raw_payload: 90,
  dispatch_payload: 365,
  message_log: 14,
  dead_letter: 30,
  submission: 0,
  dispatch_state: 730,
  outbox: 730,
  case_match: 730,
  audit_event: 2555,
};
const now = new Date('2026-12-02T12:00:00.000Z');

describe('retention policy', () => {
  it('puts the cutoff the configured number of days before now', () => {
    expect(retentionCutoff(policy, 'raw_payload', now)).toEqual(
      new Date('2026-09-03T12:00:00.000Z'),
    );
    expect(retentionCutoff(policy, 'message_log', now)).toEqual(
      new Date('2026-11-18T12:00:00.000Z'),
    );
  });

  it('keeps a class with 0 days for ever', () => {
    expect(retentionCutoff(policy, 'submission', now)).toBeNull();
    expect(hasExpired(policy, 'submission', new Date(0), now)).toBe(false);
  });

  it('expires data older than the cutoff, not data at or after it', () => {
    const cutoff = retentionCutoff(policy, 'raw_payload', now)!;
    expect(hasExpired(policy, 'raw_payload', new Date(cutoff.getTime() - 1), now)).toBe(true);
    expect(hasExpired(policy, 'raw_payload', cutoff, now)).toBe(false);
    expect(hasExpired(policy, 'raw_payload', now, now)).toBe(false);
  });

  it('moves with the clock: what is young today expires later', () => {
    const storedAt = new Date('2026-11-30T00:00:00.000Z');
    expect(hasExpired(policy, 'message_log', storedAt, now)).toBe(false);
    const later = new Date(now.getTime() + 14 * 86_400_000);
    expect(hasExpired(policy, 'message_log', storedAt, later)).toBe(true);
  });

  it('purges a lifecycle before the outbox rows it was started from', () => {
    expect(DATA_CLASSES.indexOf('dispatch_state')).toBeLessThan(DATA_CLASSES.indexOf('outbox'));
  });

  it('gives a cutoff for every class', () => {
    const cutoffs = retentionCutoffs(policy, now);
    expect(Object.keys(cutoffs).sort()).toEqual([...DATA_CLASSES].sort());
  });

  it('refuses a negative or fractional retention', () => {
    expect(() => retentionCutoff({ ...policy, raw_payload: -1 }, 'raw_payload', now)).toThrow(
      RangeError,
    );
    expect(() => retentionCutoff({ ...policy, raw_payload: 1.5 }, 'raw_payload', now)).toThrow(
      RangeError,
    );
  });

  it('does not purge a referral under a police hold or with an open lifecycle', () => {
    expect(mayPurgeReferral({ policeHold: false, openLifecycle: false })).toBe(true);
    expect(mayPurgeReferral({ policeHold: true, openLifecycle: false })).toBe(false);
    expect(mayPurgeReferral({ policeHold: false, openLifecycle: true })).toBe(false);
  });
});
