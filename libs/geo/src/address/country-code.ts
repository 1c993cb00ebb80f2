import { toCountry } from '@wissel/domain';

/**
 * Country codes as data sets write them, made safe to route on: an officially assigned
 * ISO 3166-1 alpha-2 code (upper case, XK included), or undefined — the domain's rule
 * (libs/domain/src/referral/country.ts), so the data sets and the inbound formats agree.
 */
export function toCountryCode(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() === value ? toCountry(value) : undefined;
}
