import { maskedFeedValue } from './masked-feed-value';

describe('maskedFeedValue', () => {
  it('masks every URL of the referral and leaves out its persons, keeping the rest', () => {
    const dispatch = {
      dispatchId: 'd-1',
      decision: { rule: 'hosted_at_home' },
      referral: {
        sourceRef: { system: 'IWF', id: '1' },
        locators: [
          {
            kind: 'web_page',
            url: 'https://host.example/secret/a.jpg?x=1',
            parentUrl: 'https://host.example/secret/',
            accessPath: ['https://links.example/secret-path'],
          },
        ],
        persons: [{ role: 'uploader', ipEvents: [{ ip: '88.198.10.10' }] }],
      },
    };
    const masked = maskedFeedValue(JSON.stringify(dispatch));
    expect(masked).not.toMatch(/secret|88\.198|persons/);
    expect(JSON.parse(masked)).toEqual({
      dispatchId: 'd-1',
      decision: { rule: 'hosted_at_home' },
      referral: {
        sourceRef: { system: 'IWF', id: '1' },
        locators: [
          {
            kind: 'web_page',
            url: 'https://host.example/[masked]',
            parentUrl: 'https://host.example/[masked]',
            accessPath: ['https://links.example/[masked]'],
          },
        ],
      },
    });
  });

  it('shows nothing of a value that is not a dispatch', () => {
    expect(maskedFeedValue('not json https://x.example/secret')).toBe('[masked]');
  });
});
