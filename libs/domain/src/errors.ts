/**
 * Typed domain errors: every failure a caller can act on has a stable code, mapped to
 * HTTP or to a dead-letter reason at the edge, never parsed from a message string.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A configuration file or value that Wissel cannot start with. */
export class ConfigurationError extends DomainError {
  readonly code = 'configuration_invalid';
}
