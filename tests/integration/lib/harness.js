'use strict';
// A small sequential test runner that prints TAP, one line per test, so the
// automake TAP driver counts every integration test. Each test gets a time
// limit; a test that fails keeps its temporary directory (like nginx-tests'
// TEST_NGINX_LEAVE) and says where it is.

const tests = [];

function test(name, fn, opts = {}) {
  tests.push({ name, fn, timeout: opts.timeout || 60000, file: currentFile });
}

let currentFile = '';
function file(name) {
  currentFile = name;
}

function diag(text) {
  for (const line of String(text).split('\n')) process.stdout.write(`# ${line}\n`);
}

function withTimeout(promise, ms, name) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${name}`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

// Runs every registered test whose "file: name" matches filter (a RegExp or
// null). Returns the number of failures.
async function run(filter, hooks = {}) {
  const selected = tests.filter((t) => !filter || filter.test(`${t.file}: ${t.name}`));
  let n = 0;
  let failed = 0;
  for (const t of selected) {
    n++;
    const title = `${t.file}: ${t.name}`;
    const started = Date.now();
    const ctx = { cleanups: [], keep: [] };
    let error = null;
    try {
      await withTimeout(Promise.resolve().then(() => t.fn(ctx)), t.timeout, title);
    } catch (e) {
      error = e;
    }
    for (const c of ctx.cleanups.reverse()) {
      try {
        await c(error);
      } catch (e) {
        if (!error) error = e;
      }
    }
    if (!error && hooks.afterEach) {
      try {
        await hooks.afterEach(t);
      } catch (e) {
        error = e;
      }
    }
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (error) {
      failed++;
      process.stdout.write(`not ok ${n} - ${title}\n`);
      diag(error && error.stack ? error.stack : String(error));
      for (const k of ctx.keep) diag(`kept for inspection: ${k}`);
    } else {
      process.stdout.write(`ok ${n} - ${title} (${secs} s)\n`);
    }
  }
  process.stdout.write(`1..${n}\n`);
  return failed;
}

module.exports = { test, file, run, diag };
