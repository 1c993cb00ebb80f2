import { type SubmissionView } from '@wissel/persistence';
import { toSubmissionStatus } from './submission-status';

const routed = (overrides: Partial<SubmissionView> = {}): SubmissionView => ({
  id: '6f1c1c52-7b8e-4a43-9d8e-2f7c0c7f3a10',
  seq: '1',
  sourceSystem: 'IWF',
  sourceId: 'IWF-1',
  format: 'canonical',
  receivedAt: new Date('2026-11-20T10:00:00Z'),
  acceptedAt: new Date('2026-11-20T10:00:01Z'),
  storedAt: new Date('2026-11-20T10:00:02Z'),
  caseId: '0a9d7c2e-5b3f-4f8a-8c1d-9e2b4a6c8d10',
  joinedBy: 'new',
  caseStatus: 'open',
  rule: 'hosted_domestic',
  recipients: ['nl-hotline'],
  decidedAt: new Date('2026-11-20T10:00:03Z'),
  deliveries: [{ recipient: 'nl-hotline', state: 'notice_sent' }],
  ...overrides,
});

describe('toSubmissionStatus: the final state', () => {
  it('is null until a decision routed the referral', () => {
    const status = toSubmissionStatus(
      routed({ rule: null, decidedAt: null, recipients: null, deliveries: [] }),
    );
    expect({ status: status.status, finalState: status.finalState, route: status.route }).toEqual({
      status: 'stored',
      finalState: null,
      route: null,
    });
  });

  it('is in_progress while a delivery has not ended, closed when all have', () => {
    expect(toSubmissionStatus(routed()).finalState).toBe('in_progress');
    const ended = routed({
      recipients: ['nl-hotline', 'nl-police'],
      deliveries: [
        { recipient: 'nl-hotline', state: 'rejected' },
        { recipient: 'nl-police', state: 'closed' },
      ],
    });
    expect(toSubmissionStatus(ended).finalState).toBe('closed');
  });

  it('is removed once its case is removed', () => {
    expect(toSubmissionStatus(routed({ caseStatus: 'removed' })).finalState).toBe('removed');
  });

  it('is duplicate for a referral that joined an existing case and sent nothing', () => {
    const status = toSubmissionStatus(routed({ joinedBy: 'url', recipients: [], deliveries: [] }));
    expect(status.finalState).toBe('duplicate');
    expect(status.route).toMatchObject({ joinedBy: 'url', duplicate: true, deliveries: [] });
  });

  it('is not_sent for a new case that no recipient was left for', () => {
    expect(toSubmissionStatus(routed({ recipients: [], deliveries: [] })).finalState).toBe(
      'not_sent',
    );
  });

  it('is closed when the purge removed the delivery rows of a sent referral', () => {
    expect(toSubmissionStatus(routed({ deliveries: [] })).finalState).toBe('closed');
  });
});
