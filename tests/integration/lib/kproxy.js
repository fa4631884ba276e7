'use strict';
// A TCP proxy that understands just enough of the Kafka protocol (the size
// and the request header of each frame) to inject faults at one exact
// request: lose a request before the broker sees it, lose the broker's
// answer after it acted, or take the broker away right after a request.
// The broker advertises the proxy's port, so every client connection,
// bootstrap or not, passes through it.
const net = require('net');

class KafkaProxy {
  constructor(port, target) {
    this.port = port;
    this.target = target;
    this.rules = []; // {apiKey, action, downMs, hit: Promise resolve}
    this.conns = new Set();
    this.downUntil = 0;
    this.seen = new Map(); // apiKey -> count
  }

  start() {
    this.server = net.createServer((client) => this.accept(client));
    return new Promise((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
  }

  stop() {
    for (const c of this.conns) c.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  // The next request with apiKey triggers action:
  //   'lose-request'  not forwarded; the connection is cut
  //   'lose-response' forwarded; its answer is dropped and the connection cut
  //   'error-response' forwarded; the group-level error code that ends an
  //                   OffsetFetch answer (v2+) is replaced by errorCode
  // downMs > 0 also refuses every connection for that long afterwards.
  // Resolves when it has happened.
  inject(apiKey, action, downMs = 0, errorCode = 0) {
    return new Promise((resolve) => this.rules.push({ apiKey, action, downMs, errorCode, resolve }));
  }

  down(ms) {
    this.downUntil = Date.now() + ms;
    for (const c of this.conns) c.destroy();
  }

  accept(client) {
    if (Date.now() < this.downUntil) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.target, '127.0.0.1');
    const pair = { client, upstream, swallow: new Map() };
    const cut = () => { client.destroy(); upstream.destroy(); this.conns.delete(client); this.conns.delete(upstream); };
    this.conns.add(client);
    this.conns.add(upstream);
    client.on('error', cut);
    upstream.on('error', cut);
    client.on('close', cut);
    upstream.on('close', cut);
    let inbuf = Buffer.alloc(0);
    let outbuf = Buffer.alloc(0);
    client.on('data', (d) => {
      inbuf = Buffer.concat([inbuf, d]);
      while (inbuf.length >= 4 && inbuf.length >= 4 + inbuf.readInt32BE(0)) {
        const size = inbuf.readInt32BE(0);
        const frame = inbuf.subarray(0, 4 + size);
        inbuf = inbuf.subarray(4 + size);
        const apiKey = frame.readInt16BE(4);
        const corr = frame.readInt32BE(8);
        this.seen.set(apiKey, (this.seen.get(apiKey) || 0) + 1);
        const i = this.rules.findIndex((r) => r.apiKey === apiKey);
        if (i >= 0) {
          const rule = this.rules.splice(i, 1)[0];
          if (rule.action === 'lose-request') {
            this.fire(rule, cut);
            return;
          }
          pair.swallow.set(corr, { ...rule, version: frame.readInt16BE(6) });
        }
        upstream.write(frame);
      }
    });
    upstream.on('data', (d) => {
      outbuf = Buffer.concat([outbuf, d]);
      while (outbuf.length >= 8 && outbuf.length >= 4 + outbuf.readInt32BE(0)) {
        const size = outbuf.readInt32BE(0);
        const frame = outbuf.subarray(0, 4 + size);
        outbuf = outbuf.subarray(4 + size);
        const corr = frame.readInt32BE(4);
        const rule = pair.swallow.get(corr);
        if (rule && rule.action === 'error-response') {
          pair.swallow.delete(corr);
          // Flexible versions (6+) end with an empty tagged-field buffer.
          const at = frame.length - (rule.version >= 6 ? 3 : 2);
          const copy = Buffer.from(frame);
          copy.writeInt16BE(rule.errorCode, at);
          client.write(copy);
          rule.resolve();
          continue;
        }
        if (rule) {
          pair.swallow.delete(corr);
          this.fire(rule, cut);
          return;
        }
        client.write(frame);
      }
    });
  }

  fire(rule, cut) {
    cut();
    if (rule.downMs) this.down(rule.downMs);
    rule.resolve();
  }
}

// Kafka API keys the tests inject at.
KafkaProxy.OFFSET_COMMIT = 8;
KafkaProxy.OFFSET_FETCH = 9;
KafkaProxy.LIST_OFFSETS = 2;

// A broker of its own behind a proxy on a free port (advertised there, so
// every connection passes it), a group over o.partitions at offset 2, and
// a one-worker server with o.kafkaTimeout; all stopped with the test.
async function withProxy(ctx, name, o) {
  const env = require('./env');
  const proxyPort = await env.freePort();
  const br = await env.startBroker(name, { advertisedPort: proxyPort });
  ctx.cleanups.push(() => br.stop());
  const proxy = new KafkaProxy(proxyPort, br.port);
  await proxy.start();
  ctx.cleanups.push(() => proxy.stop());
  const boot = `127.0.0.1:${proxyPort}`;
  const srv = await env.startServer({ bootstrap: boot, workers: 1, kafkaTimeout: o.kafkaTimeout });
  ctx.cleanups.push(() => srv.stop());
  const w = await env.kfix.group(boot, { prefix: o.prefix, partitions: o.partitions });
  return { br, proxy, boot, srv, ...w };
}

module.exports = { KafkaProxy, withProxy };
