import { hostileCorpus } from '../../../test/support/hostile-corpus';
import { PARSERS } from './parsers';

const LIMIT = 256 * 1024;

describe('the hostile-input corpus', () => {
  it.each(hostileCorpus(LIMIT).map((c) => [c.name, c] as const))(
    '%s is rejected with its code and field',
    (_name, hostile) => {
      const result = PARSERS[hostile.format](hostile.payload, LIMIT);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.rejection.code).toBe(hostile.code);
      if (hostile.field) expect(result.rejection.field).toBe(hostile.field);
      expect(result.rejection.detail.length).toBeGreaterThan(0);
    },
  );
});
