'use strict';
// The other read actions of API 2.0 (contract section 7): GetGroupInfo,
// ListGroup, ListConsumerGroup, ListTopic, GetTopicAttributes, ListInstance
// and GetInstanceAttributes, on real group states built on the broker
// (live librdkafka and Java members, offsets only, mid-rebalance, never
// existed), each field compared with Kafka's own kafka-consumer-groups and
// kafka-topics on the same broker; through the legacy Node SDK over HTTP
// and the legacy Python SDK over HTTPS.
const { test } = require('./lib/harness');
const env = require('./lib/env');
const a = require('./lib/assert');

// The tool's ASSIGNMENT column, "(0,2), (1)": one group of partitions per
// topic, in an order of its own (a hash map's), so compared as a sorted list.
const groupsOf = (text) => (text === '-' ? [] : text.split(', ').sort());
function toolAssignment(asg) {
  return asg.topics.map((t) => `(${t.partitions.join(',')})`).sort();
}

// Our member entries checked against --members --verbose, member by member.
async function checkMembers(b, entry, group) {
  const rows = await env.tools.groupMembers(b, group);
  a.strictEqual(entry.members.length, rows.length, `${group}: member count`);
  for (const m of entry.members) {
    const r = rows.find((x) => x.memberId === m.member_id);
    a.ok(r, `${group}: member ${m.member_id} in the tool's list`);
    a.strictEqual(m.client_id, r.clientId, 'client_id');
    a.strictEqual(m.client_host, r.host, 'client_host');
    a.match(m.client_host, /^\/127\.0\.0\.1$/);
    a.strictEqual(m.assignment.topics.reduce((n, t) => n + t.partitions.length, 0), r.count, '#PARTITIONS');
    a.deepStrictEqual(toolAssignment(m.assignment), groupsOf(r.assignment), 'ASSIGNMENT');
  }
}

async function checkState(b, entry, group) {
  const st = await env.tools.groupState(b, group);
  if (!st) {
    a.deepStrictEqual(entry, { group, err_code: 0, state: 'Dead', protocol_type: '', protocol: '', members: [] });
    return;
  }
  a.strictEqual(entry.state, st.state, `${group}: state`);
  a.strictEqual(entry.protocol, st.strategy, `${group}: assignor`);
  a.strictEqual(entry.err_code, 0);
  if (st.state === 'Stable') a.strictEqual(entry.members.length, st.members, `${group}: #MEMBERS`);
}

test('GetGroupInfo: Stable with one member (range) and two (roundrobin), Empty, never existed: in request order, as kafka-consumer-groups says', async (ctx) => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const t1 = env.uniq('gi');
  const t2 = env.uniq('gi');
  await env.kfix.create(b, t1, 3);
  await env.kfix.create(b, t2, 2);
  const one = env.uniq('g-one');
  const two = env.uniq('g-two');
  const empty = env.uniq('g-empty');
  const never = env.uniq('g-never');
  const c1 = await env.kfix.consume(b, one, [t1], { assignor: 'range', clientId: 'solo' });
  ctx.cleanups.push(() => c1.stop());
  const c2 = await env.kfix.consume(b, two, [t1, t2], { assignor: 'roundrobin', clientId: 'rr-a' });
  ctx.cleanups.push(() => c2.stop());
  const c3 = await env.kfix.consume(b, two, [t1, t2], { assignor: 'roundrobin', clientId: 'rr-b' });
  ctx.cleanups.push(() => c3.stop());
  await env.kfix.commit(b, empty, [[t1, 0, 1]]);
  await env.waitFor('two members Stable', async () => {
    const st = await env.tools.groupState(b, two);
    return st && st.state === 'Stable' && st.members === 2;
  }, 60000);

  const asked = [two, never, one, empty];
  const data = a.success(await srv.call({ Action: 'GetGroupInfo', group: asked }));
  a.deepStrictEqual(data.map((g) => g.group), asked, 'one entry per group, in request order');
  const [gTwo, gNever, gOne, gEmpty] = data;
  a.deepStrictEqual(gNever, { group: never, err_code: 0, state: 'Dead', protocol_type: '', protocol: '', members: [] });
  a.strictEqual(await env.tools.groupState(b, never), null, 'the tool: does not exist');
  a.deepStrictEqual([gOne.state, gOne.protocol_type, gOne.protocol], ['Stable', 'consumer', 'range']);
  a.deepStrictEqual([gTwo.state, gTwo.protocol_type, gTwo.protocol], ['Stable', 'consumer', 'roundrobin']);
  a.deepStrictEqual([gEmpty.state, gEmpty.protocol_type, gEmpty.protocol, gEmpty.members], ['Empty', '', '', []]);
  for (const [entry, g] of [[gOne, one], [gTwo, two], [gEmpty, empty]]) {
    await checkState(b, entry, g);
    await checkMembers(b, entry, g);
  }
  // The one member has every partition; the two share them, no overlap.
  a.deepStrictEqual(gOne.members[0].assignment, { version: 0, topics: [{ topic: t1, partitions: [0, 1, 2] }] });
  a.strictEqual(gOne.members[0].client_id, 'solo');
  const seen = gTwo.members.flatMap((m) => m.assignment.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}/${p}`))).sort();
  a.deepStrictEqual(seen, [`${t1}/0`, `${t1}/1`, `${t1}/2`, `${t2}/0`, `${t2}/1`].sort());
  // librdkafka 2.0.2 (the group's leader here) writes version 0.
  for (const m of gTwo.members) a.strictEqual(m.assignment.version, 0);
  // A bare `group` is one group.
  const bare = a.success(await srv.call({ Action: 'GetGroupInfo', group: one }));
  a.deepStrictEqual(bare, [gOne]);
});

test('GetGroupInfo: a Java consumer\'s group reports the assignment version Kafka 3.9\'s client writes (3)', async (ctx) => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const t = env.uniq('java');
  const group = env.uniq('g-java');
  await env.kfix.create(b, t, 2);
  const j = await env.tools.javaConsumer(b, group, t, 'java-client');
  ctx.cleanups.push(() => j.stop());
  const [g] = a.success(await srv.call({ Action: 'GetGroupInfo', group: [group] }));
  a.strictEqual(g.state, 'Stable');
  a.strictEqual(g.protocol_type, 'consumer');
  a.strictEqual(g.members.length, 1);
  a.deepStrictEqual(g.members[0].assignment, { version: 3, topics: [{ topic: t, partitions: [0, 1] }] });
  a.strictEqual(g.members[0].client_id, 'java-client');
  await checkState(b, g, group);
  await checkMembers(b, g, group);
});

test('GetGroupInfo: a group caught mid-rebalance (a member frozen while another joins) is PreparingRebalance with no members', async (ctx) => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const t = env.uniq('rebal');
  const group = env.uniq('g-rebal');
  await env.kfix.create(b, t, 2);
  const first = await env.kfix.consume(b, group, [t]);
  ctx.cleanups.push(() => first.stop());
  // Frozen, the first member cannot rejoin: the rebalance the second one
  // starts waits for it (its session lasts 45 s).
  first.proc.kill('SIGSTOP');
  ctx.cleanups.push(() => first.proc.kill('SIGCONT'));
  const second = require('child_process').spawn(env.KFIX, ['-b', b, 'consume', group, t], { stdio: 'ignore' });
  env.children.add(second);
  ctx.cleanups.push(() => { second.kill('SIGTERM'); env.children.delete(second); });
  await env.waitFor('the rebalance to start', async () => {
    const st = await env.tools.groupState(b, group);
    return st && st.state === 'PreparingRebalance';
  }, 30000);
  const [g] = a.success(await srv.call({ Action: 'GetGroupInfo', group: [group] }));
  a.deepStrictEqual([g.state, g.protocol_type, g.members], ['PreparingRebalance', 'consumer', []]);
  const st = await env.tools.groupState(b, group);
  a.strictEqual(st.state, 'PreparingRebalance', 'still rebalancing when the tool looked');
});

test('ListGroup: the cluster\'s groups sorted by name with their protocol type, as kafka-consumer-groups --list; group, searchWord, offset, limit', async (ctx) => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const tag = env.uniq('lg');
  const t = env.uniq('lg');
  await env.kfix.create(b, t, 1);
  const names = [`${tag}-c`, `${tag}-a`, `${tag}-b`];
  for (const g of names) await env.kfix.commit(b, g, [[t, 0, 0]]);
  const live = `${tag}-d`;
  const c = await env.kfix.consume(b, live, [t]);
  ctx.cleanups.push(() => c.stop());

  // Groups of earlier tests may still vanish (an Empty group without
  // offsets is removed): ours is compared with the tool's list taken just
  // before and just after it.
  const before = new Set(await env.tools.listGroups(b));
  const all = a.success(await srv.call({ Action: 'ListGroup', limit: 50 }));
  const everything = [];
  for (let off = 0; off < all.totalCount; off += 50) {
    everything.push(...a.success(await srv.call({ Action: 'ListGroup', offset: off, limit: 50 })).groupList.map((g) => g.group));
  }
  const after = new Set(await env.tools.listGroups(b));
  a.strictEqual(everything.length, all.totalCount);
  a.deepStrictEqual(everything, [...everything].sort(), 'sorted by name');
  // Compared line by line, as the tool prints them (earlier tests leave
  // names with spaces and newlines).
  const ours = new Set(everything.flatMap((g) => g.split('\n')).filter((l) => l !== ''));
  for (const l of before) if (after.has(l)) a.ok(ours.has(l), `${JSON.stringify(l)}, listed by the tool before and after, is ours`);
  for (const l of ours) a.ok(before.has(l) || after.has(l), `${JSON.stringify(l)} is listed by the tool`);
  const mine = a.success(await srv.call({ Action: 'ListGroup', searchWord: tag }));
  a.deepStrictEqual(mine, { totalCount: 4, groupList: [
    { group: `${tag}-a`, protocol: '' }, { group: `${tag}-b`, protocol: '' },
    { group: `${tag}-c`, protocol: '' }, { group: live, protocol: 'consumer' }] });
  a.deepStrictEqual(a.success(await srv.call({ Action: 'ListGroup', searchWord: tag, offset: 1, limit: 2 })),
    { totalCount: 4, groupList: [{ group: `${tag}-b`, protocol: '' }, { group: `${tag}-c`, protocol: '' }] });
  a.deepStrictEqual(a.success(await srv.call({ Action: 'ListGroup', group: `${tag}-b` })),
    { totalCount: 1, groupList: [{ group: `${tag}-b`, protocol: '' }] });
  a.deepStrictEqual(a.success(await srv.call({ Action: 'ListGroup', searchWord: tag, offset: 10 })), { totalCount: 4, groupList: [] });
  // The default page is 20.
  const dflt = a.success(await srv.call({ Action: 'ListGroup' }));
  a.strictEqual(dflt.groupList.length, Math.min(20, dflt.totalCount));
});

test('ListConsumerGroup: the committed offsets of a page of groups per topic and partition (-1 where none); groupName, topicName, paging', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const tag = env.uniq('lcg');
  const t1 = `${tag}-t1`;
  const t2 = `${tag}-t2`;
  await env.kfix.create(b, t1, 3);
  await env.kfix.create(b, t2, 1);
  await env.kfix.produce(b, t1, 0, 20);
  await env.kfix.produce(b, t1, 2, 50);
  await env.kfix.produce(b, t2, 0, 5);
  const g1 = `${tag}-g1`;
  const g2 = `${tag}-g2`;
  await env.kfix.commit(b, g1, [[t1, 0, 12], [t1, 2, 40], [t2, 0, 5]]);
  await env.kfix.commit(b, g2, [[t2, 0, 3]]);

  const d = a.success(await srv.call({ Action: 'ListConsumerGroup', groupName: tag }));
  a.deepStrictEqual(d, {
    totalCount: 2,
    topicList: { [t1]: t1, [t2]: t2 },
    groupList: { [g1]: { [t1]: [12, -1, 40], [t2]: [5] }, [g2]: { [t2]: [3] } },
    totalPartition: 3,
    partitionListForMonitor: [{ partitionId: 0 }, { partitionId: 1 }, { partitionId: 2 }],
    totalTopic: 2,
    topicListForMonitor: [{ topicName: t1, topicId: t1 }, { topicName: t2, topicId: t2 }],
    groupListForMonitor: [{ groupName: g1 }, { groupName: g2 }],
  });
  // The same numbers as kafka-consumer-groups --describe.
  for (const r of await env.tools.describe(b, g1)) {
    a.strictEqual(d.groupList[g1][r.topic][r.partition], r.current === null ? -1 : r.current, `${r.topic}/${r.partition}`);
  }
  const onlyT2 = a.success(await srv.call({ Action: 'ListConsumerGroup', groupName: tag, topicName: 't2' }));
  a.deepStrictEqual(onlyT2.groupList, { [g1]: { [t2]: [5] }, [g2]: { [t2]: [3] } });
  a.deepStrictEqual(onlyT2.topicListForMonitor, [{ topicName: t2, topicId: t2 }]);
  const page = a.success(await srv.call({ Action: 'ListConsumerGroup', groupName: tag, offset: 1, limit: 1 }));
  a.strictEqual(page.totalCount, 2);
  a.deepStrictEqual(page.groupList, { [g2]: { [t2]: [3] } });
});

test('ListTopic: the topics sorted, never an internal one; searchWord, offset, limit at the top level with message ok', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const tag = env.uniq('lt');
  for (const s of ['b', 'a', 'c']) await env.kfix.create(b, `${tag}-${s}`, 1);
  const body = await srv.call({ Action: 'ListTopic', searchWord: tag });
  a.deepStrictEqual(a.successTop(body), { totalCount: 3, topicList: ['a', 'b', 'c'].map((s) => ({ topicId: `${tag}-${s}`, topicName: `${tag}-${s}` })) });
  a.deepStrictEqual(a.successTop(await srv.call({ Action: 'ListTopic', searchWord: tag, offset: 2, limit: 5 })).topicList.map((x) => x.topicName), [`${tag}-c`]);
  // A topic just created is listed at once (no cache in between).
  const fresh = `${tag}-d`;
  await env.kfix.create(b, fresh, 1);
  a.strictEqual(a.successTop(await srv.call({ Action: 'ListTopic', searchWord: tag })).totalCount, 4);
  // Every page together is kafka-topics --list without the internal topics.
  const total = a.successTop(await srv.call({ Action: 'ListTopic' })).totalCount;
  const ours = [];
  for (let off = 0; off < total; off += 20) ours.push(...a.successTop(await srv.call({ Action: 'ListTopic', offset: off, limit: 20 })).topicList.map((x) => x.topicName));
  const listed = (await env.tools.run('topics', ['--bootstrap-server', b, '--list'])).split('\n').map((l) => l.trim()).filter(Boolean);
  a.ok(listed.includes('__consumer_offsets'), 'the broker has an internal topic');
  a.deepStrictEqual(ours, listed.filter((n) => !n.startsWith('__')).sort());
  a.deepStrictEqual(a.successTop(await srv.call({ Action: 'ListTopic', searchWord: '__' })), { totalCount: 0, topicList: [] });
});

test('GetTopicAttributes: partitions with leader, replica and ISR counts and the non-default configuration, as kafka-topics --describe', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const t = env.uniq('attr');
  await env.tools.run('topics', ['--bootstrap-server', b, '--create', '--topic', t, '--partitions', '3',
    '--config', 'retention.ms=3600000', '--config', 'cleanup.policy=compact']);
  const d = a.successTop(await srv.call({ Action: 'GetTopicAttributes', topicName: t }));
  const tool = await env.tools.describeTopic(b, t);
  a.deepStrictEqual(d, {
    topicId: t, partitionNum: 3, note: '', createTime: 0, enableWhiteList: false, ipWhiteList: [],
    config: { 'cleanup.policy': 'compact', 'retention.ms': '3600000' },
    partitions: [0, 1, 2].map((p) => ({ partition: p, leaderStatus: 0, replicaNum: 1, isrNum: 1 })),
  });
  a.deepStrictEqual(d.config, tool.configs, 'Configs: of kafka-topics --describe');
  a.strictEqual(d.partitionNum, tool.partitions);
  a.deepStrictEqual(d.partitions.map((p) => [p.partition, p.leaderStatus, p.replicaNum, p.isrNum]),
    tool.rows.map((r) => [r.partition, r.leader >= 0 ? 0 : 1, r.replicas, r.isr]));
  // A topic without overrides has an empty config.
  const plain = env.uniq('attr');
  await env.kfix.create(b, plain, 1);
  a.deepStrictEqual(a.successTop(await srv.call({ Action: 'GetTopicAttributes', topicName: plain })).config, {});
  a.deepStrictEqual((await env.tools.describeTopic(b, plain)).configs, {});
  // Unknown and internal topics are not there.
  const missing = env.uniq('nope');
  a.refused(await srv.call({ Action: 'GetTopicAttributes', topicName: missing }), 4000, new RegExp(`^\\(10012\\)topic not exist: ${missing}$`));
  a.refused(await srv.call({ Action: 'GetTopicAttributes', topicName: '__consumer_offsets' }), 4000, /^\(10012\)topic not exist/);
});

test('ListInstance: only the instances the key may use, with whether each cluster answers', async () => {
  const srv = await env.sharedServer();
  const full = a.success(await srv.call({ Action: 'ListInstance', instanceId: undefined }));
  a.deepStrictEqual(full, { totalCount: 2, instanceList: [
    { instanceId: env.INSTANCE, instanceName: env.INSTANCE, status: 1 },
    { instanceId: 'ckafka-unreachable', instanceName: 'ckafka-unreachable', status: 2 }] });
  const limited = a.success(await srv.call({ Action: 'ListInstance', instanceId: undefined }, { secretId: env.LIMITED_ID, secretKey: env.LIMITED_KEY }));
  a.deepStrictEqual(limited, { totalCount: 1, instanceList: [{ instanceId: 'ckafka-unreachable', instanceName: 'ckafka-unreachable', status: 2 }] });
  a.deepStrictEqual(a.success(await srv.call({ Action: 'ListInstance', instanceId: undefined, searchWord: 'test' })).instanceList.map((i) => i.instanceId), [env.INSTANCE]);
  a.deepStrictEqual(a.success(await srv.call({ Action: 'ListInstance', instanceId: undefined, offset: 1, limit: 1 })).instanceList.map((i) => i.instanceId), ['ckafka-unreachable']);
});

test('GetInstanceAttributes: brokers, controller, topic and partition counts, as the broker and kafka-topics say', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const [host, port] = b.split(':');
  const d = a.successTop(await srv.call({ Action: 'GetInstanceAttributes' }));
  const all = await env.tools.run('topics', ['--bootstrap-server', b, '--describe', '--exclude-internal']);
  const heads = all.split('\n').filter((l) => /PartitionCount:/.test(l));
  a.deepStrictEqual(d, {
    instanceId: env.INSTANCE, instanceName: env.INSTANCE, vip: host, vport: port, status: 1,
    diskSize: 0, bandwith: 0, maxRetentionTime: 0, createTime: 0,
    brokers: [{ id: 1, host, port: Number(port) }],
    topicNum: heads.length,
    partitionNum: heads.reduce((n, l) => n + Number(/PartitionCount: (\d+)/.exec(l)[1]), 0),
    controllerId: 1,
  });
});

test('bad parameters of the read actions: 4000 naming the parameter, 5000 unknown instance, 4102 another key\'s instance, 5100 Kafka unreachable in bounded time', async () => {
  const srv = await env.sharedServer();
  const cases = [
    [{ Action: 'GetGroupInfo' }, 4000, /^\(9003\)missing parameter: group/],
    [{ Action: 'GetGroupInfo', 'group.0': '' }, 4000, /^\(1000\)array element group\.0 is empty/],
    [{ Action: 'GetGroupInfo', group: '' }, 4000, /^\(1000\)parameter group is empty/],
    [{ Action: 'GetGroupInfo', group: 'a', 'group.0': 'b' }, 4000, /^\(1000\)give either group or group\.0/],
    [{ Action: 'GetGroupInfo', group: Array.from({ length: 51 }, (_, i) => `g${i}`) }, 4000, /^\(1000\)too many group: 51/],
    [{ Action: 'GetGroupInfo', 'group.x': 'a' }, 4000, /^\(1000\)malformed array parameter group\.x/],
    [{ Action: 'ListGroup', limit: 51 }, 4000, /^\(1000\)parameter limit is out of range: 51 \(allowed 1 to 50\)/],
    [{ Action: 'ListGroup', limit: 0 }, 4000, /^\(1000\)parameter limit is out of range/],
    [{ Action: 'ListGroup', offset: -1 }, 4000, /^\(1000\)parameter offset is out of range/],
    [{ Action: 'ListGroup', offset: 'x' }, 4000, /offset/],
    [{ Action: 'ListGroup', group: '' }, 4000, /^\(1000\)parameter group is empty/],
    [{ Action: 'ListConsumerGroup', limit: 51 }, 4000, /^\(1000\)parameter limit is out of range: 51/],
    [{ Action: 'ListTopic', limit: 21 }, 4000, /^\(1000\)parameter limit is out of range: 21 \(allowed 1 to 20\)/],
    [{ Action: 'GetTopicAttributes' }, 4000, /^\(9003\)missing parameter: topicName/],
    [{ Action: 'GetTopicAttributes', topicName: '' }, 4000, /^\(1000\)parameter topicName is empty/],
    [{ Action: 'ListInstance', instanceId: undefined, limit: 21 }, 4000, /^\(1000\)parameter limit is out of range: 21/],
    [{ Action: 'GetInstanceAttributes', instanceId: undefined }, 4000, /^\(9003\)missing parameter: instanceId/],
  ];
  for (const [params, code, re] of cases) a.refused(await srv.call(params), code, re);
  for (const Action of ['GetGroupInfo', 'ListGroup', 'ListConsumerGroup', 'ListTopic', 'GetTopicAttributes', 'GetInstanceAttributes']) {
    const p = { Action, group: 'g', topicName: 't' };
    a.refused(await srv.call({ ...p, instanceId: 'ckafka-nope' }), 5000, /^\(10006\)instance not exist$/);
    a.refused(await srv.call(p, { secretId: env.LIMITED_ID, secretKey: env.LIMITED_KEY }), 4102, /not allowed/);
    const t0 = Date.now();
    a.refused(await srv.call({ ...p, instanceId: 'ckafka-unreachable' }), 5100, /Kafka operation failed/);
    a.ok(Date.now() - t0 < 5000 + 2000, `${Action} on a dead cluster answers within kafka_timeout`);
  }
});

test('the legacy Python SDK over HTTPS (certificate checked against the test CA): every read action, the same answers as the Node SDK', async () => {
  const srv = await env.httpsServer();
  const http = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const tag = env.uniq('py');
  const t = `${tag}-t`;
  const group = `${tag}-g`;
  await env.kfix.create(b, t, 2);
  await env.kfix.produce(b, t, 1, 6);
  await env.kfix.commit(b, group, [[t, 1, 2]]);
  const calls = [
    ['GetGroupInfo', { group: [group, `${tag}-never`] }],
    ['ListGroup', { searchWord: tag }],
    ['ListConsumerGroup', { groupName: tag }],
    ['ListTopic', { searchWord: tag }],
    ['GetTopicAttributes', { topicName: t }],
    ['ListInstance', { }],
    ['GetInstanceAttributes', {}],
  ];
  for (const [action, params] of calls) {
    for (const [method, sig] of [['GET', 'sha1'], ['POST', 'sha256']]) {
      const py = await env.pyCall(srv, action, params, { method, sig });
      const node = await http.call({ Action: action, ...params, ...(action === 'ListInstance' ? { instanceId: undefined } : {}) });
      a.strictEqual(py.code, 0, `${action} ${method} ${sig}: ${JSON.stringify(py)}`);
      a.deepStrictEqual(py, node, `${action} ${method} ${sig}: Python over HTTPS = Node over HTTP`);
    }
  }
  // Errors come back in the envelope too.
  a.refused(await env.pyCall(srv, 'GetTopicAttributes', { topicName: `${tag}-nope` }), 4000, /^\(10012\)topic not exist/);
  a.refused(await env.pyCall(srv, 'GetGroupInfo', {}, { secretKey: 'wrong' }), 4100, /authentication failed/);
});
