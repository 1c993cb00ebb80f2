import { pseudoCountry, toCountry } from './country';

describe('toCountry', () => {
  it('upper-cases real country codes', () => {
    expect(toCountry('nl')).toBe('NL');
    expect(toCountry(' DE ')).toBe('DE');
  });

  it.each(['A1', 'A2', 'O1', 'EU', 'AP', 'a1', 'eu'])(
    'never takes the pseudo-code %s for a country',
    (code) => {
      expect(toCountry(code)).toBeUndefined();
    },
  );

  it.each(['ZZ', 'XX', 'AA', 'QM', 'XA', 'AN', 'zz'])(
    'never takes the user-assigned or withdrawn code %s for a country',
    (code) => {
      expect(toCountry(code)).toBeUndefined();
    },
  );

  it('takes XK (Kosovo): user-assigned, but a real jurisdiction', () => {
    expect(toCountry('xk')).toBe('XK');
  });

  it.each(['', 'NLD', 'N', '12', 'ß', 'ıt', null, 42, {}])('refuses %p', (value) => {
    expect(toCountry(value)).toBeUndefined();
  });
});

describe('pseudoCountry', () => {
  it.each([
    ['A1', 'A1'],
    ['a2', 'A2'],
    ['AP', 'AP'],
    ['eu', 'EU'],
    ['O1', 'O1'],
    [' xx ', 'XX'],
    ['ZZ', 'ZZ'],
  ])('names %p a pseudo-country (%s)', (value, code) => {
    expect(pseudoCountry(value)).toBe(code);
    expect(toCountry(value)).toBeUndefined();
  });

  it.each(['NL', 'xk', 'AA', 'NLD', '', undefined, 42])('does not name %p one', (value) => {
    expect(pseudoCountry(value)).toBeUndefined();
  });
});
