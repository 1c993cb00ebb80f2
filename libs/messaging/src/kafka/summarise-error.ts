/** What may be logged of an error: its kind and code, never its data. */
export function summarise(error: unknown): { name: string; code?: string } {
  const e = error as { name?: unknown; code?: unknown; driverError?: { code?: unknown } };
  const code = e?.code ?? e?.driverError?.code;
  return {
    name: typeof e?.name === 'string' ? e.name : typeof error,
    ...(typeof code === 'string' || typeof code === 'number' ? { code: String(code) } : {}),
  };
}
