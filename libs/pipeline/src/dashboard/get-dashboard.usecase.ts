import { Injectable } from '@nestjs/common';
import { GetHosterMonitorUseCase } from '../lifecycle/hoster-monitor.usecase';
import { LifecycleClock } from '../lifecycle/lifecycle-clock';
import { type DashboardSnapshot, type StageBacklog } from './dashboard-snapshot';
import { DashboardReader, type NoticeCountsRow, type OutboxBacklogRow } from './dashboard.reader';
import { perMinute, windowStart } from './per-minute';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
export const DASHBOARD_WINDOW_MINUTES = 30;
const ROUTES_WINDOW_HOURS = 24;
const LIST_LIMIT = 50;

const ageSeconds = (now: Date, since: Date | null) =>
  since === null
    ? null
    : Math.max(0, Math.round((now.getTime() - new Date(since).getTime()) / 1000));

/**
 * The operator dashboard's read model (W7): one snapshot of throughput, the backlog of each
 * pipeline stage, routes, dead letters, deadlines at risk and the hoster monitor, all from
 * PostgreSQL. Ids, recipients, countries, counts and times only: no reported URL, no
 * referral content. The clock is the lifecycle's, so deadlines read as the notice clock
 * sees them.
 */
@Injectable()
export class GetDashboardUseCase {
  constructor(
    private readonly reader: DashboardReader,
    private readonly hosterMonitor: GetHosterMonitorUseCase,
    private readonly clock: LifecycleClock,
  ) {}

  async execute(windowMinutes = DASHBOARD_WINDOW_MINUTES): Promise<DashboardSnapshot> {
    const now = this.clock.now();
    const from = windowStart(now, windowMinutes);
    // The end of the current minute: rows stamped a little ahead by another host's clock
    // still land in the last bucket rather than nowhere.
    const to = new Date(from.getTime() + windowMinutes * MINUTE_MS);
    const dayAgo = new Date(now.getTime() - DAY_MS);
    const routesFrom = new Date(now.getTime() - ROUTES_WINDOW_HOURS * 3_600_000);
    const [received, decided, window, last24h, inbound, outbox, notices] = await Promise.all([
      this.reader.receivedPerMinute(from, to),
      this.reader.decidedPerMinute(from, to),
      this.reader.totals(from, to),
      this.reader.totals(dayAgo, to),
      this.reader.inboundBacklog(dayAgo),
      this.reader.outboxBacklog(now),
      this.reader.noticeCounts(now),
    ]);
    const [byRemovalCountry, byRecipient, loops, deadLetters, atRisk, hosterMonitor] =
      await Promise.all([
        this.reader.byRemovalCountry(routesFrom, to),
        this.reader.byRecipient(routesFrom, to),
        this.reader.loops(routesFrom, to),
        this.reader.deadLetters(LIST_LIMIT),
        this.reader.deadlinesAtRisk(now, LIST_LIMIT),
        this.hosterMonitor.execute(),
      ]);
    return {
      generatedAt: now.toISOString(),
      throughput: {
        windowMinutes,
        perMinute: perMinute(now, windowMinutes, received, decided),
        window,
        last24h,
      },
      stages: stages(now, inbound, outbox, notices),
      routes: {
        windowHours: ROUTES_WINDOW_HOURS,
        byRemovalCountry: byRemovalCountry.map((r) => ({ key: r.key, decisions: r.n })),
        byRecipient: byRecipient.map((r) => ({ key: r.key, decisions: r.n })),
        loops,
      },
      deadLetters: {
        total: outbox.dead,
        items: deadLetters.map((d) => ({
          ...d,
          deadLetteredAt: new Date(d.deadLetteredAt).toISOString(),
        })),
      },
      deadlinesAtRisk: atRisk.map((a) => ({
        ...a,
        deadline: new Date(a.deadline).toISOString(),
        secondsLeft: Math.round((new Date(a.deadline).getTime() - now.getTime()) / 1000),
      })),
      hosterMonitor,
    };
  }
}

function stages(
  now: Date,
  inbound: { n: number; oldest: Date | null },
  outbox: OutboxBacklogRow,
  notices: NoticeCountsRow,
): StageBacklog[] {
  return [
    {
      id: 'inbound',
      name: 'Inbound',
      backlog: inbound.n,
      oldestSeconds: ageSeconds(now, inbound.oldest),
      note: 'accepted by the partner API (last 24 h), not yet stored by the router',
      detail: {},
    },
    {
      id: 'decision',
      name: 'Decision',
      backlog: null,
      oldestSeconds: null,
      note: 'none: decided in the transaction that stores the referral',
      detail: {},
    },
    {
      id: 'outbox',
      name: 'Outbox',
      backlog: outbox.due,
      oldestSeconds: ageSeconds(now, outbox.oldestDue),
      note: 'dispatches due for delivery',
      detail: { urgent: outbox.dueUrgent },
    },
    {
      id: 'retrying',
      name: 'Retries',
      backlog: outbox.retrying,
      oldestSeconds: ageSeconds(now, outbox.oldestRetrying),
      note: 'dispatches waiting for their next attempt',
      detail: {},
    },
    {
      id: 'dead_letters',
      name: 'Dead letters',
      backlog: outbox.dead,
      oldestSeconds: ageSeconds(now, outbox.oldestDead),
      note: 'dispatches given up on, until replayed',
      detail: {},
    },
    {
      id: 'notices',
      name: 'Notices',
      backlog: notices.open,
      oldestSeconds: ageSeconds(now, notices.oldestOpen),
      note: 'notices waiting for removal',
      detail: { atRisk: notices.atRisk, breached: notices.breached },
    },
  ];
}
