import { InvalidReferralError } from './partner-errors';
import { parseSubmissionBody } from './submission-body';

const limits = { maxReferralBytes: 5 * 1024 * 1024, maxBatch: 100 };

describe('parseSubmissionBody', () => {
  it('refuses a batch element nested too deeply to serialise, naming it, instead of failing', () => {
    const depth = 20_000;
    const body = Buffer.from(`[{"x":${'['.repeat(depth)}${']'.repeat(depth)}}]`);
    let error: unknown;
    try {
      parseSubmissionBody('canonical', body, limits);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidReferralError);
    expect(error).toMatchObject({
      code: 'referral_invalid',
      extras: { reason: 'document_too_deep', field: '/0' },
    });
  });
});
