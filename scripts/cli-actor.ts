import { userInfo } from 'node:os';

/**
 * Who runs an operator command, for the audit log: WISSEL_OPERATOR when set (e.g. by a
 * wrapper that knows the person), else the login name.
 */
export function cliActor(env: NodeJS.ProcessEnv = process.env): string {
  const name = env.WISSEL_OPERATOR?.trim() || safeUserName();
  return `cli:${name}`;
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
