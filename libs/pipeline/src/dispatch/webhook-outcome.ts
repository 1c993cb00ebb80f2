/** What a webhook's answer means for the dispatch. */
export type WebhookVerdict =
  | { kind: 'delivered' }
  /** Worth trying again: 408, 429, 5xx, a timeout, a refused or reset connection. */
  | { kind: 'retry'; error: string }
  /** Trying again will not help: any other 4xx, or a redirect (never followed). */
  | { kind: 'refused'; error: string; reason: string };

/** 2xx delivered; 408/429/5xx retried; other 4xx and every 3xx refused at once. */
export function verdictForStatus(status: number): WebhookVerdict {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  const error = `the webhook answered ${status}`;
  if (status === 408 || status === 429 || status >= 500) return { kind: 'retry', error };
  // A redirect could point anywhere; Wissel sends a referral only to the configured URL.
  if (status >= 300 && status < 400) {
    return { kind: 'refused', error: `${error} (redirects are not followed)`, reason: 'redirect' };
  }
  return { kind: 'refused', error, reason: `http_${status}` };
}
