'use strict';
// GetGroupOffsets (contract section 6) against a real broker through nginx,
// driven by the legacy Node SDK, wget and curl, cross-checked with Kafka's
// own kafka-consumer-groups --describe.
const { test } = require('./lib/harness');
const env = require('./lib/env');
const a = require('./lib/assert');

// Two topics with known messages and a group with known commits:
//   A: 3 partitions, 10/5/0 messages; commits 0=4 ("m1"), 1=5
//   B: 2 partitions, 3/3 messages;   commit  1=3
async function world() {
  const b = (await env.broker()).bootstrap;
  const A = env.uniq('goA');
  const B = env.uniq('goB');
  const group = env.uniq('g');
  await env.kfix.create(b, A, 3);
  await env.kfix.create(b, B, 2);
  await env.kfix.produce(b, A, 0, 10);
  await env.kfix.produce(b, A, 1, 5);
  await env.kfix.produce(b, B, 0, 3);
  await env.kfix.produce(b, B, 1, 3);
  await env.kfix.commit(b, group, [[A, 0, 4, 'm1'], [A, 1, 5], [B, 1, 3]]);
  return { b, A, B, group };
}

function expected(w) {
  return {
    totalCount: 2,
    topicList: [
      { topic: w.A, partitions: [
        { partition: 0, offset: 4, metadata: 'm1', err_code: 0, log_end_offset: 10, lag: 6 },
        { partition: 1, offset: 5, metadata: '', err_code: 0, log_end_offset: 5, lag: 0 },
        { partition: 2, offset: -1, metadata: '', err_code: 0, log_end_offset: 0, lag: 0 },
      ] },
      { topic: w.B, partitions: [
        { partition: 0, offset: -1, metadata: '', err_code: 0, log_end_offset: 3, lag: 3 },
        { partition: 1, offset: 3, metadata: '', err_code: 0, log_end_offset: 3, lag: 0 },
      ] },
    ].sort((x, y) => (x.topic < y.topic ? -1 : 1)),
  };
}

test('every committed topic, every partition: offset, metadata, log end, lag (SDK, GET and POST, SHA-1 and SHA-256)', async () => {
  const srv = await env.sharedServer();
  const w = await world();
  const want = expected(w);
  for (const [method, sig] of [['GET', 'sha1'], ['POST', 'sha256'], ['GET', 'sha256'], ['POST', 'sha1']]) {
    const data = a.success(await srv.call({ group: w.group }, { method, sig }), `${method} ${sig}`);
    a.deepStrictEqual(data, want, `${method} ${sig}`);
  }
});

test('numbers agree with kafka-consumer-groups --describe', async () => {
  const srv = await env.sharedServer();
  const w = await world();
  await env.kfix.commit(w.b, w.group, [[w.A, 2, 0]]);
  const data = a.success(await srv.call({ group: w.group }));
  const ours = new Map();
  for (const t of data.topicList) for (const p of t.partitions) ours.set(`${t.topic}/${p.partition}`, p);
  const rows = await env.tools.describe(w.b, w.group);
  a.strictEqual(rows.length, 4, 'describe lists the four committed partitions');
  for (const r of rows) {
    const p = ours.get(`${r.topic}/${r.partition}`);
    a.ok(p, `${r.topic}/${r.partition} in our answer`);
    a.strictEqual(p.offset, r.current, `committed ${r.topic}/${r.partition}`);
    a.strictEqual(p.log_end_offset, r.logEnd, `log end ${r.topic}/${r.partition}`);
    a.strictEqual(p.lag, r.lag, `lag ${r.topic}/${r.partition}`);
  }
});

test('topics.N names topics: every partition, topics in name order, partitions by id', async () => {
  const srv = await env.sharedServer();
  const w = await world();
  const data = a.success(await srv.call({ group: w.group, topics: [w.B, w.A, w.B] }));
  a.deepStrictEqual(data, expected(w));
  // Only one of them.
  const one = a.success(await srv.call({ group: w.group, topics: [w.B] }));
  a.strictEqual(one.totalCount, 1);
  a.strictEqual(one.topicList[0].topic, w.B);
  // A group that never committed: every offset -1, lag from the log start.
  const none = a.success(await srv.call({ group: env.uniq('never'), topics: [w.A] }));
  a.deepStrictEqual(none.topicList[0].partitions.map((p) => [p.offset, p.log_end_offset, p.lag]),
    [[-1, 10, 10], [-1, 5, 5], [-1, 0, 0]]);
});

test('paging over topics: offset, limit, totalCount before paging', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const group = env.uniq('gpage');
  const base = env.uniq('page');
  const names = ['a', 'b', 'c', 'd', 'e'].map((x) => `${base}-${x}`);
  for (const t of names) await env.kfix.create(b, t, 1);
  await env.kfix.commit(b, group, names.map((t) => [t, 0, 0]));
  const page = async (extra) => a.success(await srv.call({ group, ...extra }));
  let d = await page({ limit: 2 });
  a.strictEqual(d.totalCount, 5);
  a.deepStrictEqual(d.topicList.map((t) => t.topic), names.slice(0, 2));
  d = await page({ offset: 2, limit: 2 });
  a.deepStrictEqual(d.topicList.map((t) => t.topic), names.slice(2, 4));
  d = await page({ offset: 4, limit: 50 });
  a.deepStrictEqual(d.topicList.map((t) => t.topic), names.slice(4));
  d = await page({ offset: 5 });
  a.strictEqual(d.totalCount, 5);
  a.deepStrictEqual(d.topicList, []);
  d = await page({ offset: 1000000 });
  a.deepStrictEqual(d.topicList, []);
  d = await page({});
  a.strictEqual(d.topicList.length, 5);
  // Paging applies to named topics as well.
  d = await page({ topics: names.slice().reverse(), offset: 1, limit: 3 });
  a.strictEqual(d.totalCount, 5);
  a.deepStrictEqual(d.topicList.map((t) => t.topic), names.slice(1, 4));
});

test('limit and offset out of range or malformed: 4000 naming the parameter', async () => {
  const srv = await env.sharedServer();
  const group = env.uniq('g');
  const cases = [
    [{ limit: 0 }, /limit/], [{ limit: 51 }, /limit/], [{ limit: -1 }, /limit/],
    [{ limit: 'ten' }, /limit/], [{ limit: '' }, /limit/], [{ limit: '5 ' }, /limit/],
    [{ offset: -1 }, /offset/], [{ offset: '1e3' }, /offset/],
    [{ offset: '99999999999999999999' }, /offset/],
  ];
  for (const [extra, re] of cases) {
    a.refused(await srv.call({ group, ...extra }), 4000, re);
  }
});

test('searchWord filters topic names by substring before paging', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const group = env.uniq('gsearch');
  const base = env.uniq('sw');
  const names = [`${base}-alpha-1`, `${base}-beta-1`, `${base}-alpha-2`, `${base}-ALPHA-3`];
  for (const t of names) await env.kfix.create(b, t, 1);
  await env.kfix.commit(b, group, names.map((t) => [t, 0, 0]));
  let d = a.success(await srv.call({ group, searchWord: 'alpha' }));
  a.strictEqual(d.totalCount, 2);
  a.deepStrictEqual(d.topicList.map((t) => t.topic), [`${base}-alpha-1`, `${base}-alpha-2`]);
  d = a.success(await srv.call({ group, searchWord: 'alpha', limit: 1, offset: 1 }));
  a.strictEqual(d.totalCount, 2);
  a.deepStrictEqual(d.topicList.map((t) => t.topic), [`${base}-alpha-2`]);
  d = a.success(await srv.call({ group, searchWord: 'nothing-like-this' }));
  a.deepStrictEqual(d, { totalCount: 0, topicList: [] });
  d = a.success(await srv.call({ group, searchWord: '' }));
  a.strictEqual(d.totalCount, 4);
});

test('a named topic that does not exist: 4000 (10012)topic not exist naming it', async () => {
  const srv = await env.sharedServer();
  const w = await world();
  const missing = env.uniq('missing');
  a.refused(await srv.call({ group: w.group, topics: [w.A, missing] }), 4000,
    new RegExp(`^\\(10012\\)topic not exist: ${missing}$`));
});

test('a group with no commits and no topics named: totalCount 0', async () => {
  const srv = await env.sharedServer();
  const d = a.success(await srv.call({ group: env.uniq('empty') }));
  a.deepStrictEqual(d, { totalCount: 0, topicList: [] });
});

test('unknown instance: 5000 (10006)instance not exist; a key not allowed on it: 4102', async () => {
  const srv = await env.sharedServer();
  a.refused(await srv.call({ group: 'g', instanceId: 'ckafka-nope' }), 5000, /^\(10006\)instance not exist$/);
  // The limited key learns nothing about whether the instance exists.
  for (const inst of ['ckafka-nope', env.INSTANCE]) {
    a.refused(await srv.call({ group: 'g', instanceId: inst }, { secretId: env.LIMITED_ID, secretKey: env.LIMITED_KEY }),
      4102, /not allowed/);
  }
});

test('lag is never negative, even with a commit past the log end', async () => {
  const srv = await env.sharedServer();
  const b = (await env.broker()).bootstrap;
  const t = env.uniq('past');
  const group = env.uniq('g');
  await env.kfix.create(b, t, 1);
  await env.kfix.produce(b, t, 0, 10);
  await env.kfix.commit(b, group, [[t, 0, 100]]);
  const d = a.success(await srv.call({ group }));
  a.deepStrictEqual(d.topicList[0].partitions[0], { partition: 0, offset: 100, metadata: '', err_code: 0, log_end_offset: 10, lag: 0 });
});

test('wget and curl with a hand-signed request: GET and POST, same answer as the SDK', async () => {
  const srv = await env.sharedServer();
  const w = await world();
  const want = expected(w);
  const url = `${srv.url}/v2/index.php`;
  const q = (method, sha256) => env.signedQuery(env.commonParams({ group: w.group }), { method, host: srv.host, sha256 });
  a.deepStrictEqual(a.success(await env.wget(`${url}?${q('GET', false)}`)), want);
  a.deepStrictEqual(a.success(await env.wget(url, q('POST', true))), want);
  a.deepStrictEqual(a.success(await env.curl(`${url}?${q('GET', true)}`)), want);
  a.deepStrictEqual(a.success(await env.curl(url, q('POST', false))), want);
});

test('responses are HTTP 200 application/json with integer offsets', async () => {
  const srv = await env.sharedServer();
  const w = await world();
  for (const extra of [{ group: w.group }, { group: w.group, limit: 99 }, {}]) {
    const q = env.signedQuery(env.commonParams(extra), { host: srv.host });
    const r = await env.httpRequest(`${srv.url}/v2/index.php?${q}`);
    a.strictEqual(r.status, 200);
    a.strictEqual(r.headers['content-type'], 'application/json; charset=utf-8');
    a.ok(!/\d\.\d/.test(r.body.replace(/"[^"]*"/g, '')), `no floats in ${r.body}`);
  }
});

test('bad requests: a clear 4000 in the envelope, HTTP 200, and the workers keep serving', async () => {
  const srv = await env.sharedServer();
  const before = JSON.parse((await env.httpGet(`${srv.url}/ckafka-status`)).body).restarts;
  const url = `${srv.url}/v2/index.php`;
  const signed = (extra, o = {}) => env.signedQuery(env.commonParams(extra), { host: srv.host, ...o });
  const cases = [
    // [description, request, code, message pattern]
    ['missing group', () => env.httpGet(`${url}?${signed({})}`), 4000, /^\(9003\)missing parameter: group$/],
    ['empty group', () => env.httpGet(`${url}?${signed({ group: '' })}`), 4000, /group is empty/],
    ['topics index with a leading zero', () => env.httpGet(`${url}?${signed({ group: 'g', 'topics.01': 'x' })}`), 4000, /topics\.01/],
    ['topics as a scalar', () => env.httpGet(`${url}?${signed({ group: 'g', topics: 'x' })}`), 4000, /topics\.0/],
    ['empty array element', () => env.httpGet(`${url}?${signed({ group: 'g', 'topics.0': '' })}`), 4000, /topics\.0 is empty/],
    ['unknown Action', () => env.httpGet(`${url}?${signed({ Action: 'DeleteEverything' })}`), 4000, /^\(9001\)interface not exist$/],
    ['missing Action', () => env.httpGet(`${url}?${signed({ Action: undefined })}`), 4000, /missing parameter: Action/],
    ['malformed escape', () => env.httpGet(`${url}?group=%zz&Action=GetGroupOffsets`), 4000, /group/],
    ['invalid UTF-8', () => env.httpGet(`${url}?group=%ff`), 4000, /group/],
    ['NUL byte', () => env.httpGet(`${url}?group=a%00b`), 4000, /group/],
    ['a parameter twice', () => env.httpGet(`${url}?${signed({ group: 'g' })}&group=h`), 4000, /group is given more than once/],
    ['body over max_body', () => env.httpRequest(url, { method: 'POST', body: `${signed({ group: 'g' }, { method: 'POST' })}&pad=${'x'.repeat(70000)}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), 4000, /larger than 65536 bytes/],
    ['JSON body', () => env.httpRequest(url, { method: 'POST', body: '{"Action":"GetGroupOffsets"}', headers: { 'Content-Type': 'application/json' } }), 4000, /application\/json is not supported/],
    ['PUT', () => env.httpRequest(`${url}?${signed({ group: 'g' })}`, { method: 'PUT' }), 4000, /PUT is not supported/],
    ['Timestamp not a number', () => env.httpGet(`${url}?${signed({ group: 'g', Timestamp: 'now' })}`), 4000, /Timestamp/],
    ['Nonce negative', () => env.httpGet(`${url}?${signed({ group: 'g', Nonce: -5 })}`), 4000, /Nonce/],
  ];
  for (const [what, send, code, re] of cases) {
    const r = await send();
    a.strictEqual(r.status, 200, what);
    let body;
    try { body = JSON.parse(r.body); } catch (e) { throw new Error(`${what}: not JSON: ${r.body.slice(0, 200)}`); }
    try { a.refused(body, code, re); } catch (e) { throw new Error(`${what}: ${e.message}`); }
  }
  a.success(await srv.call({ group: 'still-serving' }));
  const after = JSON.parse((await env.httpGet(`${srv.url}/ckafka-status`)).body).restarts;
  a.deepStrictEqual(after, before, 'no worker restarted');
});

test('Kafka unreachable: 5100 within the Kafka timeout, never a hang', async () => {
  const srv = await env.sharedServer();
  const t0 = Date.now();
  a.refused(await srv.call({ group: 'g', instanceId: 'ckafka-unreachable' }), 5100, /Kafka operation failed/);
  const took = Date.now() - t0;
  a.ok(took < 5000 + 1000, `answered in ${took} ms`);
});

test('broker stopped mid-test: 5100 within the timeout, then the same worker serves again', async (ctx) => {
  const br = await env.startBroker('stopmid');
  ctx.cleanups.push(() => br.stop());
  const srv = await env.startServer({ bootstrap: br.bootstrap, workers: 1, kafkaTimeout: '2s' });
  ctx.cleanups.push(() => srv.stop());
  const t = env.uniq('mid');
  const group = env.uniq('g');
  await env.kfix.create(br.bootstrap, t, 2);
  await env.kfix.produce(br.bootstrap, t, 1, 7);
  await env.kfix.commit(br.bootstrap, group, [[t, 1, 2]]);
  const pid = async () => JSON.parse((await env.httpGet(`${srv.url}/ckafka-status?full=1`)).body).processes[0].pid;
  const pid0 = await pid();
  a.strictEqual(a.success(await srv.call({ group })).topicList[0].partitions[1].lag, 5);

  await br.halt();
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    a.refused(await srv.call({ group }), 5100, /Kafka operation failed/);
    const took = Date.now() - t0;
    a.ok(took <= 2000 + 1000, `5100 after ${took} ms`);
  }

  await br.start();
  const back = await env.waitFor('service to come back', async () => {
    const body = await srv.call({ group });
    return body.code === 0 ? body : null;
  }, 30000, 200);
  a.strictEqual(back.data.topicList[0].partitions[1].lag, 5);
  a.strictEqual(await pid(), pid0, 'the same worker answered throughout');
}, { timeout: 180000 });

test('the legacy Python SDK over HTTPS (GET and POST, HmacSHA1 and HmacSHA256): the same answer as the Node SDK and kafka-consumer-groups', async () => {
  const srv = await env.httpsServer();
  const w = await world();
  const want = expected(w);
  for (const [method, sig] of [['GET', 'sha1'], ['POST', 'sha256'], ['GET', 'sha256'], ['POST', 'sha1']]) {
    a.deepStrictEqual(a.success(await env.pyCall(srv, 'GetGroupOffsets', { group: w.group }, { method, sig }), `${method} ${sig}`), want);
  }
  // topics as a Python list (the SDK flattens it to topics.N), paging.
  const d = a.success(await env.pyCall(srv, 'GetGroupOffsets', { group: w.group, topics: [w.B, w.A], limit: 1 }));
  a.strictEqual(d.totalCount, 2);
  a.deepStrictEqual(d.topicList, [want.topicList[0]]);
  for (const r of await env.tools.describe(w.b, w.group)) {
    const p = want.topicList.find((t) => t.topic === r.topic).partitions[r.partition];
    a.strictEqual(p.offset, r.current);
  }
  a.refused(await env.pyCall(srv, 'GetGroupOffsets', { group: w.group, topics: [env.uniq('nope')] }), 4000, /^\(10012\)topic not exist/);
});
