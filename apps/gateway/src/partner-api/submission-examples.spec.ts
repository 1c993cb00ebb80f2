import { PARSERS } from '@wissel/formats';
import { type SubmissionFormat } from '@wissel/pipeline';
import { CANONICAL_BATCH_EXAMPLE, SUBMISSION_EXAMPLES } from './submission-examples';

// The OpenAPI document shows these bodies: each must be one the API accepts.
describe('the request body examples of the OpenAPI document', () => {
  it.each(Object.entries(SUBMISSION_EXAMPLES))('the %s example parses', (format, example) => {
    const bytes = Buffer.from(typeof example === 'string' ? example : JSON.stringify(example));
    const result = PARSERS[format as SubmissionFormat](bytes, 1024 * 1024);
    expect(result.ok ? 'ok' : result.rejection).toBe('ok');
  });

  it('the batch example holds valid referrals with distinct sourceRefs', () => {
    const results = CANONICAL_BATCH_EXAMPLE.map((r) =>
      PARSERS.canonical(Buffer.from(JSON.stringify(r)), 1024 * 1024),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(new Set(CANONICAL_BATCH_EXAMPLE.map((r) => r.sourceRef.id)).size).toBe(2);
  });
});
