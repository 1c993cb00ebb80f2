import { isUuid } from './uuid';

describe('isUuid', () => {
  it.each([
    ['00000000-0000-4000-8000-000000000000', true],
    ['0A1B2C3D-4E5F-4000-8000-00000000000F', true],
    ['0a1b2c3d4e5f40008000000000000000', false],
    ['x0000000-0000-4000-8000-000000000000', false],
    ['00000000-0000-4000-8000-000000000000 ', false],
  ])('%s → %s', (text, expected) => {
    expect(isUuid(text)).toBe(expected);
  });
});
