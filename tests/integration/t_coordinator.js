'use strict';
// ckafka-fcgi sends group requests straight to the group's coordinator,
// which it computes as Kafka does (see src/kafka/groups.c). Here a broker with ten
// __consumer_offsets partitions shows where Kafka itself puts groups (a
// plain consumer commit finds its coordinator with FindCoordinator), that
// this is the rule, and that reads and resets through ckafka-fcgi work.
const { test } = require('./lib/harness');
const env = require('./lib/env');
const a = require('./lib/assert');

function javaHash(s) {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

// org.apache.kafka.common.utils.Utils.abs: MIN_VALUE -> 0, else Math.abs.
function kafkaPartition(group, n) {
  const h = javaHash(group);
  return (h === -2147483648 ? 0 : Math.abs(h)) % n;
}

test('groups live on __consumer_offsets partition abs(hashCode) % N; reads and resets reach them', async (ctx) => {
  const br = await env.startBroker('coord', { offsetsPartitions: 10 });
  ctx.cleanups.push(() => br.stop());
  const topic = 'coord-topic';
  await env.kfix.create(br.bootstrap, topic, 2);
  await env.kfix.produce(br.bootstrap, topic, 0, 20);
  // consumerGroup1 has a negative hash: a bit mask would put it on 2, not 6.
  const groups = ['consumerGroup1', 'polygenelubricants', 'reset-me'];
  a.strictEqual(kafkaPartition('consumerGroup1', 10), 6);
  a.strictEqual((javaHash('consumerGroup1') & 0x7fffffff) % 10, 2);
  for (const [i, g] of groups.entries()) {
    const before = await env.tools.endOffsets(br.bootstrap, '__consumer_offsets');
    await env.kfix.commit(br.bootstrap, g, [[topic, 0, 3 + i]]);
    const after = await env.tools.endOffsets(br.bootstrap, '__consumer_offsets');
    const grew = Object.keys(after).filter((k) => after[k] !== (before[k] || 0)).map((k) => Number(k.split(':')[1]));
    a.deepStrictEqual(grew, [kafkaPartition(g, 10)], `partition of ${g}`);
  }
  const srv = await env.startServer({ bootstrap: br.bootstrap, workers: 1 });
  ctx.cleanups.push(() => srv.stop());
  for (const [i, g] of groups.entries()) {
    const d = a.success(await srv.call({ group: g }));
    a.strictEqual(d.topicList[0].partitions[0].offset, 3 + i, g);
  }
  const r = a.success(await srv.call({ Action: 'SetGroupOffset', group: 'reset-me', topics: [topic], partitions: [0], strategy: 2, offset: 11 }));
  a.deepStrictEqual(r.succ, [{ topic, error_code: 0, partitions: [{ partition: 0, offset: 11, error_code: 0 }] }]);
  const rows = await env.tools.describe(br.bootstrap, 'reset-me');
  a.deepStrictEqual(rows.map((x) => [x.partition, x.current]), [[0, 11]]);
}, { timeout: 180000 });
