/**
 * Imports a known-material hash list file into the database:
 *   npm run known-hashes -- import <file> --list <name>
 * The file holds one `kind:hash` (or `kind,hash`) per line: md5, sha1, sha256, pdq,
 * photodna. Bad lines are reported and nothing is imported until the file is clean.
 * Lists can also arrive as messages on referrals.known-hashes.v1 (docs/topics.md).
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { loadConfig } from '@wissel/config';
import { parseKnownHashFile } from '@wissel/formats';
import { dataSourceOptions, KnownHashRepository } from '@wissel/persistence';

async function main(): Promise<void> {
  const [command, file] = process.argv.slice(2);
  const listAt = process.argv.indexOf('--list');
  const list = listAt > 0 ? process.argv[listAt + 1] : undefined;
  if (command !== 'import' || !file || !list) {
    console.error('usage: npm run known-hashes -- import <file> --list <name>');
    process.exit(2);
  }
  const { hashes, errors } = parseKnownHashFile(readFileSync(file, 'utf8'));
  if (errors.length > 0) {
    console.error(
      `${file}: ${errors.length} bad line(s), nothing imported:\n${errors.slice(0, 20).join('\n')}`,
    );
    process.exit(1);
  }
  const dataSource = new DataSource(dataSourceOptions(loadConfig().DATABASE_URL));
  await dataSource.initialize();
  try {
    const added = await new KnownHashRepository(dataSource).import(list, hashes);
    console.log(`${list}: ${hashes.length} hashes read, ${added} new`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`known-hashes failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
