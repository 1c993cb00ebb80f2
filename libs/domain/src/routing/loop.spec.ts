import { type CanonicalReferral } from '../referral/canonical-referral';
import { loopThroughNode, viaAsReceived, viaLeavingNode } from './loop';

const node = { hopIds: ['wissel.nl', 'wissel-old.nl'] };
const referral = (via: string[], system = 'IWF') =>
  ({ via, sourceRef: { system, id: '1' } }) as Pick<CanonicalReferral, 'via' | 'sourceRef'>;

describe('loopThroughNode', () => {
  it('finds this node in via, by any of its hop ids and without case', () => {
    expect(loopThroughNode(referral(['iwf.gb', 'WISSEL.nl', 'eco.de']), node)).toEqual({
      hop: 'WISSEL.nl',
      field: 'via',
      position: 1,
    });
    expect(loopThroughNode(referral(['wissel-old.nl']), node)).toMatchObject({ position: 0 });
  });

  it('finds this node as the source system', () => {
    expect(loopThroughNode(referral([], 'wissel.nl'), node)).toEqual({
      hop: 'wissel.nl',
      field: 'sourceRef.system',
    });
  });

  it('finds nothing when the referral never passed through this node', () => {
    expect(loopThroughNode(referral(['iwf.gb', 'wissel.nl.example']), node)).toBeUndefined();
    expect(loopThroughNode(referral([]), node)).toBeUndefined();
  });
});

describe('viaLeavingNode', () => {
  it('appends the first hop id after the hops the referral came through', () => {
    expect(viaLeavingNode(['iwf.gb'], node)).toEqual(['iwf.gb', 'wissel.nl']);
    expect(viaLeavingNode([], node)).toEqual(['wissel.nl']);
  });

  it('leaves the inbound list as it was', () => {
    const via = ['iwf.gb'];
    viaLeavingNode(via, node);
    expect(via).toEqual(['iwf.gb']);
  });
});

describe('viaAsReceived', () => {
  it('takes off the hop this node added, and nothing else', () => {
    expect(viaAsReceived(viaLeavingNode(['iwf.gb'], node), node)).toEqual(['iwf.gb']);
    expect(viaAsReceived(['iwf.gb'], node)).toEqual(['iwf.gb']);
    expect(viaAsReceived([], node)).toEqual([]);
  });
});
