import { isStorableText } from './storable-text';

describe('isStorableText', () => {
  it.each([
    ['plain text', 'notice sent to the hoster', true],
    ['a paired surrogate (an emoji)', 'done \ud83d\udc4d', true],
    ['U+0000', 'a\u0000b', false],
    ['a lone high surrogate', 'a\ud800', false],
    ['a lone low surrogate', '\udc00b', false],
  ])('%s → %s', (_name, text, storable) => {
    expect(isStorableText(text)).toBe(storable);
  });
});
