import { OTHER } from './label-values';

/**
 * The `source` label of a referral: its sourceRef.system, lower-cased, when that is a known
 * source — one of METRICS_KNOWN_SOURCES or a recipient's hopIds in the routing file (the
 * partners Wissel exchanges with) — else `other`. Both lists are operator-controlled, so
 * the label's values are bounded whatever senders put in sourceRef.system.
 */
export class SourceLabels {
  private readonly known: ReadonlySet<string>;

  constructor(names: Iterable<string>) {
    this.known = new Set([...names].map((n) => n.trim().toLowerCase()).filter((n) => n !== ''));
  }

  label(system: string | undefined): string {
    if (system === undefined) return OTHER;
    const name = system.toLowerCase();
    return this.known.has(name) ? name : OTHER;
  }

  values(): string[] {
    return [...this.known];
  }
}
