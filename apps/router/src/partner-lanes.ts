import { Inject, Injectable } from '@nestjs/common';
import { ROUTING_RULES, WisselConfig } from '@wissel/config';
import {
  ConfigurationError,
  partnerLinkProblems,
  type RoutingRules,
  type SourceSystemOwner,
} from '@wissel/domain';
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
 * checks on everything read there, with the recipients it declared it is (never sent what
 * it sends). An invalid file stops the start, and so does a link to a recipient the routing
 * rules lack or a partner id that is a recipient's id without the link declared.
 */
@Injectable()
export class PartnerLanes {
  readonly all: readonly PartnerLane[];

  constructor(config: WisselConfig, topics: Topics, @Inject(ROUTING_RULES) rules: RoutingRules) {
    const partners = loadKafkaPartners(config.KAFKA_PARTNERS_FILE);
    const problems = partners.flatMap((p) =>
      partnerLinkProblems(p.id, p.recipients, rules).map((x) => `partner ${p.id}: ${x.detail}`),
    );
    if (problems.length > 0) {
      throw new ConfigurationError(
        `KAFKA_PARTNERS_FILE ${config.KAFKA_PARTNERS_FILE}: ${problems.join('; ')}`,
        { problems },
      );
    }
    const owners = new Map(
      partners.map((p) => [
        p.id,
        { partnerId: p.id, systems: p.systems, recipients: p.recipients },
      ]),
    );
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
