'use strict';
// HTTPS: the shipped HTTPS server block with a self-signed certificate made
// here, the legacy Node SDK over https (the Python, PHP and Java SDKs speak
// nothing else), and scripts/ckafka-call with curl and wget.
const path = require('path');
const { test } = require('./lib/harness');
const env = require('./lib/env');
const a = require('./lib/assert');

test('the Node SDK over https through the shipped HTTPS server block; ckafka-call with curl and wget', async (ctx) => {
  const dir = env.mkdir(path.join(env.TMP, env.uniq('tls')));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  await env.sh('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]);
  const srv = await env.startServer({ https: { cert, key }, workers: 2 });
  ctx.cleanups.push(() => srv.stop());
  const b = (await env.broker()).bootstrap;
  const topic = env.uniq('tls');
  const group = env.uniq('g');
  await env.kfix.create(b, topic, 2);
  await env.kfix.produce(b, topic, 1, 8);
  await env.kfix.commit(b, group, [[topic, 1, 3]]);
  for (const method of ['GET', 'POST']) {
    for (const sig of ['sha1', 'sha256']) {
      const d = a.success(await srv.call({ group }, { protocol: 'https', method, sig }), `https ${method} ${sig}`);
      a.deepStrictEqual(d.topicList[0].partitions.map((p) => [p.offset, p.lag]), [[-1, 0], [3, 5]]);
    }
  }
  const reset = a.success(await srv.call({ Action: 'SetGroupOffset', group, topics: [topic], strategy: 1, timestamp: -1 }, { protocol: 'https', method: 'POST', sig: 'sha256' }));
  a.deepStrictEqual(reset.succ[0].partitions.map((p) => p.offset), [0, 8]);
  for (const client of ['curl', 'wget']) {
    const r = await env.run(path.join(env.SRCDIR, 'scripts', 'ckafka-call'), ['-k', '-c', client, 'GetGroupOffsets', `instanceId=${env.INSTANCE}`, `group=${group}`], {
      env: { ...process.env, CKAFKA_ENDPOINT: `${srv.url}/v2/index.php`, CKAFKA_SECRET_ID: env.SECRET_ID, CKAFKA_SECRET_KEY: env.SECRET_KEY },
    });
    a.strictEqual(r.code, 0, r.stderr);
    a.deepStrictEqual(a.success(JSON.parse(r.stdout)).topicList[0].partitions.map((p) => p.offset), [0, 8]);
  }
  // Plain HTTP to the TLS port is not served as the API.
  const plain = await env.run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://${srv.host}/v2/index.php`]);
  a.strictEqual(plain.stdout, '400');
});
