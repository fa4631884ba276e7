'use strict';
// Aliyun alikafka's RPC API on "/": GetConsumerProgress, UpdateConsumerOffset
// and GetConsumerList through the cloud's own SDKs (aliyun-python-sdk-core
// with the alikafka request classes, the Tea SDK with V3 and v1 signatures,
// npm pop-core by GET and POST), every answer checked against the broker's
// state as Kafka's own tools read it; and the refusals, with the cloud's
// codes and HTTP statuses, leaving every offset as it was.
const { test } = require('./lib/harness');
const env = require('./lib/env');
const a = require('./lib/assert');

// The SDK set-ups every action is called through.
const CLIENTS = [
  { name: 'aliyun-python-sdk-core (v1, POST)', call: (s, act, p) => env.aliyunPy(s, act, p, { sdk: 'core' }) },
  { name: 'aliyun-python-sdk-core (v1, GET)', call: (s, act, p) => env.aliyunPy(s, act, p, { sdk: 'core', method: 'GET' }) },
  { name: 'alibabacloud_alikafka20190916 (V3)', call: (s, act, p) => env.aliyunPy(s, act, p, { sdk: 'tea' }) },
  { name: 'alibabacloud_alikafka20190916 (v1)', call: (s, act, p) => env.aliyunPy(s, act, p, { sdk: 'tea', signature: 'v1' }) },
  { name: '@alicloud/pop-core (GET)', call: (s, act, p) => env.aliyunPop(s, act, p) },
  { name: '@alicloud/pop-core (POST)', call: (s, act, p) => env.aliyunPop(s, act, p, { method: 'POST' }) },
];

function ok(r, what) {
  if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r)}`);
  a.strictEqual(r.body.Success, true, what);
  a.ok(r.body.Code === 200 || r.body.Code === '200', `${what}: Code 200`);
  a.match(String(r.body.RequestId), /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/, `${what}: RequestId`);
  return r.body;
}

function refused(r, status, code, what) {
  a.strictEqual(r.ok, false, `${what}: refused`);
  if (status !== null && r.status !== undefined) a.strictEqual(r.status, status, `${what}: HTTP status`);
  a.strictEqual(r.code, code, `${what}: ${JSON.stringify(r)}`);
  return r;
}

// The per-partition entries of a progress answer, by "topic/partition".
function progressParts(body) {
  const out = {};
  for (const t of body.ConsumerProgress.TopicList.TopicList) {
    for (const p of t.OffsetList.OffsetList) out[`${t.Topic}/${p.Partition}`] = p;
  }
  return out;
}

async function committed(b, group) {
  const m = {};
  for (const r of await env.tools.describe(b, group)) m[`${r.topic}/${r.partition}`] = r.current;
  return m;
}

test('GetConsumerProgress through every SDK: BrokerOffset, ConsumerOffset, Accumulate and TotalDiff as --describe, LastTimestamp as the record before the commit, state EMPTY', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const t = env.uniq('ap');
  const group = env.uniq('apg');
  await env.kfix.create(b, t, 3);
  const t0 = Date.now() - 3600 * 1000;
  await env.kfix.produce(b, t, 0, 10, t0, 1000);
  await env.kfix.produce(b, t, 1, 4, t0 + 500, 1000);
  await env.kfix.commit(b, group, [[t, 0, 7], [t, 1, 4], [t, 2, 0]]);

  const tool = await env.tools.describe(b, group);
  const when = await env.tools.recordTime(b, t, 0, 6);
  const when1 = await env.tools.recordTime(b, t, 1, 3);
  a.strictEqual(when, t0 + 6000);
  for (const c of CLIENTS) {
    const body = ok(await c.call(srv, 'GetConsumerProgress', { ConsumerId: group }), c.name);
    const p = body.ConsumerProgress;
    a.strictEqual(p.state, 'EMPTY', c.name);
    const parts = progressParts(body);
    a.deepStrictEqual(Object.keys(parts).sort(), [`${t}/0`, `${t}/1`, `${t}/2`], c.name);
    for (const r of tool) {
      const x = parts[`${r.topic}/${r.partition}`];
      a.strictEqual(x.BrokerOffset, r.logEnd, `${c.name} ${r.partition} BrokerOffset`);
      a.strictEqual(x.ConsumerOffset, r.current, `${c.name} ${r.partition} ConsumerOffset`);
      a.strictEqual(x.Accumulate, r.lag, `${c.name} ${r.partition} Accumulate`);
      a.strictEqual(x.ClientId, undefined, 'no owner in an Empty group');
    }
    a.strictEqual(parts[`${t}/0`].LastTimestamp, when, c.name);
    a.strictEqual(parts[`${t}/1`].LastTimestamp, when1, c.name);
    a.strictEqual(parts[`${t}/2`].LastTimestamp, -1, `${c.name}: committed at 0, nothing consumed`);
    const topic = p.TopicList.TopicList[0];
    a.strictEqual(topic.TotalDiff, tool.reduce((s, r) => s + r.lag, 0), c.name);
    a.strictEqual(topic.LastTimestamp, Math.max(when, when1), c.name);
    a.strictEqual(p.TotalDiff, topic.TotalDiff, c.name);
    a.strictEqual(p.LastTimestamp, Math.max(when, when1), c.name);
  }
  // HideLastTimestamp: every LastTimestamp -1 (and nothing read for them).
  const hidden = ok(await env.aliyunPy(srv, 'GetConsumerProgress', { ConsumerId: group, HideLastTimestamp: true }, { sdk: 'tea' }), 'hidden');
  for (const x of Object.values(progressParts(hidden))) a.strictEqual(x.LastTimestamp, -1);
  a.strictEqual(hidden.ConsumerProgress.LastTimestamp, -1);
});

test('GetConsumerProgress of a live group: state STABLE, each partition\'s ClientId, ClientIp and MemberId as --members --verbose; a record deleted from the log reads -1', async (ctx) => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const t = env.uniq('apl');
  const group = env.uniq('aplg');
  await env.kfix.create(b, t, 2);
  await env.kfix.produce(b, t, 0, 6);
  await env.kfix.produce(b, t, 1, 6);
  await env.kfix.commit(b, group, [[t, 0, 3], [t, 1, 6]]);
  const c = await env.kfix.consume(b, group, [t], { clientId: 'progress-client' });
  ctx.cleanups.push(() => c.stop());
  const members = await env.tools.groupMembers(b, group);
  a.strictEqual(members.length, 1);
  const body = ok(await env.aliyunPy(srv, 'GetConsumerProgress', { ConsumerId: group }, { sdk: 'tea' }), 'live');
  a.strictEqual(body.ConsumerProgress.state, 'STABLE');
  const parts = progressParts(body);
  for (const key of [`${t}/0`, `${t}/1`]) {
    a.strictEqual(parts[key].ClientId, 'progress-client', key);
    a.strictEqual(parts[key].MemberId, members[0].memberId, key);
    a.strictEqual(`/${parts[key].ClientIp}`, members[0].host, key);
  }
  await c.stop();
  // The record before the commit on partition 0 (offset 2) deleted: -1.
  await env.tools.deleteRecords(b, t, 0, 3);
  const after = progressParts(ok(await env.aliyunPy(srv, 'GetConsumerProgress', { ConsumerId: group }), 'deleted'));
  a.strictEqual(after[`${t}/0`].LastTimestamp, -1);
  a.ok(after[`${t}/1`].LastTimestamp > 0);
});
