/** Bounds of the reason an operator gives to see what is masked (URLs, personal data). */
export const MIN_REVEAL_REASON = 10;
export const MAX_REVEAL_REASON = 500;

export type RevealReasonProblem = 'missing' | 'too_short' | 'too_long' | 'holds_url';

/**
 * Why a reveal reason is not acceptable, if it is not. The reason goes into the audit log,
 * so it must say something a reviewer can check ("x" or "." says nothing: at least
 * MIN_REVEAL_REASON characters with a letter in them), and it must not itself carry a URL:
 * the audit log holds none.
 */
export function revealReasonProblem(reason: unknown): RevealReasonProblem | undefined {
  const text = typeof reason === 'string' ? reason.trim() : '';
  if (text === '') return 'missing';
  if (text.length > MAX_REVEAL_REASON) return 'too_long';
  if (text.length < MIN_REVEAL_REASON || !/\p{L}/u.test(text)) return 'too_short';
  if (/:\/\/|www\./i.test(text)) return 'holds_url';
  return undefined;
}
