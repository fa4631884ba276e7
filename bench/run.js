#!/usr/bin/env node
'use strict';
// The benchmark, side by side in one run, on a broker of its own:
//   (a) GetGroupOffsets, 1 topic x 12 partitions, at concurrency 1, 16, 64,
//       next to the raw librdkafka baseline making the same broker calls
//   (b) a group over 100 topics x 100 partitions: GetGroupOffsets pages of
//       50 topics, SetGroupOffset strategy 1 and 2 over all 10,000
//   (c) a worker's resident memory at start and after 100,000 requests
//   (d) the read actions: GetGroupInfo of 50 groups, ListGroup over 1,000
//       groups, ListConsumerGroup pages of 50 groups over 10 topics each,
//       with the Kafka requests each call sends
//   Kafka's own kafka-consumer-groups --describe and --reset-offsets
//   --to-datetime --execute on the same groups, and the number of Kafka
//   requests each API call sends (the broker's own request metrics, read
//   with Kafka's JmxTool).
// Writes bench/out/results.json and prints a summary. See bench/README.md.
//
// Environment: BENCH_SECONDS (per load point, default 10), BENCH_WORKERS
// (default 8), BENCH_BUILDDIR (default build/bench), BENCH_SKIP (regex of
// sections to skip: a, b, c, d, e, f, tool, requests; the 100 x 100 data is made
// only when b, c or tool runs, or requests with a or b).

const fs = require('fs');
const os = require('os');
const path = require('path');

const top = path.resolve(__dirname, '..');
process.env.CKAFKA_SRCDIR = top;
process.env.CKAFKA_BUILDDIR = process.env.BENCH_BUILDDIR || path.join(top, 'build', 'bench');
const env = require(path.join(top, 'tests', 'integration', 'lib', 'env'));

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const WORKERS = Number(process.env.BENCH_WORKERS || 8);
const SKIP = process.env.BENCH_SKIP ? new RegExp(process.env.BENCH_SKIP) : null;
// Extra ckafka.conf lines for the servers under test, separated by ';'.
const EXTRA = process.env.BENCH_CONFIG ? process.env.BENCH_CONFIG.split(';').map((l) => l.trim()) : [];
const LOADGEN = path.join(env.BUILDDIR, 'bench', 'loadgen');
const BASELINE = path.join(env.BUILDDIR, 'bench', 'baseline');
const out = { machine: {}, a: [], b: {}, c: {}, d: {}, e: {}, f: {}, tool: {}, requests: {} };
const runs = (section) => !SKIP || !SKIP.test(section);

function log(...m) {
  process.stderr.write(`${m.join(' ')}\n`);
}

function query(params) {
  return Object.entries(params).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');
}

// CPU seconds (user + system, all threads) of a running process.
function cpuOf(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // clock ticks (USER_HZ 100)
  } catch (e) {
    return 0;
  }
}

function childrenOf(ppid) {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return Number(fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === ppid;
    } catch (e) {
      return false;
    }
  }).map(Number);
}

// Runs a client program under GNU time; resolves {out, cpu_s}.
async function timedRun(cmd, args, timeoutS) {
  const tf = path.join(env.TMP, `${env.uniq('time')}.txt`);
  const out = await env.sh('/usr/bin/time', ['-f', '%U %S', '-o', tf, cmd, ...args], { timeout: timeoutS * 1000 });
  const [u, sys] = fs.readFileSync(tf, 'utf8').trim().split(/\s+/).map(Number);
  return { out, cpu_s: u + sys };
}

async function loadgen(srv, params, { c = 1, d = SECONDS, n = 0, post = false, aliyun = false, huawei = null } = {}) {
  const common = aliyun ? { RegionId: 'cn-hangzhou', InstanceId: env.INSTANCE } : { Region: 'gz', instanceId: env.INSTANCE };
  // huawei: the path of a Huawei DMS GET (params unused).
  const where = huawei || (aliyun ? '/' : '/v2/index.php');
  const args = ['-u', `${srv.url}${where}`, '-i', env.SECRET_ID, '-k', env.SECRET_KEY,
    '-q', huawei ? '' : query({ ...common, ...params }), '-c', String(c), '-d', String(d)];
  if (n) args.push('-n', String(n));
  if (post) args.push('-X', 'POST');
  if (aliyun) args.push('-a');
  if (huawei) args.push('-w');
  const r = await timedRun(LOADGEN, args, d + 180);
  return { ...JSON.parse(r.out), client_cpu_s: r.cpu_s };
}

async function baseline(boot, group, topics, c, handles) {
  const args = ['-b', boot, '-g', group, '-c', String(c), '-H', String(handles), '-d', String(SECONDS)];
  for (const t of topics) args.push('-t', t);
  const r = await timedRun(BASELINE, args, SECONDS + 120);
  return { ...JSON.parse(r.out), client_cpu_s: r.cpu_s };
}

// CPU microseconds per request of each party while fn() runs.
async function cpuSplit(parties, fn) {
  const before = {};
  for (const [name, pids] of Object.entries(parties)) before[name] = pids.reduce((s, p) => s + cpuOf(p), 0);
  const r = await fn();
  const split = {};
  for (const [name, pids] of Object.entries(parties)) {
    split[name] = Math.round(((pids.reduce((s, p) => s + cpuOf(p), 0) - before[name]) / r.requests) * 1e6);
  }
  split.client = Math.round((r.client_cpu_s / r.requests) * 1e6);
  return { r, cpu_us_per_request: split };
}

async function timed(fn) {
  const t0 = process.hrtime.bigint();
  const r = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, r };
}

// Resident memory of a worker: all of it (VmRSS), and its own part, without
// the two maps it shares with every worker (the replay cache and the
// scoreboard, MAP_SHARED anonymous: "/dev/zero (deleted)" in smaps), whose
// pages count as one process's private pages until another touches them.
function rssOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/^VmRSS:\s+(\d+)/m.exec(status)[1]);
  let own = 0;
  let shared = 0;
  let name = '';
  for (const line of fs.readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      name = head[1];
      continue;
    }
    const m = /^Rss:\s+(\d+)/.exec(line);
    if (m) {
      if (name === '/dev/zero (deleted)') shared += Number(m[1]);
      else own += Number(m[1]);
    }
  }
  return { rss_kib: rss, own_kib: own, shared_maps_kib: shared };
}

async function machine() {
  const cpu = (await env.run('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"])).stdout.trim();
  const nginx = (await env.run('nginx', ['-v'])).stderr.trim();
  return {
    cpu, cores: os.cpus().length, memory_gib: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(), librdkafka: '2.0.2 (Debian)', kafka: '3.9.1 (single node, KRaft, loopback)',
    nginx, node: process.version, workers: WORKERS, seconds_per_point: SECONDS, date: new Date().toISOString(),
  };
}

async function main() {
  out.machine = await machine();
  log('== broker');
  const jmxPort = await env.freePort();
  const br = await env.startBroker('bench', { jmxPort, heap: '1g' });
  const boot = br.bootstrap;
  try {
    log('== data: 1 x 12 and 100 x 100 partitions');
    const small = 'bench-small';
    await env.kfix.create(boot, small, 12);
    await env.sh(env.KFIX, ['-b', boot, 'fill', small, '12', '100']);
    await env.sh(env.KFIX, ['-b', boot, 'commit-all', 'bench-g-small', small, '12', '40']);
    const t0 = Date.now() - 3600 * 1000;
    const big = Array.from({ length: 100 }, (_, i) => `bench-big-${String(i).padStart(3, '0')}`);
    // The request counts of sections a and b need it too.
    const needBig = ['b', 'c', 'tool'].some(runs) || (runs('requests') && (runs('a') || runs('b')));
    for (const t of needBig ? big : []) {
      await env.kfix.create(boot, t, 100);
      await env.sh(env.KFIX, ['-b', boot, 'fill', t, '100', '10', String(t0), '1000']);
      await env.sh(env.KFIX, ['-b', boot, 'commit-all', 'bench-g-big', t, '100', '5']);
    }
    // The metadata cache of 10,000 partitions is refreshed every 2 s by
    // default; the benchmark keeps the default.
    const srv = await env.startServer({ bootstrap: boot, workers: WORKERS, extra: ['access_log =', 'audit_fsync = yes', ...EXTRA] });
    const pids = (await env.status(srv)).processes.map((p) => p.pid);

    if (runs('d')) await readActions(boot, srv, jmxPort);
    if (runs('e')) await aliyunProgress(boot, srv, small, jmxPort);
    if (runs('f')) await huaweiDetail(boot, srv, jmxPort);

    if (!SKIP || !SKIP.test('a')) {
      log('== (a) GetGroupOffsets 1 x 12');
      await loadgen(srv, { Action: 'GetGroupOffsets', group: 'bench-g-small', 'topics.0': small }, { c: 16, d: 2 }); // warm-up
      const workers = (await env.status(srv)).processes.map((p) => p.pid);
      const nginx = childrenOf(srv.nginx.pid);
      const broker = [br.pid()];
      for (const c of [1, 16, 64]) {
        const o = await cpuSplit({ ckafka: workers, nginx, broker },
          () => loadgen(srv, { Action: 'GetGroupOffsets', group: 'bench-g-small', 'topics.0': small }, { c }));
        const b = await cpuSplit({ broker }, () => baseline(boot, 'bench-g-small', [small], c, Math.min(c, WORKERS)));
        const ours = o.r;
        const raw = b.r;
        const row = { concurrency: c, ckafka: ours, ckafka_cpu_us: o.cpu_us_per_request, baseline: raw, baseline_cpu_us: b.cpu_us_per_request, ratio: ours.rate / raw.rate };
        if (c > WORKERS) {
          // Like for like: one call in flight per librdkafka client, as in a
          // worker serving one request at a time.
          row.baseline_one_in_flight = await baseline(boot, 'bench-g-small', [small], WORKERS, WORKERS);
          row.ratio_one_in_flight = ours.rate / row.baseline_one_in_flight.rate;
        }
        out.a.push(row);
        log(`   c=${c}: ckafka ${ours.rate.toFixed(0)}/s p99 ${ours.latency_ms.p99} ms (ok ${ours.ok}/${ours.requests}) cpu us/req ${JSON.stringify(o.cpu_us_per_request)}; baseline ${raw.rate.toFixed(0)}/s p99 ${raw.latency_ms.p99} ms cpu ${JSON.stringify(b.cpu_us_per_request)}; ${(100 * row.ratio).toFixed(0)}%${row.baseline_one_in_flight ? `; one in flight per client ${row.baseline_one_in_flight.rate.toFixed(0)}/s, ${(100 * row.ratio_one_in_flight).toFixed(0)}%` : ''}`);
      }
    }

    if (!SKIP || !SKIP.test('b')) {
      log('== (b) 100 x 100 partitions');
      // A page of 50 topics (5,000 partitions): through offset/limit over
      // the group's committed topics, and by naming the 50 topics.
      const page = async (offset) => loadgen(srv, { Action: 'GetGroupOffsets', group: 'bench-g-big', offset, limit: 50 }, { c: 1, d: SECONDS });
      out.b.page_by_offset = [await page(0), await page(50)];
      const named = Object.fromEntries(big.slice(0, 50).map((t, i) => [`topics.${i}`, t]));
      out.b.page_named = await loadgen(srv, { Action: 'GetGroupOffsets', group: 'bench-g-big', ...named }, { c: 1, d: SECONDS, post: true });
      const topicsParams = Object.fromEntries(big.map((t, i) => [`topics.${i}`, t]));
      const reset = async (fields) => loadgen(srv, { Action: 'SetGroupOffset', group: 'bench-g-big', ...topicsParams, ...fields }, { c: 1, n: 20, d: 120, post: true });
      out.b.reset_time = await reset({ strategy: 1, timestamp: t0 + 5500 });
      out.b.reset_offset = await reset({ strategy: 2, offset: 3 });
      // And on the small group, for the comparison with Kafka's tool.
      out.b.reset_small_time = await loadgen(srv, { Action: 'SetGroupOffset', group: 'bench-g-small', 'topics.0': small, strategy: 1, timestamp: Date.now() - 60000 }, { c: 1, n: 50, d: 60 });
      for (const [k, v] of Object.entries(out.b)) for (const x of [].concat(v)) log(`   ${k}: p50 ${x.latency_ms.p50} ms p99 ${x.latency_ms.p99} ms max ${x.latency_ms.max} ms (ok ${x.ok}/${x.requests})`);
    }

    if (!SKIP || !SKIP.test('tool')) {
      log('== kafka-consumer-groups, same groups');
      const describe = await timed(() => env.tools.run('consumer-groups', ['--bootstrap-server', boot, '--describe', '--group', 'bench-g-small']));
      const resetSmall = await timed(() => env.tools.run('consumer-groups', ['--bootstrap-server', boot, '--reset-offsets', '--group', 'bench-g-small',
        '--topic', small, '--to-datetime', new Date(Date.now() - 60000).toISOString().replace('Z', '+00:00'), '--execute']));
      const resetTool = await timed(() => env.tools.run('consumer-groups', ['--bootstrap-server', boot, '--reset-offsets', '--group', 'bench-g-big',
        '--all-topics', '--to-datetime', new Date(t0 + 5500).toISOString().replace('Z', '+00:00'), '--execute']));
      const describeBig = await timed(() => env.tools.run('consumer-groups', ['--bootstrap-server', boot, '--describe', '--group', 'bench-g-big']));
      out.tool = { describe_small_ms: describe.ms, describe_big_ms: describeBig.ms, reset_small_to_datetime_ms: resetSmall.ms, reset_big_to_datetime_ms: resetTool.ms };
      log(`   describe 1x12 ${describe.ms.toFixed(0)} ms, describe 100x100 ${describeBig.ms.toFixed(0)} ms, reset 1x12 to-datetime ${resetSmall.ms.toFixed(0)} ms, reset 100x100 to-datetime ${resetTool.ms.toFixed(0)} ms`);
    }

    if (!SKIP || !SKIP.test('c')) {
      // What the run above left in the workers (10,000-partition requests
      // included), then a fresh server: at start, after 1,000 requests, and
      // after 100,000 more.
      out.c.after_large_requests = pids.map(rssOf);
      log('== (c) 100,000 requests on a fresh server');
      const fresh = await env.startServer({ bootstrap: boot, workers: WORKERS, extra: ['access_log =', ...EXTRA] });
      const fpids = (await env.status(fresh)).processes.map((p) => p.pid);
      const params = { Action: 'GetGroupOffsets', group: 'bench-g-small', 'topics.0': small };
      out.c.start = fpids.map(rssOf);
      await loadgen(fresh, params, { c: 16, n: 1000, d: 60 });
      out.c.warm = fpids.map(rssOf);
      const r = await loadgen(fresh, params, { c: 16, n: 100000, d: 600 });
      out.c.load = r;
      out.c.after = fpids.map(rssOf);
      // A second 100,000: warm-up (caches, heap high-water marks) levels
      // off, a leak would not.
      out.c.load2 = await loadgen(fresh, params, { c: 16, n: 100000, d: 600 });
      out.c.after2 = fpids.map(rssOf);
      await fresh.stop();
      const kib = (xs) => xs.map((x) => `${x.rss_kib}(${x.own_kib})`).join(' ');
      log(`   ${r.requests} requests at ${r.rate.toFixed(0)}/s; RSS(own) KiB start ${kib(out.c.start)}; warm ${kib(out.c.warm)}; after 100k ${kib(out.c.after)}; after 200k ${kib(out.c.after2)}; after the large requests ${kib(out.c.after_large_requests)}`);
    }
    await srv.stop();

    if (needBig && runs('requests')) {
      log('== Kafka requests per API call (the broker\'s request metrics)');
      const counted = await env.startServer({ bootstrap: boot, workers: 1 });
      const count = (name, params, n) => countRequests(counted, jmxPort, name, params, n);
      await count('GetGroupOffsets 1x12', { Action: 'GetGroupOffsets', group: 'bench-g-small', 'topics.0': small }, 50);
      await count('GetGroupOffsets page of 50 x 100', { Action: 'GetGroupOffsets', group: 'bench-g-big', limit: 50 }, 20);
      const topicsParams = Object.fromEntries(big.map((t, i) => [`topics.${i}`, t]));
      await count('SetGroupOffset strategy 1 over 10,000', { Action: 'SetGroupOffset', group: 'bench-g-big', ...topicsParams, strategy: 1, timestamp: t0 + 5500 }, 5);
      await count('SetGroupOffset strategy 2 over 10,000', { Action: 'SetGroupOffset', group: 'bench-g-big', ...topicsParams, strategy: 2, offset: 3 }, 5);
      await counted.stop();
    }
  } finally {
    await br.stop();
  }
  out.summary = summary(out);
  log(`== summary ${JSON.stringify(out.summary, null, 1)}`);
  const dir = path.join(__dirname, 'out');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'results.json'), `${JSON.stringify(out, null, 2)}\n`);
  log(`== written ${path.join(dir, 'results.json')}`);
}

// Kafka requests per API call on a quiet one-worker server, from the
// broker's request metrics: {request: count per call} into out.requests.
async function countRequests(counted, jmxPort, name, params, n, o = {}) {
  await loadgen(counted, params, { ...o, c: 1, n: 2, d: 60 }); // connections, metadata
  const before = await brokerRequests(jmxPort);
  await loadgen(counted, params, { ...o, c: 1, n, d: 120 });
  const after = await brokerRequests(jmxPort);
  const per = {};
  for (const k of Object.keys(after)) {
    const d = after[k] - (before[k] || 0);
    if (d > 0 && COUNTED.includes(k)) per[k] = +(d / n).toFixed(2);
  }
  out.requests[name] = per;
  log(`   ${name}: ${JSON.stringify(per)}`);
}

// (d) The read actions on a cluster of 1,000+ groups: 50 groups over 10
// topics each (2 partitions), two of them with a live member, and 950
// more groups with one commit each.
async function readActions(boot, srv, jmxPort) {
  log('== (d) read actions: 1,000 groups');
  const topics = Array.from({ length: 10 }, (_, i) => `bench-rd-${i}`);
  for (const t of topics) {
    await env.kfix.create(boot, t, 2);
    await env.sh(env.KFIX, ['-b', boot, 'fill', t, '2', '20']);
  }
  const groups = Array.from({ length: 50 }, (_, i) => `bench-lcg-${String(i).padStart(2, '0')}`);
  for (const g of groups) await env.kfix.commit(boot, g, topics.flatMap((t) => [[t, 0, 5], [t, 1, 7]]));
  for (let i = 0; i < 950; i++) await env.kfix.commit(boot, `bench-fill-${String(i).padStart(4, '0')}`, [[topics[0], 0, 1]]);
  const live = [await env.kfix.consume(boot, 'bench-live-a', [topics[0]]), await env.kfix.consume(boot, 'bench-live-b', topics)];
  try {
    const info = { Action: 'GetGroupInfo', ...Object.fromEntries(groups.map((g, i) => [`group.${i}`, g])) };
    const calls = {
      get_group_info_50: info,
      get_group_info_1: { Action: 'GetGroupInfo', 'group.0': 'bench-live-b' },
      list_group_page_50: { Action: 'ListGroup', limit: 50 },
      list_consumer_group_50x10: { Action: 'ListConsumerGroup', groupName: 'bench-lcg', limit: 50 },
      list_topic: { Action: 'ListTopic', limit: 20 },
      get_topic_attributes: { Action: 'GetTopicAttributes', topicName: topics[0] },
      get_instance_attributes: { Action: 'GetInstanceAttributes' },
    };
    for (const [name, params] of Object.entries(calls)) {
      await loadgen(srv, params, { c: 1, n: 20, d: 30, post: true }); // warm-up
      out.d[name] = await loadgen(srv, params, { c: 1, d: SECONDS, post: true });
      const l = out.d[name].latency_ms;
      log(`   ${name}: p50 ${l.p50} ms p99 ${l.p99} ms (ok ${out.d[name].ok}/${out.d[name].requests})`);
    }
    if (runs('requests')) {
      const counted = await env.startServer({ bootstrap: boot, workers: 1 });
      for (const [name, params] of Object.entries(calls)) await countRequests(counted, jmxPort, name, params, 20);
      await counted.stop();
    }
  } finally {
    for (const c of live) await c.stop();
  }
}

// (e) Aliyun's GetConsumerProgress over the 1 x 12 group, with and without
// LastTimestamp (one Fetch per leader broker), beside GetGroupOffsets of
// the same group at the same concurrency, one after the other.
// Each of calls ({name: [params, loadgen options]}) at concurrency 1 and
// 16, one after the other in this run, after a warm-up, into into[name_cN].
async function sideBySide(srv, into, calls) {
  for (const c of [1, 16]) {
    for (const [name, [params, o]] of Object.entries(calls)) {
      await loadgen(srv, params, { ...o, c, n: 200, d: 30 }); // warm-up
      const r = await loadgen(srv, params, { ...o, c });
      into[`${name}_c${c}`] = r;
      log(`   c=${c} ${name}: ${r.rate.toFixed(0)}/s p50 ${r.latency_ms.p50} ms p99 ${r.latency_ms.p99} ms (ok ${r.ok}/${r.requests})`);
    }
  }
}

async function aliyunProgress(boot, srv, small, jmxPort) {
  log('== (e) GetConsumerProgress 1 x 12 beside GetGroupOffsets');
  const calls = {
    get_group_offsets: [{ Action: 'GetGroupOffsets', group: 'bench-g-small', 'topics.0': small }, {}],
    progress: [{ Action: 'GetConsumerProgress', ConsumerId: 'bench-g-small' }, { aliyun: true }],
    progress_hidden: [{ Action: 'GetConsumerProgress', ConsumerId: 'bench-g-small', HideLastTimestamp: 'true' }, { aliyun: true }],
  };
  await sideBySide(srv, out.e, calls);
  if (runs('requests')) {
    const counted = await env.startServer({ bootstrap: boot, workers: 1 });
    for (const name of ['progress', 'progress_hidden']) await countRequests(counted, jmxPort, `aliyun_${name}`, calls[name][0], 20, calls[name][1]);
    await counted.stop();
  }
}

// (f) Huawei DMS's v2 group detail of the 1 x 12 group beside
// GetGroupOffsets of the same group, at concurrency 1 and 16.
async function huaweiDetail(boot, srv, jmxPort) {
  log('== (f) Huawei v2 group detail 1 x 12 beside GetGroupOffsets');
  const small = 'bench-small';
  const detail = `/v2/0123456789abcdef0123456789abcdef/instances/${env.INSTANCE}/management/groups/bench-g-small`;
  const calls = {
    get_group_offsets: [{ Action: 'GetGroupOffsets', group: 'bench-g-small', 'topics.0': small }, {}],
    huawei_detail: [{}, { huawei: detail }],
  };
  await sideBySide(srv, out.f, calls);
  if (runs('requests')) {
    const counted = await env.startServer({ bootstrap: boot, workers: 1 });
    await countRequests(counted, jmxPort, 'huawei_detail', {}, 20, { huawei: detail });
    await counted.stop();
  }
}

// The figures the targets are about, and the ratios, from this run only.
function summary(o) {
  const s = {};
  const at = (c) => o.a.find((r) => r.concurrency === c);
  const mib = (kib) => +(kib / 1024).toFixed(1);
  const max = (xs, f) => Math.max(...xs.map(f));
  if (o.a.length) {
    const a64 = at(64);
    s.a64_rate = a64.ckafka.rate;
    s.a64_p99_ms = a64.ckafka.latency_ms.p99;
    s.a64_vs_baseline = +a64.ratio.toFixed(3);
    s.a64_vs_baseline_one_in_flight = +a64.ratio_one_in_flight.toFixed(3);
  }
  if (o.b.page_named) {
    s.page_by_offset_p50_ms = o.b.page_by_offset.map((x) => x.latency_ms.p50);
    s.page_named_p50_ms = o.b.page_named.latency_ms.p50;
    s.reset_10000_time_p50_ms = o.b.reset_time.latency_ms.p50;
    s.reset_10000_offset_p50_ms = o.b.reset_offset.latency_ms.p50;
  }
  if (o.tool.describe_small_ms && o.a.length && o.b.page_named) {
    // Per call: the tool's wall time over our median answer for the same
    // work (the 100 x 100 describe is two of our pages).
    s.x_describe_1x12 = Math.round(o.tool.describe_small_ms / at(1).ckafka.latency_ms.p50);
    s.x_reset_1x12 = Math.round(o.tool.reset_small_to_datetime_ms / o.b.reset_small_time.latency_ms.p50);
    s.x_describe_100x100 = +(o.tool.describe_big_ms / (o.b.page_by_offset[0].latency_ms.p50 + o.b.page_by_offset[1].latency_ms.p50)).toFixed(1);
    s.x_reset_100x100 = +(o.tool.reset_big_to_datetime_ms / o.b.reset_time.latency_ms.p50).toFixed(1);
  }
  if (o.d.get_group_info_50) {
    s.get_group_info_50_p50_ms = o.d.get_group_info_50.latency_ms.p50;
    s.list_group_1000_p50_ms = o.d.list_group_page_50.latency_ms.p50;
    s.list_consumer_group_50x10_p50_ms = o.d.list_consumer_group_50x10.latency_ms.p50;
  }
  if (o.e.progress_c1) {
    for (const c of [1, 16]) {
      s[`progress_c${c}_p50_ms`] = o.e[`progress_c${c}`].latency_ms.p50;
      s[`progress_hidden_c${c}_p50_ms`] = o.e[`progress_hidden_c${c}`].latency_ms.p50;
      s[`get_group_offsets_c${c}_p50_ms`] = o.e[`get_group_offsets_c${c}`].latency_ms.p50;
      s[`progress_vs_get_group_offsets_rate_c${c}`] = +(o.e[`progress_c${c}`].rate / o.e[`get_group_offsets_c${c}`].rate).toFixed(2);
      s[`progress_hidden_vs_get_group_offsets_rate_c${c}`] = +(o.e[`progress_hidden_c${c}`].rate / o.e[`get_group_offsets_c${c}`].rate).toFixed(2);
    }
  }
  if (o.f.huawei_detail_c1) {
    for (const c of [1, 16]) {
      s[`huawei_detail_c${c}_p50_ms`] = o.f[`huawei_detail_c${c}`].latency_ms.p50;
      s[`huawei_detail_vs_get_group_offsets_rate_c${c}`] = +(o.f[`huawei_detail_c${c}`].rate / o.f[`get_group_offsets_c${c}`].rate).toFixed(2);
    }
  }
  if (o.c.after) {
    s.rss_max_mib = mib(max([...o.c.after, ...o.c.after2, ...(o.c.after_large_requests || [])], (x) => x.rss_kib));
    s.rss_growth_first_100k_mib = mib(max(o.c.after.map((x, i) => x.rss_kib - o.c.warm[i].rss_kib), (x) => x));
    s.rss_growth_second_100k_mib = mib(max(o.c.after2.map((x, i) => x.rss_kib - o.c.after[i].rss_kib), (x) => x));
  }
  return s;
}

// The requests an API call can send.
const COUNTED = ['ListOffsets', 'Metadata', 'OffsetFetch', 'OffsetCommit', 'FindCoordinator', 'DescribeGroups', 'ListGroups', 'DescribeConfigs', 'ApiVersions', 'Fetch'];

// {request name: count} from kafka.network RequestMetrics (all versions).
async function brokerRequests(jmxPort) {
  const csv = await env.tools.run('jmx', ['--jmx-url', `service:jmx:rmi:///jndi/rmi://127.0.0.1:${jmxPort}/jmxrmi`,
    '--object-name', 'kafka.network:type=RequestMetrics,name=RequestsPerSec,request=*,version=*',
    '--attributes', 'Count', '--one-time', 'true', '--report-format', 'csv']);
  // One metric a line: kafka.network:...,request=Metadata,version=12:Count,"7"
  const counts = {};
  for (const line of csv.split('\n')) {
    const m = /request=([A-Za-z]+),.*:Count,"?(\d+)"?/.exec(line);
    if (m) counts[m[1]] = (counts[m[1]] || 0) + Number(m[2]);
  }
  return counts;
}

main().then(() => {
  env.killAll();
  fs.rmSync(env.TMP, { recursive: true, force: true });
}, (e) => {
  log(e.stack);
  env.killAll();
  process.exit(1);
});
