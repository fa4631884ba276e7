'use strict';
// Large lookups: above 1,000 partitions src/kafka/lookup.c cuts ListOffsets and
// OffsetFetch into slices (librdkafka 2.0.2 matches answers by linear
// search). The answers must be the same as for one call, partition by
// partition: checked against kafka-consumer-groups on 1,200 partitions.
const { test } = require('./lib/harness');
const env = require('./lib/env');
const a = require('./lib/assert');

test('1,200 partitions: sliced lookups read, reset and shift exactly as Kafka\'s own tool', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const topic = env.uniq('large');
  const group = env.uniq('g');
  const n = 1200;
  await env.kfix.create(b, topic, n);
  await env.sh(env.KFIX, ['-b', b, 'fill', topic, String(n), '3']);
  // Commits differ by partition, so a mix-up between slices shows.
  const specs = Array.from({ length: n }, (_, p) => [topic, p, p % 4]);
  for (let i = 0; i < n; i += 400) await env.kfix.commit(b, group, specs.slice(i, i + 400));

  const d = a.success(await srv.call({ group, topics: [topic] }, { method: 'POST' }));
  const parts = d.topicList[0].partitions;
  a.strictEqual(parts.length, n);
  parts.forEach((p, i) => a.deepStrictEqual([p.partition, p.offset, p.log_end_offset, p.lag], [i, i % 4, 3, 3 - (i % 4)]));
  // Without topics.N: the same partitions from the group's commits.
  a.deepStrictEqual(a.success(await srv.call({ group })).topicList[0].partitions, parts);

  const shift = a.success(await srv.call({ Action: 'SetGroupOffset', group, topics: [topic], strategy: 0, shift: 2, dryRun: 1 }, { method: 'POST' }));
  const tool = await env.tools.resetDryRun(b, group, ['--topic', topic], ['--shift-by', '2']);
  const ours = {};
  for (const p of shift.succ[0].partitions) ours[p.partition] = p.offset;
  a.strictEqual(tool.length, n);
  for (const r of tool) a.strictEqual(ours[r.partition], r.offset, `partition ${r.partition}`);

  const done = a.success(await srv.call({ Action: 'SetGroupOffset', group, topics: [topic], strategy: 1, timestamp: -2 }, { method: 'POST' }));
  a.strictEqual(done.succ[0].partitions.length, n);
  const rows = await env.tools.describe(b, group);
  a.strictEqual(rows.length, n);
  for (const r of rows) a.strictEqual(r.current, 0);
}, { timeout: 180000 });
