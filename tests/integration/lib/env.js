'use strict';
// The integration tests' world: a real Kafka broker (started with
// scripts/kafka-local unless CKAFKA_TEST_BOOTSTRAP names one), ckafka-fcgi
// and Debian's nginx with the shipped server block, both in a temporary
// prefix, and the clients: the legacy Node SDK, wget, curl, Kafka's own
// command-line tools and the kfix fixture program.

const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const http = require('http');
const https = require('https');
const crypto = require('crypto');
const { spawn, execFile } = require('child_process');

const SRCDIR = process.env.CKAFKA_SRCDIR || path.resolve(__dirname, '../../..');
const BUILDDIR = process.env.CKAFKA_BUILDDIR || SRCDIR;
const NGINX = process.env.CKAFKA_NGINX || 'nginx';
const BIN = path.join(BUILDDIR, 'ckafka-fcgi');
const KFIX = path.join(BUILDDIR, 'tests', 'kfix');
const KAFKA_LOCAL = path.join(SRCDIR, 'scripts', 'kafka-local');
const IS_ROOT = typeof process.geteuid === 'function' && process.geteuid() === 0;

const SECRET_ID = 'AKIDckafkaTestKey';
const SECRET_KEY = 'test-secret-key-0123456789abcdef';
const LIMITED_ID = 'AKIDckafkaLimitedKey';
const LIMITED_KEY = 'limited-secret-key-0123456789abc';
const INSTANCE = 'ckafka-test';
// Huawei DMS: a static X-Auth-Token of the main key, a key pinned to one
// project, and the project the tests name.
const HW_TOKEN = 'MIIhuaweiTestToken-0123456789abcdef';
const HW_PINNED_ID = 'HWPINNEDKEY0123';
const HW_PINNED_KEY = 'pinned-secret-key-0123456789abcd';
const HW_PROJECT = '0123456789abcdef0123456789abcdef';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'ckafka-it-'));
fs.chmodSync(TMP, 0o755);

const children = new Set(); // every process we started, killed at exit

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function uniq(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
}

// Runs a command; resolves {code, stdout, stderr} whatever the exit status.
function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { maxBuffer: 64 << 20, timeout: opts.timeout || 120000, env: opts.env || process.env },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr, killed: err && err.killed });
      });
    // opts.input: written to the command's standard input
    if (opts.input !== undefined) child.stdin.end(opts.input);
  });
}

// Runs a command that must succeed; resolves its stdout.
async function sh(cmd, args, opts = {}) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitFor(what, fn, ms = 15000, every = 50) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(every);
  }
}

function mkdir(p, mode = 0o755) {
  fs.mkdirSync(p, { recursive: true });
  fs.chmodSync(p, mode);
  return p;
}

// ---------------------------------------------------------------- Kafka --

class Broker {
  constructor(bootstrap, port, dir, own, opts = {}) {
    this.bootstrap = bootstrap;
    this.port = port;
    this.dir = dir;
    this.own = own;
    this.opts = opts;
  }

  env() {
    return {
      ...process.env,
      CKAFKA_KAFKA_PORT: String(this.port),
      CKAFKA_KAFKA_DIR: this.dir,
      CKAFKA_KAFKA_OFFSETS_PARTITIONS: String(this.opts.offsetsPartitions || 1),
      CKAFKA_KAFKA_ADVERTISED_PORT: String(this.opts.advertisedPort || this.port),
      CKAFKA_KAFKA_JMX_PORT: this.opts.jmxPort ? String(this.opts.jmxPort) : '',
      CKAFKA_KAFKA_HEAP: this.opts.heap || process.env.CKAFKA_KAFKA_HEAP || '512m',
    };
  }

  pid() {
    return Number(fs.readFileSync(path.join(this.dir, 'pid'), 'utf8'));
  }

  // SIGSTOP: the broker keeps its connections but answers nothing.
  pause() {
    process.kill(this.pid(), 'SIGSTOP');
  }

  resume() {
    process.kill(this.pid(), 'SIGCONT');
  }

  async start() {
    await sh(KAFKA_LOCAL, ['start'], { env: this.env(), timeout: 180000 });
  }

  // Stops the JVM, keeping its data for start().
  async halt() {
    await sh(KAFKA_LOCAL, ['halt'], { env: this.env() });
  }

  async stop() {
    if (this.own) await run(KAFKA_LOCAL, ['stop'], { env: this.env() });
  }
}

// A broker of our own on a free port (fault tests stop and restart it).
// opts.offsetsPartitions: partitions of __consumer_offsets (default 1);
// opts.advertisedPort: the port it tells clients to use (a proxy's);
// opts.jmxPort: open JMX (broker metrics); opts.heap: JVM heap.
async function startBroker(name, opts = {}) {
  const port = await freePort();
  let cport = port + 1;
  // The controller takes port + 1: make sure it is free too.
  for (let i = 0; i < 20 && !(await portFree(cport)); i++) cport++;
  const b = new Broker(`127.0.0.1:${port}`, port, path.join(TMP, `kafka-${name}`), true, opts);
  if (cport !== port + 1) return startBroker(`${name}x`, opts);
  await b.start();
  return b;
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

let mainBroker = null;
async function broker() {
  if (mainBroker) return mainBroker;
  if (process.env.CKAFKA_TEST_BOOTSTRAP) {
    mainBroker = new Broker(process.env.CKAFKA_TEST_BOOTSTRAP, 0, null, false);
  } else {
    mainBroker = await startBroker('main');
  }
  return mainBroker;
}

const kfix = {
  create: (boot, topic, partitions) => sh(KFIX, ['-b', boot, 'create', topic, String(partitions)]),
  produce: (boot, topic, partition, count, ts0 = 0, step = 1) =>
    sh(KFIX, ['-b', boot, 'produce', topic, String(partition), String(count), String(ts0), String(step)]),
  // specs: [[topic, partition, offset, metadata?], ...]
  commit: (boot, group, specs) =>
    sh(KFIX, ['-b', boot, 'commit', group, ...specs.map(([t, p, o, m]) => `${t}:${p}=${o}${m !== undefined ? `:${m}` : ''}`)]),
  // A new topic with `messages` messages in each of its `partitions`, and a
  // new group committed at `committed` on every partition: {topic, group}.
  async group(boot, { prefix = 'topic', partitions = 1, messages = 10, committed = 2 } = {}) {
    const topic = uniq(prefix);
    const group = uniq('g');
    await kfix.create(boot, topic, partitions);
    for (let p = 0; p < partitions; p++) await kfix.produce(boot, topic, p, messages);
    await kfix.commit(boot, group, Array.from({ length: partitions }, (_, p) => [topic, p, committed]));
    return { topic, group };
  },
  // A live member of group, subscribed to topics, until stop(). opts:
  // assignor (partition.assignment.strategy), clientId.
  async consume(boot, group, topics, opts = {}) {
    const flags = [];
    if (opts.assignor) flags.push('-s', opts.assignor);
    if (opts.clientId) flags.push('-i', opts.clientId);
    const proc = spawn(KFIX, ['-b', boot, 'consume', ...flags, group, ...topics], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(proc);
    let out = '';
    proc.stdout.on('data', (d) => { out += d; });
    proc.stderr.on('data', (d) => { out += d; });
    await waitFor(`consumer of ${group} to be assigned`, () => {
      if (proc.exitCode !== null) throw new Error(`consumer exited: ${out}`);
      return /assigned/.test(out);
    }, 30000);
    return {
      proc,
      async stop() {
        if (proc.exitCode === null) {
          proc.kill('SIGTERM');
          await new Promise((r) => proc.once('exit', r));
        }
        children.delete(proc);
      },
    };
  },
};

// Kafka's own command-line tools, run with plain java -cp.
const tools = {
  async run(name, args) {
    return sh(KAFKA_LOCAL, ['tool', name, ...args], { timeout: 120000 });
  },
  // kafka-consumer-groups --describe: [{topic, partition, current, logEnd, lag}]
  // with null where the tool prints "-".
  async describe(boot, group) {
    const out = await tools.run('consumer-groups', ['--bootstrap-server', boot, '--describe', '--group', group]);
    return parseTable(out, 'GROUP').map((r) => ({
      topic: r.TOPIC,
      partition: Number(r.PARTITION),
      current: num(r['CURRENT-OFFSET']),
      logEnd: num(r['LOG-END-OFFSET']),
      lag: num(r.LAG),
    }));
  },
  // kafka-consumer-groups --reset-offsets ... --dry-run: [{topic, partition, offset}]
  async resetDryRun(boot, group, scope, how) {
    const out = await tools.run('consumer-groups',
      ['--bootstrap-server', boot, '--reset-offsets', '--group', group, ...scope, ...how, '--dry-run']);
    return parseTable(out, 'GROUP').map((r) => ({ topic: r.TOPIC, partition: Number(r.PARTITION), offset: Number(r['NEW-OFFSET']) }));
  },
  // kafka-get-offsets: {"topic:partition": offset} at time (-1 latest).
  // A topic that does not exist yet has no offsets: {}.
  async endOffsets(boot, topic, time = -1) {
    const r = await run(KAFKA_LOCAL, ['tool', 'get-offsets', '--bootstrap-server', boot, '--topic', topic, '--time', String(time)]);
    if (r.code !== 0 && /Could not match any topic-partitions/.test(r.stdout + r.stderr)) return {};
    if (r.code !== 0) throw new Error(`get-offsets exited ${r.code}: ${r.stderr}`);
    const out = r.stdout;
    const m = {};
    for (const line of out.split('\n')) {
      const f = line.trim().split(':');
      if (f.length === 3) m[`${f[0]}:${f[1]}`] = Number(f[2]);
    }
    return m;
  },
  // kafka-consumer-groups --describe --state: {coordinatorId, strategy,
  // state, members}, or null when the tool says the group does not exist.
  async groupState(boot, group) {
    const r = await run(KAFKA_LOCAL, ['tool', 'consumer-groups', '--bootstrap-server', boot, '--describe', '--group', group, '--state']);
    if (/does not exist/.test(r.stdout + r.stderr)) return null;
    if (r.code !== 0) throw new Error(`consumer-groups exited ${r.code}: ${r.stderr}`);
    // GROUP  HOST:PORT  (ID)  [STRATEGY]  STATE  #MEMBERS
    const line = r.stdout.split('\n').find((l) => l.trim().split(/\s+/)[0] === group);
    const f = line.trim().split(/\s+/);
    const id = Number(/^\((\d+)\)$/.exec(f[2])[1]);
    return { coordinatorId: id, strategy: f.length === 6 ? f[3] : '', state: f[f.length - 2], members: Number(f[f.length - 1]) };
  },
  // kafka-consumer-groups --describe --members --verbose: [{memberId, host,
  // clientId, count, assignment}] with assignment the tool's text per
  // topic, in topic order ("(0,2), (1)"; "-" for none).
  async groupMembers(boot, group) {
    const out = await tools.run('consumer-groups', ['--bootstrap-server', boot, '--describe', '--group', group, '--members', '--verbose']);
    return out.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[0] === group && f.length >= 6).map((f) => ({
      memberId: f[1], host: f[2], clientId: f[3], count: Number(f[4]), assignment: f.slice(5).join(' '),
    }));
  },
  // kafka-consumer-groups --list: its lines, one a group, as printed (a
  // name may hold spaces; one holding a newline spans two lines).
  async listGroups(boot) {
    const out = await tools.run('consumer-groups', ['--bootstrap-server', boot, '--list']);
    return out.split('\n').filter((l) => l !== '');
  },
  // kafka-topics --describe: {partitions, configs: {name: value}, rows:
  // [{partition, leader, replicas: n, isr: n}]}.
  async describeTopic(boot, topic) {
    const out = await tools.run('topics', ['--bootstrap-server', boot, '--describe', '--topic', topic]);
    const head = out.split('\n').find((l) => /PartitionCount:/.test(l));
    const configs = {};
    const c = /Configs:\s*(.*)$/.exec(head);
    for (const kv of (c ? c[1].trim() : '').split(',').filter(Boolean)) {
      const i = kv.indexOf('=');
      configs[kv.slice(0, i)] = kv.slice(i + 1);
    }
    const rows = out.split('\n').filter((l) => /\bPartition: \d+/.test(l)).map((l) => ({
      partition: Number(/Partition: (\d+)/.exec(l)[1]),
      leader: Number(/Leader: (-?\d+|none)/.exec(l)[1]),
      replicas: /Replicas: ([\d,]*)/.exec(l)[1].split(',').filter(Boolean).length,
      isr: /Isr: ([\d,]*)/.exec(l)[1].split(',').filter(Boolean).length,
    }));
    return { partitions: Number(/PartitionCount: (\d+)/.exec(head)[1]), configs, rows };
  },
  // A Java consumer (kafka-console-consumer, Kafka's own client) in group
  // until stop(); ready once the group is Stable with it.
  async javaConsumer(boot, group, topic, clientId) {
    const proc = spawn(KAFKA_LOCAL, ['tool', 'console-consumer', '--bootstrap-server', boot, '--topic', topic,
      '--group', group, '--consumer-property', `client.id=${clientId}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(proc);
    let err = '';
    proc.stderr.on('data', (d) => { err += d; });
    await waitFor(`java consumer of ${group} to join`, async () => {
      if (proc.exitCode !== null) throw new Error(`console-consumer exited: ${err}`);
      const st = await tools.groupState(boot, group);
      return st && st.state === 'Stable' && st.members === 1;
    }, 60000);
    return {
      async stop() {
        if (proc.exitCode === null) {
          proc.kill('SIGTERM');
          await new Promise((r) => proc.once('exit', r));
        }
        children.delete(proc);
      },
    };
  },
  // The timestamp of the record at offset, as kafka-console-consumer
  // prints it (CreateTime:ms).
  async recordTime(boot, topic, partition, offset) {
    const out = await tools.run('console-consumer', ['--bootstrap-server', boot, '--topic', topic,
      '--partition', String(partition), '--offset', String(offset), '--max-messages', '1',
      '--timeout-ms', '30000', '--property', 'print.timestamp=true']);
    const m = /(?:CreateTime|LogAppendTime):(-?\d+)/.exec(out);
    if (!m) throw new Error(`console-consumer printed no timestamp: ${out}`);
    return Number(m[1]);
  },
  async deleteRecords(boot, topic, partition, offset) {
    const f = path.join(TMP, `${uniq('delete')}.json`);
    fs.writeFileSync(f, JSON.stringify({ partitions: [{ topic, partition, offset }], version: 1 }));
    await tools.run('delete-records', ['--bootstrap-server', boot, '--offset-json-file', f]);
  },
};

function num(s) {
  return s === undefined || s === '-' ? null : Number(s);
}

// Kafka's tables: a header line, then rows of whitespace-separated fields
// ("-" for none). kafka-consumer-groups --reset-offsets prints its rows
// without newlines between them, so rows are cut by column count, not line.
function parseTable(out, firstColumn) {
  const at = out.indexOf(firstColumn);
  if (at < 0) return [];
  const tokens = out.slice(at).split(/\s+/).filter((x) => x.length);
  // Column names are the leading upper-case tokens (the test names its
  // groups and topics in lower case).
  let n = 0;
  while (n < tokens.length && /^[A-Z][A-Z0-9-]*$/.test(tokens[n])) n++;
  const cols = tokens.slice(0, n);
  const rows = [];
  for (let i = n; i + n <= tokens.length; i += n) {
    const row = {};
    cols.forEach((c, j) => { row[c] = tokens[i + j]; });
    rows.push(row);
  }
  return rows;
}

// --------------------------------------------------------- ckafka + nginx --

let serverCount = 0;

// Starts ckafka-fcgi and nginx in a fresh directory. opts: workers,
// kafkaTimeout ('5s'), extra (more configuration lines), bootstrap, https,
// tcp (listen on a TCP port instead of a unix socket), spawnFcgi (start it
// under spawn-fcgi, which hands the listening socket over on fd 0).
async function startServer(opts = {}) {
  const b = opts.bootstrap || (await broker()).bootstrap;
  const dir = mkdir(path.join(TMP, `server-${++serverCount}`));
  const san = mkdir(path.join(dir, 'san'), 0o777);
  const deadPort = await freePort(); // nothing listens there
  const tcpPort = opts.tcp ? await freePort() : 0;
  const sock = opts.tcp ? `127.0.0.1:${tcpPort}` : path.join(dir, 'ckafka.sock');
  const conf = path.join(dir, 'ckafka.conf');
  const port = await freePort();
  const lines = [
    ...(opts.spawnFcgi ? [] : [`listen = ${sock}`, 'listen_mode = 0660']),
    ...(IS_ROOT && !opts.spawnFcgi && !opts.tcp ? ['listen_owner = nobody', 'listen_group = nogroup'] : []),
    ...(IS_ROOT ? ['user = nobody', 'group = nogroup'] : []),
    `workers = ${opts.workers || 2}`,
    `kafka_timeout = ${opts.kafkaTimeout || '5s'}`,
    `error_log = ${path.join(dir, 'error.log')}`,
    'log_level = info',
    `access_log = ${path.join(dir, 'access.log')}`,
    `audit_log = ${path.join(dir, 'audit.log')}`,
    'audit_fsync = no',
    `replay_file = ${path.join(dir, 'replay')}`,
    `signature_hosts = 127.0.0.1:${port}, localhost:${port}`,
    ...(opts.extra || []),
    '',
    `[instance ${INSTANCE}]`,
    `bootstrap.servers = ${b}`,
    '',
    '[instance ckafka-unreachable]',
    `bootstrap.servers = 127.0.0.1:${deadPort}`,
    '',
    `[key ${SECRET_ID}]`,
    `secret = ${SECRET_KEY}`,
    'instances = *',
    `tokens = ${HW_TOKEN}`,
    '',
    `[key ${HW_PINNED_ID}]`,
    `secret = ${HW_PINNED_KEY}`,
    'instances = *',
    `project_id = ${HW_PROJECT}`,
    '',
    `[key ${LIMITED_ID}]`,
    `secret = ${LIMITED_KEY}`,
    'instances = ckafka-unreachable',
    '',
  ];
  // A key in opts.extra replaces the default line for it.
  const keyOf = (l) => (/^\s*([a-z_.]+)\s*=/.exec(l) || [])[1];
  const extraKeys = new Set((opts.extra || []).map(keyOf).filter(Boolean));
  const firstSection = lines.findIndex((l) => l.startsWith('['));
  const merged = lines.filter((l, i) => i >= firstSection || !extraKeys.has(keyOf(l)) || (opts.extra || []).includes(l));
  fs.writeFileSync(conf, merged.join('\n'), { mode: 0o600 });

  const nginxConf = await writeNginxConf(dir, port, sock, opts);
  const env = {
    ...process.env,
    ASAN_OPTIONS: `log_path=${san}/asan:detect_leaks=1:abort_on_error=0`,
    UBSAN_OPTIONS: `log_path=${san}/ubsan:print_stacktrace=1:halt_on_error=1`,
  };
  const srv = {
    dir, conf, port, sock, san,
    host: `127.0.0.1:${port}`,
    url: `${opts.https ? 'https' : 'http'}://127.0.0.1:${port}`,
    proc: null,
    nginx: null,
    log: (name) => { try { return fs.readFileSync(path.join(dir, name), 'utf8'); } catch (e) { return ''; } },
    // The error log's lines matching re, each as { ms, line, m } with ms
    // the line's own timestamp: what the server measured, not the test's
    // clock (which a loaded machine stretches).
    logLines(re, name = 'error.log') {
      return this.log(name).split('\n').map((line) => {
        const m = re.exec(line);
        const t = /^(\S+Z) /.exec(line);
        return m && t ? { ms: Date.parse(t[1]), line, m } : null;
      }).filter(Boolean);
    },
    async startResponder() {
      const out = fs.openSync(path.join(dir, 'ckafka.out'), 'a');
      const argv = [BIN, '-F', '-c', conf];
      if (opts.spawnFcgi) {
        const owner = IS_ROOT ? ['-U', 'nobody', '-G', 'nogroup'] : [];
        argv.unshift('spawn-fcgi', '-n', '-s', sock, '-M', '0660', ...owner, '--');
      }
      this.proc = spawn(argv[0], argv.slice(1), { stdio: ['ignore', out, out], env });
      children.add(this.proc);
      fs.closeSync(out);
    },
    // Waits until every worker is idle and the ping answers through nginx.
    async ready() {
      await waitFor('ckafka-fcgi to answer', async () => {
        if (this.proc.exitCode !== null) throw new Error(`ckafka-fcgi exited ${this.proc.exitCode}: ${this.log('ckafka.out')}${this.log('error.log')}`);
        const r = await httpGet(`${this.url}/ckafka-ping`);
        // pong, or the refusal of a server whose status_allow excludes us
        if (r.status !== 200) return false;
        if (/"code":4102/.test(r.body)) return true;
        if (r.body !== 'pong\n') return false;
        // And every worker up (idle, or busy with this very request), with
        // its pid on the status page: a slot still starting shows pid 0,
        // which a test must not take for a process (kill(0) would succeed).
        const st = JSON.parse((await httpGet(`${this.url}/ckafka-status?full=1`)).body);
        return st.processes.length === (opts.workers || 2) && st.processes.every((p) => p.pid > 0 && (p.state === 'idle' || p.state === 'busy'));
      }, 20000);
    },
    // Stops ckafka-fcgi (TERM, every process gone) and starts it again on
    // the same configuration and files; nginx stays.
    async restartResponder() {
      this.proc.kill('SIGTERM');
      await waitFor('ckafka-fcgi to stop', () => this.proc.exitCode !== null || this.proc.signalCode !== null, 30000);
      children.delete(this.proc);
      await this.startResponder();
      await this.ready();
    },
    async stop() {
      if (this.proc && this.proc.exitCode === null) {
        this.proc.kill('SIGTERM');
        await waitFor('ckafka-fcgi to stop', () => this.proc.exitCode !== null || this.proc.signalCode !== null, 30000);
      }
      if (this.nginx && this.nginx.exitCode === null) {
        this.nginx.kill('SIGTERM');
        await waitFor('nginx to stop', () => this.nginx.exitCode !== null || this.nginx.signalCode !== null, 10000);
      }
      children.delete(this.proc);
      children.delete(this.nginx);
      checkSanitizers(this);
    },
    call: (data, o) => sdkCall(srv, data, o),
  };
  await srv.startResponder();
  srv.nginx = spawn(NGINX, ['-p', dir, '-c', nginxConf, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(srv.nginx);
  let nginxErr = '';
  srv.nginx.stderr.on('data', (d) => { nginxErr += d; });
  await waitFor('nginx to listen', async () => {
    if (srv.nginx.exitCode !== null) throw new Error(`nginx exited: ${nginxErr}`);
    return !(await portFree(port));
  });
  await srv.ready();
  return srv;
}

// The shipped server block and locations, through scripts/nginx-conf.
async function writeNginxConf(dir, port, sock, opts) {
  const upstream = opts.tcp ? sock : `unix:${sock}`;
  const args = [dir, String(port), upstream];
  if (opts.https) args.push(opts.https.cert, opts.https.key);
  return (await sh(path.join(SRCDIR, 'scripts', 'nginx-conf'), args)).trim();
}

// Sanitizer reports of any ckafka-fcgi process (workers included) fail the
// test that ran the server.
function checkSanitizers(srv) {
  let files = [];
  try {
    files = fs.readdirSync(srv.san).filter((f) => fs.statSync(path.join(srv.san, f)).size > 0);
  } catch (e) {
    return;
  }
  if (files.length) {
    const text = files.map((f) => `== ${f}\n${fs.readFileSync(path.join(srv.san, f), 'utf8')}`).join('\n');
    throw new Error(`sanitizer reports from ckafka-fcgi processes:\n${text.slice(0, 20000)}`);
  }
}

// ---------------------------------------------------------------- clients --

let nonceCounter = 0;
// A Nonce no other request of this run uses: the Node SDK draws from only
// 65,536 values, and the server rightly refuses a repeated one.
function freshNonce() {
  nonceCounter += 1;
  return (process.pid % 1000) * 1000000 + nonceCounter;
}

// One request through the legacy Node SDK (qcloudapi-sdk 0.2.1).
// o: method ('GET'|'POST'), sig ('sha1'|'sha256'), secretId, secretKey,
// nonce (false: let the SDK draw one), protocol, host.
function sdkCall(srv, data, o = {}) {
  const Capi = require(path.join(process.env.CKAFKA_NODE_MODULES || path.join(BUILDDIR, 'tests', 'node', 'node_modules'), 'qcloudapi-sdk'));
  const secretId = o.secretId || SECRET_ID;
  const secretKey = o.secretKey || SECRET_KEY;
  const capi = new Capi({ SecretId: secretId, SecretKey: secretKey, serviceType: 'ckafka' });
  const params = { Action: 'GetGroupOffsets', instanceId: INSTANCE, ...data };
  for (const k of Object.keys(params)) if (params[k] === undefined) delete params[k];
  if (o.nonce !== false && params.Nonce === undefined) params.Nonce = freshNonce();
  const opts = {
    protocol: o.protocol || 'http',
    host: o.host || srv.host,
    path: '/v2/index.php',
    method: o.method || 'GET',
    signatureMethod: o.sig || 'sha1',
    SecretId: secretId,
    SecretKey: secretKey,
  };
  return new Promise((resolve, reject) => {
    capi.request(params, opts, (err, body) => (err ? reject(err) : resolve(body)), { timeout: 60000 });
  });
}

// One request through the legacy Python SDK (qcloudapi-sdk-python 2.0.15,
// HTTPS only, certificate verified against the test CA): the answer
// parsed. srv must be an HTTPS server (httpsServer()). o: method, sig.
async function pyCall(srv, action, params, o = {}) {
  const req = {
    endpoint: srv.host,
    secretId: o.secretId || SECRET_ID,
    secretKey: o.secretKey || SECRET_KEY,
    method: o.method || 'GET',
    signatureMethod: o.sig === 'sha256' ? 'HmacSHA256' : 'HmacSHA1',
    action,
    params: { instanceId: INSTANCE, ...params },
  };
  const r = await run(process.env.CKAFKA_PYTHON, [path.join(__dirname, 'qcloud_call.py')], {
    input: JSON.stringify(req),
    env: { ...process.env, SSL_CERT_FILE: srv.caFile },
  });
  if (r.code !== 0) throw new Error(`python SDK: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// One request through one of Aliyun's Python SDKs (lib/aliyun_call.py):
// o.sdk 'core' (aliyun-python-sdk-core, RPC v1) or 'tea' (V3, or RPC v1
// with o.signature 'v1'); o.method, o.timestamp, o.nonce, o.accessKeyId,
// o.accessKeySecret. params use the wire names; InstanceId defaults to the
// test instance. Returns {ok, body} or {ok: false, status, code, message,
// requestId, exception}.
async function aliyunPy(srv, action, params, o = {}) {
  const req = {
    sdk: o.sdk || 'core',
    signature: o.signature || 'v3',
    method: o.method,
    endpoint: srv.host,
    accessKeyId: o.accessKeyId || SECRET_ID,
    accessKeySecret: o.accessKeySecret || SECRET_KEY,
    action,
    params: { InstanceId: INSTANCE, RegionId: 'cn-hangzhou', ...params },
    timestamp: o.timestamp,
    nonce: o.nonce,
  };
  const r = await run(process.env.CKAFKA_PYTHON, [path.join(__dirname, 'aliyun_call.py')], { input: JSON.stringify(req) });
  if (r.code !== 0) throw new Error(`aliyun python SDK: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// One request through npm @alicloud/pop-core (RPC v1; GET, or POST with
// the form body). Returns {ok, body} or {ok: false, code, message, data}.
async function aliyunPop(srv, action, params, o = {}) {
  const RPCClient = require(path.join(process.env.CKAFKA_NODE_MODULES, '@alicloud', 'pop-core')).RPCClient;
  const client = new RPCClient({
    accessKeyId: o.accessKeyId || SECRET_ID,
    accessKeySecret: o.accessKeySecret || SECRET_KEY,
    endpoint: `http://${srv.host}`,
    apiVersion: '2019-09-16',
  });
  try {
    const body = await client.request(action, { InstanceId: INSTANCE, RegionId: 'cn-hangzhou', ...params },
      { method: o.method || 'GET', timeout: 60000 });
    return { ok: true, body };
  } catch (e) {
    return { ok: false, code: e.code, message: e.message, data: e.data };
  }
}

// One request through Huawei's Python SDK (lib/huawei_call.py): call is a
// KafkaClient method with its request's fields in args, or 'raw' with
// o.method, o.path (escaped), o.query (pairs), o.body (text), o.headers,
// signed by the SDK's Signer. o.ak, o.sk, o.project, o.date (X-Sdk-Date).
async function huaweiPy(srv, call, args = {}, o = {}) {
  const req = {
    endpoint: srv.url,
    ak: o.ak || SECRET_ID,
    sk: o.sk || SECRET_KEY,
    project_id: o.project || HW_PROJECT,
    call,
    args: call === 'raw' ? undefined : { instance_id: INSTANCE, ...args },
    method: o.method,
    path: o.path,
    query: o.query,
    body: o.body,
    headers: o.headers,
    date: o.date,
  };
  const r = await run(process.env.CKAFKA_PYTHON, [path.join(__dirname, 'huawei_call.py')], { input: JSON.stringify(req) });
  if (r.code !== 0) throw new Error(`huawei python SDK: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// One request through npm @huaweicloud/huaweicloud-sdk-kafka: fn(client,
// kafka module) makes the call. Returns {ok, body} or {ok: false, status,
// error_code, error_msg, requestId}.
async function huaweiNode(srv, fn, o = {}) {
  const mods = process.env.CKAFKA_NODE_MODULES;
  const core = require(path.join(mods, '@huaweicloud', 'huaweicloud-sdk-core'));
  const kafka = require(path.join(mods, '@huaweicloud', 'huaweicloud-sdk-kafka'));
  const cred = new core.BasicCredentials().withAk(o.ak || SECRET_ID).withSk(o.sk || SECRET_KEY)
    .withProjectId(o.project || HW_PROJECT);
  const client = kafka.KafkaClient.newBuilder().withCredential(cred).withEndpoint(srv.url).build();
  try {
    return { ok: true, body: await fn(client, kafka) };
  } catch (e) {
    return { ok: false, status: e.httpStatusCode, error_code: e.errorCode, error_msg: e.errorMsg, requestId: e.requestId };
  }
}

// RFC 3986 as Aliyun's signature wants it.
function aliyunEncode(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

// A raw RPC v1 request, signed here (the test's own implementation of the
// algorithm): params as given (Action, Version, Format... included unless
// o.bare), o.method GET or POST (the form body), o.sign false to send it
// unsigned, o.tamper values set after signing, o.headers sent (unsigned).
// Returns {status, headers, body} as received.
async function aliyunRaw(srv, params, o = {}) {
  const all = o.bare ? { ...params } : {
    AccessKeyId: o.accessKeyId || SECRET_ID,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: crypto.randomBytes(16).toString('hex'),
    Timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    Version: '2019-09-16',
    InstanceId: INSTANCE,
    ...params,
  };
  for (const k of Object.keys(all)) if (all[k] === undefined) delete all[k];
  const method = o.method || 'GET';
  const canon = Object.keys(all).sort().map((k) => `${aliyunEncode(k)}=${aliyunEncode(String(all[k]))}`).join('&');
  if (o.sign !== false) {
    const sts = `${method}&${aliyunEncode('/')}&${aliyunEncode(canon)}`;
    all.Signature = crypto.createHmac('sha1', `${o.accessKeySecret || SECRET_KEY}&`).update(sts).digest('base64');
  }
  Object.assign(all, o.tamper || {});
  const q = Object.keys(all).map((k) => `${aliyunEncode(k)}=${aliyunEncode(String(all[k]))}`).join('&');
  if (method === 'POST') {
    return httpRequest(`${srv.url}/`, { method, body: q, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(o.headers || {}) } });
  }
  return httpRequest(`${srv.url}/?${q}`, { method, headers: o.headers || {} });
}

// A raw V3 (ACS3-HMAC-SHA256) request, signed here: params in the query,
// o.body the form body (POST), o.headers extra headers (signed unless
// o.unsigned lists them), o.drop headers left out of SignedHeaders,
// o.bodyHash what x-acs-content-sha256 claims (default: the body's),
// o.tamperBody the body sent instead of the signed one.
async function aliyunV3(srv, action, params, o = {}) {
  const method = o.method || 'POST';
  const body = o.body || '';
  const headers = {
    host: srv.host,
    'x-acs-action': action,
    'x-acs-version': '2019-09-16',
    'x-acs-date': new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    'x-acs-signature-nonce': o.nonce !== undefined ? o.nonce : crypto.randomBytes(16).toString('hex'),
    'x-acs-content-sha256': o.bodyHash || crypto.createHash('sha256').update(body).digest('hex'),
    ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    ...(o.headers || {}),
  };
  const all = { InstanceId: INSTANCE, RegionId: 'cn-hangzhou', ...params };
  const query = Object.keys(all).sort().map((k) => `${aliyunEncode(k)}=${aliyunEncode(String(all[k]))}`).join('&');
  const signed = Object.keys(headers).filter((h) => !(o.drop || []).includes(h)).sort();
  const canonical = [method, '/', query, signed.map((h) => `${h}:${String(headers[h]).trim()}\n`).join(''),
    signed.join(';'), headers['x-acs-content-sha256']].join('\n');
  const sts = `ACS3-HMAC-SHA256\n${crypto.createHash('sha256').update(canonical).digest('hex')}`;
  const sig = crypto.createHmac('sha256', o.accessKeySecret || SECRET_KEY).update(sts).digest('hex');
  const send = { ...headers };
  if (!(o.headers && o.headers.host)) delete send.host; // Node sends the real one
  send.authorization = `ACS3-HMAC-SHA256 Credential=${o.accessKeyId || SECRET_ID},SignedHeaders=${signed.join(';')},Signature=${sig}`;
  return httpRequest(`${srv.url}/?${query}`, { method, headers: send, body: o.tamperBody !== undefined ? o.tamperBody : (body || undefined) });
}

// A small CA of the test run and a certificate it signs for 127.0.0.1 and
// localhost (made once): {ca, cert, key}.
let testTls = null;
async function tlsFiles() {
  if (testTls) return testTls;
  const dir = mkdir(path.join(TMP, 'tls-ca'));
  const f = (n) => path.join(dir, n);
  await sh('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=ckafka-fcgi test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', f('ca.key'), '-out', f('ca.pem')]);
  await sh('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('key.pem'), '-out', f('req.csr')]);
  fs.writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await sh('openssl', ['x509', '-req', '-in', f('req.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-days', '2', '-extfile', f('ext.cnf'), '-out', f('cert.pem')]);
  testTls = { ca: f('ca.pem'), cert: f('cert.pem'), key: f('key.pem') };
  return testTls;
}

// One HTTPS server (the shipped HTTPS server block, certificate from the
// test CA) shared by the tests that drive the Python SDK; stopped with the
// shared server.
let sharedTls = null;
async function httpsServer() {
  if (!sharedTls) {
    const t = await tlsFiles();
    sharedTls = await startServer({ https: { cert: t.cert, key: t.key }, workers: 2 });
    sharedTls.caFile = t.ca;
  }
  return sharedTls;
}

// Our own implementation of contract section 3, for requests the SDK cannot
// make (raw wget/curl, replays, crafted edge cases). Returns the encoded
// parameter string including Signature.
function signedQuery(params, { method = 'GET', host, path: p = '/v2/index.php', secretKey = SECRET_KEY, sha256 = false } = {}) {
  const all = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined) all[k] = v;
  if (sha256) all.SignatureMethod = 'HmacSHA256';
  const names = Object.keys(all).filter((k) => !(method === 'POST' && String(all[k]).startsWith('@')));
  const pairs = names.map((k) => [k.replace(/_/g, '.'), String(all[k])]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const sts = `${method}${host}${p}?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`;
  const sig = crypto.createHmac(sha256 ? 'sha256' : 'sha1', secretKey).update(sts, 'utf8').digest('base64');
  return Object.keys(all).map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(all[k]))}`)
    .concat(`Signature=${encodeURIComponent(sig)}`).join('&');
}

function commonParams(extra = {}) {
  return {
    Action: 'GetGroupOffsets',
    Region: 'gz',
    Timestamp: Math.floor(Date.now() / 1000),
    Nonce: freshNonce(),
    SecretId: SECRET_ID,
    instanceId: INSTANCE,
    ...extra,
  };
}

// Plain HTTP with Node: resolves {status, headers, body}.
function httpRequest(url, { method = 'GET', body, headers = {}, timeout = 60000 } = {}) {
  const mod = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    // Test servers use self-signed certificates.
    const req = mod.request(url, { method, headers, timeout, rejectUnauthorized: false }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
    });
    req.on('timeout', () => req.destroy(new Error('HTTP timeout')));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function httpGet(url) {
  return httpRequest(url);
}

async function wget(url, postData) {
  const args = ['-qO-', '--timeout=60', '--tries=1'];
  if (postData !== undefined) args.push(`--post-data=${postData}`);
  return JSON.parse(await sh('wget', [...args, url]));
}

async function curl(url, postData) {
  const args = ['-sS', '--max-time', '60'];
  if (postData !== undefined) args.push('--data-raw', postData);
  return JSON.parse(await sh('curl', [...args, url]));
}

// One server shared by the tests that need nothing special of it; the last
// test file stops it and checks its sanitizer logs.
let shared = null;
async function sharedServer() {
  if (!shared) shared = await startServer({ workers: 4 });
  return shared;
}
async function stopSharedServer() {
  if (sharedTls) {
    const t = sharedTls;
    sharedTls = null;
    await t.stop();
  }
  if (shared) {
    const s = shared;
    shared = null;
    await s.stop();
    return s;
  }
  return null;
}

// A keep-alive HTTP client for load: signed GET requests, parsed answers.
const loadAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
function signedGet(srv, extra, opts = {}) {
  const q = signedQuery(commonParams(extra), { host: srv.host, ...opts });
  return new Promise((resolve, reject) => {
    const req = http.get(`${srv.url}/v2/index.php?${q}`, { agent: loadAgent, timeout: 60000 }, (res) => {
      let d = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { d += c; });
      res.on('end', () => {
        try { resolve(JSON.parse(d)); } catch (e) { reject(new Error(`HTTP ${res.statusCode}: ${d.slice(0, 200)}`)); }
      });
    });
    req.on('timeout', () => req.destroy(new Error('HTTP timeout')));
    req.on('error', reject);
  });
}

// Runs fn from `concurrency` loops until ms have passed (or until() is
// true). Every answer is recorded: {t0, ms, code}; transport errors as
// code 'error'.
async function load(fn, { concurrency = 8, ms = 3000, until } = {}) {
  const stats = { n: 0, codes: {}, errors: [], maxMs: 0, samples: [] };
  const end = Date.now() + ms;
  const loop = async () => {
    while (until ? !until() : Date.now() < end) {
      const t0 = Date.now();
      let code;
      try {
        code = (await fn()).code;
      } catch (e) {
        code = 'error';
        stats.errors.push(e.message);
      }
      const dt = Date.now() - t0;
      stats.n++;
      stats.codes[code] = (stats.codes[code] || 0) + 1;
      stats.maxMs = Math.max(stats.maxMs, dt);
      stats.samples.push({ t0, ms: dt, code });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return stats;
}

async function status(srv, full = true) {
  return JSON.parse((await httpGet(`${srv.url}/ckafka-status${full ? '?full=1' : ''}`)).body);
}

function killAll() {
  loadAgent.destroy();
  for (const c of children) {
    try {
      if (c && c.exitCode === null) c.kill('SIGKILL');
    } catch (e) { /* already gone */ }
  }
}

module.exports = {
  SRCDIR, BUILDDIR, BIN, KFIX, KAFKA_LOCAL, TMP, IS_ROOT,
  SECRET_ID, SECRET_KEY, LIMITED_ID, LIMITED_KEY, INSTANCE,
  HW_TOKEN, HW_PINNED_ID, HW_PINNED_KEY, HW_PROJECT, huaweiPy, huaweiNode,
  sleep, uniq, run, sh, freePort, waitFor, mkdir,
  broker, startBroker, kfix, tools,
  startServer, checkSanitizers, sharedServer, stopSharedServer, portFree,
  pyCall, httpsServer, tlsFiles, aliyunPy, aliyunPop, aliyunRaw, aliyunV3,
  sdkCall, signedQuery, commonParams, freshNonce, httpRequest, httpGet, wget, curl,
  signedGet, load, status,
  children, killAll,
};
