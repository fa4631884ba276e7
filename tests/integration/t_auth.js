'use strict';
// API 2.0 authentication (contract sections 2 to 4) through nginx: the
// legacy Node SDK and scripts/ckafka-call with wget and curl, replays across
// workers, the Timestamp window, keys and their instances, and proof that
// every refusal leaves Kafka untouched.
const fs = require('fs');
const path = require('path');
const http = require('http');
const { test } = require('./lib/harness');
const env = require('./lib/env');
const a = require('./lib/assert');

const AUTH_FAILED = /^authentication failed: unknown SecretId or signature mismatch$/;

// A topic with messages and a group whose commits we know.
async function committedGroup(groupName) {
  const b = (await env.broker()).bootstrap;
  const topic = env.uniq('auth');
  const group = groupName || env.uniq('g');
  await env.kfix.create(b, topic, 2);
  await env.kfix.produce(b, topic, 0, 9);
  await env.kfix.commit(b, group, [[topic, 0, 4]]);
  return { b, topic, group };
}

const SPECIAL = ['a b', 'a+b', '100%', 'x&y=z', '=', '消费组-ü', '@not-a-file', 'tab\there', "quote'\"", 'a_b.c'];

test('legacy Node SDK: SHA-1 and SHA-256, GET and POST, values with spaces, +, %, &, =, UTF-8 and a leading @', async () => {
  const srv = await env.sharedServer();
  for (const special of SPECIAL) {
    const w = await committedGroup(`${env.uniq('g')}${special}`);
    for (const method of ['GET', 'POST']) {
      for (const sig of ['sha1', 'sha256']) {
        // The special value both as the group and as an unknown parameter
        // that is signed too. Under POST the SDK leaves a value starting
        // with @ out of the signature, unless the request carries Version.
        for (const extra of [{}, { Version: '2017-03-12' }]) {
          const body = await srv.call({ group: w.group, RequestSource: special, ...extra }, { method, sig });
          const what = `${method} ${sig} ${JSON.stringify(special)} ${JSON.stringify(extra)}`;
          const d = a.success(body, what);
          a.strictEqual(d.topicList[0].partitions[0].offset, 4, what);
        }
      }
    }
  }
});

test('the SDK drawing its own Nonce, and an empty Region= as the PHP SDK sends it', async () => {
  const srv = await env.sharedServer();
  const w = await committedGroup();
  a.success(await srv.call({ group: w.group }, { nonce: false }));
  a.success(await srv.call({ group: w.group, Region: '' }));
  const q = env.signedQuery(env.commonParams({ group: w.group, Region: '', Token: 'temporary-token' }), { host: srv.host });
  a.success(await env.curl(`${srv.url}/v2/index.php?${q}`));
});

async function ckafkaCall(srv, args, opts = {}) {
  const r = await env.run(path.join(env.SRCDIR, 'scripts', 'ckafka-call'), args, {
    env: {
      ...process.env,
      CKAFKA_ENDPOINT: `${srv.url}/v2/index.php`,
      CKAFKA_SECRET_ID: opts.secretId || env.SECRET_ID,
      CKAFKA_SECRET_KEY: opts.secretKey || env.SECRET_KEY,
    },
  });
  if (r.code !== 0) throw new Error(`ckafka-call ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

test('scripts/ckafka-call with wget and curl, SHA-1 and SHA-256, GET and POST, special values', async () => {
  const srv = await env.sharedServer();
  for (const special of ['plain', 'a b+c%d&e=f', '消费组', '@at']) {
    const w = await committedGroup(`${env.uniq('g')}-${special}`);
    for (const client of ['wget', 'curl']) {
      for (const method of ['GET', 'POST']) {
        for (const sig of ['sha1', 'sha256']) {
          const body = await ckafkaCall(srv, ['-c', client, '-X', method, '-s', sig, 'GetGroupOffsets',
            `instanceId=${env.INSTANCE}`, `group=${w.group}`, `topics_0=${w.topic}`]);
          const d = a.success(body, `${client} ${method} ${sig} ${special}`);
          a.strictEqual(d.topicList[0].partitions[0].offset, 4);
        }
      }
    }
  }
  // -p prints a command a shell runs as is.
  const w = await committedGroup();
  const r = await env.run(path.join(env.SRCDIR, 'scripts', 'ckafka-call'), ['-p', '-c', 'wget', 'GetGroupOffsets', `instanceId=${env.INSTANCE}`, `group=${w.group}`], {
    env: { ...process.env, CKAFKA_ENDPOINT: `${srv.url}/v2/index.php`, CKAFKA_SECRET_ID: env.SECRET_ID, CKAFKA_SECRET_KEY: env.SECRET_KEY },
  });
  a.match(r.stdout, /^wget -qO- /);
  const out = await env.sh('sh', ['-c', r.stdout]);
  a.strictEqual(a.success(JSON.parse(out)).topicList[0].partitions[0].offset, 4);
  // Wrong key: refused like any other client.
  a.refused(await ckafkaCall(srv, ['GetGroupOffsets', `instanceId=${env.INSTANCE}`, 'group=g'], { secretKey: 'wrong' }), 4100, AUTH_FAILED);
});

// Sends the same request many times at once over separate connections.
function burst(url, n) {
  const agent = new http.Agent({ keepAlive: false, maxSockets: n });
  return Promise.all(Array.from({ length: n }, () => new Promise((resolve, reject) => {
    http.get(url, { agent }, (res) => {
      let d = '';
      res.on('data', (c) => { d += c; });
      res.on('end', () => resolve(JSON.parse(d)));
    }).on('error', reject);
  })));
}

test('a captured request replayed verbatim is refused, whichever worker it reaches', async () => {
  const srv = await env.sharedServer();
  const w = await committedGroup();
  const url = `${srv.url}/v2/index.php?${env.signedQuery(env.commonParams({ group: w.group }), { host: srv.host })}`;
  a.success(JSON.parse((await env.httpGet(url)).body));
  const marker = fs.statSync(path.join(srv.dir, 'access.log')).size; // bytes
  const replies = await burst(url, 40);
  for (const r of replies) a.refused(r, 4500, /replayed request/);
  // The access log says which workers refused them.
  const lines = fs.readFileSync(path.join(srv.dir, 'access.log')).subarray(marker).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
  const pids = new Set(lines.filter((l) => l.code === 4500).map((l) => l.pid));
  a.ok(pids.size >= 2, `the replays reached ${pids.size} worker(s)`);
  // The same request as POST is another request (another signature).
  const post = env.signedQuery(env.commonParams({ group: w.group }), { host: srv.host, method: 'POST' });
  a.success(JSON.parse((await env.httpRequest(`${srv.url}/v2/index.php`, { method: 'POST', body: post, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).body));
  a.refused(JSON.parse((await env.httpRequest(`${srv.url}/v2/index.php`, { method: 'POST', body: post, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).body), 4500, /replayed/);
});

test('Timestamp outside the window (300 s) is refused with 4500; inside it is accepted', async () => {
  const srv = await env.sharedServer();
  const w = await committedGroup();
  const now = Math.floor(Date.now() / 1000);
  const send = (ts) => env.curl(`${srv.url}/v2/index.php?${env.signedQuery(env.commonParams({ group: w.group, Timestamp: ts }), { host: srv.host })}`);
  a.refused(await send(now - 400), 4500, /Timestamp .* more than 300 s away/);
  a.refused(await send(now + 400), 4500, /Timestamp/);
  a.refused(await send(0), 4500, /Timestamp/);
  a.refused(await send('9223372036854775807'), 4500, /Timestamp/);
  a.success(await send(now - 250));
  a.success(await send(now + 250));
});

test('unknown SecretId and wrong signature: 4100 with the same message; 4102 for a key on another instance', async () => {
  const srv = await env.sharedServer();
  const w = await committedGroup();
  a.refused(await srv.call({ group: w.group }, { secretKey: 'not-the-key' }), 4100, AUTH_FAILED);
  a.refused(await srv.call({ group: w.group }, { secretId: 'AKIDnobody' }), 4100, AUTH_FAILED);
  a.refused(await srv.call({ group: w.group }, { secretId: 'AKIDnobody', sig: 'sha256', method: 'POST' }), 4100, AUTH_FAILED);
  a.refused(await srv.call({ group: w.group }, { secretId: env.LIMITED_ID, secretKey: env.LIMITED_KEY }), 4102,
    new RegExp(`SecretId ${env.LIMITED_ID} is not allowed to use instance ${env.INSTANCE}`));
  // The limited key works on its own instance (unreachable: 5100, past auth).
  a.refused(await srv.call({ group: w.group, instanceId: 'ckafka-unreachable' }, { secretId: env.LIMITED_ID, secretKey: env.LIMITED_KEY }), 5100);
});

test('changing anything signed fails: a value, a name, the method, the port, the path', async () => {
  const srv = await env.sharedServer();
  const w = await committedGroup();
  const base = env.commonParams({ group: w.group, limit: 10 });
  const url = `${srv.url}/v2/index.php`;
  const q = env.signedQuery(base, { host: srv.host });
  const mutate = (from, to) => { a.ok(q.includes(from), from); return q.replace(from, to); };
  a.refused(await env.curl(`${url}?${mutate('limit=10', 'limit=11')}`), 4100, AUTH_FAILED);
  a.refused(await env.curl(`${url}?${mutate('limit=10', 'limit=10&offset=0')}`), 4100, AUTH_FAILED);
  a.refused(await env.curl(`${url}?${mutate('Region=gz', 'Region=sh')}`), 4100, AUTH_FAILED);
  a.refused(await env.curl(url, q), 4100, AUTH_FAILED); // signed for GET, sent as POST
  const otherPort = env.signedQuery(env.commonParams({ group: w.group }), { host: `127.0.0.1:${srv.port + 1}` });
  a.refused(await env.curl(`${url}?${otherPort}`), 4100, AUTH_FAILED);
  const noPort = env.signedQuery(env.commonParams({ group: w.group }), { host: '127.0.0.1' });
  a.refused(await env.curl(`${url}?${noPort}`), 4100, AUTH_FAILED);
  const otherPath = env.signedQuery(env.commonParams({ group: w.group }), { host: srv.host, path: '/v2/other.php' });
  a.refused(await env.curl(`${url}?${otherPath}`), 4100, AUTH_FAILED);
  // SignatureMethod other than HmacSHA256 means SHA-1.
  const lower = env.signedQuery(env.commonParams({ group: w.group, SignatureMethod: 'hmacsha256' }), { host: srv.host });
  a.success(await env.curl(`${url}?${lower}`));
  // '_' and '.' in names are the same parameter for the signature too.
  const underscored = env.signedQuery(env.commonParams({ group: w.group, topics_0: w.topic }), { host: srv.host });
  a.success(await env.curl(`${url}?${underscored}`));
});

test('missing common parameters: 4000 naming each', async () => {
  const srv = await env.sharedServer();
  const url = `${srv.url}/v2/index.php`;
  for (const name of ['SecretId', 'Timestamp', 'Nonce']) {
    const p = env.commonParams({ group: 'g' });
    delete p[name];
    a.refused(await env.curl(`${url}?${env.signedQuery(p, { host: srv.host })}`), 4000, new RegExp(`^\\(9003\\)missing parameter: ${name}$`));
  }
  const q = env.signedQuery(env.commonParams({ group: 'g' }), { host: srv.host }).replace(/&Signature=[^&]*/, '');
  a.refused(await env.curl(`${url}?${q}`), 4000, /^\(9003\)missing parameter: Signature$/);
});

test('every refusal leaves the committed offsets untouched', async () => {
  const srv = await env.sharedServer();
  const w = await committedGroup();
  const reset = { Action: 'SetGroupOffset', group: w.group, topics: [w.topic], partitions: [0], strategy: 2, offset: 0 };
  const flat = { ...reset, topics: undefined, partitions: undefined, 'topics.0': w.topic, 'partitions.0': 0 };
  const url = `${srv.url}/v2/index.php`;
  const now = Math.floor(Date.now() / 1000);
  a.refused(await srv.call(reset, { secretKey: 'wrong' }), 4100);
  a.refused(await srv.call(reset, { secretId: 'AKIDnobody' }), 4100);
  a.refused(await srv.call(reset, { secretId: env.LIMITED_ID, secretKey: env.LIMITED_KEY }), 4102);
  a.refused(await env.curl(`${url}?${env.signedQuery(env.commonParams({ ...flat, Timestamp: now - 1000 }), { host: srv.host })}`), 4500);
  const once = `${url}?${env.signedQuery(env.commonParams({ ...flat, offset: 7 }), { host: srv.host })}`;
  a.success(await env.curl(once));
  await env.kfix.commit(w.b, w.group, [[w.topic, 0, 4]]); // put it back
  a.refused(await env.curl(once), 4500); // the replay does not reset again
  const rows = await env.tools.describe(w.b, w.group);
  a.deepStrictEqual(rows.map((r) => [r.topic, r.partition, r.current]), [[w.topic, 0, 4]]);
});

test('a full replay cache refuses new requests (4400) and forgets nothing', async (ctx) => {
  const srv = await env.startServer({ workers: 2, extra: ['replay_cache_size = 1024'] });
  ctx.cleanups.push(() => srv.stop());
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const get = (q) => new Promise((resolve, reject) => {
    http.get(`${srv.url}/v2/index.php?${q}`, { agent }, (res) => {
      let d = '';
      res.on('data', (c) => { d += c; });
      res.on('end', () => resolve(JSON.parse(d)));
    }).on('error', reject);
  });
  // Cheap requests: a valid signature on an unknown Action still counts.
  const queries = Array.from({ length: 1600 }, () => env.signedQuery(env.commonParams({ Action: 'NoSuchAction' }), { host: srv.host }));
  const replies = [];
  for (let i = 0; i < queries.length; i += 16) replies.push(...await Promise.all(queries.slice(i, i + 16).map(get)));
  const accepted = replies.filter((r) => r.code === 4000).length;
  const full = replies.filter((r) => r.code === 4400);
  a.ok(accepted >= 1024, `${accepted} accepted before the cache filled`);
  a.ok(full.length > 0, 'the cache filled');
  a.match(full[0].message, /replay cache \(replay_cache_size 1024\) is full/);
  a.strictEqual(full[0].codeDesc, 'RequestLimitExceeded');
  // Every accepted request is still remembered.
  const again = await Promise.all(queries.filter((_, i) => replies[i].code === 4000).slice(0, 200).map(get));
  for (const r of again) a.refused(r, 4500, /replayed/);
  agent.destroy();
});

test('secrets never reach the logs; -t warns about a configuration file others can read', async () => {
  const srv = await env.sharedServer();
  await srv.call({ group: 'g' }, { secretKey: 'wrong' });
  for (const f of ['error.log', 'access.log', 'audit.log', 'ckafka.out']) {
    const text = srv.log(f);
    a.ok(!text.includes(env.SECRET_KEY), `${f} holds the secret key`);
    a.ok(!text.includes(env.LIMITED_KEY), `${f} holds a secret key`);
  }
  const conf = path.join(env.TMP, `${env.uniq('conf')}.conf`);
  fs.copyFileSync(srv.conf, conf);
  fs.chmodSync(conf, 0o644);
  let r = await env.run(env.BIN, ['-t', '-c', conf]);
  a.strictEqual(r.code, 0, r.stderr);
  a.match(r.stderr, /readable by other users and holds secret keys/);
  a.ok(!(r.stdout + r.stderr).includes(env.SECRET_KEY));
  fs.chmodSync(conf, 0o600);
  r = await env.run(env.BIN, ['-t', '-c', conf]);
  a.doesNotMatch(r.stderr, /readable by other users/);
});
