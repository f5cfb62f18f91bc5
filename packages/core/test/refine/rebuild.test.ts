import { describe, expect, it } from '@jest/globals';
import { adtAt, patientOf, refinedApp } from './support';

describe('rebuild: the refined zone again from the staged messages', () => {
  it('builds the versions a lake without a refined stage never made, in receive order, then finds nothing to change', async () => {
    const t = refinedApp({}, false);
    const a01 = await t.send(adtAt('C1', '20240501100000', { visit: 'V1' }));
    await t.send(adtAt('C2', '20240502100000', { event: 'A08', visit: 'V1', street: '9 ELM ST' }));
    await t.send('MSH|^~\\&|A|B|C|D|20240503||ADT^A01|C3|P|2.5\rPID|1||X^^^HOSP^MR\r', 'lab');
    const patientId = await patientOf(t, a01);
    expect(await t.resources.current('Patient', patientId)).toBeUndefined();
    const first = await t.refined.rebuild();
    expect(first).toMatchObject({ messages: 3, failed: [] });
    expect((await t.resources.history('Patient', patientId)).items.map((v) => [v.versionId, v.change])).toEqual([
      [2, 'update'],
      [1, 'create'],
    ]);
    expect(
      t
        .changes()
        .filter((c) => c.resourceId === patientId)
        .map((c) => c.versionId),
    ).toEqual(['1', '2']);
    const again = await t.refined.rebuild();
    expect(again).toMatchObject({ messages: 3, versions: 0, failed: [] });
    expect(again.unchanged + again.stale).toBeGreaterThan(0);
  });

  it('takes only the messages the filter keeps', async () => {
    const t = refinedApp({}, false);
    await t.send(adtAt('C1', '20240501100000'), 'lab');
    await t.send(adtAt('C2', '20240501100000', { mrn: 'MRN-2' }), 'lab2');
    expect((await t.refined.rebuild({ source: ['lab2'] })).messages).toBe(1);
  });
});
