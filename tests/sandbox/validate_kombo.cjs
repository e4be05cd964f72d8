// Validates captured Kombo responses against kombo-openapi.json with a real JSON Schema 2020-12
// validator (Ajv2020 + ajv-formats).
// usage: node validate_kombo.cjs <kombo-openapi.json> <node_modules dir> <captures dir>
// Each capture file is {"name", "path" (OpenAPI path template), "status", "body"}; a 200 is checked
// against paths[path].get.responses["200"], anything else against the shared error response
// (components/responses/ErrorResponseATS). Exit 0 when every capture validates.
'use strict';
const fs = require('fs');
const path = require('path');

const [openapiFile, modules, capturesDir] = process.argv.slice(2);
if (!openapiFile || !modules || !capturesDir) {
  console.error('usage: node validate_kombo.cjs <kombo-openapi.json> <node_modules> <captures dir>');
  process.exit(2);
}
if (!fs.existsSync(openapiFile)) {
  console.error(`kombo-openapi.json not found at ${openapiFile} (shared/reference must sit beside the repository)`);
  process.exit(2);
}
const Ajv2020 = require(path.join(modules, 'ajv', 'dist', '2020')).default;
const addFormats = require(path.join(modules, 'ajv-formats')).default;

const doc = JSON.parse(fs.readFileSync(openapiFile, 'utf8'));
// strict: false because an OpenAPI document carries keywords JSON Schema does not define
// (example, externalDocs, ...). $refs like "#/components/schemas/X" resolve within the document.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(f, true);
const base = 'https://sandbox.invalid/kombo-openapi.json';
ajv.addSchema(doc, base);

const pointer = (...parts) => '#/' + parts.map(p => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const validators = new Map();
function validatorFor(capture) {
  let ref;
  if (capture.status === 200) {
    const op = doc.paths[capture.path] && doc.paths[capture.path].get;
    if (!op) throw new Error(`${capture.name}: no GET ${capture.path} in the OpenAPI document`);
    ref = base + pointer('paths', capture.path, 'get', 'responses', '200', 'content', 'application/json', 'schema');
  } else {
    ref = base + pointer('components', 'responses', 'ErrorResponseATS', 'content', 'application/json', 'schema');
  }
  if (!validators.has(ref)) validators.set(ref, ajv.compile({ $ref: ref }));
  return validators.get(ref);
}

let failures = 0, checked = 0;
for (const file of fs.readdirSync(capturesDir).sort()) {
  if (!file.endsWith('.json')) continue;
  const capture = JSON.parse(fs.readFileSync(path.join(capturesDir, file), 'utf8'));
  const validate = validatorFor(capture);
  checked++;
  if (validate(capture.body)) {
    console.log(`ok   ${capture.name} (${capture.status} ${capture.path})`);
  } else {
    failures++;
    console.log(`FAIL ${capture.name} (${capture.status} ${capture.path})`);
    for (const e of validate.errors.slice(0, 10)) console.log(`     ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  }
}
console.log(`${checked} captures, ${failures} failures`);
process.exit(failures === 0 && checked > 0 ? 0 : 1);
