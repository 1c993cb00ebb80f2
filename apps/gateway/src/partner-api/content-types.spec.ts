import { UnsupportedMediaTypeError } from '@wissel/pipeline';
import { formatOf } from './content-types';

describe('formatOf', () => {
  it.each([
    ['application/json', 'canonical'],
    ['application/vnd.wissel.referral+json; charset=utf-8', 'canonical'],
    ['application/vnd.xarf+json', 'xarf'],
    ['application/xml', 'cybertip'],
    ['Application/XML; charset="UTF-8"', 'cybertip'],
    ['text/xml;charset=utf8', 'cybertip'],
    ['application/vnd.iccam.report+json', 'iccam'],
  ])('%s is %s', (contentType, format) => {
    expect(formatOf(contentType)).toBe(format);
  });

  it.each([undefined, '', 'text/plain', 'application/soap+xml', 'application/xml-dtd'])(
    'refuses %p as an unsupported media type',
    (contentType) => {
      expect(() => formatOf(contentType)).toThrow(UnsupportedMediaTypeError);
    },
  );

  it.each(['application/xml; charset=iso-8859-1', 'application/json; charset=utf-16'])(
    'refuses %s: the body must be UTF-8',
    (contentType) => {
      expect(() => formatOf(contentType)).toThrow(/UTF-8/);
    },
  );
});
