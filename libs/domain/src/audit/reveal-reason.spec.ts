import { MAX_REVEAL_REASON, revealReasonProblem } from './reveal-reason';

describe('revealReasonProblem', () => {
  it.each([
    [undefined, 'missing'],
    ['   ', 'missing'],
    ['x', 'too_short'],
    ['ticket 1', 'too_short'],
    ['1234567890123', 'too_short'],
    ['y'.repeat(MAX_REVEAL_REASON + 1), 'too_long'],
    ['see https://x.test for the case', 'holds_url'],
    ['NTD follow-up, ticket 4711', undefined],
    ['Nachverfolgung Fall 4711', undefined],
  ])('%j → %s', (reason, problem) => {
    expect(revealReasonProblem(reason)).toBe(problem);
  });
});
