import { asnOf, geoCountryOf, pseudoCountriesOf, registeredCountryOf } from './record-fields';

describe('record fields', () => {
  it('reads ip-location-db records', () => {
    expect(geoCountryOf({ country_code: 'nl' })).toBe('NL');
    expect(registeredCountryOf({ country_code: 'DE' })).toBe('DE');
  });

  it('reads MaxMind GeoLite2/GeoIP2 Country records, each role its own field', () => {
    const record = { country: { iso_code: 'FI' }, registered_country: { iso_code: 'DE' } };
    expect(geoCountryOf(record)).toBe('FI');
    expect(registeredCountryOf(record)).toBe('DE');
    // An anycast network: MaxMind gives only the registered country.
    expect(geoCountryOf({ registered_country: { iso_code: 'US' } })).toBeUndefined();
  });

  it('turns pseudo codes and missing values into nothing', () => {
    expect(geoCountryOf({ country_code: 'EU' })).toBeUndefined();
    expect(registeredCountryOf({ country_code: 'AP' })).toBeUndefined();
    expect(geoCountryOf({ country: 'NL' })).toBeUndefined();
    expect(geoCountryOf(undefined)).toBeUndefined();
  });

  it('records the pseudo code a record gives instead of a country, per role', () => {
    expect(pseudoCountriesOf({ country_code: 'A1' }, { country_code: 'eu' })).toEqual({
      geoPseudoCountry: 'A1',
      registeredPseudoCountry: 'EU',
    });
    expect(
      pseudoCountriesOf(
        { country: { iso_code: 'AP' } },
        { registered_country: { iso_code: 'ZZ' } },
      ),
    ).toEqual({ geoPseudoCountry: 'AP', registeredPseudoCountry: 'ZZ' });
    expect(pseudoCountriesOf({ country_code: 'NL' }, undefined)).toEqual({});
  });

  it('reads AS number and organisation from CSV text or mmdb numbers', () => {
    const cloudflare = { asn: 13335, asOrganisation: 'Cloudflare, Inc.' };
    expect(
      asnOf({
        autonomous_system_number: '13335',
        autonomous_system_organization: 'Cloudflare, Inc.',
      }),
    ).toEqual(cloudflare);
    expect(
      asnOf({
        autonomous_system_number: 13335,
        autonomous_system_organization: 'Cloudflare, Inc. ',
      }),
    ).toEqual(cloudflare);
    expect(asnOf({ autonomous_system_number: '0', autonomous_system_organization: '' })).toEqual(
      {},
    );
    expect(asnOf({ autonomous_system_number: 'AS1' })).toEqual({});
    expect(asnOf(undefined)).toEqual({});
  });
});
