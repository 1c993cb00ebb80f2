/** What every call returns: the status, the headers (lower-case names) and the body. */
export interface PartnerResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON for application/json, application/problem+json and other +json; else text. */
  body: unknown;
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

export async function readResponse(response: Response): Promise<PartnerResponse> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const text = await response.text();
  return { status: response.status, headers, body: parseBody(text, headers['content-type']) };
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType) || text === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // A server that mislabels its body should not hide what it said behind a parse error.
    return text;
  }
}
