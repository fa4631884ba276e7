'use strict';
// SetGroupOffset(s) (contract section 5) against a real broker through
// nginx. Every strategy's targets are compared partition by partition with
// kafka-consumer-groups --reset-offsets --dry-run on the same broker state,
// and what was committed is read back with GetGroupOffsets and with
// kafka-consumer-groups --describe.
const fs = require('fs');
const path = require('path');
const { test } = require('./lib/harness');
const env = require('./lib/env');
const a = require('./lib/assert');

async function boot() {
  return (await env.broker()).bootstrap;
}

// {topic/partition: offset} of a dry-run report or a real one.
function targets(data) {
  const m = {};
  for (const t of data.succ) for (const p of t.partitions) m[`${t.topic}/${p.partition}`] = p.offset;
  return m;
}

function toolTargets(rows) {
  const m = {};
  for (const r of rows) m[`${r.topic}/${r.partition}`] = r.offset;
  return m;
}

// {topic/partition: committed} from GetGroupOffsets.
async function committed(srv, group, topics) {
  const d = a.success(await srv.call({ group, topics }));
  const m = {};
  for (const t of d.topicList) for (const p of t.partitions) m[`${t.topic}/${p.partition}`] = p.offset;
  return m;
}

async function described(b, group) {
  const m = {};
  for (const r of await env.tools.describe(b, group)) m[`${r.topic}/${r.partition}`] = r.current;
  return m;
}

function reset(srv, group, topics, fields, o) {
  const data = { Action: 'SetGroupOffset', group, ...fields };
  if (topics) data.topics = topics;
  return srv.call(data, o);
}

// A topic of 3 partitions with 20/10/5 messages; the group committed 10/5/5.
async function world(commits = [[0, 10], [1, 5], [2, 5]]) {
  const b = await boot();
  const topic = env.uniq('rs');
  const group = env.uniq('g');
  await env.kfix.create(b, topic, 3);
  await env.kfix.produce(b, topic, 0, 20);
  await env.kfix.produce(b, topic, 1, 10);
  await env.kfix.produce(b, topic, 2, 5);
  if (commits.length) await env.kfix.commit(b, group, commits.map(([p, o]) => [topic, p, o]));
  return { b, topic, group };
}

test('strategy 0 (shift): the same targets as --shift-by, clamped at both ends; the commit reads back', async () => {
  const srv = await env.sharedServer();
  const w = await world();
  for (const shift of [3, -7, 100, -100, 0]) {
    const ours = a.success(await reset(srv, w.group, [w.topic], { strategy: 0, shift, dryRun: 1 }));
    a.strictEqual(ours.dryRun, true);
    a.deepStrictEqual(ours.failed, []);
    const tool = await env.tools.resetDryRun(w.b, w.group, ['--topic', w.topic], ['--shift-by', String(shift)]);
    a.deepStrictEqual(targets(ours), toolTargets(tool), `shift ${shift}`);
  }
  const done = a.success(await reset(srv, w.group, [w.topic], { strategy: 0, shift: -7 }));
  const want = { [`${w.topic}/0`]: 3, [`${w.topic}/1`]: 0, [`${w.topic}/2`]: 0 };
  a.deepStrictEqual(targets(done), want);
  a.deepStrictEqual(await committed(srv, w.group, [w.topic]), want);
  a.deepStrictEqual(await described(w.b, w.group), want);
});

test('clamping at the log start moved by kafka-delete-records, and at the log end (strategies 0 and 2)', async () => {
  const srv = await env.sharedServer();
  const w = await world([[0, 8], [1, 5], [2, 5]]);
  await env.tools.deleteRecords(w.b, w.topic, 0, 6); // partition 0 starts at 6
  for (const [fields, how] of [
    [{ strategy: 2, offset: 2 }, ['--to-offset', '2']],
    [{ strategy: 2, offset: 100 }, ['--to-offset', '100']],
    [{ strategy: 2, offset: 7 }, ['--to-offset', '7']],
    [{ strategy: 0, shift: -5 }, ['--shift-by', '-5']],
  ]) {
    const ours = a.success(await reset(srv, w.group, [w.topic], { ...fields, dryRun: 1 }));
    const tool = await env.tools.resetDryRun(w.b, w.group, ['--topic', w.topic], how);
    a.deepStrictEqual(targets(ours), toolTargets(tool), how.join(' '));
  }
  const done = a.success(await reset(srv, w.group, [w.topic], { strategy: 2, offset: 2 }));
  a.deepStrictEqual(targets(done), { [`${w.topic}/0`]: 6, [`${w.topic}/1`]: 2, [`${w.topic}/2`]: 2 });
  a.deepStrictEqual(await described(w.b, w.group), targets(done));
});

test('strategy 1 (time): before the first, between two, exactly at one, after the last message; -2 and -1', async () => {
  const srv = await env.sharedServer();
  const b = await boot();
  const topic = env.uniq('ts');
  const group = env.uniq('g');
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 3600 * 1000; // an hour ago
  await env.kfix.create(b, topic, 2);
  await env.kfix.produce(b, topic, 0, 10, t0, 1000); // offsets 0..9 at t0 + i s
  await env.kfix.produce(b, topic, 1, 4, t0 + 5500, 10000); // 0..3 at t0 + 5.5 s + i*10 s
  await env.kfix.commit(b, group, [[topic, 0, 5], [topic, 1, 1]]);
  const cases = [
    [t0 - 5000, 'before the first'],
    [t0 + 2500, 'between two'],
    [t0 + 4000, 'exactly at one'],
    [t0 + 7000, 'partition 1 between, partition 0 at'],
    [t0 + 100000, 'after the last'],
  ];
  const expected = {
    [t0 - 5000]: [0, 0], [t0 + 2500]: [3, 0], [t0 + 4000]: [4, 0], [t0 + 7000]: [7, 1], [t0 + 100000]: [10, 4],
  };
  for (const [ts, what] of cases) {
    const ours = a.success(await reset(srv, group, [topic], { strategy: 1, timestamp: ts, dryRun: 1 }));
    a.deepStrictEqual(targets(ours), { [`${topic}/0`]: expected[ts][0], [`${topic}/1`]: expected[ts][1] }, what);
    const tool = await env.tools.resetDryRun(b, group, ['--topic', topic], ['--to-datetime', new Date(ts).toISOString().replace('Z', '+00:00')]);
    a.deepStrictEqual(targets(ours), toolTargets(tool), `${what}: same as --to-datetime`);
  }
  for (const [timestamp, how] of [[-2, '--to-earliest'], [-1, '--to-latest']]) {
    const ours = a.success(await reset(srv, group, [topic], { strategy: 1, timestamp, dryRun: 1 }));
    const tool = await env.tools.resetDryRun(b, group, ['--topic', topic], [how]);
    a.deepStrictEqual(targets(ours), toolTargets(tool), how);
  }
  a.success(await reset(srv, group, [topic], { strategy: 1, timestamp: t0 + 2500 }));
  a.deepStrictEqual(await described(b, group), { [`${topic}/0`]: 3, [`${topic}/1`]: 0 });
});

test('strategy 1 on empty partitions commits real offsets, never -1 or -2', async () => {
  const srv = await env.sharedServer();
  const b = await boot();
  const topic = env.uniq('empty');
  const group = env.uniq('g');
  await env.kfix.create(b, topic, 2);
  for (const timestamp of [-1, -2, Date.now() - 60000]) {
    const done = a.success(await reset(srv, group, [topic], { strategy: 1, timestamp }));
    a.deepStrictEqual(targets(done), { [`${topic}/0`]: 0, [`${topic}/1`]: 0 });
  }
  a.deepStrictEqual(await described(b, group), { [`${topic}/0`]: 0, [`${topic}/1`]: 0 });
});

test('a partition without a committed offset cannot be shifted: refused as a whole, nothing committed', async () => {
  const srv = await env.sharedServer();
  const w = await world([[0, 10], [2, 5]]);
  a.refused(await reset(srv, w.group, [w.topic], { strategy: 0, shift: 1 }), 4000,
    new RegExp(`cannot shift topic ${w.topic} partition 1: group ${w.group} has no committed offset`));
  a.deepStrictEqual(await described(w.b, w.group), { [`${w.topic}/0`]: 10, [`${w.topic}/2`]: 5 });
  // Kafka's tool refuses it as well.
  const r = await env.run(env.KAFKA_LOCAL, ['tool', 'consumer-groups', '--bootstrap-server', w.b, '--reset-offsets',
    '--group', w.group, '--topic', w.topic, '--shift-by', '1', '--dry-run']);
  a.ok(r.code !== 0 || /Error|not have|committed/i.test(r.stdout + r.stderr), 'the tool refuses too');
});

test('no topics named: the partitions the group committed (as --all-topics), and a clear 4000 when there are none', async () => {
  const srv = await env.sharedServer();
  const w = await world([[0, 10], [2, 5]]);
  const w2 = await world([]);
  await env.kfix.commit(w.b, w.group, [[w2.topic, 1, 7]]);
  const ours = a.success(await reset(srv, w.group, undefined, { strategy: 1, timestamp: -2, dryRun: 1 }));
  const tool = await env.tools.resetDryRun(w.b, w.group, ['--all-topics'], ['--to-earliest']);
  a.deepStrictEqual(targets(ours), toolTargets(tool));
  a.deepStrictEqual(Object.keys(targets(ours)).sort(), [`${w.topic}/0`, `${w.topic}/2`, `${w2.topic}/1`].sort());
  a.refused(await reset(srv, env.uniq('nothing'), undefined, { strategy: 1, timestamp: -1 }), 4000,
    /^\(9003\)missing parameter: topics \(group .* has no committed offsets; name the topics/);
});

test('partitions.N restricts the reset; a partition id the topic lacks is reported, the rest is reset', async () => {
  const srv = await env.sharedServer();
  const w = await world();
  const done = a.success(await reset(srv, w.group, [w.topic], { strategy: 2, offset: 1, partitions: [2, 0, 7, 0] }));
  a.deepStrictEqual(done.succ, []);
  a.deepStrictEqual(done.failed, [{
    topic: w.topic, error_code: 3,
    error_msg: 'This request is for a topic or partition that does not exist on this broker.',
    partitions: [
      { partition: 0, offset: 1, error_code: 0 },
      { partition: 2, offset: 1, error_code: 0 },
      { partition: 7, offset: -1, error_code: 3 },
    ],
  }]);
  a.deepStrictEqual(await described(w.b, w.group), { [`${w.topic}/0`]: 1, [`${w.topic}/1`]: 5, [`${w.topic}/2`]: 1 });
});

test('a group with a live consumer is refused with (1049) and its state; nothing changes', async (ctx) => {
  const srv = await env.sharedServer();
  const w = await world();
  const member = await env.kfix.consume(w.b, w.group, [w.topic]);
  ctx.cleanups.push(() => member.stop());
  for (const fields of [{ strategy: 2, offset: 0 }, { strategy: 1, timestamp: -2, dryRun: 1 }]) {
    a.refused(await reset(srv, w.group, [w.topic], fields), 4000,
      /^\(1049\)消费分组不为空，不能进行消费重置: group .* is (Stable|PreparingRebalance|CompletingRebalance) with 1 active member$/);
  }
  await member.stop();
  a.deepStrictEqual(await described(w.b, w.group), { [`${w.topic}/0`]: 10, [`${w.topic}/1`]: 5, [`${w.topic}/2`]: 5 });
  // Once the member has left, the group is Empty and can be reset.
  a.success(await reset(srv, w.group, [w.topic], { strategy: 2, offset: 0 }));
});

test('a group that does not exist yet: the reset creates its committed offsets', async () => {
  const srv = await env.sharedServer();
  const w = await world([]);
  const done = a.success(await reset(srv, w.group, [w.topic], { strategy: 1, timestamp: -1 }));
  a.deepStrictEqual(targets(done), { [`${w.topic}/0`]: 20, [`${w.topic}/1`]: 10, [`${w.topic}/2`]: 5 });
  a.deepStrictEqual(await described(w.b, w.group), targets(done));
});

test('an unknown topic among known ones: error_code 3 with no partitions; the others are reset', async () => {
  const srv = await env.sharedServer();
  const w = await world();
  const missing = env.uniq('missing');
  const done = a.success(await srv.call({ Action: 'SetGroupOffsets', group: w.group, topics: [missing, w.topic], strategy: 2, offset: 4 }));
  a.deepStrictEqual(done, {
    succ: [{ topic: w.topic, error_code: 0, partitions: [0, 1, 2].map((p) => ({ partition: p, offset: 4, error_code: 0 })) }],
    failed: [{ topic: missing, error_code: 3, error_msg: 'This request is for a topic or partition that does not exist on this broker.', partitions: [] }],
  });
});

test('the success envelope spells msg, for both action names', async () => {
  const srv = await env.sharedServer();
  const w = await world();
  for (const Action of ['SetGroupOffset', 'SetGroupOffsets']) {
    const q = env.signedQuery(env.commonParams({ Action, group: w.group, 'topics.0': w.topic, strategy: 2, offset: 1 }), { host: srv.host });
    const r = await env.httpGet(`${srv.url}/v2/index.php?${q}`);
    a.match(r.body, /^\{"code":0,"msg":"","codeDesc":"Success","data":\{"succ":\[/);
  }
});

test('every bad parameter: 4000 naming it, and nothing committed', async () => {
  const srv = await env.sharedServer();
  const w = await world();
  const before = await described(w.b, w.group);
  const cases = [
    [{ strategy: undefined }, /^\(9003\)missing parameter: strategy$/],
    [{ strategy: 3 }, /strategy is out of range/],
    [{ strategy: -1 }, /strategy/],
    [{ strategy: 'one' }, /strategy must be a 64-bit integer/],
    [{ strategy: 0 }, /^\(9003\)missing parameter: shift$/],
    [{ strategy: 0, shift: 'x' }, /shift/],
    [{ strategy: 0, shift: '9223372036854775808' }, /shift/],
    [{ strategy: 0, shift: '' }, /shift/],
    [{ strategy: 1 }, /missing parameter: timestamp/],
    [{ strategy: 1, timestamp: -3 }, /timestamp is out of range/],
    [{ strategy: 1, timestamp: '1.5' }, /timestamp/],
    [{ strategy: 1, Timestamp_x: 1 }, /missing parameter: timestamp/],
    [{ strategy: 2 }, /missing parameter: offset/],
    [{ strategy: 2, offset: -1 }, /offset is out of range/],
    [{ strategy: 2, offset: '0x10' }, /offset/],
    [{ strategy: 2, offset: 1, dryRun: 2 }, /dryRun/],
    [{ strategy: 2, offset: 1, partitions: [-1] }, /partitions/],
    [{ strategy: 2, offset: 1, partitions: ['x'] }, /partitions/],
    [{ strategy: 2, offset: 1, partitions: ['2147483648'] }, /partitions/],
    [{ strategy: 2, offset: 1, group: '' }, /group is empty/],
    [{ strategy: 2, offset: 1, group: undefined }, /missing parameter: group/],
  ];
  for (const [fields, re] of cases) {
    const data = { Action: 'SetGroupOffset', group: w.group, topics: [w.topic], ...fields };
    for (const k of Object.keys(data)) if (data[k] === undefined) delete data[k];
    const body = await srv.call(data);
    try {
      a.refused(body, 4000, re);
    } catch (e) {
      throw new Error(`${JSON.stringify(fields)}: ${e.message}`);
    }
  }
  const q = env.signedQuery(env.commonParams({ Action: 'SetGroupOffset', group: w.group, 'topics.01': w.topic, strategy: 2, offset: 0 }), { host: srv.host });
  a.refused(await env.curl(`${srv.url}/v2/index.php?${q}`), 4000, /topics\.01/);
  a.deepStrictEqual(await described(w.b, w.group), before, 'nothing was committed');
});

test('dryRun=1 reports what the reset would commit, by the same path, and commits nothing', async () => {
  const srv = await env.sharedServer();
  const w = await world();
  const before = await described(w.b, w.group);
  const dry = a.success(await reset(srv, w.group, [w.topic], { strategy: 0, shift: -3, dryRun: 1 }));
  a.deepStrictEqual(await described(w.b, w.group), before);
  const audit = path.join(srv.dir, 'audit.log');
  const auditBefore = fs.existsSync(audit) ? fs.readFileSync(audit, 'utf8') : '';
  a.ok(!auditBefore.includes(w.group), 'a dry run is not audited');
  const real = a.success(await reset(srv, w.group, [w.topic], { strategy: 0, shift: -3 }));
  delete dry.dryRun;
  a.deepStrictEqual(real, dry);
});

test('the audit line matches what was committed and what was there before', async () => {
  const srv = await env.sharedServer();
  const w = await world();
  const before = await described(w.b, w.group);
  a.success(await reset(srv, w.group, [w.topic], { strategy: 2, offset: 7 }, { method: 'POST' }));
  const after = await described(w.b, w.group);
  const lines = srv.log('audit.log').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.group === w.group);
  a.strictEqual(lines.length, 1);
  const l = lines[0];
  a.strictEqual(l.secretId, env.SECRET_ID);
  a.strictEqual(l.instance, env.INSTANCE);
  a.strictEqual(l.client, '127.0.0.1');
  a.strictEqual(l.action, 'SetGroupOffset');
  a.strictEqual(l.strategy, 2);
  a.strictEqual(l.offset, 7);
  a.strictEqual(l.outcome, 'committed');
  a.ok(!Number.isNaN(Date.parse(l.time)));
  const old = {};
  const neu = {};
  for (const p of l.partitions) {
    old[`${p.topic}/${p.partition}`] = p.old;
    neu[`${p.topic}/${p.partition}`] = p.new;
    a.strictEqual(p.error_code, 0);
  }
  a.deepStrictEqual(old, before);
  a.deepStrictEqual(neu, after);
  // The line undoes the reset with Kafka's own tool (--from-file).
  const csv = path.join(env.TMP, `${env.uniq('undo')}.csv`);
  fs.writeFileSync(csv, l.partitions.map((p) => `${p.topic},${p.partition},${p.old}`).join('\n') + '\n');
  await env.tools.run('consumer-groups', ['--bootstrap-server', w.b, '--reset-offsets', '--group', w.group, '--from-file', csv, '--execute']);
  a.deepStrictEqual(await described(w.b, w.group), before);
});

test('bug-metadata-refresh-mid-reset: a metadata refresh between planning and commit does not corrupt the reset', async (ctx) => {
  // With metadata_cache = 0 every Kafka call refreshes the cache, as a long
  // reset does when it outlives the cache: the partitions to commit must
  // not borrow topic names from it.
  const srv = await env.startServer({ workers: 1, extra: ['metadata_cache = 0'] });
  ctx.cleanups.push(() => srv.stop());
  const w = await world();
  const w2 = await world();
  await env.kfix.commit(w.b, w.group, [[w2.topic, 0, 1]]);
  const done = a.success(await srv.call({ Action: 'SetGroupOffset', group: w.group, topics: [w.topic, w2.topic], strategy: 2, offset: 4 }));
  a.deepStrictEqual(done.failed, []);
  a.deepStrictEqual(targets(done), {
    [`${w.topic}/0`]: 4, [`${w.topic}/1`]: 4, [`${w.topic}/2`]: 4,
    [`${w2.topic}/0`]: 4, [`${w2.topic}/1`]: 4, [`${w2.topic}/2`]: 4,
  });
  a.deepStrictEqual(await described(w.b, w.group), targets(done));
  const d = a.success(await srv.call({ group: w.group, topics: [w2.topic, w.topic] }));
  a.deepStrictEqual(d.topicList.map((t) => t.topic), [w.topic, w2.topic].sort());
});

test('the legacy Python SDK over HTTPS (GET and POST, HmacSHA1 and HmacSHA256): the same targets as --reset-offsets --dry-run, committed', async () => {
  const srv = await env.httpsServer();
  for (const [method, sig, action] of [['GET', 'sha1', 'SetGroupOffset'], ['POST', 'sha256', 'SetGroupOffsets']]) {
    const w = await world();
    const want = toolTargets(await env.tools.resetDryRun(w.b, w.group, ['--topic', w.topic], ['--shift-by', '-3']));
    const body = await env.pyCall(srv, action, { group: w.group, topics: [w.topic], strategy: 0, shift: -3 }, { method, sig });
    a.strictEqual(body.msg, '', `${action}: the success envelope spells msg`);
    const d = a.success(body, `${method} ${sig}`);
    a.deepStrictEqual(targets(d), want, `${method} ${sig}: Python SDK targets = the tool's`);
    a.deepStrictEqual(await described(w.b, w.group), want, 'committed, as kafka-consumer-groups --describe reads it');
  }
  // A refused reset leaves the offsets as they were.
  const w = await world();
  const before = await described(w.b, w.group);
  a.refused(await env.pyCall(srv, 'SetGroupOffset', { group: w.group, topics: [w.topic], strategy: 9 }), 4000, /strategy/);
  a.deepStrictEqual(await described(w.b, w.group), before);
});
