import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { parseRoutingRules } from './load-routing-rules';

const base = parse(readFileSync(join(__dirname, '../../../../config/routing.yaml'), 'utf8'));

function withRecipient(id: string, entry: Record<string, unknown>) {
  return stringify({ ...base, recipients: { ...base.recipients, [id]: entry } });
}

describe('recipient delivery in the routing rules', () => {
  it('defaults to Kafka and reads a webhook with its timeout', () => {
    const rules = parseRoutingRules(
      withRecipient('be-hotline', {
        kind: 'partner_hotline',
        country: 'BE',
        delivery: 'webhook',
        webhook: { url: 'https://hotline.example.be/wissel', timeoutMs: 5000 },
      }),
    );
    expect(rules.recipients.get('nl-police')?.delivery).toEqual({ kind: 'kafka' });
    expect(rules.recipients.get('be-hotline')?.delivery).toEqual({
      kind: 'webhook',
      url: 'https://hotline.example.be/wissel',
      timeoutMs: 5000,
    });
  });

  it('takes plain http only to a loopback address', () => {
    const entry = (url: string) => ({
      kind: 'partner_hotline',
      delivery: 'webhook',
      webhook: { url },
    });
    expect(() =>
      parseRoutingRules(withRecipient('x', entry('http://127.0.0.1:8080/h'))),
    ).not.toThrow();
    expect(() => parseRoutingRules(withRecipient('x', entry('http://hotline.example/h')))).toThrow(
      /must be https/,
    );
    expect(() =>
      parseRoutingRules(withRecipient('x', entry('https://user:pw@hotline.example/h'))),
    ).toThrow(/credentials/);
  });

  it('needs the webhook and the delivery mode together', () => {
    expect(() =>
      parseRoutingRules(withRecipient('x', { kind: 'partner_hotline', delivery: 'webhook' })),
    ).toThrow(/no webhook.url/);
    expect(() =>
      parseRoutingRules(
        withRecipient('x', { kind: 'partner_hotline', webhook: { url: 'https://h.example/' } }),
      ),
    ).toThrow(/delivery is not webhook/);
    expect(() =>
      parseRoutingRules(
        withRecipient('x', {
          kind: 'partner_hotline',
          delivery: 'webhook',
          webhook: { url: 'https://h.example/', retries: 3 },
        }),
      ),
    ).toThrow(/additional properties/);
  });
});
