import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import pino from 'pino';
import { inMessageSpan, TraceHeaders } from '@wissel/messaging';
import { setupTracing } from '../tracing/setup-tracing';
import { pinoOptions } from './logging.module';

function capture(): { lines: string[]; logger: pino.Logger } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: pino(pinoOptions('test', 'debug'), stream) };
}

const SECRETS = [
  'http://abuse.example/gallery/123',
  'abuse.example',
  'https://cdn.example.net/a.jpg',
  'uploader@mail.example',
  '203.0.113.7',
  '2001:db8::1',
  'Jan Jansen',
];

describe('log redaction', () => {
  it('keeps URLs, e-mail addresses, IPs and persons out of every log line', async () => {
    const { lines, logger } = capture();
    const referral = {
      schema: 'wissel.referral/1',
      sourceRef: { system: 'IWF', id: 'IWF-1' },
      locators: [{ kind: 'url', url: SECRETS[0], parentUrl: SECRETS[2] }],
      persons: [{ role: 'uploader', name: SECRETS[6], email: SECRETS[3], ip: SECRETS[4] }],
    };
    logger.info({ referral }, 'a whole referral');
    logger.info({ item: referral }, 'one level down');
    logger.info({ dispatch: { payload: { referral } } }, 'a dispatch');
    logger.info({ trace: { host: SECRETS[1], addresses: [SECRETS[4], SECRETS[5]] } }, 'a trace');
    logger.warn(
      { err: new Error(`connect ECONNREFUSED ${SECRETS[4]}:443 fetching ${SECRETS[0]}`) },
      'an error object',
    );
    logger.warn({ error: `invalid input from ${SECRETS[3]} at ${SECRETS[5]}` }, 'an error string');
    await new Promise((r) => setImmediate(r));

    expect(lines).toHaveLength(6);
    const all = lines.join('\n');
    for (const secret of SECRETS) expect(all).not.toContain(secret);
    // What may be logged still is: ids, counts, the error's kind.
    expect(all).toContain('IWF-1');
    expect(all).toContain('ECONNREFUSED');
    expect(all).toContain('[redacted]');
  });
});

describe('trace ids on log lines', () => {
  beforeAll(() => setupTracing());

  it('adds trace_id, span_id and correlation_id inside a traced message, nothing outside', async () => {
    const { lines, logger } = capture();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const message = {
      topic: 't',
      partition: 0,
      offset: '0',
      key: null,
      value: null,
      headers: {
        [TraceHeaders.traceparent]: `00-${traceId}-00f067aa0ba902b7-01`,
        [TraceHeaders.correlationId]: 'corr-1',
      },
    };
    inMessageSpan(message, 'test', () => {
      expect(trace.getSpanContext(context.active())?.traceId).toBe(traceId);
      logger.info('inside');
    });
    logger.info('outside');
    await new Promise((r) => setImmediate(r));

    const [inside, outside] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inside).toMatchObject({ trace_id: traceId, correlation_id: 'corr-1' });
    expect(inside!.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(inside!.span_id).not.toBe('00f067aa0ba902b7');
    expect(outside).not.toHaveProperty('trace_id');
  });
});
