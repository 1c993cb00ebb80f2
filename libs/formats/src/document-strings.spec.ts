import { documentStrings } from './document-strings';

describe('documentStrings', () => {
  it('yields keys and values in document order, each with its JSON Pointer', () => {
    const document = { a: 'x', 'b/c': [{ d: 'y' }, 'z'], n: 1 };
    expect([...documentStrings(document)]).toEqual([
      ['a', ''],
      ['x', '/a'],
      ['b/c', ''],
      ['d', '/b~1c/0'],
      ['y', '/b~1c/0/d'],
      ['z', '/b~1c/1'],
      ['n', ''],
    ]);
  });

  it('walks nesting deeper than the call stack allows', () => {
    const depth = 100_000;
    const deep = JSON.parse(`${'['.repeat(depth)}"s"${']'.repeat(depth)}`);
    expect([...documentStrings(deep)]).toHaveLength(1);
  });
});
