import { readResponse } from './response';

const reply = (body: string, type?: string) =>
  readResponse(new Response(body, { status: 201, headers: type ? { 'content-type': type } : {} }));

describe('readResponse', () => {
  it('parses JSON and problem+json, and keeps headers by lower-case name', async () => {
    await expect(reply('{"id":"r1"}', 'application/json; charset=utf-8')).resolves.toEqual({
      status: 201,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: { id: 'r1' },
    });
    const problem = await reply('{"code":"digest_mismatch"}', 'application/problem+json');
    expect(problem.body).toEqual({ code: 'digest_mismatch' });
  });

  it('gives the text for other types, for an empty body and for JSON that is not', async () => {
    expect((await reply('ok', 'text/plain')).body).toBe('ok');
    expect((await reply('', 'application/json')).body).toBe('');
    expect((await reply('{oops', 'application/json')).body).toBe('{oops');
    expect((await reply('{"a":1}', 'application/jsonx')).body).toBe('{"a":1}');
  });
});
