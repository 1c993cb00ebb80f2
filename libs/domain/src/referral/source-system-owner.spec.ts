import { checkSourceSystem } from './source-system-owner';

const referral = (system: string) => ({ sourceRef: { system, id: 'r-1' } });

describe('checkSourceSystem', () => {
  const ncmec = { partnerId: 'ncmec', systems: ['NCMEC', 'NCMEC-TEST'] };

  it('passes a referral under one of the partner own systems', () => {
    expect(checkSourceSystem(referral('NCMEC'), ncmec)).toBeUndefined();
    expect(checkSourceSystem(referral('NCMEC-TEST'), ncmec)).toBeUndefined();
  });

  it('rejects a referral under another system, naming the partner', () => {
    expect(checkSourceSystem(referral('IWF'), ncmec)).toEqual({
      code: 'source_system_not_owned',
      field: 'sourceRef.system',
      detail: `sourceRef.system "IWF" is not one of partner ncmec's source systems`,
    });
  });

  it('matches exactly: case and spacing count', () => {
    expect(checkSourceSystem(referral('ncmec'), ncmec)?.code).toBe('source_system_not_owned');
    expect(checkSourceSystem(referral('NCMEC '), ncmec)?.code).toBe('source_system_not_owned');
  });

  it('checks nothing on a shared lane (no owner)', () => {
    expect(checkSourceSystem(referral('anything'), undefined)).toBeUndefined();
  });
});
