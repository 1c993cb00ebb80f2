import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HealthIndicatorService } from '@nestjs/terminus';
import { loadRoutingRules } from '@wissel/config';
import { routingConfigCheck } from './routing-config.check';

const SOURCE = join(__dirname, '../../../../config/routing.yaml');

describe('routingConfigCheck', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wissel-routing-'));
  const path = join(dir, 'routing.yaml');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is up for a valid file, down with the reason once it is gone or invalid, up again after', async () => {
    copyFileSync(SOURCE, path);
    const loaded = loadRoutingRules(path);
    let now = 0;
    const check = routingConfigCheck(new HealthIndicatorService(), path, loaded, 1000, () => now);

    expect(await check()).toEqual({
      routing_config: expect.objectContaining({ status: 'up', restartNeeded: false }),
    });

    rmSync(path);
    // Within the cache window the last answer stands; after it the file is read again.
    expect((await check()).routing_config!.status).toBe('up');
    now = 1000;
    const gone = (await check()).routing_config!;
    expect(gone.status).toBe('down');
    expect(gone.error).toMatch(/cannot be read/);

    writeFileSync(path, 'home: NL\n');
    now = 2000;
    expect((await check()).routing_config).toMatchObject({ status: 'down', error: /invalid/ });

    copyFileSync(SOURCE, path);
    writeFileSync(path, '\n# edited\n', { flag: 'a' });
    now = 3000;
    expect((await check()).routing_config).toMatchObject({ status: 'up', restartNeeded: true });
  });
});
