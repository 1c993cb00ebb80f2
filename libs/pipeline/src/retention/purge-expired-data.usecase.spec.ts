import { Registry } from 'prom-client';
import { loadConfig } from '@wissel/config';
import { Topics } from '@wissel/messaging';
import { type AuditChainRepository, type RetentionRepository } from '@wissel/persistence';
import { PurgeExpiredDataUseCase } from './purge-expired-data.usecase';
import { type RetentionClock } from './retention-clock';

/** A repository whose every purge finds nothing, recording which ran; `failing` throws. */
function fakeRetention(failing: Set<string> = new Set()) {
  const calls: string[] = [];
  const run =
    <T>(name: string, result: T) =>
    async () => {
      calls.push(name);
      if (failing.has(name)) throw Object.assign(new Error('boom'), { code: '57014' });
      return result;
    };
  const repository = {
    anonymiseReferrals: run('anonymiseReferrals', 0),
    dropRawPayloads: run('dropRawPayloads', 0),
    stripDispatchPayloads: run('stripDispatchPayloads', 0),
    deleteMessages: run('deleteMessages', 0),
    deleteDeadLetters: run('deleteDeadLetters', 0),
    deleteInboundDeadLetters: run('deleteInboundDeadLetters', 0),
    deleteSubmissions: run('deleteSubmissions', 0),
    deleteDispatchStates: run('deleteDispatchStates', { states: 0, outbox: 0 }),
    deleteOutboxRows: run('deleteOutboxRows', 0),
    deletePdqHashes: run('deletePdqHashes', { referrals: 0, hashes: 0 }),
    publishPdqDeletions: run('publishPdqDeletions', false),
  };
  return { calls, repository: repository as unknown as RetentionRepository };
}

function useCase(env: Record<string, string>, failing?: Set<string>, registry?: Registry) {
  const { calls, repository } = fakeRetention(failing);
  const chainCalls: string[] = [];
  const chain = {
    prune: async () => {
      chainCalls.push('prune');
      return 0;
    },
  } as unknown as AuditChainRepository;
  const clock = { now: () => new Date('2030-01-01T00:00:00Z') } as RetentionClock;
  const purge = new PurgeExpiredDataUseCase(
    loadConfig({ RETENTION_SUBMISSION_DAYS: '30', ...env }),
    repository,
    new Topics('t.'),
    clock,
    chain,
    registry,
  );
  return { purge, calls, chainCalls };
}

describe('PurgeExpiredDataUseCase', () => {
  it('goes on with the other classes when one fails, and reports and counts the failed one', async () => {
    const registry = new Registry();
    const { purge, calls, chainCalls } = useCase({}, new Set(['deleteDispatchStates']), registry);
    const report = await purge.execute();
    expect(report.failed).toEqual(['dispatch_state']);
    // The classes after the failed one still ran.
    expect(calls).toEqual(
      expect.arrayContaining(['deleteOutboxRows', 'deletePdqHashes', 'publishPdqDeletions']),
    );
    expect(chainCalls).toEqual(['prune']);
    const metric = await registry.getSingleMetricAsString('wissel_retention_purge_failures_total');
    expect(metric).toMatch(
      /wissel_retention_purge_failures_total\{data_class="dispatch_state"\} 1/,
    );
  });

  it('bumps the PDQ index generation once per run, after every batch', async () => {
    const { purge, calls } = useCase({});
    await purge.execute();
    const pdq = calls.filter((c) => c === 'deletePdqHashes' || c === 'publishPdqDeletions');
    expect(pdq).toEqual(['deletePdqHashes', 'publishPdqDeletions']);
  });

  it('leaves dispatches and lifecycles alone when dispatch payloads are kept for ever', async () => {
    const { purge, calls } = useCase({ RETENTION_DISPATCH_PAYLOAD_DAYS: '0' });
    const report = await purge.execute();
    expect(report.failed).toEqual([]);
    expect(calls).not.toContain('deleteDispatchStates');
    expect(calls).not.toContain('deleteOutboxRows');
    expect(calls).toContain('deletePdqHashes');
  });
});
