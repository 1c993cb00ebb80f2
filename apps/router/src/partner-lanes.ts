import { Injectable } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { type SourceSystemOwner } from '@wissel/domain';
import { LANE_FORMAT, loadKafkaPartners, Topics, type InboundLane } from '@wissel/messaging';

export interface PartnerLane {
  topic: string;
  lane: InboundLane;
  format: (typeof LANE_FORMAT)[InboundLane];
  owner: SourceSystemOwner;
}

/**
 * The Kafka partners' own inbound topics (KAFKA_PARTNERS_FILE, W10), read once at start-up:
 * each with the parser its lane decides and the partner whose source systems the router
 * checks on everything read there. An invalid file stops the start.
 */
@Injectable()
export class PartnerLanes {
  readonly all: readonly PartnerLane[];

  constructor(config: WisselConfig, topics: Topics) {
    const partners = loadKafkaPartners(config.KAFKA_PARTNERS_FILE);
    const owners = new Map(partners.map((p) => [p.id, { partnerId: p.id, systems: p.systems }]));
    this.all = topics.partnerInbound(partners).map(({ topic, lane, partnerId }) => ({
      topic,
      lane,
      format: LANE_FORMAT[lane],
      owner: owners.get(partnerId)!,
    }));
  }

  /** The partners' topics on the urgent lane (its own consumer group), or on the others. */
  urgent(urgent: boolean): PartnerLane[] {
    return this.all.filter((l) => (l.lane === 'urgent') === urgent);
  }
}
