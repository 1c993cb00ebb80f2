import { iccamActionOf } from './iccam-action';

describe('iccamActionOf', () => {
  it.each([
    [{ kind: 'received' }, undefined, undefined],
    [{ kind: 'received' }, 'national_hotline', undefined],
    [{ kind: 'received' }, 'domestic_police', { code: 'LEA', actionType: 1 }],
    [{ kind: 'notice_sent' }, 'national_hotline', { code: 'ISP', actionType: 2 }],
    [{ kind: 'removed' }, undefined, { code: 'CR', actionType: 3 }],
    [{ kind: 'moved' }, undefined, { code: 'MO', actionType: 0 }],
    [{ kind: 'rejected', reason: 'not_csam' }, undefined, { code: 'NI', actionType: 6 }],
    [{ kind: 'rejected', reason: 'not_our_jurisdiction' }, undefined, undefined],
    [{ kind: 'rejected', reason: 'duplicate' }, undefined, undefined],
    [{ kind: 'rejected', reason: 'other' }, undefined, undefined],
  ] as const)('%j from a %s recipient → %j', (ack, recipientKind, expected) => {
    expect(iccamActionOf(ack, recipientKind)).toEqual(expected);
  });
});
