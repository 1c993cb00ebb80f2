/**
 * The parts of an HTTP request that signing needs. Express's `req.headers` fits `headers`
 * as is; a client passes the headers it is about to send.
 */
export interface HttpMessage {
  method: string;
  /** The absolute target URI, e.g. `https://wissel.example/v1/referrals?dry=1`. */
  url: string;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/**
 * All values of one header field, in order, matched case-insensitively; undefined when the
 * field is absent. A client's object may hold `Content-Type` and `content-type` both.
 */
export function fieldValues(message: HttpMessage, name: string): string[] | undefined {
  const wanted = name.toLowerCase();
  let values: string[] | undefined;
  for (const [key, value] of Object.entries(message.headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    values ??= [];
    if (typeof value === 'string') values.push(value);
    else values.push(...value);
  }
  return values;
}
