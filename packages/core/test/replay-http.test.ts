/** POST /hl7v2/messages/{id}/replay through the HTTP routes, on in-memory ports: access rules and answers. */
import { describe, expect, it } from '@jest/globals';
import type { Claims } from '@hcdl/lake';
import { createHttpApi, createReplayRoute } from '../src/index';
import { adt, testApp } from './support';

const post = (api: ReturnType<typeof createHttpApi>, path: string, claims: Claims | undefined, method = 'POST') =>
  api.handle({ method, path, headers: {}, query: {}, claims }).then((r) => ({ ...r, json: () => JSON.parse(String(r.body)) }));

/** One message of source `lab`, in status error after a failed first attempt. */
async function inError(): Promise<{ t: ReturnType<typeof testApp>; api: ReturnType<typeof createHttpApi>; id: string }> {
  const t = testApp();
  const out = await t.submit(adt('RPL-1'));
  const id = out.kind === 'accepted' ? (out.messages[0]?.messageId as string) : '';
  await t.settle();
  await t.catalog.updateMessage(id, { status: 'error', attempts: 1 });
  const api = createHttpApi({ read: t.app.read, replay: createReplayRoute({ replay: t.app.replay, catalog: t.catalog }) });
  return { t, api, id };
}

describe('replay over HTTP', () => {
  it('replays a message in error for a caller who reads and writes its source: 202, then staged with attempt 2', async () => {
    const { t, api, id } = await inError();
    const r = await post(api, `/hl7v2/messages/${id}/replay`, { 'custom:read': 'lab', 'custom:write': 'lab' });
    expect(r.status).toBe(202);
    expect(r.json()).toEqual({ messageId: id, outcome: 'replayed', attempt: 2 });
    await t.settle();
    expect(await t.catalog.getMessage(id)).toMatchObject({ status: 'staged', attempts: 2 });
    const again = await post(api, `/hl7v2/messages/${id}/replay`, { 'custom:read': 'lab', 'custom:write': 'lab' });
    expect(again.status).toBe(409);
    expect(again.json().error).toEqual({ code: 'NOT_IN_ERROR', message: 'only a message in status error can be replayed', details: { status: 'staged' } });
  });

  it('answers 404 to a caller who may not read the source, 403 to a reader without the write claim, 401 without claims', async () => {
    const { t, api, id } = await inError();
    expect((await post(api, `/hl7v2/messages/${id}/replay`, { 'custom:read': 'other', 'custom:write': 'lab' })).status).toBe(404);
    const forbidden = await post(api, `/hl7v2/messages/${id}/replay`, { 'custom:read': 'lab' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json().error.code).toBe('FORBIDDEN');
    expect((await post(api, `/hl7v2/messages/${id}/replay`, undefined)).status).toBe(401);
    expect((await post(api, '/hl7v2/messages/01JAAAAAAAAAAAAAAAAAAAAAAA/replay', { 'custom:read': '*', 'custom:write': '*' })).status).toBe(404);
    expect((await post(api, '/hl7v2/messages/%E0%A4%A/replay', { 'custom:read': '*', 'custom:write': '*' })).status).toBe(404);
    // Nothing was replayed by the refused calls.
    expect(await t.catalog.getMessage(id)).toMatchObject({ status: 'error', attempts: 1 });
  });

  it('answers 405 with Allow: POST to other methods', async () => {
    const { api, id } = await inError();
    const r = await post(api, `/hl7v2/messages/${id}/replay`, { 'custom:read': 'lab', 'custom:write': 'lab' }, 'GET');
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('POST');
  });
});
