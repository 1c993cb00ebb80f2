import { Injectable } from '@nestjs/common';
import { hosterMonitor, hosterMonitorCsv, type HosterStats, type NoticeRow } from '@wissel/domain';
import { DispatchLifecycleRepository, type MonitorRow } from '@wissel/persistence';
import { LifecycleClock } from './lifecycle-clock';

export interface HosterMonitorReport {
  /** The `now` the figures were computed at (the 24 h window and open ages depend on it). */
  generatedAt: string;
  hosters: HosterStats[];
}

const ENDED_WITHOUT_REMOVAL = new Set(['moved', 'rejected', 'closed']);

/** One notice as the monitor counts it: removed, ended otherwise, or open. */
export function noticeRow(row: MonitorRow): NoticeRow {
  const endedAt = row.endedAt ? new Date(row.endedAt) : undefined;
  return {
    hostingProvider: row.hostingProvider,
    asn: row.asn === null ? null : Number(row.asn),
    noticeSentAt: new Date(row.noticeSentAt),
    ...(row.status === 'removed' && endedAt ? { removedAt: endedAt } : {}),
    ...(ENDED_WITHOUT_REMOVAL.has(row.status) && endedAt ? { endedWithoutRemovalAt: endedAt } : {}),
  };
}

/**
 * The hoster monitor (W6): per hosting provider (AS organisation) and AS number, how fast
 * what Wissel's recipients noticed was removed — from every dispatch with a notice sent.
 */
@Injectable()
export class GetHosterMonitorUseCase {
  constructor(
    private readonly repository: DispatchLifecycleRepository,
    private readonly clock: LifecycleClock,
  ) {}

  async execute(): Promise<HosterMonitorReport> {
    const now = this.clock.now();
    const rows = (await this.repository.monitorRows()).map(noticeRow);
    return { generatedAt: now.toISOString(), hosters: hosterMonitor(rows, now) };
  }

  async csv(): Promise<string> {
    return hosterMonitorCsv((await this.execute()).hosters);
  }
}
