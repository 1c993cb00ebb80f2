/**
 * A reported URL as shown by default: the scheme and host (already in the decision's
 * evidence) and nothing of the path, query or fragment, which name the material.
 * Revealing the whole URL is an audited operator action.
 */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.host === '') return MASK;
    return `${parsed.protocol}//${parsed.host}/${MASK}`;
  } catch {
    return MASK;
  }
}

const MASK = '[masked]';

interface WithLocators {
  locators?: Array<{ url?: string; parentUrl?: string; accessPath?: unknown }>;
}

/** A copy of a canonical referral with every locator's url, parentUrl and access path masked. */
export function maskReferralUrls<T extends WithLocators>(canonical: T): T {
  if (!Array.isArray(canonical.locators)) return canonical;
  return {
    ...canonical,
    locators: canonical.locators.map((locator) => ({
      ...locator,
      ...(typeof locator.url === 'string' ? { url: maskUrl(locator.url) } : {}),
      ...(typeof locator.parentUrl === 'string' ? { parentUrl: maskUrl(locator.parentUrl) } : {}),
      ...(Array.isArray(locator.accessPath)
        ? { accessPath: locator.accessPath.map((u) => maskUrl(String(u))) }
        : {}),
    })),
  };
}
