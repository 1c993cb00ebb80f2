import { type CanonicalReferral, locatorHost } from '@wissel/domain';

/**
 * The referral as it is now, after a move: the dispatch's locators point to the new
 * location. A URL replaces each of them (one locator kept for it); a bare host replaces the
 * host of each, keeping its path. Without such locators the new location is added.
 */
export function relocatedReferral(
  referral: CanonicalReferral,
  locatorIndexes: readonly number[],
  newLocation: string,
): CanonicalReferral {
  const isUrl = newLocation.includes('://');
  const moving = new Set(locatorIndexes.filter((i) => referral.locators[i]?.url !== undefined));
  if (moving.size === 0) {
    const url = isUrl ? newLocation : `http://${newLocation}/`;
    return { ...referral, locators: [...referral.locators, { kind: 'web_page', url }] };
  }
  let urlPlaced = false;
  const locators = referral.locators.flatMap((locator, i) => {
    if (!moving.has(i)) return [locator];
    if (isUrl) {
      if (urlPlaced) return [];
      urlPlaced = true;
      return [{ ...locator, url: newLocation }];
    }
    const url = new URL(locator.url!);
    url.hostname = newLocation;
    return [{ ...locator, url: url.toString() }];
  });
  return { ...referral, locators };
}

/** Whether a location (URL or bare host) is on one of these hosts. */
export function locationHost(location: string): string | undefined {
  return location.includes('://') ? locatorHost(location) : location.toLowerCase();
}
