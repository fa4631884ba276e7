'use strict';
// The process side: how ckafka-fcgi gets its socket (its own unix socket,
// TCP, or fd 0 from spawn-fcgi), -t on good and bad configurations, a
// worker killed with -9 replaced, TERM stopping every process.
const fs = require('fs');
const path = require('path');
const { test } = require('./lib/harness');
const env = require('./lib/env');
const a = require('./lib/assert');

const EX_CONFIG = 78;

async function status(srv, full = true) {
  return JSON.parse((await env.httpGet(`${srv.url}/ckafka-status${full ? '?full=1' : ''}`)).body);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

async function oneGroup() {
  return env.kfix.group((await env.broker()).bootstrap, { prefix: 'proc', messages: 3, committed: 1 });
}

test('inherits the FastCGI socket on fd 0 from spawn-fcgi (no listen in the configuration)', async (ctx) => {
  const srv = await env.startServer({ spawnFcgi: true, workers: 2 });
  ctx.cleanups.push(() => srv.stop());
  const w = await oneGroup();
  a.strictEqual(a.success(await srv.call({ group: w.group })).topicList[0].partitions[0].lag, 2);
  a.match(srv.log('error.log'), /using the FastCGI socket inherited on fd 0/);
  const st = await status(srv);
  a.strictEqual(st.workers.idle + st.workers.busy, 2);
});

test('listens on TCP; its unix socket gets listen_mode', async (ctx) => {
  const srv = await env.startServer({ tcp: true });
  ctx.cleanups.push(() => srv.stop());
  const w = await oneGroup();
  a.success(await srv.call({ group: w.group }));
  const unix = await env.sharedServer();
  a.strictEqual(fs.statSync(unix.sock).mode & 0o777, 0o660);
  if (env.IS_ROOT) {
    // Workers never run as root.
    for (const p of (await status(unix)).processes) {
      const uid = Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${p.pid}/status`, 'utf8'))[1]);
      a.notStrictEqual(uid, 0, `worker ${p.pid} runs as root`);
    }
  }
});

test('-t accepts a good configuration and refuses a bad one with EX_CONFIG, naming file, line and key', async () => {
  const srv = await env.sharedServer();
  let r = await env.run(env.BIN, ['-t', '-c', srv.conf]);
  a.strictEqual(r.code, 0, r.stderr);
  a.match(r.stdout, /test is successful/);
  const good = fs.readFileSync(srv.conf, 'utf8');
  const cases = [
    [`workers = 0\n${good}`, /:1: workers: 0 is out of range/],
    [`kafka_timeout = soon\n${good}`, /:1: kafka_timeout: 'soon' is not a duration/],
    [good.replace(/(bootstrap\.servers = .*)/, '$1\nno.such.property = 1'), /\[instance ckafka-test\] no\.such\.property: No such configuration property/],
    [good.replace(/instances = \*/, 'instances = ckafka-nowhere'), /instances: no \[instance ckafka-nowhere\]/],
    [good.replace(/(bootstrap\.servers = .*)/, '$1\ngroup.id = ""'), /group\.id: must not be empty/],
  ];
  for (const [text, re] of cases) {
    const f = path.join(env.TMP, `${env.uniq('bad')}.conf`);
    fs.writeFileSync(f, text, { mode: 0o600 });
    r = await env.run(env.BIN, ['-t', '-c', f]);
    a.strictEqual(r.code, EX_CONFIG, `exit status for ${re}`);
    a.match(r.stderr, re);
    a.ok(r.stderr.includes(f), 'the message names the file');
    // Starting with it fails the same way, at once.
    r = await env.run(env.BIN, ['-F', '-c', f], { timeout: 10000 });
    a.strictEqual(r.code, EX_CONFIG);
  }
  r = await env.run(env.BIN, ['-c']);
  a.notStrictEqual(r.code, 0);
});

test('a worker killed with -9 is replaced and the service goes on', async (ctx) => {
  const srv = await env.startServer({ workers: 3 });
  ctx.cleanups.push(() => srv.stop());
  const w = await oneGroup();
  const before = await status(srv);
  const victim = before.processes[0].pid;
  process.kill(victim, 'SIGKILL');
  const after = await env.waitFor('a replacement worker', async () => {
    const s = await status(srv);
    const pids = s.processes.map((p) => p.pid);
    return s.workers.idle + s.workers.busy === 3 && !pids.includes(victim) ? s : null;
  }, 10000, 50);
  a.strictEqual(after.restarts.crash, 1);
  a.strictEqual(after.recent_restarts[0].pid, victim);
  a.strictEqual(after.recent_restarts[0].status, 9);
  for (let i = 0; i < 10; i++) a.success(await srv.call({ group: w.group }));
  a.match(srv.log('error.log'), new RegExp(`\\(pid ${victim}\\) killed by signal 9`));
});

test('TERM and QUIT stop the master and every worker; the unix socket is removed', async (ctx) => {
  for (const sig of ['SIGTERM', 'SIGQUIT']) {
    const srv = await env.startServer({ workers: 3 });
    ctx.cleanups.push(() => srv.stop());
    const pids = (await status(srv)).processes.map((p) => p.pid);
    a.strictEqual(pids.length, 3);
    const master = srv.proc.pid;
    process.kill(master, sig);
    await env.waitFor(`the master to exit on ${sig}`, () => srv.proc.exitCode !== null || srv.proc.signalCode !== null, 15000);
    a.strictEqual(srv.proc.exitCode, 0, `${sig}: exit status`);
    for (const p of [master, ...pids]) a.ok(!alive(p), `${sig}: pid ${p} still alive`);
    a.ok(!fs.existsSync(srv.sock), `${sig}: socket removed`);
    a.match(srv.log('error.log'), /stopped/);
  }
});

test('bug-pdeathsig-after-setuid: kill -9 of the master, and every worker exits at once', async (ctx) => {
  // Started as root, workers become `user`; Linux clears the parent-death
  // signal on that change, so it must be set after it, or workers outlive
  // a master killed by -9 (or the OOM killer), holding the socket forever.
  const srv = await env.startServer({ workers: 3 });
  ctx.cleanups.push(() => srv.stop());
  const pids = (await status(srv)).processes.map((p) => p.pid);
  a.strictEqual(pids.length, 3);
  process.kill(srv.proc.pid, 'SIGKILL');
  // The bug left them forever; a graceful exit (librdkafka's clients
  // closed, ASan's leak check) may take seconds on a loaded machine.
  await env.waitFor('every worker to exit', () => pids.every((p) => !alive(p)), 15000);
});
