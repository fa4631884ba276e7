'use strict';
// Assertions that say what the API answered when they fail.
const assert = require('assert');

function success(body, what = 'request') {
  if (!body || body.code !== 0) throw new Error(`${what}: expected code 0, got ${JSON.stringify(body)}`);
  return body.data;
}

// A success answered at the top level ("message":"ok", no data): the
// answer's own fields.
function successTop(body, what = 'request') {
  if (!body || body.code !== 0 || body.message !== 'ok' || body.codeDesc !== 'Success' || 'data' in body) {
    throw new Error(`${what}: expected a top-level success, got ${JSON.stringify(body)}`);
  }
  const { code, message, codeDesc, ...rest } = body;
  return rest;
}

function refused(body, code, pattern) {
  if (!body || body.code !== code) throw new Error(`expected code ${code}, got ${JSON.stringify(body)}`);
  if (pattern && !pattern.test(body.message)) throw new Error(`message ${JSON.stringify(body.message)} does not match ${pattern}`);
  assert.ok(typeof body.codeDesc === 'string' && body.codeDesc.length > 0, 'codeDesc present');
  assert.strictEqual(body.data, undefined, 'no data in an error envelope');
}

module.exports = { ...assert, success, successTop, refused };
