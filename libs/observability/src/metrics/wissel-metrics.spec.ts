import { Registry } from 'prom-client';
import { parseRoutingRules, WisselConfig } from '@wissel/config';
import { counterOn, METRICS } from './metric-catalogue';
import { WisselMetrics } from './wissel-metrics';

const rules = parseRoutingRules(`
node: { hopIds: [wissel.test] }
home: NL
reviewRecipient: review
recipients:
  nl-hotline: { kind: national_hotline, country: NL, hopIds: [offlimits.nl] }
  gb-hotline: { kind: partner_hotline, country: GB, hopIds: [IWF] }
  review: { kind: review }
`);

function metricsWith(knownSources = 'ncmec'): WisselMetrics {
  const config = Object.assign(new WisselConfig(), { METRICS_KNOWN_SOURCES: knownSources });
  return new WisselMetrics(new Registry(), config, rules);
}

async function values(metrics: WisselMetrics, name: string) {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  return (await metric.get()).values.map((v) => ({ labels: v.labels, value: v.value }));
}

describe('the metric catalogue', () => {
  it('names every metric once, with the wissel_ prefix and snake_case labels', () => {
    const defs = Object.values(METRICS);
    const names = defs.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const d of defs) {
      expect(d.name).toMatch(/^wissel_[a-z_]+$/);
      for (const label of d.labelNames) expect(label).toMatch(/^[a-z_]+$/);
    }
  });

  it('lets two owners of one name share it instead of failing the second registration', () => {
    const registry = new Registry();
    const a = counterOn(registry, METRICS.dispatchAttempts);
    const b = counterOn(registry, METRICS.dispatchAttempts);
    expect(b).toBe(a);
  });
});

describe('WisselMetrics label bounding', () => {
  it('labels a known source by name, an unknown one as other, an unparsed message as unparsed', async () => {
    const metrics = metricsWith('NCMEC, eco.de');
    metrics.receivedReferral('canonical', 'IWF'); // a routing-file hopId
    metrics.receivedReferral('cybertip', 'ncmec'); // METRICS_KNOWN_SOURCES
    metrics.receivedReferral('canonical', 'https://evil.example/x?a=b');
    metrics.receivedReferral('canonical', 'someone-new');
    metrics.receivedReferral('xarf', undefined);
    metrics.receivedReferral('made-up-format', 'iwf');
    expect(await values(metrics, 'wissel_referrals_received_total')).toEqual(
      expect.arrayContaining([
        { labels: { source: 'iwf', format: 'canonical' }, value: 1 },
        { labels: { source: 'ncmec', format: 'cybertip' }, value: 1 },
        { labels: { source: 'other', format: 'canonical' }, value: 2 },
        { labels: { source: 'unparsed', format: 'xarf' }, value: 1 },
        { labels: { source: 'iwf', format: 'other' }, value: 1 },
      ]),
    );
    expect(metrics.sources.values().sort()).toEqual(['eco.de', 'iwf', 'ncmec', 'offlimits.nl']);
  });

  it('bounds layers, reasons, signature codes and countries to their fixed sets', async () => {
    const metrics = metricsWith();
    metrics.duplicate('url');
    metrics.duplicate('source_id', 3);
    metrics.duplicate('new'); // not a duplicate layer
    metrics.deadLettered('schema_violation');
    metrics.deadLettered('something the sender wrote');
    metrics.signatureFailure('signature_expired');
    metrics.signatureFailure('nonce_replayed');
    metrics.signatureFailure('partner_suspended');
    metrics.signatureFailure('whatever the caller wrote');
    metrics.routed(rules.recipients.get('nl-hotline'));
    metrics.routed(rules.recipients.get('review'));
    metrics.routed({ kind: 'partner_hotline', country: 'https://x.example' });
    expect(await values(metrics, 'wissel_referrals_duplicates_total')).toEqual([
      { labels: { layer: 'url' }, value: 1 },
      { labels: { layer: 'source_id' }, value: 3 },
      { labels: { layer: 'other' }, value: 1 },
    ]);
    expect(await values(metrics, 'wissel_dead_letters_total')).toEqual([
      { labels: { reason: 'schema_violation' }, value: 1 },
      { labels: { reason: 'other' }, value: 1 },
    ]);
    expect(await values(metrics, 'wissel_signature_failures_total')).toEqual([
      { labels: { code: 'signature_expired' }, value: 1 },
      { labels: { code: 'nonce_replayed' }, value: 1 },
      { labels: { code: 'partner_suspended' }, value: 1 },
      { labels: { code: 'other' }, value: 1 },
    ]);
    expect(await values(metrics, 'wissel_referrals_routed_total')).toEqual([
      { labels: { recipient_kind: 'national_hotline', country: 'NL' }, value: 1 },
      { labels: { recipient_kind: 'review', country: 'none' }, value: 1 },
      { labels: { recipient_kind: 'partner_hotline', country: 'none' }, value: 1 },
    ]);
  });

  it('records HTTP durations by method, route template and status class', async () => {
    const metrics = metricsWith();
    metrics.httpRequest('post', '/v1/referrals', 202, 0.01);
    metrics.httpRequest('BREW', 'unmatched', 418, 0.001);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'wissel_http_request_duration_seconds_count{method="POST",route="/v1/referrals",status_class="2xx"} 1',
    );
    expect(text).toContain(
      'wissel_http_request_duration_seconds_count{method="other",route="unmatched",status_class="4xx"} 1',
    );
  });

  it('times a stage also when its work fails', async () => {
    const metrics = metricsWith();
    await expect(metrics.timed('store', () => Promise.reject(new Error('down')))).rejects.toThrow();
    expect(await metrics.registry.metrics()).toContain(
      'wissel_stage_duration_seconds_count{stage="store"} 1',
    );
  });
});
