import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { decode, encode, AUTHORITATIVE_ANSWER, type Answer, type Packet } from 'dns-packet';

/**
 * A small authoritative DNS server on 127.0.0.1 (UDP, a random port) for resolver tests:
 * it serves a zone given as data, answers NXDOMAIN for names it does not have, can stay
 * silent or fail for a name, and counts the queries it gets.
 */

export type TestRecord =
  | { type: 'A' | 'AAAA'; address: string; ttl?: number }
  | { type: 'CNAME'; target: string; ttl?: number };

/** name → records. A name with an empty list exists, but has no data. */
export type TestZone = Record<string, TestRecord[]>;

type Rcode = 'NOERROR' | 'SERVFAIL' | 'NXDOMAIN' | 'REFUSED';
const RCODES: Record<Rcode, number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };
const DEFAULT_TTL = 300;
const MAX_CNAME_CHAIN = 8;

export class DnsTestServer {
  private readonly zone = new Map<string, TestRecord[]>();
  private readonly silent = new Set<string>();
  private readonly failing = new Map<string, Rcode>();
  private readonly counts = new Map<string, number>();

  private constructor(
    private readonly socket: Socket,
    zone: TestZone,
  ) {
    this.setZone(zone);
    socket.on('message', (message, remote) => this.answer(message, remote));
  }

  static async start(zone: TestZone = {}): Promise<DnsTestServer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new DnsTestServer(socket, zone);
  }

  /** `127.0.0.1:<port>`, as a resolver's server list takes it. */
  get address(): string {
    const { address, port } = this.socket.address();
    return `${address}:${port}`;
  }

  setZone(zone: TestZone): void {
    this.zone.clear();
    for (const [name, records] of Object.entries(zone)) this.zone.set(normalise(name), records);
  }

  setRecords(name: string, records: TestRecord[]): void {
    this.zone.set(normalise(name), records);
  }

  /** Queries for name get no reply at all (a timeout for the client). */
  silence(name: string): void {
    this.silent.add(normalise(name));
  }

  /** Queries for name are answered with this error code instead. */
  fail(name: string, rcode: 'SERVFAIL' | 'REFUSED'): void {
    this.failing.set(normalise(name), rcode);
  }

  /** How many queries came for name (of one type, or of any). */
  queries(name: string, type?: 'A' | 'AAAA'): number {
    const key = normalise(name);
    if (type) return this.counts.get(`${type} ${key}`) ?? 0;
    return (this.counts.get(`A ${key}`) ?? 0) + (this.counts.get(`AAAA ${key}`) ?? 0);
  }

  get totalQueries(): number {
    return [...this.counts.values()].reduce((sum, count) => sum + count, 0);
  }

  resetCounts(): void {
    this.counts.clear();
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private answer(message: Buffer, remote: RemoteInfo): void {
    let query: Packet;
    try {
      query = decode(message);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    const name = normalise(question.name);
    const countKey = `${question.type} ${name}`;
    this.counts.set(countKey, (this.counts.get(countKey) ?? 0) + 1);
    if (this.silent.has(name)) return;
    const failure = this.failing.get(name);
    const { rcode, answers } = failure
      ? { rcode: failure, answers: [] }
      : this.lookup(name, question.type);
    const response = encode({
      type: 'response',
      id: query.id,
      flags: AUTHORITATIVE_ANSWER | RCODES[rcode],
      questions: query.questions,
      answers,
    });
    this.socket.send(response, remote.port, remote.address);
  }

  /** Follows CNAMEs within the zone, then gives the records of the asked type. */
  private lookup(name: string, type: string): { rcode: Rcode; answers: Answer[] } {
    const answers: Answer[] = [];
    let current = name;
    for (let hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
      const records = this.zone.get(current);
      // The rcode is about the last name of a chain (RFC 6604): an alias to nothing is NXDOMAIN.
      if (!records) return { rcode: 'NXDOMAIN', answers };
      const alias = records.find((record) => record.type === 'CNAME');
      if (alias?.type === 'CNAME' && type !== 'CNAME') {
        answers.push({
          type: 'CNAME',
          name: current,
          ttl: alias.ttl ?? DEFAULT_TTL,
          data: alias.target,
        });
        current = normalise(alias.target);
        continue;
      }
      for (const record of records) {
        if (record.type === type && record.type !== 'CNAME') {
          answers.push({
            type: record.type,
            name: current,
            ttl: record.ttl ?? DEFAULT_TTL,
            data: record.address,
          });
        }
      }
      return { rcode: 'NOERROR', answers };
    }
    return { rcode: 'SERVFAIL', answers: [] };
  }
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
