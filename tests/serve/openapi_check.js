// openapi_check.js - checks recorded real responses of `ats-host serve` against its OpenAPI 3.1
// document with ajv (JSON Schema 2020-12), so the document cannot drift from the service.
//
// usage: node openapi_check.js NODE_MODULES OPENAPI_JSON EXCHANGES_JSON SCHEMA_DIR [--partial]
//   --partial: do not require every documented operation to be exercised
//   EXCHANGES_JSON: [{"method","path" (OpenAPI template),"status","content_type","body"}]
// Fails (exit 1) when: a body does not validate; a status or content type is not documented;
// a documented operation was never exercised; the document's copies of plugin_api/schema differ
// from the files.
'use strict';
const fs = require('fs');
const path = require('path');
const [nodeModules, docPath, exchangesPath, schemaDir, mode] = process.argv.slice(2);
const Ajv2020 = require(path.join(nodeModules, 'ajv/dist/2020')).default;

const doc = JSON.parse(fs.readFileSync(docPath, 'utf8'));
const exchanges = JSON.parse(fs.readFileSync(exchangesPath, 'utf8'));
const failures = [];
const fail = (m) => failures.push(m);

// 1. The embedded record schemas are plugin_api/schema/*.schema.json with refs made local.
function rewrite(node, name) {
  if (Array.isArray(node)) return node.map((x) => rewrite(x, name));
  if (node && typeof node === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$id' || k === '$schema') continue;
      if (k === '$ref' && typeof v === 'string') {
        if (v.startsWith('#/')) out[k] = '#/components/schemas/' + name + v.slice(1);
        else {
          const [file, frag] = v.split('#');
          out[k] = '#/components/schemas/' + file.replace('.schema.json', '') + (frag || '');
        }
        continue;
      }
      out[k] = rewrite(v, name);
    }
    return out;
  }
  return node;
}
for (const f of fs.readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json'))) {
  const name = f.replace('.schema.json', '');
  const expected = rewrite(JSON.parse(fs.readFileSync(path.join(schemaDir, f), 'utf8')), name);
  const actual = doc.components.schemas[name];
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    fail(`components.schemas.${name} differs from ${f}: run python3 host/serve/tools/gen_openapi.py`);
}

// 2. Every recorded response validates.
const ajv = new Ajv2020({ strict: false, allErrors: true });
const cache = new Map();
function validator(schema, key) {
  if (!cache.has(key)) cache.set(key, ajv.compile({ ...schema, components: doc.components }));
  return cache.get(key);
}
const exercised = new Set();
for (const [i, ex] of exchanges.entries()) {
  const where = `#${i} ${ex.method} ${ex.path} -> ${ex.status}`;
  const op = (doc.paths[ex.path] || {})[ex.method.toLowerCase()];
  if (!op) { fail(`${where}: no such operation in the document`); continue; }
  exercised.add(`${ex.method.toLowerCase()} ${ex.path}`);
  const response = op.responses[String(ex.status)] || op.responses.default;
  if (!response) { fail(`${where}: status not documented`); continue; }
  const ctype = (ex.content_type || '').split(';')[0].trim();
  const content = response.content || {};
  const media = content[ctype] || content['*/*'];
  if (!media) { fail(`${where}: content type "${ctype}" not documented (${Object.keys(content)})`); continue; }
  if (!content[ctype]) continue; // binary: documented as */*, nothing to validate
  if (ctype === 'application/x-ndjson') {
    const item = media['x-ndjson-item'];
    const validate = validator(item, `${ex.method} ${ex.path} ${ex.status} item`);
    const lines = ex.body.split('\n').filter((l) => l.length);
    for (const [n, line] of lines.entries()) {
      let v;
      try { v = JSON.parse(line); } catch (e) { fail(`${where}: line ${n} is not JSON`); continue; }
      if (!validate(v)) fail(`${where}: line ${n}: ${ajv.errorsText(validate.errors)}`);
    }
    continue;
  }
  if (ctype !== 'application/json') continue; // text/plain metrics: a string by definition
  let body;
  try { body = JSON.parse(ex.body); } catch (e) { fail(`${where}: body is not JSON`); continue; }
  const validate = validator(media.schema, `${ex.method} ${ex.path} ${ex.status} ${ctype}`);
  if (!validate(body)) fail(`${where}: ${ajv.errorsText(validate.errors)} in ${ex.body.slice(0, 300)}`);
}

// 3. Every documented operation was exercised by the tests.
if (mode !== '--partial') {
  for (const [p, ops] of Object.entries(doc.paths))
    for (const m of Object.keys(ops))
      if (!exercised.has(`${m} ${p}`)) fail(`documented operation ${m.toUpperCase()} ${p} was never exercised`);
}

if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log(`openapi_check: ${exchanges.length} responses valid, ${exercised.size} operations exercised`);
