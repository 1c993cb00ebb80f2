import { readFileSync } from 'node:fs';
import { parseKafkaPartners, type KafkaPartner } from './acl-plan';

/**
 * The Kafka partners file (KAFKA_PARTNERS_FILE), read once at start-up: an empty path means
 * no partner produces straight to Kafka. A missing or invalid file stops the start naming
 * the path: a router that silently read no partner topics would leave their referrals unread.
 */
export function loadKafkaPartners(path: string): KafkaPartner[] {
  if (path === '') return [];
  try {
    return parseKafkaPartners(readFileSync(path, 'utf8'));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`KAFKA_PARTNERS_FILE ${path}: ${why}`);
  }
}
