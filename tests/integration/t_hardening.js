'use strict';
// The defects an outside probe found, each pinned by the test named after
// it: answers that left the envelope (long GETs, nginx's own HTML pages,
// invalid UTF-8), replays (after a restart, on another host through Redis,
// a foreign Host), nonces shared by different requests, unsigned '@'
// values, signed URLs in nginx's log, lost shifts under concurrency and the
// audit order, resets that outlived kafka_timeout, a dead broker holding
// every worker, and log injection.
const fs = require('fs');
const path = require('path');
const net = require('net');
const { spawn } = require('child_process');
const { test } = require('./lib/harness');
const env = require('./lib/env');
const a = require('./lib/assert');

const utf8 = new TextDecoder('utf-8', { fatal: true });

async function group(partitions = 1, messages = 9, committed = 4) {
  const b = (await env.broker()).bootstrap;
  const topic = env.uniq('hard');
  const g = env.uniq('g');
  await env.kfix.create(b, topic, partitions);
  for (let p = 0; p < partitions; p++) {
    await env.kfix.produce(b, topic, p, messages);
    await env.kfix.commit(b, g, [[topic, p, committed]]);
  }
  return { b, topic, group: g };
}

// The raw answer: status, headers and the body as bytes.
function rawRequest(port, head, body = '') {
  return new Promise((resolve, reject) => {
    // Written, not ended: nginx takes a half-closed client for one that
    // went away (499) before the upstream answers.
    const s = net.connect(port, '127.0.0.1', () => s.write(Buffer.concat([Buffer.from(head), Buffer.from(body)])));
    const chunks = [];
    s.on('data', (c) => chunks.push(c));
    s.on('end', () => {
      const all = Buffer.concat(chunks);
      const sep = all.indexOf('\r\n\r\n');
      const m = /^HTTP\/1\.[01] (\d+)/.exec(all.slice(0, Math.max(sep, 0)).toString());
      if (!m) return reject(new Error(`no HTTP answer: ${JSON.stringify(all.slice(0, 300).toString())}`));
      return resolve({ status: Number(m[1]), head: all.slice(0, sep).toString(), body: all.slice(sep + 4) });
    });
    s.on('error', reject);
    s.setTimeout(30000, () => s.destroy(new Error('timeout')));
  });
}

// The envelope, HTTP 200, JSON, valid UTF-8.
function envelope(r) {
  a.strictEqual(r.status, 200, r.head);
  a.match(r.head, /Content-Type: application\/json/i);
  return JSON.parse(utf8.decode(r.body.length && /chunked/i.test(r.head) ? dechunk(r.body) : r.body));
}
function dechunk(b) {
  const out = [];
  let i = 0;
  for (;;) {
    const nl = b.indexOf('\r\n', i);
    const n = parseInt(b.slice(i, nl).toString(), 16);
    if (!n) break;
    out.push(b.slice(nl + 2, nl + 2 + n));
    i = nl + 2 + n + 2;
  }
  return Buffer.concat(out);
}

test('bug-long-get: a GET of 33 KB (700 topics) and one of 59 KB reach ckafka-fcgi and are answered in the envelope', async () => {
  const srv = await env.sharedServer();
  const w = await group();
  const topics = {};
  for (let i = 0; i < 700; i++) topics[`topics.${i}`] = `missing-topic-${String(i).padStart(6, '0')}-abcdefghijklmnop`;
  const q = env.signedQuery(env.commonParams({ group: w.group, ...topics }), { host: srv.host });
  a.ok(q.length > 32700, `${q.length} bytes`);
  a.refused(await env.curl(`${srv.url}/v2/index.php?${q}`), 4000, /^\(10012\)topic not exist: missing-topic-000000/);
  // 59 KB: nginx accepts it, ckafka-fcgi refuses the value by its own rule.
  const big = env.signedQuery(env.commonParams({ group: w.group, pad: 'v'.repeat(58000) }), { host: srv.host });
  a.refused(await env.curl(`${srv.url}/v2/index.php?${big}`), 4000, /value of parameter pad is too long/);
  // Over nginx's 60 KB: nginx's own refusal, in the envelope.
  const r = await rawRequest(srv.port, `GET /v2/index.php?pad=${'v'.repeat(70000)} HTTP/1.1\r\nHost: ${srv.host}\r\nConnection: close\r\n\r\n`);
  a.refused(envelope(r), 4000, /request line too long/);
});

test('bug-nginx-html-pages: 400, 405, 413, 414 and 404 of nginx itself answer in the envelope, HTTP 200', async () => {
  const srv = await env.sharedServer();
  const req = (head, body) => rawRequest(srv.port, head, body);
  const H = `Host: ${srv.host}\r\nConnection: close\r\n`;
  a.refused(envelope(await req(`POST /v2/index.php HTTP/1.1\r\n${H}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\n`, 'x'.repeat(2000000))), 4000, /request body too large/);
  a.refused(envelope(await req(`GET /v2/index.php HTTP/1.1\r\n${H}X-Big: ${'v'.repeat(70000)}\r\n\r\n`)), 4000, /bad request: .*too large/);
  a.refused(envelope(await req(`GET /v2/index.php HTTP/1.1\r\n${H}Bad Header Line\r\n\r\n`)), 4000, /bad request/);
  a.refused(envelope(await req(`TRACE /v2/index.php HTTP/1.1\r\n${H}\r\n`)), 4000, /HTTP method not allowed/);
  a.refused(envelope(await req(`GET /v2/other.php HTTP/1.1\r\n${H}\r\n`)), 4000, /\(9001\)interface not exist: no API at this path/);
  a.refused(envelope(await req(`GET /v2/index.php?${'x'.repeat(70000)} HTTP/1.1\r\n${H}\r\n`)), 4000, /request line too long/);
  // What nginx accepts at its limits, a long query and many headers
  // together, fits one FastCGI record and reaches ckafka-fcgi (which
  // answers by its own rules), rather than nginx's 500.
  const many = Array.from({ length: 800 }, (_, i) => `h${i}:\r\n`).join('');
  a.refused(envelope(await req(`GET /v2/index.php?pad=${'v'.repeat(50000)} HTTP/1.1\r\n${H}${many}\r\n`)), 4000, /value of parameter pad is too long/);
  // ckafka-fcgi still serves.
  a.success(await srv.call({ group: (await group()).group }));
});

test('bug-nginx-html-pages-aliyun: nginx\'s own errors on Aliyun\'s path "/" answer in its envelope with its HTTP statuses', async () => {
  const srv = await env.sharedServer();
  const req = (head, body) => rawRequest(srv.port, head, body);
  const H = `Host: ${srv.host}\r\nConnection: close\r\n`;
  const aliyun = (r, status, code, re) => {
    a.strictEqual(r.status, status, r.head);
    a.match(r.head, /Content-Type: application\/json/i);
    const b = JSON.parse(r.body.toString('utf8'));
    a.deepStrictEqual([b.Code, b.Success], [code, false]);
    a.match(b.Message, re);
  };
  aliyun(await req(`POST / HTTP/1.1\r\n${H}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n\r\n`, 'x'.repeat(2000000)),
    400, 'InvalidParameter', /larger than 1 MB/);
  aliyun(await req(`TRACE / HTTP/1.1\r\n${H}\r\n`), 400, 'UnsupportedHTTPMethod', /use GET or POST/);
  aliyun(await req(`TRACE /?a=1 HTTP/1.1\r\n${H}\r\n`), 400, 'UnsupportedHTTPMethod', /use GET or POST/);
  // API 2.0's own pages are unchanged.
  a.refused(envelope(await req(`TRACE /v2/index.php HTTP/1.1\r\n${H}\r\n`)), 4000, /HTTP method not allowed/);
});

test('bug-invalid-utf8-in-json: an echoed value cut in the middle of a character is still valid UTF-8 JSON', async () => {
  const srv = await env.sharedServer();
  const q = env.signedQuery(env.commonParams({ Timestamp: `${'a'.repeat(39)}é` }), { host: srv.host });
  const r = await rawRequest(srv.port, `GET /v2/index.php?${q} HTTP/1.1\r\nHost: ${srv.host}\r\nConnection: close\r\n\r\n`);
  const body = envelope(r);
  a.refused(body, 4000, /Timestamp must be a 64-bit integer, got 'a{39}'\.\.\./);
});

test('bug-replay-after-restart: a request used before a restart of ckafka-fcgi is refused after it', async (ctx) => {
  const srv = await env.startServer({ workers: 2 });
  ctx.cleanups.push(() => srv.stop());
  const w = await group();
  const url = `${srv.url}/v2/index.php?${env.signedQuery(env.commonParams({ Action: 'SetGroupOffset', group: w.group, 'topics.0': w.topic, strategy: 0, shift: 1 }), { host: srv.host })}`;
  a.success(await env.curl(url));
  await srv.restartResponder();
  a.refused(await env.curl(url), 4500, /replayed request/);
  const rows = await env.tools.describe(w.b, w.group);
  a.deepStrictEqual(rows.map((r) => r.current), [5], 'shifted once, not twice');
});

test('bug-foreign-host: a request signed for another deployment\'s host is refused; -t warns when signature_hosts is empty', async (ctx) => {
  const srv = await env.sharedServer();
  const w = await group();
  const foreign = 'ckafka.api.qcloud.com';
  const q = env.signedQuery(env.commonParams({ group: w.group }), { host: foreign });
  const r = await rawRequest(srv.port, `GET /v2/index.php?${q} HTTP/1.1\r\nHost: ${foreign}\r\nConnection: close\r\n\r\n`);
  a.refused(envelope(r), 4100, /signed for host 'ckafka.api.qcloud.com', which this server does not answer/);
  // The same request signed for this server's own host is answered.
  a.success(await env.curl(`${srv.url}/v2/index.php?${env.signedQuery(env.commonParams({ group: w.group }), { host: srv.host })}`));
  const conf = path.join(env.TMP, `${env.uniq('conf')}.conf`);
  fs.writeFileSync(conf, fs.readFileSync(srv.conf, 'utf8').replace(/^signature_hosts = .*$/m, ''), { mode: 0o600 });
  const t = await env.run(env.BIN, ['-t', '-c', conf]);
  a.strictEqual(t.code, 0, t.stderr);
  a.match(t.stderr, /signature_hosts is empty/);
  const ok = await env.run(env.BIN, ['-t', '-c', srv.conf]);
  a.doesNotMatch(ok.stderr, /signature_hosts/);
  ctx.cleanups.push(() => fs.rmSync(conf, { force: true }));
});

test('PHP SDK nonces: another request with the same SecretId, Timestamp and Nonce is served; the same one again is a replay', async () => {
  const srv = await env.sharedServer();
  const w = await group();
  const common = env.commonParams({ group: w.group });
  const one = env.signedQuery({ ...common, limit: 10 }, { host: srv.host });
  const two = env.signedQuery({ ...common, limit: 20 }, { host: srv.host });
  a.success(await env.curl(`${srv.url}/v2/index.php?${one}`));
  a.success(await env.curl(`${srv.url}/v2/index.php?${two}`));
  a.refused(await env.curl(`${srv.url}/v2/index.php?${one}`), 4500, /replayed/);
});

test('bug-unsigned-at-values: under POST an unsigned value starting with @ changes nothing a request does', async () => {
  const srv = await env.sharedServer();
  const w = await group();
  const params = env.commonParams({ group: w.group });
  // Signed without it, as contract section 3 says; then an '@' value added
  // on the path that would name a topic.
  const q = env.signedQuery(params, { host: srv.host, method: 'POST' });
  const d = a.success(await env.curl(`${srv.url}/v2/index.php`, `${q}&topics.0=%40no-such-topic`));
  a.deepStrictEqual(d.topicList.map((t) => t.topic), [w.topic]);
  // A reset whose strategy parameter is smuggled in the same way is refused
  // as missing it, and nothing moves.
  const reset = env.commonParams({ Action: 'SetGroupOffset', group: w.group, 'topics.0': w.topic, strategy: 2 });
  const rq = env.signedQuery(reset, { host: srv.host, method: 'POST' });
  a.refused(await env.curl(`${srv.url}/v2/index.php`, `${rq}&offset=%400`), 4000, /missing parameter: offset/);
  a.deepStrictEqual((await env.tools.describe(w.b, w.group)).map((r) => r.current), [4]);
});

test('bug-signed-urls-in-nginx-log: nginx\'s access log records the path, never the signed query', async (ctx) => {
  const srv = await env.startServer({ workers: 1 });
  ctx.cleanups.push(() => srv.stop());
  const w = await group();
  a.success(await env.signedGet(srv, { group: w.group }));
  a.success(await srv.call({ group: w.group }));
  await env.waitFor('nginx to log', () => /GET \/v2\/index\.php HTTP/.test(srv.log('nginx-access.log')));
  const log = srv.log('nginx-access.log');
  a.doesNotMatch(log, /Signature|Nonce|SecretId/);
});

test('bug-log-injection: a group name with a newline and quotes, echoed in the error log, forges no line', async (ctx) => {
  const srv = await env.startServer({ workers: 1, extra: ['slowlog_threshold = 1ms'] });
  ctx.cleanups.push(() => srv.stop());
  const forged = 'g\n2026-01-01T00:00:00.000Z [error] 1 master: FORGED "line"';
  a.success(await env.signedGet(srv, { group: forged }));
  await env.waitFor('the slow log line', () => /slow request: .*group=g\\n2026/.test(srv.log('error.log')));
  for (const line of srv.log('error.log').split('\n')) a.doesNotMatch(line, /^2026-01-01T00:00:00\.000Z/);
  a.match(srv.log('error.log'), /FORGED \\"line\\"/);
});

test('bug-broker-down-holds-workers: every bootstrap broker refusing connections is answered 5100 at once, not after kafka_timeout', async (ctx) => {
  const br = await env.startBroker('refused');
  ctx.cleanups.push(() => br.stop());
  const srv = await env.startServer({ bootstrap: br.bootstrap, workers: 4 });
  ctx.cleanups.push(() => srv.stop());
  const w = await group();
  a.success(await env.signedGet(srv, { group: w.group }));
  await br.halt();
  // Once librdkafka has noticed (its reconnects are refused at once, every
  // 100 ms to 1 s)...
  await env.sleep(1500);
  // ...8 clients on 4 workers: each answer comes promptly, none waits the
  // 5 s kafka_timeout (which 8 on 4 would stack to 10 s).
  const stats = await env.load(() => env.signedGet(srv, { group: w.group }), { concurrency: 8, ms: 3000 });
  a.deepStrictEqual(Object.keys(stats.codes), ['5100'], JSON.stringify(stats.codes));
  a.ok(stats.n >= 16, `${stats.n} answers`);
  // Prompt means far below the 5 s kafka_timeout the bug waited, with room
  // for a loaded machine.
  a.ok(stats.maxMs <= 2000, `slowest answer ${stats.maxMs} ms`);
  a.refused(await env.signedGet(srv, { group: w.group }), 5100, /every bootstrap broker refuses connections \(127\.0\.0\.1:\d+: Connection refused\)/);
  // A client that never connected (new worker, dead port) is prompt too.
  const t0 = Date.now();
  a.refused(await env.signedGet(srv, { group: w.group, instanceId: 'ckafka-unreachable' }), 5100);
  a.ok(Date.now() - t0 <= 2000, `${Date.now() - t0} ms`);
  await br.start();
  await env.waitFor('service back', async () => (await env.signedGet(srv, { group: w.group })).code === 0, 20000, 200);
}, { timeout: 120000 });

test('bug-reset-twice-timeout: a reset whose commit answer never comes ends within kafka_timeout, read-back included', async (ctx) => {
  const { KafkaProxy, withProxy } = require('./lib/kproxy');
  const { proxy, srv, ...w } = await withProxy(ctx, 'twice', { prefix: 'twice', partitions: 2, kafkaTimeout: '3s' });
  const hit = proxy.inject(KafkaProxy.OFFSET_COMMIT, 'lose-response', 10000);
  const t0 = Date.now();
  const r = await srv.call({ Action: 'SetGroupOffset', group: w.group, topics: [w.topic], strategy: 2, offset: 7 });
  const took = Date.now() - t0;
  await hit;
  a.refused(r, 5100, /outcome is unknown/);
  // 3 s, and a second for a loaded machine: never the 6 s of two timeouts.
  a.ok(took <= 3000 + 1000, `answered after ${took} ms`);
}, { timeout: 120000 });

test('bug-lost-shifts: concurrent shifts of one group are serialized, none is lost, and the audit log follows the commit order', async (ctx) => {
  const srv = await env.startServer({ workers: 4 });
  ctx.cleanups.push(() => srv.stop());
  const w = await group(1, 200, 50);
  const shift = (n) => env.signedGet(srv, { Action: 'SetGroupOffset', group: w.group, 'topics.0': w.topic, strategy: 0, shift: n });
  for (let i = 0; i < 10; i++) {
    const [x, y] = await Promise.all([shift(1), shift(2)]);
    a.success(x);
    a.success(y);
  }
  a.deepStrictEqual((await env.tools.describe(w.b, w.group)).map((r) => r.current), [80]);
  const lines = srv.log('audit.log').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.group === w.group);
  a.strictEqual(lines.length, 20);
  for (let i = 1; i < lines.length; i++) a.strictEqual(lines[i].partitions[0].old, lines[i - 1].partitions[0].new, `line ${i}`);
});

// A redis-server of our own on loopback, no persistence.
async function startRedis(ctx) {
  const port = await env.freePort();
  const dir = fs.mkdtempSync(path.join(env.TMP, 'redis-'));
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  env.children.add(proc);
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      await env.waitFor('redis to stop', () => proc.exitCode !== null || proc.signalCode !== null, 10000);
    }
    env.children.delete(proc);
  };
  ctx.cleanups.push(stop);
  await env.waitFor('redis to listen', async () => !(await env.portFree(port)), 10000);
  return { url: `redis://127.0.0.1:${port}/0`, stop };
}

test('replay_store = redis: a request used on one host is refused on another sharing the store; with Redis down nothing is executed', async (ctx) => {
  const redis = await startRedis(ctx);
  const lb = 'ckafka.lb.test';
  const extra = [`replay_store = ${redis.url}`, `signature_hosts = ${lb}`];
  const one = await env.startServer({ workers: 2, extra });
  ctx.cleanups.push(() => one.stop());
  const two = await env.startServer({ workers: 2, extra });
  ctx.cleanups.push(() => two.stop());
  const w = await group(1, 200, 50);
  const q = env.signedQuery(env.commonParams({ Action: 'SetGroupOffset', group: w.group, 'topics.0': w.topic, strategy: 0, shift: 1 }), { host: lb });
  const send = async (srv) => envelope(await rawRequest(srv.port, `GET /v2/index.php?${q} HTTP/1.1\r\nHost: ${lb}\r\nConnection: close\r\n\r\n`));
  a.success(await send(one));
  a.refused(await send(two), 4500, /replayed/);
  a.refused(await send(one), 4500, /replayed/);
  // Concurrent shifts through both hosts: the lock holds across them.
  const shift = (srv, n) => {
    const sq = env.signedQuery(env.commonParams({ Action: 'SetGroupOffset', group: w.group, 'topics.0': w.topic, strategy: 0, shift: n }), { host: lb });
    return rawRequest(srv.port, `GET /v2/index.php?${sq} HTTP/1.1\r\nHost: ${lb}\r\nConnection: close\r\n\r\n`).then(envelope);
  };
  for (let i = 0; i < 5; i++) {
    const [x, y] = await Promise.all([shift(one, 1), shift(two, 2)]);
    a.success(x);
    a.success(y);
  }
  a.deepStrictEqual((await env.tools.describe(w.b, w.group)).map((r) => r.current), [66]);
  // Redis gone: refused (never accepted unchecked), nothing reset.
  await redis.stop();
  a.refused(await shift(one, 5), 5100, /replay store did not answer/);
  a.deepStrictEqual((await env.tools.describe(w.b, w.group)).map((r) => r.current), [66]);
  a.match(one.log('error.log'), /replay store: redis:\/\/127\.0\.0\.1:\d+\/0: /);
}, { timeout: 120000 });
