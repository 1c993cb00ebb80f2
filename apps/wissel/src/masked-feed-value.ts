import { maskReferralUrls } from '@wissel/domain';

/**
 * A dispatch as an operator sees it in a feed without giving a reason: the referral's URLs
 * masked (scheme and host only) and its persons left out, like the decision record. The
 * signature no longer matches, and need not: only the recipient verifies, and it reads its
 * own feed unmasked.
 */
export function maskedFeedValue(value: string): string {
  let dispatch: { referral?: Record<string, unknown> } & Record<string, unknown>;
  try {
    dispatch = JSON.parse(value) as typeof dispatch;
  } catch {
    return '[masked]';
  }
  if (typeof dispatch !== 'object' || dispatch === null || !dispatch.referral) {
    return JSON.stringify(dispatch);
  }
  const { persons: _, ...referral } = maskReferralUrls(dispatch.referral) as Record<
    string,
    unknown
  >;
  return JSON.stringify({ ...dispatch, referral });
}
