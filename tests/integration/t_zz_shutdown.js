'use strict';
// Last: the shared server stops cleanly and its processes (workers
// included) left no sanitizer report.
const { test } = require('./lib/harness');
const env = require('./lib/env');

test('the shared server stops cleanly with no sanitizer report', async () => {
  await env.stopSharedServer();
});
