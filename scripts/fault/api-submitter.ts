/**
 * Partners on the signed API during the fault run: a partner registered with the operator
 * CLI (`npm run partners`), its key generated there, and a few clients that submit one
 * referral per request at a steady pace through broker and PostgreSQL outages. A 503 must
 * carry Retry-After, which the client honours before sending the same referral again;
 * every other answer than 202 or 503 is a fault. A 202 is an acceptance: the referral must
 * then be stored and decided, like one the broker acked.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadSigningKey, PartnerClient } from '@wissel/partner-client';
import { type FaultReferral } from './referrals';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const API_PARTNER = { id: 'fault-api', system: 'FAULTAPI', keyId: 'fault-api-1' };

/** What the API answered over the run. */
export interface ApiFigures {
  accepted: number;
  unavailable: number;
  /** When each 503 came (epoch ms), to tell which outage it answered. */
  unavailableAt: number[];
  /** 503 answers without a Retry-After header. */
  unavailableWithoutRetryAfter: number;
  /** Answers other than 202 and 503 (status and problem type), a few kept. */
  unexpected: string[];
  unexpectedCount: number;
  /** Requests that got no answer (connection refused or reset). */
  networkErrors: number;
}

export class ApiSubmitter {
  readonly figures: ApiFigures = {
    accepted: 0,
    unavailable: 0,
    unavailableAt: [],
    unavailableWithoutRetryAfter: 0,
    unexpected: [],
    unexpectedCount: 0,
    networkErrors: 0,
  };
  private client?: PartnerClient;

  constructor(
    private readonly baseUrl: string,
    private readonly dist: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly keyFile: string,
  ) {}

  /** Registers the partner and its key as an operator would. */
  async register(): Promise<void> {
    const cli = join(this.dist, 'scripts/partners.js');
    const opts = { env: this.env };
    await run(
      process.execPath,
      [
        cli,
        'register',
        API_PARTNER.id,
        '--name',
        'Fault run',
        '--source-systems',
        API_PARTNER.system,
      ],
      opts,
    );
    await run(
      process.execPath,
      [
        cli,
        'add-key',
        API_PARTNER.id,
        '--generate',
        '--out',
        this.keyFile,
        '--key-id',
        API_PARTNER.keyId,
      ],
      opts,
    );
    this.client = new PartnerClient({
      baseUrl: this.baseUrl,
      keyId: API_PARTNER.keyId,
      key: loadSigningKey(this.keyFile),
    });
  }

  /**
   * Submits new referrals (`make`) at `ratePerS` with `clients` concurrent clients while
   * `keepGoing` says so; `onAccepted` is called for each 202. Resolves once every client's
   * last referral was answered.
   */
  async submitWhile(
    keepGoing: () => boolean,
    ratePerS: number,
    clients: number,
    make: () => FaultReferral,
    onAccepted: (r: FaultReferral) => void,
  ): Promise<void> {
    const t0 = Date.now();
    let started = 0;
    const worker = async () => {
      while (keepGoing()) {
        if (started >= ((Date.now() - t0) / 1000) * ratePerS) {
          await sleep(50);
          continue;
        }
        started++;
        const referral = make();
        if (await this.submitUntilAnswered(referral)) onAccepted(referral);
      }
    };
    await Promise.all(Array.from({ length: clients }, worker));
  }

  /** Sends until an answer other than 503 or no answer; true when it was a 202. */
  private async submitUntilAnswered(referral: FaultReferral): Promise<boolean> {
    for (;;) {
      let status: number;
      let retryAfter: string | undefined;
      let body: unknown;
      try {
        const response = await this.client!.submit(referral.canonical!);
        ({ status, body } = response);
        retryAfter = response.headers['retry-after'];
      } catch {
        this.figures.networkErrors++;
        await sleep(1000);
        continue;
      }
      if (status === 202) {
        this.figures.accepted++;
        return true;
      }
      if (status === 503) {
        this.figures.unavailable++;
        this.figures.unavailableAt.push(Date.now());
        const seconds = Number(retryAfter);
        if (retryAfter === undefined || !Number.isFinite(seconds) || seconds < 0) {
          this.figures.unavailableWithoutRetryAfter++;
          await sleep(1000);
        } else {
          await sleep(seconds * 1000);
        }
        continue;
      }
      this.figures.unexpectedCount++;
      if (this.figures.unexpected.length < 5) {
        const type = (body as { type?: string } | null)?.type ?? '';
        this.figures.unexpected.push(`${status} ${type}`.trim());
      }
      // Refused: not accepted, so nothing is owed for it; the answer itself fails the run.
      return false;
    }
  }
}
