import { maskReferralUrls, maskUrl } from './mask-url';

describe('maskUrl', () => {
  it('keeps scheme and host only', () => {
    expect(maskUrl('https://Example.test:8443/a/b.jpg?x=1#f')).toBe(
      'https://example.test:8443/[masked]',
    );
    expect(maskUrl('not a url')).toBe('[masked]');
  });

  it('masks every locator url, parentUrl and access path, leaving the rest', () => {
    const masked = maskReferralUrls({
      id: 'r',
      locators: [
        {
          kind: 'web_page',
          url: 'http://h.test/p',
          parentUrl: 'http://p.test/q',
          accessPath: ['http://a.test/secret'],
        },
        { kind: 'other' },
      ],
    });
    expect(masked).toEqual({
      id: 'r',
      locators: [
        {
          kind: 'web_page',
          url: 'http://h.test/[masked]',
          parentUrl: 'http://p.test/[masked]',
          accessPath: ['http://a.test/[masked]'],
        },
        { kind: 'other' },
      ],
    });
  });
});
