#!/usr/bin/env node
'use strict';
// The integration suite: one Kafka broker for the whole run (or the one in
// CKAFKA_TEST_BOOTSTRAP), every t_*.js file's tests in order, TAP on stdout.
// CKAFKA_TEST_FILTER=regex runs only the tests whose "file: name" matches.

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

// The Node SDKs (the legacy Tencent one, Aliyun's pop-core), pinned by
// package-lock.json, installed under the build directory (the source tree
// may be read-only, as in distcheck).
const nodeDir = path.join(process.env.CKAFKA_BUILDDIR || path.resolve(__dirname, '../..'), 'tests', 'node');
const lock = fs.readFileSync(path.join(__dirname, 'package-lock.json'));
const stamp = path.join(nodeDir, 'package-lock.json');
if (!fs.existsSync(path.join(nodeDir, 'node_modules', 'qcloudapi-sdk')) ||
    !fs.existsSync(path.join(nodeDir, 'node_modules', '@alicloud', 'pop-core')) ||
    !fs.existsSync(stamp) || !lock.equals(fs.readFileSync(stamp))) {
  fs.mkdirSync(nodeDir, { recursive: true });
  fs.copyFileSync(path.join(__dirname, 'package.json'), path.join(nodeDir, 'package.json'));
  fs.copyFileSync(path.join(__dirname, 'package-lock.json'), stamp);
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: nodeDir,
    stdio: ['ignore', 2, 2],
  });
}
process.env.CKAFKA_NODE_MODULES = path.join(nodeDir, 'node_modules');

// The Python SDKs, pinned by hash in requirements.txt (what their source
// distributions need to build first, from requirements-build.txt), in a venv
// under the build directory (Debian's python3; install-deps adds
// python3-venv).
const pyDir = path.join(nodeDir, '..', 'python');
const reqFiles = ['requirements-build.txt', 'requirements.txt'].map((f) => path.join(__dirname, f));
const reqs = Buffer.concat(reqFiles.map((f) => fs.readFileSync(f)));
const pyStamp = path.join(pyDir, 'requirements.stamp');
if (!fs.existsSync(pyStamp) || !reqs.equals(fs.readFileSync(pyStamp))) {
  const py = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  fs.rmSync(pyDir, { recursive: true, force: true });
  execFileSync(py, ['-m', 'venv', pyDir], { stdio: ['ignore', 2, 2] });
  for (const f of reqFiles) {
    execFileSync(path.join(pyDir, 'bin', 'pip'), ['install', '-q', '--disable-pip-version-check',
      '--no-build-isolation', '--require-hashes', '-r', f], { stdio: ['ignore', 2, 2] });
  }
  fs.writeFileSync(pyStamp, reqs);
}
process.env.CKAFKA_PYTHON = path.join(pyDir, 'bin', 'python');

const h = require('./lib/harness');
const env = require('./lib/env');

for (const f of fs.readdirSync(__dirname).filter((n) => /^t_.*\.js$/.test(n)).sort()) {
  h.file(f.replace(/^t_|\.js$/g, ''));
  require(path.join(__dirname, f));
}

let cleaned = false;
async function cleanup(failed) {
  if (cleaned) return;
  cleaned = true;
  env.killAll();
  const b = await env.broker().catch(() => null);
  if (b) await b.stop();
  for (const dir of fs.readdirSync(env.TMP)) {
    if (!dir.startsWith('kafka-')) continue;
    const port = fs.existsSync(path.join(env.TMP, dir, 'server.properties'))
      ? /listeners=PLAINTEXT:\/\/127\.0\.0\.1:(\d+)/.exec(fs.readFileSync(path.join(env.TMP, dir, 'server.properties'), 'utf8'))
      : null;
    if (port) {
      await env.run(env.KAFKA_LOCAL, ['stop'], {
        env: { ...process.env, CKAFKA_KAFKA_PORT: port[1], CKAFKA_KAFKA_DIR: path.join(env.TMP, dir) },
      });
    }
  }
  if (failed) {
    process.stdout.write(`# kept for inspection: ${env.TMP}\n`);
  } else {
    fs.rmSync(env.TMP, { recursive: true, force: true });
  }
}

process.on('SIGINT', () => cleanup(true).then(() => process.exit(130)));
process.on('SIGTERM', () => cleanup(true).then(() => process.exit(143)));

(async () => {
  try {
    const t0 = Date.now();
    const b = await env.broker();
    h.diag(`Kafka broker ${b.bootstrap} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    process.stdout.write(`Bail out! no Kafka broker: ${String(e.message).split('\n')[0]}\n`);
    h.diag(e.stack);
    await cleanup(true);
    process.exit(1);
  }
  const filter = process.env.CKAFKA_TEST_FILTER ? new RegExp(process.env.CKAFKA_TEST_FILTER) : null;
  const failed = await h.run(filter);
  await cleanup(failed > 0);
  // Failures are in the TAP stream; a non-zero status would count twice.
  process.exit(0);
})().catch(async (e) => {
  process.stdout.write(`Bail out! ${e.message}\n`);
  await cleanup(true);
  process.exit(1);
});
