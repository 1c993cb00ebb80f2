import { type Recipient, type RoutingRules } from '../routing/routing-rules';
import { escalationPlan, withoutSenders } from './escalation-plan';
import { type OpenNotice } from './open-notice';

const recipient = (id: string, kind: Recipient['kind'], country?: string): [string, Recipient] => [
  id,
  { id, kind, ...(country ? { country } : {}), hopIds: [] },
];
const rules = (...recipients: [string, Recipient][]): RoutingRules => ({
  version: 'v',
  home: 'NL',
  node: { hopIds: ['wissel.nl'] },
  reviewRecipient: 'review',
  cdnAsns: new Map(),
  overrides: [],
  senderHintFallback: true,
  recipients: new Map(recipients),
});
const full = rules(
  recipient('nl-hotline', 'national_hotline', 'NL'),
  recipient('nl-police', 'domestic_police', 'NL'),
  recipient('nl-authority', 'authority', 'NL'),
  recipient('de-hotline', 'partner_hotline', 'DE'),
  recipient('intl-police', 'international_police'),
  recipient('review', 'review'),
);
const notice = (recipientId: string): OpenNotice => ({
  dispatchId: 'd',
  caseId: 'c',
  referralId: 'r',
  recipient: recipientId,
  noticeSentAt: new Date(0),
  deadline: new Date(1),
  reminderAt: new Date(0),
});

describe('escalationPlan', () => {
  it('at home: the authority (ATKM) and the domestic police, after a re-trace', () => {
    expect(escalationPlan(notice('nl-hotline'), full)).toEqual({
      retrace: { caseId: 'c', referralId: 'r', dispatchId: 'd' },
      escalateTo: [
        { recipient: 'nl-authority', role: 'authority' },
        { recipient: 'nl-police', role: 'police' },
      ],
      unfilled: [],
    });
  });

  it('abroad: no Dutch authority over a German hoster; the international police channel', () => {
    const plan = escalationPlan(notice('de-hotline'), full);
    expect(plan.escalateTo).toEqual([{ recipient: 'intl-police', role: 'police' }]);
    expect(plan.unfilled).toEqual(['authority']);
  });

  it('falls back to review when the rules name no one, and says what is missing', () => {
    const bare = rules(
      recipient('nl-hotline', 'national_hotline', 'NL'),
      recipient('review', 'review'),
    );
    const plan = escalationPlan(notice('nl-hotline'), bare);
    expect(plan.escalateTo).toEqual([{ recipient: 'review', role: 'review' }]);
    expect(plan.unfilled).toEqual(['authority', 'police']);
  });

  it('never escalates to the recipient that breached', () => {
    const plan = escalationPlan(notice('nl-authority'), full);
    expect(plan.escalateTo).toEqual([{ recipient: 'nl-police', role: 'police' }]);
    expect(plan.unfilled).toEqual(['authority']);
  });

  it('treats a recipient no longer in the rules as having no country', () => {
    const plan = escalationPlan(notice('gone-hotline'), full);
    expect(plan.escalateTo).toEqual([{ recipient: 'intl-police', role: 'police' }]);
    expect(plan.unfilled).toEqual(['authority']);
  });
});

describe('withoutSenders', () => {
  const plan = escalationPlan(notice('nl-hotline'), full);

  it('never escalates to where the referral came from; the role is left unfilled', () => {
    const fromPolice = withoutSenders(plan, (id) => id === 'nl-police', full);
    expect(fromPolice.escalateTo).toEqual([{ recipient: 'nl-authority', role: 'authority' }]);
    expect(fromPolice.unfilled).toEqual(['police']);
  });

  it('goes to review when every target is a sender', () => {
    const none = withoutSenders(plan, () => true, full);
    expect(none.escalateTo).toEqual([{ recipient: 'review', role: 'review' }]);
    expect(none.unfilled).toEqual(['authority', 'police']);
  });

  it('keeps the plan when no target is a sender', () => {
    expect(withoutSenders(plan, () => false, full)).toEqual(plan);
  });
});
