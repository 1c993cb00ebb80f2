import { pseudoCountry } from '@wissel/domain';
import { toCountryCode } from '../address/country-code';

type Fields = Readonly<Record<string, unknown>>;

/**
 * The geolocated country: ip-location-db's `country_code`, or MaxMind's `country.iso_code`.
 * MaxMind's `registered_country` is deliberately not a fallback here: it is the other role.
 */
export function geoCountryOf(record: Fields | undefined): string | undefined {
  return toCountryCode(record?.country_code ?? isoCode(record?.country));
}

/** The registered (whois) country: `country_code`, or MaxMind's `registered_country.iso_code`. */
export function registeredCountryOf(record: Fields | undefined): string | undefined {
  return toCountryCode(record?.country_code ?? isoCode(record?.registered_country));
}

/**
 * The pseudo-code (A1, A2, AP, EU, O1, XX, ZZ) a record gives instead of a country, per role:
 * never a country, but worth recording, since it says the data set cannot place the address.
 */
export function pseudoCountriesOf(
  geo: Fields | undefined,
  registered: Fields | undefined,
): { geoPseudoCountry?: string; registeredPseudoCountry?: string } {
  const geoCode = pseudoCountry(geo?.country_code ?? isoCode(geo?.country));
  const registeredCode = pseudoCountry(
    registered?.country_code ?? isoCode(registered?.registered_country),
  );
  return {
    ...(geoCode ? { geoPseudoCountry: geoCode } : {}),
    ...(registeredCode ? { registeredPseudoCountry: registeredCode } : {}),
  };
}

/** AS number and organisation, from the CSV columns or MaxMind/ip-location-db ASN mmdb. */
export function asnOf(record: Fields | undefined): { asn?: number; asOrganisation?: string } {
  const number = Number(record?.autonomous_system_number);
  const organisation = record?.autonomous_system_organization;
  return {
    // AS 0 is reserved: it means "not routed", never an operator.
    ...(Number.isInteger(number) && number > 0 && number <= 0xffffffff ? { asn: number } : {}),
    ...(typeof organisation === 'string' && organisation.trim() !== ''
      ? { asOrganisation: organisation.trim() }
      : {}),
  };
}

function isoCode(value: unknown): unknown {
  return typeof value === 'object' && value !== null
    ? (value as { iso_code?: unknown }).iso_code
    : undefined;
}
