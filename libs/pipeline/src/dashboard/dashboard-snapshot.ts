import { type HosterMonitorReport } from '../lifecycle/hoster-monitor.usecase';

/** Referrals stored and decisions made in one minute (the minute's start, ISO 8601). */
export interface MinuteCount {
  minute: string;
  received: number;
  decided: number;
}

export interface Throughput {
  windowMinutes: number;
  /** One entry per minute of the window, oldest first, zeros included. */
  perMinute: MinuteCount[];
  /** Totals over the window and over the last 24 h. */
  window: { received: number; decided: number };
  last24h: { received: number; decided: number };
}

/** One pipeline stage: what waits there, and for how long the oldest has waited. */
export interface StageBacklog {
  id: 'inbound' | 'decision' | 'outbox' | 'retrying' | 'dead_letters' | 'notices';
  name: string;
  /** null: the stage holds no backlog of its own (see `note`). */
  backlog: number | null;
  oldestSeconds: number | null;
  note: string;
  /** Counts that belong with the stage (the urgent lane, notices at risk…). */
  detail: Record<string, number>;
}

export interface CountBy {
  key: string;
  decisions: number;
}

/** A dead-lettered dispatch as the list shows it: no referral content. */
export interface DeadLetterItem {
  dispatchId: string;
  recipientId: string;
  reason: string;
  attempts: number;
  replays: number;
  deadLetteredAt: string;
}

export interface DeadlineAtRisk {
  dispatchId: string;
  recipientId: string;
  hostingProvider: string | null;
  deadline: string;
  /** Negative once the deadline has passed and the breach is not handled yet. */
  secondsLeft: number;
}

export interface DashboardSnapshot {
  generatedAt: string;
  throughput: Throughput;
  stages: StageBacklog[];
  routes: {
    windowHours: number;
    byRemovalCountry: CountBy[];
    byRecipient: CountBy[];
    /** Referrals not routed because they came back through this node. */
    loops: number;
  };
  deadLetters: { total: number; items: DeadLetterItem[] };
  deadlinesAtRisk: DeadlineAtRisk[];
  hosterMonitor: HosterMonitorReport;
}
