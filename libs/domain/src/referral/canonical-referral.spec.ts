import { effectivePriority, type CanonicalReferral } from './canonical-referral';

const base = { incident: { type: 'csam', priority: 'normal' } } as CanonicalReferral;

describe('effectivePriority', () => {
  it('keeps the sender’s priority', () => {
    expect(effectivePriority(base)).toBe('normal');
    expect(effectivePriority({ ...base, incident: { type: 'csam', priority: 'high' } })).toBe(
      'high',
    );
  });

  it('makes a threat to life urgent whatever the sender said', () => {
    expect(
      effectivePriority({
        ...base,
        incident: { type: 'csam', priority: 'normal', threatToLife: true },
      }),
    ).toBe('urgent');
  });
});
