#!/usr/bin/env node
'use strict';
// tests/probe.js - the outside probe of a running ckafka-fcgi (for instance
// the one scripts/run starts), as a hostile client tries it: malformed
// requests of every kind, replays over several connections, concurrent
// shifts of one group, and (with --broker-down) the broker stopped. Loopback
// only, bounded in count and time; not part of the test command (the
// integration suite pins each case). Prints the figures and exits non-zero
// when any is off.
//
//   node tests/probe.js [--port 8080] [--instance ckafka-local]
//        [--save FILE | --replay FILE] [--broker-down]
//
// Keys from CKAFKA_SECRET_ID and CKAFKA_SECRET_KEY (scripts/run prints
// them). --save keeps the signed requests it used, and --replay FILE sends
// them again (after a restart of the server: each must be refused 4500).
// --broker-down halts and restarts scripts/run's Kafka (scripts/kafka-local).
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { execFileSync } = require('child_process');

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? def : args[i + 1];
};
const flag = (name) => args.includes(`--${name}`);
const PORT = Number(opt('port', process.env.CKAFKA_HTTP_PORT || 8080));
const HOST = `127.0.0.1:${PORT}`;
const INSTANCE = opt('instance', process.env.CKAFKA_INSTANCE_ID || 'ckafka-local');
const SECRET_ID = process.env.CKAFKA_SECRET_ID || 'AKIDckafkaLocalDemo';
const SECRET_KEY = process.env.CKAFKA_SECRET_KEY;
if (!SECRET_KEY) {
  console.error('probe: set CKAFKA_SECRET_KEY (scripts/run prints it)');
  process.exit(2);
}
const utf8 = new TextDecoder('utf-8', { fatal: true });
let nonce = crypto.randomInt(1, 2 ** 40);

function signed(params, { method = 'GET', host = HOST } = {}) {
  const all = { Region: 'gz', Timestamp: Math.floor(Date.now() / 1000), Nonce: ++nonce, SecretId: SECRET_ID, instanceId: INSTANCE, ...params };
  const names = Object.keys(all).filter((k) => !(method === 'POST' && String(all[k]).startsWith('@')));
  const pairs = names.map((k) => [k.replace(/_/g, '.'), String(all[k])]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const sts = `${method}${host}/v2/index.php?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`;
  const sig = crypto.createHmac('sha1', SECRET_KEY).update(sts, 'utf8').digest('base64');
  return Object.keys(all).map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(all[k]))}`)
    .concat(`Signature=${encodeURIComponent(sig)}`).join('&');
}

// One request on a connection of its own; resolves {status, head, body}.
function raw(head, body = Buffer.alloc(0), ms = 30000) {
  return new Promise((resolve) => {
    const s = net.connect(PORT, '127.0.0.1', () => s.write(Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body)])));
    const chunks = [];
    s.on('data', (c) => chunks.push(c));
    const done = () => {
      const all = Buffer.concat(chunks);
      const sep = all.indexOf('\r\n\r\n');
      const m = sep > 0 && /^HTTP\/1\.[01] (\d+)/.exec(all.slice(0, sep).toString('latin1'));
      let b = sep > 0 ? all.slice(sep + 4) : Buffer.alloc(0);
      const h = sep > 0 ? all.slice(0, sep).toString('latin1') : '';
      if (/transfer-encoding: chunked/i.test(h)) {
        const out = [];
        for (let i = 0; ;) {
          const nl = b.indexOf('\r\n', i);
          const n = parseInt(b.slice(i, nl).toString(), 16);
          if (!n) break;
          out.push(b.slice(nl + 2, nl + 2 + n));
          i = nl + 2 + n + 2;
        }
        b = Buffer.concat(out);
      }
      resolve({ status: m ? Number(m[1]) : 0, head: h, body: b });
    };
    s.on('error', () => {});
    s.on('close', done);
    s.setTimeout(ms, () => s.destroy());
  });
}

const get = (q, extra = '') => raw(`GET /v2/index.php?${q} HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n${extra}\r\n`);
const post = (body, ctype = 'application/x-www-form-urlencoded', extra = '') => raw(
  `POST /v2/index.php HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\nContent-Type: ${ctype}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n`, Buffer.from(body));

// The envelope: HTTP 200, valid UTF-8 JSON with a numeric code.
function envelope(r) {
  if (r.status !== 200) return null;
  try {
    const j = JSON.parse(utf8.decode(r.body));
    return typeof j.code === 'number' ? j : null;
  } catch (e) {
    return null;
  }
}

function rnd(n) {
  return crypto.randomBytes(n);
}

// Malformed requests of every kind; each must be refused in the envelope.
function malformed() {
  const cases = [];
  const add = (what, fn) => cases.push({ what, fn });
  const pct = (b) => [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('');
  for (let i = 0; i < 250; i++) add(`random %-bytes ${i}`, () => get(`Action=GetGroupOffsets&group=${pct(rnd(1 + (i % 40)))}&${pct(rnd(3))}=${pct(rnd(i % 7))}`));
  for (let i = 0; i < 100; i++) add(`raw bytes in the query ${i}`, () => raw(Buffer.concat([Buffer.from('GET /v2/index.php?Action='), rnd(1 + (i % 30)).map((x) => (x === 32 || x === 10 || x === 13 ? 65 : x)), Buffer.from(` HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`)]).toString('latin1')));
  for (const e of ['%', '%G1', '%0', '%00', 'a=%zz', '&&&', '=x', '%C3', '%C3%28', '%ED%A0%80', '%F4%90%80%80', '%C0%AF']) add(`escape ${e}`, () => get(`Action=GetGroupOffsets&group=${e}`));
  const base = { Action: 'GetGroupOffsets', group: 'probe-g' };
  for (const name of ['Action', 'SecretId', 'Timestamp', 'Nonce', 'Signature']) {
    add(`missing ${name}`, () => get(signed(base).split('&').filter((p) => !p.startsWith(`${name}=`)).join('&')));
  }
  for (const [k, v] of [['Timestamp', 'x'], ['Timestamp', `${'a'.repeat(39)}é`], ['Timestamp', '1e9'], ['Nonce', '-1'], ['Nonce', '99999999999999999999'], ['Timestamp', '0'], ['Timestamp', String(2 ** 62)]]) {
    add(`${k}=${v.slice(0, 12)}`, () => get(signed({ ...base, [k]: v })));
  }
  const reset = { Action: 'SetGroupOffset', group: 'probe-bad', 'topics.0': 'demo-topic' };
  for (const extra of [{}, { strategy: 3 }, { strategy: -1 }, { strategy: 'x' }, { strategy: 0 }, { strategy: 0, shift: 'a' }, { strategy: 1, timestamp: -3 }, { strategy: 2, offset: -5 }, { strategy: 2, offset: '1.5' },
    { strategy: 2, offset: 1, 'partitions.0': 'x' }, { strategy: 2, offset: 1, 'partitions.0': -1 }, { strategy: 2, offset: 1, 'topics.0': '' },
    { strategy: 2, offset: 1, dryRun: 2 }, { strategy: 2, offset: 1, group: '' }, { strategy: 2, offset: 1, instanceId: 'nope' }, { strategy: 2, offset: 1, instanceId: '' }]) {
    add(`reset ${JSON.stringify(extra)}`, () => get(signed({ ...reset, ...extra })));
  }
  for (const extra of [{ limit: 0 }, { limit: 51 }, { limit: 'x' }, { offset: -1 }, { 'topics.0': 'no-such-topic-probe' }, { group: '' }, { 'topics.x': 'a' }, { Action: 'NoSuchAction' }, { Action: '' }]) {
    add(`get ${JSON.stringify(extra)}`, () => get(signed({ ...base, ...extra })));
  }
  add('wrong key', () => get(signed(base).replace(/Signature=[^&]*/, 'Signature=AAAA')));
  add('foreign host', () => raw(`GET /v2/index.php?${signed(base, { host: 'ckafka.api.qcloud.com' })} HTTP/1.1\r\nHost: ckafka.api.qcloud.com\r\nConnection: close\r\n\r\n`));
  add('no Host', () => raw(`GET /v2/index.php?${signed(base)} HTTP/1.0\r\n\r\n`));
  add('too many params', () => get(signed({ ...base, ...Object.fromEntries(Array.from({ length: 1100 }, (_, i) => [`x${i}`, 1])) })));
  add('long name', () => get(signed({ ...base, ['n'.repeat(300)]: 1 })));
  add('long value', () => get(signed({ ...base, group: 'g'.repeat(5000) })));
  add('too many topics', () => get(signed({ ...base, ...Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`topics.${i}`, `t${i}`])) })));
  add('GET of 33 KB', () => get(signed({ ...base, ...Object.fromEntries(Array.from({ length: 700 }, (_, i) => [`topics.${i}`, `missing-topic-${String(i).padStart(6, '0')}-abcdefghijklmnop`])) })));
  add('GET of 59 KB', () => get(signed({ ...base, pad: 'v'.repeat(58000) })));
  add('request line of 70 KB', () => get(`pad=${'v'.repeat(70000)}`));
  add('header of 70 KB', () => get('Action=x', `X-Big: ${'v'.repeat(70000)}\r\n`));
  add('bad header line', () => get('Action=x', 'Bad Header Line\r\n'));
  add('many headers', () => get(`pad=${'v'.repeat(50000)}`, Array.from({ length: 800 }, (_, i) => `h${i}:\r\n`).join('')));
  for (const m of ['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'HEAD2', 'FOO']) add(`method ${m}`, () => raw(`${m} /v2/index.php HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`));
  for (const ct of ['application/json', 'multipart/form-data; boundary=x', 'text/plain', 'application/x-www-form-urlencodedx']) add(`POST ${ct}`, () => post(signed(base, { method: 'POST' }), ct));
  add('POST over max_body', () => post(`${signed(base, { method: 'POST' })}&pad=${'v'.repeat(70000)}`));
  add('POST over 1 MB', () => post('x'.repeat(1100000)));
  add('POST random bytes', () => raw(`POST /v2/index.php HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\nContent-Length: 512\r\n\r\n`, rnd(512)));
  add('POST short body', () => raw(`POST /v2/index.php HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\nContent-Length: 100\r\n\r\n`, Buffer.from('Action=x'), 3000).then((r) => (r.status === 0 ? { status: 200, head: '', body: Buffer.from('{"code":-1}') } : r)));
  for (const p of ['/', '/v2/', '/v2/index.php/x', '/index.php', '/v2/index.php%00', '/../etc/passwd', '/ckafka-fcgi-error/400']) add(`path ${p}`, () => raw(`GET ${p} HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`));
  return cases;
}

async function inBatches(items, n, fn) {
  const out = [];
  for (let i = 0; i < items.length; i += n) out.push(...await Promise.all(items.slice(i, i + n).map(fn)));
  return out;
}

async function main() {
  let bad = 0;
  const report = (what, ok, detail) => {
    console.log(`${ok ? 'ok ' : 'BAD'} ${what}${detail ? `: ${detail}` : ''}`);
    if (!ok) bad++;
  };

  if (opt('replay')) {
    const saved = JSON.parse(fs.readFileSync(opt('replay'), 'utf8'));
    const answers = await inBatches(saved, 8, (q) => get(q).then(envelope));
    const accepted = answers.filter((j) => j && j.code !== 4500).length;
    const lost = answers.filter((j) => !j).length;
    report(`replays after a restart: ${saved.length} sent, ${accepted} accepted, ${lost} unanswered`, accepted === 0 && lost === 0);
    process.exitCode = bad ? 1 : 0;
    return;
  }

  // 1. Malformed requests.
  const cases = malformed();
  const answers = await inBatches(cases, 8, async (c) => ({ c, r: await c.fn() }));
  const outside = answers.filter(({ r }) => !envelope(r));
  const served = answers.filter(({ r }) => (envelope(r) || {}).code === 0);
  report(`malformed requests: ${cases.length}, answered outside the envelope: ${outside.length}`, outside.length === 0,
    outside.slice(0, 5).map(({ c, r }) => `${c.what} -> ${r.status} ${r.body.slice(0, 80)}`).join('; '));
  report(`malformed requests served as if valid: ${served.length}`, served.length === 0, served.slice(0, 5).map(({ c }) => c.what).join('; '));

  // 2. Replays, each over five connections (so several workers).
  const used = [];
  let replayed = 0;
  for (let i = 0; i < 20; i++) {
    const q = signed(i % 2 ? { Action: 'GetGroupOffsets', group: 'demo-group' }
      : { Action: 'SetGroupOffset', group: 'demo-group', 'topics.0': 'demo-topic', strategy: 1, timestamp: -2, dryRun: 1 });
    const first = envelope(await get(q));
    if (!first || first.code !== 0) report(`a fresh request was refused: ${JSON.stringify(first)}`, false);
    const again = await Promise.all(Array.from({ length: 4 }, () => get(q).then(envelope)));
    replayed += again.filter((j) => !j || j.code !== 4500).length;
    used.push(q);
  }
  report(`replays on the same server: 80 sent, ${replayed} accepted`, replayed === 0);
  if (opt('save')) fs.writeFileSync(opt('save'), JSON.stringify(used));

  // 3. Concurrent shifts of one group: 25 pairs, +1 and +2.
  const g = `probe-shifts-${Date.now()}`;
  const reset = (extra) => get(signed({ Action: 'SetGroupOffset', group: g, 'topics.0': 'demo-topic', 'partitions.0': 0, ...extra })).then(envelope);
  await reset({ strategy: 2, offset: 0 });
  let failedShifts = 0;
  for (let i = 0; i < 25; i++) {
    const pair = await Promise.all([reset({ strategy: 0, shift: 1 }), reset({ strategy: 0, shift: 2 })]);
    failedShifts += pair.filter((j) => !j || j.code !== 0).length;
  }
  const now = envelope(await get(signed({ Action: 'GetGroupOffsets', group: g, 'topics.0': 'demo-topic' })));
  const at = now && now.data.topicList[0].partitions[0].offset;
  report(`concurrent shifts: 25 pairs of +1 and +2 from 0, group at ${at}, lost updates ${75 - at}, refused ${failedShifts}`, at === 75 && failedShifts === 0);

  // 4. The broker stopped: every answer within kafka_timeout + 1 s.
  if (flag('broker-down')) {
    const kl = path.join(__dirname, '..', 'scripts', 'kafka-local');
    execFileSync(kl, ['halt'], { stdio: 'ignore' });
    const t0 = Date.now();
    const samples = [];
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (Date.now() - t0 < 12000) {
        const s = Date.now();
        const j = envelope(await get(signed({ Action: 'GetGroupOffsets', group: 'demo-group' })));
        samples.push({ ms: Date.now() - s, code: j ? j.code : 'none' });
      }
    }));
    execFileSync(kl, ['start'], { stdio: 'ignore' });
    const slowest = Math.max(...samples.map((s) => s.ms));
    const codes = [...new Set(samples.map((s) => s.code))];
    report(`broker down: ${samples.length} requests from 8 clients, codes ${codes.join(',')}, slowest ${slowest} ms (bound: kafka_timeout 5 s + 1 s)`, slowest <= 6000 && codes.every((c) => c === 5100 || c === 0));
  }
  console.log(bad ? `${bad} findings` : 'no findings');
  process.exitCode = bad ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
