'use strict';
// Huawei DMS for Kafka's consumer-group REST API on /v1.0/ and /v2/: resets
// on the three URIs, the group detail, summary and list, offsets, topics
// and members, through the cloud's own Python SDK (its Signer for the v1.0
// URIs, which the SDK has no method for), its npm SDK and curl with an
// X-Auth-Token; every answer checked against the broker's state as Kafka's
// own tools read it, and every refusal leaving every offset as it was.
const fs = require('fs');
const path = require('path');
const { test } = require('./lib/harness');
const env = require('./lib/env');
const a = require('./lib/assert');

function ok(r, what, status = 200) {
  if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r)}`);
  a.strictEqual(r.status, status, `${what}: HTTP status`);
  return r.body;
}

function refused(r, status, code, what) {
  a.strictEqual(r.ok, false, `${what}: refused (${JSON.stringify(r)})`);
  a.strictEqual(r.status, status, `${what}: HTTP status (${r.error_msg})`);
  a.strictEqual(r.error_code, code, `${what}: ${r.error_msg}`);
  if (r.requestId !== undefined) a.match(String(r.requestId), /^[0-9a-f]{32}$/, `${what}: X-Request-Id`);
  return r;
}

async function committed(b, group) {
  const m = {};
  for (const r of await env.tools.describe(b, group)) m[`${r.topic}/${r.partition}`] = r.current;
  return m;
}

const P = env.HW_PROJECT;
const I = env.INSTANCE;
const esc = encodeURIComponent;
const v1 = (g, tail = '') => `/v1.0/${P}/instances/${I}/manage/groups/${esc(g)}${tail}`;

// A raw request signed by the Python SDK's own Signer.
const signed = (srv, method, p, o = {}) => env.huaweiPy(srv, 'raw', {}, { method, path: p, ...o });

test('resets through the Python SDK on all three URIs: by offset, by partition, by time (v1.0 in seconds), clamped into [log start, log end], a time past every record to the log end; 204 on POST, 200 on PUT; audited as api huawei', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const t = env.uniq('hr');
  const group = env.uniq('hrg');
  await env.kfix.create(b, t, 3);
  const t0 = Date.now() - 3600 * 1000;
  for (let p = 0; p < 3; p++) await env.kfix.produce(b, t, p, 10, t0, 1000);
  await env.tools.deleteRecords(b, t, 2, 4);
  await env.kfix.commit(b, group, [[t, 0, 5], [t, 1, 5], [t, 2, 5]]);

  // v2 POST, the SDK's reset_message_offset: one partition by offset.
  let r = await env.huaweiPy(srv, 'reset_message_offset', { group, body: { topic: t, partition: 1, message_offset: 8 } });
  a.strictEqual(ok(r, 'v2 by offset', 204), null);
  a.deepStrictEqual(await committed(b, group), { [`${t}/0`]: 5, [`${t}/1`]: 8, [`${t}/2`]: 5 });
  // Every partition (-1), clamped: 0 is below partition 2's log start 4.
  ok(await env.huaweiPy(srv, 'reset_message_offset', { group, body: { topic: t, partition: -1, message_offset: 0 } }), 'v2 all', 204);
  a.deepStrictEqual(await committed(b, group), { [`${t}/0`]: 0, [`${t}/1`]: 0, [`${t}/2`]: 4 });
  ok(await env.huaweiPy(srv, 'reset_message_offset', { group, body: { topic: t, partition: 0, message_offset: 1000 } }), 'v2 past the end', 204);
  a.strictEqual((await committed(b, group))[`${t}/0`], 10);

  // PUT engine, reset_message_offset_with_engine: by time (ms), as
  // --to-datetime computes it.
  const at = t0 + 6500;
  r = await env.huaweiPy(srv, 'reset_message_offset_with_engine', { group, body: { topic: t, partition: -1, timestamp: at } });
  ok(r, 'engine by time', 200);
  const want = await env.tools.resetDryRun(b, group, ['--topic', t], ['--to-datetime', new Date(at).toISOString().replace('Z', '')]);
  const got = await committed(b, group);
  for (const w of want) a.strictEqual(got[`${w.topic}/${w.partition}`], w.offset, `by time ${w.partition}`);
  a.strictEqual(got[`${t}/0`], 7);
  // A time past every record: the log end.
  ok(await env.huaweiPy(srv, 'reset_message_offset_with_engine', { group, body: { topic: t, partition: 2, timestamp: Date.now() + 3600e3 } }), 'engine future', 200);
  a.strictEqual((await committed(b, group))[`${t}/2`], 10);

  // v1.0 POST, signed by the SDK's Signer: a seconds-sized timestamp is
  // seconds there; the same number in ms elsewhere would be 1970.
  r = await signed(srv, 'POST', v1(group, '/reset-message-offset'), { body: JSON.stringify({ topic: t, partition: 0, timestamp: Math.floor((t0 + 3000) / 1000) }) });
  a.strictEqual(ok(r, 'v1.0 seconds', 204), null);
  a.strictEqual((await committed(b, group))[`${t}/0`], 3);
  a.match(String(r.requestId), /^[0-9a-f]{32}$/);
  ok(await signed(srv, 'POST', v1(group, '/reset-message-offset'), { body: JSON.stringify({ topic: t, partition: 0, timestamp: t0 + 5000 }) }), 'v1.0 ms', 204);
  a.strictEqual((await committed(b, group))[`${t}/0`], 5);
  // By offset on the other two URIs as well, one partition each.
  ok(await env.huaweiPy(srv, 'reset_message_offset_with_engine', { group, body: { topic: t, partition: 1, message_offset: 2 } }), 'engine by offset', 200);
  ok(await signed(srv, 'POST', v1(group, '/reset-message-offset'), { body: JSON.stringify({ topic: t, partition: 2, message_offset: 6 }) }), 'v1.0 by offset', 204);
  a.deepStrictEqual(await committed(b, group), { [`${t}/0`]: 5, [`${t}/1`]: 2, [`${t}/2`]: 6 });

  const audit = srv.log('audit.log').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.group === group);
  a.strictEqual(audit.length, 9);
  for (const l of audit) a.strictEqual(l.api, 'huawei');
  const access = srv.log('access.log').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.group === group && l.api === 'huawei');
  a.ok(access.some((l) => l.action === 'ResetMessageOffsetWithEngine' && l.status === 200), 'access log');
});

test('reads through the Python SDK: show_groups and v1.0 detail (state, coordinator, assignor, members, offsets and lag as --describe), show_group, list_instance_consumer_group, list_instance_consumer_groups, message-offset, topics, members of a live group', async (ctx) => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const t = env.uniq('hd');
  const t2 = env.uniq('hd2');
  const group = env.uniq('hdg');
  await env.kfix.create(b, t, 2);
  await env.kfix.create(b, t2, 1);
  for (let p = 0; p < 2; p++) await env.kfix.produce(b, t, p, 10);
  await env.kfix.produce(b, t2, 0, 4);
  await env.tools.deleteRecords(b, t, 1, 2);
  await env.kfix.commit(b, group, [[t, 0, 3], [t, 1, 6], [t2, 0, 1]]);
  const describe = await env.tools.describe(b, group);

  const check = (g, what) => {
    a.strictEqual(g.group_id, group, what);
    a.strictEqual(g.state, 'EMPTY', what);
    const st = what; // coordinator checked below against --state
    a.ok(Number.isInteger(g.coordinator_id), st);
    a.deepStrictEqual(g.members, [], what);
    const rows = g.group_message_offsets.map((o) => ({ topic: o.topic, partition: o.partition, current: o.message_current_offset, logEnd: o.message_log_end_offset, lag: o.lag }));
    const sort = (v) => v.slice().sort((x, y) => (x.topic + x.partition).localeCompare(y.topic + y.partition));
    a.deepStrictEqual(sort(rows), sort(describe), what);
  };
  const v2 = ok(await env.huaweiPy(srv, 'show_groups', { group }), 'show_groups');
  check(v2.group, 'show_groups');
  const state = await env.tools.groupState(b, group);
  a.strictEqual(v2.group.coordinator_id, state.coordinatorId);
  check(ok(await signed(srv, 'GET', v1(group)), 'v1.0 detail').group, 'v1.0 detail');

  const summary = ok(await env.huaweiPy(srv, 'show_group', { group }), 'show_group').group;
  a.deepStrictEqual(summary, { group_id: group, state: 'EMPTY', coordinator_id: state.coordinatorId, assignment_strategy: '', group_desc: '' });
  const engine = ok(await env.huaweiPy(srv, 'list_instance_consumer_group', { engine: 'kafka', group }), 'engine summary').group;
  a.deepStrictEqual(engine, summary);

  const list = ok(await env.huaweiPy(srv, 'list_instance_consumer_groups', { group, limit: '50' }), 'list');
  a.strictEqual(list.total, 1);
  a.strictEqual(list.groups[0].group_id, group);
  a.strictEqual(list.groups[0].state, 'EMPTY');
  a.strictEqual(list.groups[0].lag, describe.reduce((s, r) => s + r.lag, 0));

  const mo = ok(await env.huaweiPy(srv, 'list_instance_consumer_group_message_offset', { engine: 'kafka', group, topic: t }), 'message-offset');
  a.strictEqual(mo.total, 2);
  a.deepStrictEqual(mo.group_message_offsets.map((o) => [o.partition, o.message_current_offset, o.message_log_start_offset, o.message_log_end_offset, o.lag]),
    [[0, 3, 0, 10, 7], [1, 6, 2, 10, 4]]);
  const one = ok(await env.huaweiPy(srv, 'list_instance_consumer_group_message_offset', { engine: 'kafka', group, topic: t, partition: '1' }), 'one partition');
  a.deepStrictEqual(one.group_message_offsets.map((o) => o.partition), [1]);
  const paged = ok(await env.huaweiPy(srv, 'list_instance_consumer_group_message_offset', { engine: 'kafka', group, offset: '1', limit: '1' }), 'paged');
  a.strictEqual(paged.total, 3);
  a.strictEqual(paged.group_message_offsets.length, 1);

  const topics = ok(await env.huaweiPy(srv, 'list_instance_consumer_group_topics', { engine: 'kafka', group, sort_key: 'lag', sort_dir: 'desc' }), 'topics');
  a.deepStrictEqual(topics, { topics: [{ topic: t, partitions: 2, lag: 11 }, { topic: t2, partitions: 1, lag: 3 }], total: 2 });

  // A live member: STABLE, the assignor, the member as --members.
  const c = await env.kfix.consume(b, group, [t2], { clientId: 'hw-client' });
  ctx.cleanups.push(() => c.stop());
  const members = await env.tools.groupMembers(b, group);
  const live = ok(await env.huaweiPy(srv, 'show_groups', { group }), 'live').group;
  a.strictEqual(live.state, 'STABLE');
  a.strictEqual(live.assignment_strategy, (await env.tools.groupState(b, group)).strategy);
  a.deepStrictEqual(live.members, [{ host: members[0].host, member_id: members[0].memberId, client_id: 'hw-client', assignment: [{ topic: t2, partitions: [0] }] }]);
  const mem = ok(await env.huaweiPy(srv, 'list_instance_consumer_group_members', { engine: 'kafka', group }), 'members');
  a.deepStrictEqual(mem, { members: [{ host: members[0].host, member_id: members[0].memberId, client_id: 'hw-client' }], total: 1 });
  const owned = ok(await env.huaweiPy(srv, 'list_instance_consumer_group_message_offset', { engine: 'kafka', group, topic: t2 }), 'owned');
  a.strictEqual(owned.group_message_offsets[0].consumer_id, members[0].memberId);
  a.strictEqual(owned.group_message_offsets[0].client_id, 'hw-client');
  await c.stop();

  // A partition without a commit counts from its log start, in the detail
  // and in the list alike (kafka-consumer-groups shows no row for it).
  const t3 = env.uniq('hd3');
  const g3 = env.uniq('hdg3');
  await env.kfix.create(b, t3, 2);
  await env.kfix.produce(b, t3, 0, 10);
  await env.kfix.produce(b, t3, 1, 8);
  await env.tools.deleteRecords(b, t3, 1, 3);
  await env.kfix.commit(b, g3, [[t3, 0, 4]]);
  const d3 = ok(await env.huaweiPy(srv, 'show_groups', { group: g3 }), 'uncommitted').group;
  a.deepStrictEqual(d3.group_message_offsets.map((o) => [o.partition, o.message_current_offset, o.message_log_end_offset, o.lag]),
    [[0, 4, 10, 6], [1, -1, 8, 5]]);
  const l3 = ok(await env.huaweiPy(srv, 'list_instance_consumer_groups', { group: g3 }), 'uncommitted, list');
  a.strictEqual(l3.groups[0].lag, 11);
});

test('the npm SDK: a reset and a detail of a group whose name needs escaping (its signer encodes the escaped path again)', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const t = env.uniq('hn');
  // (No blank: kafka-consumer-groups' table, which checks it, splits on them.)
  const group = `${env.uniq('hn')}+ü:1`;
  await env.kfix.create(b, t, 2);
  for (let p = 0; p < 2; p++) await env.kfix.produce(b, t, p, 10);
  await env.kfix.commit(b, group, [[t, 0, 2], [t, 1, 2]]);
  const reset = await env.huaweiNode(srv, (client, k) => client.resetMessageOffset(new k.ResetMessageOffsetRequest()
    .withInstanceId(I).withGroup(group).withBody(new k.ResetMessageOffsetReq().withTopic(t).withPartition(-1).withMessageOffset(7))));
  a.ok(reset.ok, JSON.stringify(reset));
  a.deepStrictEqual(await committed(b, group), { [`${t}/0`]: 7, [`${t}/1`]: 7 });
  const detail = await env.huaweiNode(srv, (client, k) => client.showGroups(new k.ShowGroupsRequest().withInstanceId(I).withGroup(group)));
  a.ok(detail.ok, JSON.stringify(detail));
  a.strictEqual(detail.body.group.group_id, group);
  a.deepStrictEqual(detail.body.group.group_message_offsets.map((o) => o.message_current_offset), [7, 7]);
  // The Python SDK reaches the same group through its own encoding.
  a.strictEqual(ok(await env.huaweiPy(srv, 'show_groups', { group }), 'python').group.group_id, group);
  const bad = await env.huaweiNode(srv, (client, k) => client.showGroups(new k.ShowGroupsRequest().withInstanceId(I).withGroup(group)), { sk: 'wrong' });
  a.strictEqual(bad.ok, false);
  a.strictEqual(bad.status, 401);
  a.strictEqual(bad.error_code, 'APIGW.0301');
});

test('curl with X-Auth-Token: the detail and a reset; a wrong or missing token is 401 APIGW.0301; X-Request-Id on every answer', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const w = await env.kfix.group(b, { prefix: 'hc', partitions: 2, messages: 10, committed: 2 });
  const heads = path.join(srv.dir, 'curl-headers');
  const curl = async (method, p, token, body) => {
    const args = ['-sS', '--max-time', '60', '-X', method, '-D', heads, '-w', '\n%{http_code}'];
    if (token !== undefined) args.push('-H', `X-Auth-Token: ${token}`);
    if (body !== undefined) args.push('-H', 'Content-Type: application/json', '--data-raw', body);
    const r = await env.run('curl', [...args, `${srv.url}${p}`]);
    a.strictEqual(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const status = Number(lines.pop());
    const text = lines.join('\n');
    return { status, body: text ? JSON.parse(text) : null, requestId: (/x-request-id: (\S+)/i.exec(fs.readFileSync(heads, 'utf8')) || [])[1] };
  };
  const d = await curl('GET', `/v2/${P}/instances/${I}/management/groups/${w.group}`, env.HW_TOKEN);
  a.strictEqual(d.status, 200);
  a.strictEqual(d.body.group.group_message_offsets.length, 2);
  a.match(d.requestId, /^[0-9a-f]{32}$/);
  const r = await curl('POST', `/v2/${P}/instances/${I}/management/groups/${w.group}/reset-message-offset`, env.HW_TOKEN,
    JSON.stringify({ topic: w.topic, partition: -1, message_offset: 9 }));
  a.strictEqual(r.status, 204);
  a.deepStrictEqual(await committed(b, w.group), { [`${w.topic}/0`]: 9, [`${w.topic}/1`]: 9 });
  for (const [token, what] of [[`${env.HW_TOKEN}x`, 'wrong'], [env.HW_TOKEN.slice(0, -1), 'prefix'], [undefined, 'none']]) {
    const x = await curl('POST', `/v2/${P}/instances/${I}/management/groups/${w.group}/reset-message-offset`, token,
      JSON.stringify({ topic: w.topic, partition: -1, message_offset: 0 }));
    a.strictEqual(x.status, 401, what);
    a.strictEqual(x.body.error_code, 'APIGW.0301', what);
    a.match(x.requestId, /^[0-9a-f]{32}$/, what);
  }
  a.deepStrictEqual(await committed(b, w.group), { [`${w.topic}/0`]: 9, [`${w.topic}/1`]: 9 });
});

test('refusals leave every offset as it was: an active group, bad JSON, both or neither of message_offset and timestamp, no topic, an unknown topic, partition, group or instance, a wrong method or path', async (ctx) => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const t = env.uniq('hf');
  const group = env.uniq('hfg');
  await env.kfix.create(b, t, 2);
  for (let p = 0; p < 2; p++) await env.kfix.produce(b, t, p, 10);
  await env.kfix.commit(b, group, [[t, 0, 5], [t, 1, 5]]);
  const before = await committed(b, group);
  const reset = (body, g = group) => env.huaweiPy(srv, 'reset_message_offset', { group: g, body });
  const raw = (body) => signed(srv, 'POST', `/v2/${P}/instances/${I}/management/groups/${esc(group)}/reset-message-offset`, { body });

  let r = refused(await raw('{"topic":'), 400, 'DMS.00400001', 'truncated JSON');
  a.match(r.error_msg, /JSON object/);
  refused(await raw('[1]'), 400, 'DMS.00400001', 'not an object');
  refused(await raw('{"topic":"x"} trailing'), 400, 'DMS.00400001', 'trailing text');
  refused(await raw(''), 400, 'DMS.00400001', 'empty');
  refused(await raw(JSON.stringify({ topic: t, partition: 0, message_offset: 1, timestamp: 1 })), 400, 'DMS.00400001', 'both');
  r = refused(await raw(JSON.stringify({ topic: t, partition: 0 })), 400, 'DMS.00400001', 'neither');
  a.match(r.error_msg, /exactly one of message_offset and timestamp/);
  refused(await raw(JSON.stringify({ partition: 0, message_offset: 1 })), 400, 'DMS.00400001', 'no topic');
  refused(await raw(JSON.stringify({ topic: t, partition: 'x', message_offset: 1 })), 400, 'DMS.00400001', 'partition x');
  refused(await raw(JSON.stringify({ topic: t, partition: -2, message_offset: 1 })), 400, 'DMS.00400001', 'partition -2');
  refused(await raw(JSON.stringify({ topic: t, message_offset: -1 })), 400, 'DMS.00400001', 'negative offset');
  refused(await signed(srv, 'POST', `/v2/${P}/instances/${I}/management/groups/${esc(group)}/reset-message-offset`,
    { body: 'topic=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 401, 'APIGW.0301', 'a form, UNSIGNED-PAYLOAD');
  r = refused(await reset({ topic: t, partition: 7, message_offset: 1 }), 400, 'DMS.00400004', 'partition 7');
  a.match(r.error_msg, /partition 7: topic .* has 2 partitions/);
  refused(await reset({ topic: env.uniq('nosuch'), partition: -1, message_offset: 1 }), 404, 'DMS.00404003', 'unknown topic');
  refused(await reset({ topic: t, partition: -1, message_offset: 1 }, env.uniq('never')), 404, 'DMS.00404002', 'unknown group');
  refused(await env.huaweiPy(srv, 'reset_message_offset', { instance_id: 'hw-nosuch', group, body: { topic: t, partition: -1, message_offset: 1 } }),
    404, 'DMS.00404001', 'unknown instance');
  refused(await env.huaweiPy(srv, 'show_groups', { group: env.uniq('never') }), 404, 'DMS.00404002', 'detail, unknown group');
  refused(await env.huaweiPy(srv, 'show_group', { group: env.uniq('never') }), 404, 'DMS.00404002', 'summary, unknown group');
  refused(await env.huaweiPy(srv, 'list_instance_consumer_groups', { limit: '51' }), 400, 'DMS.00400001', 'limit 51');
  refused(await env.huaweiPy(srv, 'list_instance_consumer_groups', { offset: '-1' }), 400, 'DMS.00400001', 'offset -1');
  refused(await env.huaweiPy(srv, 'list_instance_consumer_group_topics', { engine: 'kafka', group, sort_key: 'size' }), 400, 'DMS.00400001', 'sort_key');
  refused(await env.huaweiPy(srv, 'list_instance_consumer_group_message_offset', { engine: 'kafka', group, topic: env.uniq('nosuch') }), 404, 'DMS.00404003', 'offsets, unknown topic');
  refused(await signed(srv, 'GET', `/v2/${P}/instances/${I}/management/groups/${esc(group)}/reset-message-offset`), 404, 'APIGW.0101', 'GET of a reset');
  r = refused(await signed(srv, 'DELETE', `/v2/${P}/instances/${I}/management/groups/${esc(group)}`), 404, 'APIGW.0101', 'DELETE of a detail');
  a.match(r.error_msg, /use GET/);
  refused(await signed(srv, 'GET', `/v2/${P}/instances/${I}/everything`), 404, 'APIGW.0101', 'no such path');
  refused(await signed(srv, 'GET', `/v2/${P}/instances/${I}/groups/%ff`), 404, 'APIGW.0101', 'not UTF-8');

  // A live member: refused, with the group's state in the message.
  const c = await env.kfix.consume(b, group, [t]);
  ctx.cleanups.push(() => c.stop());
  r = refused(await reset({ topic: t, partition: -1, message_offset: 0 }), 400, 'DMS.00400005', 'active group');
  a.match(r.error_msg, /is Stable with 1 active member/);
  refused(await env.huaweiPy(srv, 'reset_message_offset_with_engine', { group, body: { topic: t, partition: 0, timestamp: 0 } }), 400, 'DMS.00400005', 'active, engine');
  await c.stop();
  a.deepStrictEqual(await committed(b, group), before);
});

test('authentication: a wrong secret, an unknown key, a stale or future X-Sdk-Date, the same signed reset twice (refused; the same read twice is answered), a key pinned to another project, another key\'s instance, an unsigned host, a host outside signature_hosts', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const w = await env.kfix.group(b, { prefix: 'ha', partitions: 1, messages: 10, committed: 4 });
  const body = { topic: w.topic, partition: -1, message_offset: 0 };
  const reset = (o) => env.huaweiPy(srv, 'reset_message_offset', { group: w.group, body }, o);
  const date = (ms) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

  let r = refused(await reset({ sk: 'wrong-secret' }), 401, 'APIGW.0301', 'wrong secret');
  a.strictEqual(r.exception, 'ClientRequestException');
  a.match(r.error_msg, /verify aksk signature fail \(canonical request: POST\|\/v2\//);
  refused(await reset({ ak: 'HWNOSUCHKEY' }), 401, 'APIGW.0301', 'unknown key');
  r = refused(await reset({ date: date(Date.now() - 20 * 60e3) }), 401, 'APIGW.0301', 'stale date');
  a.match(r.error_msg, /more than 900 s away/);
  refused(await reset({ date: date(Date.now() + 20 * 60e3) }), 401, 'APIGW.0301', 'future date');
  // Another project than the pinned key's; the same key on its own works.
  r = refused(await reset({ ak: env.HW_PINNED_ID, sk: env.HW_PINNED_KEY, project: 'another0project' }), 403, 'DMS.00403001', 'pinned project');
  a.match(r.error_msg, /may not use project another0project/);
  refused(await env.huaweiPy(srv, 'show_groups', { group: w.group }, { ak: env.LIMITED_ID, sk: env.LIMITED_KEY }), 403, 'DMS.00403001', 'other instance');
  refused(await env.huaweiPy(srv, 'show_groups', { instance_id: 'hw-nosuch', group: w.group }, { ak: env.LIMITED_ID, sk: env.LIMITED_KEY }),
    403, 'DMS.00403001', 'other, unknown instance');
  a.strictEqual((await committed(b, w.group))[`${w.topic}/0`], 4);
  ok(await env.huaweiPy(srv, 'show_groups', { group: w.group }, { ak: env.HW_PINNED_ID, sk: env.HW_PINNED_KEY }), 'pinned key, its project');

  // One signed reset sent twice: the second is refused, on another worker
  // too. The same signed read twice (a script polling within a second) is
  // answered twice, as the cloud does.
  const when = date(Date.now());
  const p = `/v2/${P}/instances/${I}/management/groups/${w.group}`;
  const again = JSON.stringify({ topic: w.topic, partition: -1, message_offset: 6 });
  ok(await signed(srv, 'POST', `${p}/reset-message-offset`, { date: when, body: again }), 'first reset', 204);
  a.strictEqual((await committed(b, w.group))[`${w.topic}/0`], 6);
  await env.kfix.commit(b, w.group, [[w.topic, 0, 4]]);
  for (let i = 0; i < 3; i++) {
    r = refused(await signed(srv, 'POST', `${p}/reset-message-offset`, { date: when, body: again }), 401, 'APIGW.0301', `replayed ${i}`);
    a.match(r.error_msg, /already used/);
  }
  a.strictEqual((await committed(b, w.group))[`${w.topic}/0`], 4);
  ok(await signed(srv, 'GET', p, { date: when }), 'read');
  ok(await signed(srv, 'GET', p, { date: when }), 'the same read');

  // Hand-made headers: the host must be signed, and be one this server
  // answers for.
  const crypto = require('crypto');
  const sign = (host, signedHeaders) => {
    const d = date(Date.now());
    const hdr = { host, 'x-sdk-date': d };
    const canon = ['GET', `${p}/`, '', ...signedHeaders.map((h) => `${h}:${hdr[h]}`), '', signedHeaders.join(';'),
      crypto.createHash('sha256').update('').digest('hex')].join('\n');
    const sts = `SDK-HMAC-SHA256\n${d}\n${crypto.createHash('sha256').update(canon).digest('hex')}`;
    const sig = crypto.createHmac('sha256', env.SECRET_KEY).update(sts).digest('hex');
    return { Host: host, 'X-Sdk-Date': d, Authorization: `SDK-HMAC-SHA256 Access=${env.SECRET_ID}, SignedHeaders=${signedHeaders.join(';')}, Signature=${sig}` };
  };
  let h = await env.httpRequest(`${srv.url}${p}`, { headers: sign(srv.host, ['host', 'x-sdk-date']) });
  a.strictEqual(h.status, 200, h.body);
  h = await env.httpRequest(`${srv.url}${p}`, { headers: sign(srv.host, ['x-sdk-date']) });
  a.strictEqual(h.status, 401);
  a.match(JSON.parse(h.body).error_msg, /the host header must be sent and signed/);
  h = await env.httpRequest(`${srv.url}${p}`, { headers: sign('elsewhere.example:80', ['host', 'x-sdk-date']) });
  a.strictEqual(h.status, 401);
  a.match(JSON.parse(h.body).error_msg, /signature_hosts/);
  // A name that holds an escape once decoded is refused signed (the npm
  // SDK's signature for "g 1" is the Python one's for "g%201"), and
  // served with a token.
  const pct = `${env.uniq('hp')}%20x`;
  await env.kfix.commit(b, pct, [[w.topic, 0, 1]]);
  r = refused(await env.huaweiPy(srv, 'show_groups', { group: pct }), 401, 'APIGW.0301', 'an escape in the name');
  a.match(r.error_msg, /percent escape/);
  h = await env.httpRequest(`${srv.url}/v2/${P}/instances/${I}/management/groups/${esc(pct)}`, { headers: { 'X-Auth-Token': env.HW_TOKEN } });
  a.strictEqual(h.status, 200, h.body);
  a.strictEqual(JSON.parse(h.body).group.group_id, pct);
  h = await env.httpRequest(`${srv.url}${p}`, { headers: { Authorization: 'Bearer x' } });
  a.strictEqual(h.status, 401);
  a.match(h.headers['x-request-id'], /^[0-9a-f]{32}$/);
});

test('nginx: its own errors on the Huawei paths in the envelope with the cloud\'s statuses (body too large, TRACE); /v2/index.php stays API 2.0; the status page counts ShowGroups and ResetMessageOffset; apis = ckafka, aliyun leaves /v2/{project} unserved', async (ctx) => {
  const srv = await env.sharedServer();
  const p = `/v2/${P}/instances/${I}/management/groups/g/reset-message-offset`;
  let h = await env.httpRequest(`${srv.url}${p}`, { method: 'POST', body: 'x'.repeat(1100 * 1024), headers: { 'Content-Type': 'application/json' } });
  a.strictEqual(h.status, 413);
  a.strictEqual(JSON.parse(h.body).error_code, 'DMS.00413001');
  h = await env.httpRequest(`${srv.url}${p}`, { method: 'TRACE' });
  a.strictEqual(h.status, 404);
  a.strictEqual(JSON.parse(h.body).error_code, 'APIGW.0101');
  h = await env.httpRequest(`${srv.url}/v2/index.php?Action=GetGroupOffsets`);
  a.strictEqual(h.status, 200);
  a.ok('code' in JSON.parse(h.body), h.body);

  // The status page counts this API's actions by name.
  const b = (await env.broker()).bootstrap;
  const w = await env.kfix.group(b, { prefix: 'hs' });
  ok(await env.huaweiPy(srv, 'show_groups', { group: w.group }), 'a detail');
  refused(await env.huaweiPy(srv, 'reset_message_offset', { group: w.group, body: { topic: w.topic } }), 400, 'DMS.00400001', 'a bad reset');
  const st = await env.status(srv);
  a.ok(st.actions.ShowGroups.count > 0, JSON.stringify(Object.keys(st.actions)));
  a.ok(st.actions.ResetMessageOffset.errors > 0);

  const off = await env.startServer({ extra: ['apis = ckafka, aliyun'] });
  ctx.cleanups.push(() => off.stop());
  const r = await env.huaweiPy(off, 'show_groups', { group: 'g' });
  a.strictEqual(r.status, 404);
});
