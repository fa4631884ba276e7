'use strict';
// Aliyun alikafka's RPC API on "/": GetConsumerProgress, UpdateConsumerOffset
// and GetConsumerList through the cloud's own SDKs (aliyun-python-sdk-core
// with the alikafka request classes, the Tea SDK with V3 and v1 signatures,
// npm pop-core by GET and POST), every answer checked against the broker's
// state as Kafka's own tools read it; and the refusals, with the cloud's
// codes and HTTP statuses, leaving every offset as it was.
const fs = require('fs');
const path = require('path');
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

test('every action through every SDK set-up: UpdateConsumerOffset and GetConsumerList, checked with kafka-consumer-groups', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const t = env.uniq('aev');
  await env.kfix.create(b, t, 2);
  for (let p = 0; p < 2; p++) await env.kfix.produce(b, t, p, 10);
  for (const [i, c] of CLIENTS.entries()) {
    const group = env.uniq(`aevg${i}`);
    await env.kfix.commit(b, group, [[t, 0, 3], [t, 1, 4]]);
    ok(await c.call(srv, 'UpdateConsumerOffset', { ConsumerId: group, Topic: t, ResetType: 'timestamp', Time: '-1' }), `${c.name} reset`);
    a.deepStrictEqual(await committed(b, group), { [`${t}/0`]: 10, [`${t}/1`]: 10 }, c.name);
    const list = ok(await c.call(srv, 'GetConsumerList', { ConsumerId: group }), `${c.name} list`);
    a.deepStrictEqual([list.Total, list.ConsumerList.ConsumerVO.map((g) => g.ConsumerId)], [1, [group]], c.name);
  }
});

test('UpdateConsumerOffset by timestamp: Time -2, -1, a time, a time past every record, as --reset-offsets computes; Topic "" resets every committed topic; audited as api aliyun', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const t1 = env.uniq('aut');
  const t2 = env.uniq('aut');
  const group = env.uniq('autg');
  const t0 = Date.now() - 3600 * 1000;
  await env.kfix.create(b, t1, 2);
  await env.kfix.create(b, t2, 1);
  for (const [t, p] of [[t1, 0], [t1, 1], [t2, 0]]) await env.kfix.produce(b, t, p, 10, t0, 1000);
  await env.tools.deleteRecords(b, t1, 1, 3); // log start 3 on t1/1
  await env.kfix.commit(b, group, [[t1, 0, 5], [t1, 1, 5], [t2, 0, 5]]);

  const expect = async (scope, how) => {
    const m = {};
    for (const r of await env.tools.resetDryRun(b, group, scope, how)) m[`${r.topic}/${r.partition}`] = r.offset;
    return m;
  };
  // One topic to the earliest: the other topic untouched.
  let want = await expect(['--topic', t1], ['--to-earliest']);
  ok(await env.aliyunPy(srv, 'UpdateConsumerOffset', { ConsumerId: group, Topic: t1, ResetType: 'timestamp', Time: '-2' }), 'earliest');
  a.deepStrictEqual(await committed(b, group), { ...want, [`${t2}/0`]: 5 });
  // Every committed topic to a time (Topic ""), by the Tea SDK (V3).
  const when = t0 + 6500;
  want = await expect(['--all-topics'], ['--to-datetime', new Date(when).toISOString().replace('Z', '+00:00')]);
  ok(await env.aliyunPy(srv, 'UpdateConsumerOffset', { ConsumerId: group, Topic: '', ResetType: 'timestamp', Time: String(when) }, { sdk: 'tea' }), 'time');
  a.deepStrictEqual(await committed(b, group), want);
  a.deepStrictEqual(Object.values(want), [7, 7, 7]);
  // Latest, ResetType left out (timestamp is the default), by pop-core.
  ok(await env.aliyunPop(srv, 'UpdateConsumerOffset', { ConsumerId: group, Topic: t2, Time: '-1' }), 'latest');
  a.strictEqual((await committed(b, group))[`${t2}/0`], 10);
  // A time later than every record: the log end, as the tool does.
  ok(await env.aliyunPy(srv, 'UpdateConsumerOffset', { ConsumerId: group, Topic: t1, ResetType: 'timestamp', Time: String(Date.now() + 600000) }), 'future');
  const now = await committed(b, group);
  a.deepStrictEqual([now[`${t1}/0`], now[`${t1}/1`]], [10, 10]);

  const audit = srv.log('audit.log').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.group === group);
  a.strictEqual(audit.length, 4);
  for (const l of audit) {
    a.strictEqual(l.api, 'aliyun');
    a.strictEqual(l.action, 'UpdateConsumerOffset');
    a.strictEqual(l.outcome, 'committed');
  }
});

test('UpdateConsumerOffset by offset: Offsets as the doc writes it, as Tea sends it, as pop-core flattens it; clamped into [log start, log end]; partitions not listed untouched', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const t = env.uniq('auo');
  const group = env.uniq('auog');
  await env.kfix.create(b, t, 3);
  for (let p = 0; p < 3; p++) await env.kfix.produce(b, t, p, 10);
  await env.tools.deleteRecords(b, t, 2, 4);
  await env.kfix.commit(b, group, [[t, 0, 5], [t, 1, 5], [t, 2, 5]]);
  const key = (p) => `${t}/${p}`;

  // The doc's form, lower-case keys, through the old SDK (which json.dumps the list).
  ok(await env.aliyunPy(srv, 'UpdateConsumerOffset', { ConsumerId: group, Topic: t, ResetType: 'offset', Time: '-1',
    Offsets: [{ partition: 0, offset: 1 }] }), 'doc form');
  a.deepStrictEqual(await committed(b, group), { [key(0)]: 1, [key(1)]: 5, [key(2)]: 5 });
  // Tea's model list (capitalised keys, V3), clamped at both ends.
  ok(await env.aliyunPy(srv, 'UpdateConsumerOffset', { ConsumerId: group, Topic: t, ResetType: 'offset',
    Offsets: [{ Partition: 1, Offset: 99 }, { Partition: 2, Offset: 0 }] }, { sdk: 'tea' }), 'tea form');
  a.deepStrictEqual(await committed(b, group), { [key(0)]: 1, [key(1)]: 10, [key(2)]: 4 });
  // pop-core given a list flattens it to Offsets.1.Partition=...
  ok(await env.aliyunPop(srv, 'UpdateConsumerOffset', { ConsumerId: group, Topic: t, ResetType: 'offset',
    Offsets: [{ Partition: 0, Offset: 3 }, { Partition: 1, Offset: 2 }] }, { method: 'POST' }), 'pop-core form');
  a.deepStrictEqual(await committed(b, group), { [key(0)]: 3, [key(1)]: 2, [key(2)]: 4 });
  // And a string, as a pop-core user is told to pass it.
  ok(await env.aliyunPop(srv, 'UpdateConsumerOffset', { ConsumerId: group, Topic: t, ResetType: 'offset',
    Offsets: '[{"Partition":2,"Offset":"6"}]' }), 'pop-core string');
  a.deepStrictEqual(await committed(b, group), { [key(0)]: 3, [key(1)]: 2, [key(2)]: 6 });
});

test('refusals leave every offset as it was: an active group (ConsumerGroup.Active), bad Offsets, a partition the topic lacks, an unknown topic, group, instance or action, a bad ResetType or Time, a missing ConsumerId', async (ctx) => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const t = env.uniq('arf');
  const group = env.uniq('arfg');
  await env.kfix.create(b, t, 2);
  for (let p = 0; p < 2; p++) await env.kfix.produce(b, t, p, 10);
  await env.kfix.commit(b, group, [[t, 0, 5], [t, 1, 5]]);
  const before = await committed(b, group);
  const reset = (p, o) => env.aliyunPy(srv, 'UpdateConsumerOffset', { ConsumerId: group, Topic: t, ...p }, o);
  // Offsets as a string, sent as is (pop-core); the legacy SDK encodes a
  // string once more, which is accepted too (below).
  const resetRaw = (p) => env.aliyunPop(srv, 'UpdateConsumerOffset', { ConsumerId: group, Topic: t, ...p });

  refused(await resetRaw({ ResetType: 'offset', Offsets: 'not json' }), null, 'InvalidOffsets', 'not JSON');
  refused(await resetRaw({ ResetType: 'offset', Offsets: '[]' }), null, 'InvalidOffsets', 'empty');
  refused(await resetRaw({ ResetType: 'offset', Offsets: '{"Partition":0,"Offset":1}' }), null, 'InvalidOffsets', 'not a list');
  refused(await resetRaw({ ResetType: 'offset', Offsets: '[{"Partition":0}]' }), null, 'InvalidOffsets', 'no offset');
  refused(await resetRaw({ ResetType: 'offset', Offsets: '[{"Partition":0,"Offset":-1}]' }), null, 'InvalidOffsets', 'negative');
  refused(await resetRaw({ ResetType: 'offset', Offsets: '[{"Partition":0,"Offset":1},{"Partition":0,"Offset":2}]' }), null, 'InvalidOffsets', 'twice');
  refused(await reset({ ResetType: 'offset', Offsets: [{ Partition: 'x', Offset: 1 }] }), 400, 'InvalidOffsets', 'partition x, legacy SDK');
  const lacks = refused(await reset({ ResetType: 'offset', Offsets: '[{"Partition":0,"Offset":1},{"Partition":7,"Offset":1}]' }), 400, 'InvalidOffsets', 'partition 7, string through the legacy SDK');
  a.match(lacks.message, /partition 7: topic .* has 2 partitions/);
  refused(await reset({ ResetType: 'offset', Topic: '', Offsets: [{ Partition: 0, Offset: 1 }] }), 400, 'InvalidTopic', 'offset without a topic');
  refused(await reset({ ResetType: 'offset' }), 400, 'MissingOffsets', 'no Offsets');
  refused(await reset({ ResetType: 'later', Time: '-1' }), 400, 'InvalidResetType', 'ResetType');
  refused(await reset({ ResetType: 'timestamp', Time: '-3' }), 400, 'InvalidTime', 'Time -3');
  refused(await reset({ ResetType: 'timestamp', Time: 'soon' }), 400, 'InvalidTime', 'Time soon');
  refused(await reset({ ResetType: 'timestamp' }), 400, 'MissingTime', 'no Time');
  refused(await reset({ Topic: env.uniq('nosuch'), Time: '-1' }), 404, 'InvalidTopic.NotFound', 'unknown topic');
  refused(await env.aliyunPy(srv, 'UpdateConsumerOffset', { Topic: t, Time: '-1' }), 400, 'MissingConsumerId', 'no ConsumerId');
  refused(await env.aliyunPy(srv, 'UpdateConsumerOffset', { ConsumerId: group, Topic: t, Time: '-1', InstanceId: 'alikafka_nosuch' }),
    404, 'InvalidInstanceId.NotFound', 'unknown instance');
  refused(await env.aliyunPy(srv, 'GetConsumerProgress', { ConsumerId: env.uniq('never') }, { sdk: 'tea' }), 404, 'InvalidConsumerId.NotFound', 'unknown group');
  refused(await env.aliyunPy(srv, 'UpdateConsumerOffset', { ConsumerId: env.uniq('never'), Topic: '', Time: '-1' }), 404, 'InvalidConsumerId.NotFound', 'no commits, no topic');
  const unknown = await env.aliyunRaw(srv, { Action: 'DeleteEverything', Format: 'JSON' });
  a.strictEqual(unknown.status, 404);
  a.strictEqual(JSON.parse(unknown.body).Code, 'InvalidApi.NotFound');

  // A live member: refused, with the group's state in the message.
  const c = await env.kfix.consume(b, group, [t]);
  ctx.cleanups.push(() => c.stop());
  const active = refused(await reset({ Time: '-2' }, { sdk: 'tea' }), 400, 'ConsumerGroup.Active', 'active group');
  a.match(active.message, /is Stable with 1 active member/);
  refused(await reset({ ResetType: 'offset', Offsets: [{ Partition: 0, Offset: 1 }] }), 400, 'ConsumerGroup.Active', 'active, by offset');
  await c.stop();
  a.deepStrictEqual(await committed(b, group), before);
});

test('authentication: a wrong secret (SignatureDoesNotMatch 400, which the old SDK names InvalidAccessKeySecret), an unknown key (404), a stale or malformed timestamp, a reused nonce, another key\'s instance (Forbidden.RAM 403), a wrong Version, no signature', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const w = await env.kfix.group(b, { prefix: 'aauth' });
  const p = { ConsumerId: w.group };

  // The old SDK recognises its own string to sign in the message.
  const core = await env.aliyunPy(srv, 'GetConsumerProgress', p, { accessKeySecret: 'wrong' });
  refused(core, 400, 'InvalidAccessKeySecret', 'core wrong secret');
  for (const o of [{ sdk: 'tea' }, { sdk: 'tea', signature: 'v1' }]) {
    const r = refused(await env.aliyunPy(srv, 'GetConsumerProgress', p, { ...o, accessKeySecret: 'wrong' }), 400, 'SignatureDoesNotMatch', `${o.signature || 'v3'} wrong secret`);
    a.match(r.message, /Specified signature is not matched with our calculation\. server string to sign is:/);
  }
  refused(await env.aliyunPop(srv, 'GetConsumerProgress', p, { accessKeySecret: 'wrong' }), null, 'SignatureDoesNotMatch', 'pop-core wrong secret');
  refused(await env.aliyunPy(srv, 'GetConsumerProgress', p, { sdk: 'tea', accessKeyId: 'LTAInobody' }), 404, 'InvalidAccessKeyId.NotFound', 'unknown key');
  refused(await env.aliyunPy(srv, 'GetConsumerProgress', p, { accessKeyId: 'LTAInobody' }), 404, 'InvalidAccessKeyId.NotFound', 'unknown key v1');

  // Clock skew beyond 15 minutes, either way, in both signatures.
  const stale = new Date(Date.now() - 16 * 60 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const ahead = new Date(Date.now() + 16 * 60 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  refused(await env.aliyunPy(srv, 'GetConsumerProgress', p, { timestamp: stale }), 400, 'InvalidTimeStamp.Expired', 'stale v1');
  refused(await env.aliyunPy(srv, 'GetConsumerProgress', p, { sdk: 'tea', timestamp: ahead }), 400, 'InvalidTimeStamp.Expired', 'ahead v3');
  ok(await env.aliyunPy(srv, 'GetConsumerProgress', p, { timestamp: new Date(Date.now() - 10 * 60 * 1000).toISOString().replace(/\.\d+Z$/, 'Z') }), 'inside the window');
  const badTs = await env.aliyunRaw(srv, { Action: 'GetConsumerProgress', Format: 'JSON', ConsumerId: w.group, Timestamp: '2024-01-01 00:00:00' });
  a.deepStrictEqual([badTs.status, JSON.parse(badTs.body).Code], [400, 'InvalidTimeStamp.Format']);

  // A nonce is used once per key, whichever worker gets it; a new one passes.
  const nonce = `n${Date.now()}${Math.random()}`;
  ok(await env.aliyunPy(srv, 'GetConsumerProgress', p, { sdk: 'tea', nonce }), 'first use');
  for (let i = 0; i < 4; i++) refused(await env.aliyunPy(srv, 'GetConsumerProgress', p, { sdk: 'tea', nonce }), 400, 'SignatureNonceUsed', `reuse ${i}`);
  refused(await env.aliyunPy(srv, 'GetConsumerProgress', p, { nonce }), 400, 'SignatureNonceUsed', 'reuse by v1');

  // A key limited to another instance learns nothing about this one.
  refused(await env.aliyunPy(srv, 'GetConsumerProgress', p, { sdk: 'tea', accessKeyId: env.LIMITED_ID, accessKeySecret: env.LIMITED_KEY }), 403, 'Forbidden.RAM', 'other instance');
  refused(await env.aliyunPy(srv, 'GetConsumerProgress', { ...p, InstanceId: 'alikafka_nosuch' }, { accessKeyId: env.LIMITED_ID, accessKeySecret: env.LIMITED_KEY }), 403, 'Forbidden.RAM', 'unknown instance, limited key');

  // RPC v1 signs no header: an action or version in x-acs- headers alone
  // is not taken (anyone on the path could change them).
  const hdrAction = await env.aliyunRaw(srv, { Format: 'JSON', ConsumerId: w.group }, { headers: { 'x-acs-action': 'GetConsumerProgress' } });
  a.deepStrictEqual([hdrAction.status, JSON.parse(hdrAction.body).Code], [400, 'MissingAction']);
  const hdrVersion = await env.aliyunRaw(srv, { Action: 'GetConsumerProgress', Format: 'JSON', ConsumerId: w.group, Version: undefined },
    { headers: { 'x-acs-version': '2019-09-16' } });
  a.deepStrictEqual([hdrVersion.status, JSON.parse(hdrVersion.body).Code], [400, 'MissingVersion']);
  const version = await env.aliyunRaw(srv, { Action: 'GetConsumerProgress', Format: 'JSON', ConsumerId: w.group, Version: '2018-01-01' });
  a.deepStrictEqual([version.status, JSON.parse(version.body).Code], [400, 'InvalidVersion']);
  const unsigned = await env.aliyunRaw(srv, { Action: 'GetConsumerProgress', Format: 'JSON', ConsumerId: w.group }, { sign: false });
  a.deepStrictEqual([unsigned.status, JSON.parse(unsigned.body).Code], [400, 'MissingSignature']);
  const nokey = await env.aliyunRaw(srv, { Action: 'GetConsumerProgress', Format: 'JSON', AccessKeyId: undefined }, { sign: false });
  a.deepStrictEqual([nokey.status, JSON.parse(nokey.body).Code], [400, 'MissingAccessKeyId']);
  // The form body of a POST is signed too: a value changed after signing
  // fails.
  const q = await env.aliyunRaw(srv, { Action: 'GetConsumerProgress', Format: 'JSON', ConsumerId: w.group }, { method: 'POST' });
  a.strictEqual(q.status, 200);
  const tampered = await env.aliyunRaw(srv, { Action: 'GetConsumerProgress', Format: 'JSON', ConsumerId: w.group }, { method: 'POST', tamper: { ConsumerId: `${w.group}x` } });
  a.deepStrictEqual([tampered.status, JSON.parse(tampered.body).Code], [400, 'SignatureDoesNotMatch']);
  const put = await env.httpRequest(`${srv.url}/`, { method: 'PUT', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  a.deepStrictEqual([put.status, JSON.parse(put.body).Code], [400, 'UnsupportedHTTPMethod']);
});

test('V3 signatures: the body is bound by x-acs-content-sha256; host, x-acs-date, the nonce, the hash, the action and the version must be signed; an empty nonce is refused; a Host outside signature_hosts is refused', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const w = await env.kfix.group(b, { prefix: 'av3' });
  const code = (r) => [r.status, JSON.parse(r.body).Code];
  // Parameters in the signed form body, as a V3 client may send them.
  const good = await env.aliyunV3(srv, 'GetConsumerProgress', {}, { body: `ConsumerId=${encodeURIComponent(w.group)}` });
  a.strictEqual(good.status, 200, good.body);
  a.strictEqual(JSON.parse(good.body).ConsumerProgress.TopicList.TopicList[0].Topic, w.topic);
  a.match(good.headers['content-type'], /^application\/json/, 'V3 without Format: JSON');
  // Another body under the same signature and hash.
  a.deepStrictEqual(code(await env.aliyunV3(srv, 'GetConsumerProgress', {}, { body: `ConsumerId=${w.group}`, tamperBody: 'ConsumerId=other-group' })),
    [400, 'SignatureDoesNotMatch']);
  // A hash that is not the body's, signed as it is.
  a.deepStrictEqual(code(await env.aliyunV3(srv, 'GetConsumerProgress', { ConsumerId: w.group }, { bodyHash: 'e'.repeat(64) })), [400, 'SignatureDoesNotMatch']);
  // The action and version travel in headers: those are signed too.
  for (const h of ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256', 'x-acs-action', 'x-acs-version']) {
    a.deepStrictEqual(code(await env.aliyunV3(srv, 'GetConsumerProgress', { ConsumerId: w.group }, { drop: [h] })), [400, 'IncompleteSignature'], h);
  }
  a.deepStrictEqual(code(await env.aliyunV3(srv, 'GetConsumerProgress', { ConsumerId: w.group }, { nonce: '' })), [400, 'IncompleteSignature']);
  const r = await env.httpRequest(`${srv.url}/?InstanceId=${env.INSTANCE}`, { method: 'POST', headers: {
    authorization: 'ACS3-HMAC-SHA256 Credential=x', 'x-acs-action': 'GetConsumerList', 'x-acs-version': '2019-09-16' } });
  a.deepStrictEqual(code(r), [400, 'IncompleteSignature']);
  // Signed (correctly) for another deployment's host.
  const elsewhere = await env.aliyunV3(srv, 'GetConsumerProgress', { ConsumerId: w.group }, { headers: { host: 'kafka.example.com' } });
  a.deepStrictEqual(code(elsewhere), [400, 'SignatureDoesNotMatch']);
  a.match(JSON.parse(elsewhere.body).Message, /signed for host kafka\.example\.com, which this server does not answer/);
});

test('GetConsumerList: the groups as kafka-consumer-groups --list, sorted; ConsumerId, CurrentPage and PageSize; InstanceId and RegionId echoed', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const t = env.uniq('acl');
  await env.kfix.create(b, t, 1);
  const tag = env.uniq('aclg');
  for (const s of ['c', 'a', 'b']) await env.kfix.commit(b, `${tag}-${s}`, [[t, 0, 0]]);
  const one = ok(await env.aliyunPy(srv, 'GetConsumerList', { ConsumerId: `${tag}-b` }, { sdk: 'tea' }), 'one');
  a.strictEqual(one.Total, 1);
  a.deepStrictEqual(one.ConsumerList.ConsumerVO, [{ ConsumerId: `${tag}-b`, InstanceId: env.INSTANCE, RegionId: 'cn-hangzhou',
    Remark: '', AutomaticallyCreatedGroup: true, Tags: { TagVO: [] } }]);
  a.strictEqual(ok(await env.aliyunPy(srv, 'GetConsumerList', { ConsumerId: env.uniq('none') }), 'none').Total, 0);

  const before = new Set(await env.tools.listGroups(b));
  const first = ok(await env.aliyunPy(srv, 'GetConsumerList', { PageSize: '10000' }), 'all');
  const after = new Set(await env.tools.listGroups(b));
  const names = first.ConsumerList.ConsumerVO.map((g) => g.ConsumerId);
  a.strictEqual(first.Total, names.length);
  a.deepStrictEqual(names, [...names].sort(), 'sorted');
  // Compared line by line as the tool prints them (see ListGroup's test).
  const ours = new Set(names.flatMap((g) => g.split('\n')).filter((l) => l !== ''));
  for (const l of before) if (after.has(l)) a.ok(ours.has(l), `${JSON.stringify(l)} is ours`);
  for (const l of ours) a.ok(before.has(l) || after.has(l), `${JSON.stringify(l)} is the tool's`);
  for (const s of ['a', 'b', 'c']) a.ok(names.includes(`${tag}-${s}`));
  // Pages of 2: the third page holds the 5th and 6th groups.
  const page = ok(await env.aliyunPop(srv, 'GetConsumerList', { CurrentPage: 3, PageSize: 2 }), 'page');
  a.deepStrictEqual([page.CurrentPage, page.PageSize], [3, 2]);
  a.ok(page.ConsumerList.ConsumerVO.length <= 2);
  refused(await env.aliyunPy(srv, 'GetConsumerList', { PageSize: '0' }), 400, 'InvalidPageSize', 'PageSize 0');
  refused(await env.aliyunPy(srv, 'GetConsumerList', { CurrentPage: 'x' }), 400, 'InvalidCurrentPage', 'CurrentPage x');
});

test('Format: XML when asked or when none is given (the cloud\'s default), JSON in any case; errors too; the request id in x-acs-request-id', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const w = await env.kfix.group(b, { prefix: 'axml' });
  const xml = await env.aliyunRaw(srv, { Action: 'GetConsumerProgress', ConsumerId: w.group });
  a.strictEqual(xml.status, 200);
  a.match(xml.headers['content-type'], /^text\/xml/);
  a.match(xml.body, /^<\?xml version="1.0" encoding="UTF-8"\?><GetConsumerProgressResponse><RequestId>([0-9A-F-]{36})<\/RequestId><Success>true<\/Success><Code>200<\/Code>/);
  a.strictEqual(/<RequestId>([^<]*)</.exec(xml.body)[1], xml.headers['x-acs-request-id']);
  a.match(xml.body, new RegExp(`<TopicList><TopicList><Topic>${w.topic}</Topic>.*<OffsetList><OffsetList><Partition>0</Partition><BrokerOffset>10</BrokerOffset><ConsumerOffset>2</ConsumerOffset>`));
  const asked = await env.aliyunRaw(srv, { Action: 'GetConsumerProgress', ConsumerId: w.group, Format: 'XML' });
  a.strictEqual(asked.body.replace(/<RequestId>[^<]*</, '').replace(/<LastTimestamp>[^<]*</g, ''),
    xml.body.replace(/<RequestId>[^<]*</, '').replace(/<LastTimestamp>[^<]*</g, ''));
  const json = await env.aliyunRaw(srv, { Action: 'GetConsumerProgress', ConsumerId: w.group, Format: 'json' });
  a.match(json.headers['content-type'], /^application\/json/);
  a.strictEqual(JSON.parse(json.body).ConsumerProgress.TopicList.TopicList[0].Topic, w.topic);
  const err = await env.aliyunRaw(srv, { Action: 'GetConsumerProgress', ConsumerId: w.group }, { accessKeySecret: 'wrong' });
  a.strictEqual(err.status, 400);
  a.match(err.body, /^<\?xml version="1.0" encoding="UTF-8"\?><Error><RequestId>[0-9A-F-]{36}<\/RequestId><HostId>127\.0\.0\.1:\d+<\/HostId><Code>SignatureDoesNotMatch<\/Code><Message>Specified signature is not matched/);
});

test('the apis switch: apis = ckafka leaves "/" unserved (404) while API 2.0 answers; a name no front end has is a configuration error', async (ctx) => {
  const srv = await env.startServer({ extra: ['apis = ckafka'] });
  ctx.cleanups.push(() => srv.stop());
  const b = (await env.broker()).bootstrap;
  const w = await env.kfix.group(b, { prefix: 'aapis' });
  const r = await env.aliyunRaw(srv, { Action: 'GetConsumerProgress', ConsumerId: w.group, Format: 'JSON' });
  a.strictEqual(r.status, 404);
  a.success(await srv.call({ group: w.group }));
  const conf = path.join(srv.dir, 'bad.conf');
  fs.writeFileSync(conf, fs.readFileSync(srv.conf, 'utf8').replace(/^apis = .*$/m, 'apis = ckafka, tencent'), { mode: 0o600 });
  const bad = await env.run(env.BIN, ['-t', '-c', conf]);
  a.notStrictEqual(bad.code, 0);
  a.match(bad.stderr, /apis: no API is called 'tencent' \(known: aliyun, huawei, ckafka\)/);
});
