import { Logger } from '@nestjs/common';
import { loadSigningKey, PartnerClient } from '@wissel/partner-client';
import { type DemoPartner } from './demo-partner';
import { demoReferral } from './demo-referral';

/**
 * `--demo`: submits a synthetic referral every `everyMs` through the signed partner API as
 * the demo partner, so the dashboard shows life. Returns a stop function.
 */
export function startDemoFeed(baseUrl: string, partner: DemoPartner, everyMs = 2000): () => void {
  const logger = new Logger('demo');
  const client = new PartnerClient({
    baseUrl,
    keyId: partner.keyId,
    key: loadSigningKey(partner.keyFile),
  });
  let n = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    client
      .submit(JSON.stringify(demoReferral(n++)))
      .then((r) => {
        if (r.status !== 202) logger.warn({ status: r.status }, 'demo referral not accepted');
      })
      .catch((error: unknown) => logger.warn({ error: String(error) }, 'demo referral not sent'))
      .finally(() => (busy = false));
  }, everyMs);
  return () => clearInterval(timer);
}
