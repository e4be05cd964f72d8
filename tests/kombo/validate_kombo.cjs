// Validates JSON against Kombo's OpenAPI document (tests/kombo/kombo-openapi.json, the stripped copy)
// with a real JSON Schema 2020-12 validator (Ajv2020 + ajv-formats).
//
//   node validate_kombo.cjs <kombo-openapi.json> <node_modules> captures <dir>
//     Each capture file is {"name", "path" (OpenAPI path template), "status", "body"}; a 200 is
//     checked against paths[path].get.responses["200"], anything else against Kombo's ATS error
//     response (components/responses/ErrorResponseATS).
//   node validate_kombo.cjs <kombo-openapi.json> <node_modules> items <kind>   (NDJSON on stdin)
//     Each line is one record checked against Kombo's item schema of <kind>: job, application,
//     candidate, attachment (the application-attachment item), stage (both /ats/application-stages and a job's stages[]),
//     rejection_reason. Additional fields are allowed (Kombo's item schemas allow them).
// Exit 0 when everything validates and there was at least one thing to check.
'use strict';
const fs = require('fs');
const path = require('path');

const [openapiFile, modulesArg, mode, arg] = process.argv.slice(2);
const modules = modulesArg && path.resolve(modulesArg);
if (!openapiFile || !modules || !['captures', 'items'].includes(mode) || !arg) {
  console.error('usage: node validate_kombo.cjs <kombo-openapi.json> <node_modules> captures <dir> | items <kind>');
  process.exit(2);
}
const Ajv2020 = require(path.join(modules, 'ajv', 'dist', '2020')).default;
const addFormats = require(path.join(modules, 'ajv-formats')).default;

const doc = JSON.parse(fs.readFileSync(openapiFile, 'utf8'));
// strict: false because an OpenAPI document carries keywords JSON Schema does not define.
// $refs like "#/components/schemas/X" resolve within the document.
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(f, true);
const base = 'https://kombo.invalid/kombo-openapi.json';
ajv.addSchema(doc, base);

const pointer = (...parts) => '#/' + parts.map(p => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const validators = new Map();
function compile(ref) {
  if (!validators.has(ref)) validators.set(ref, ajv.compile({ $ref: ref }));
  return validators.get(ref);
}
function responseRef(p) {
  const op = doc.paths[p] && doc.paths[p].get;
  if (!op) throw new Error(`no GET ${p} in the OpenAPI document`);
  return base + pointer('paths', p, 'get', 'responses', '200', 'content', 'application/json', 'schema');
}
// The item schema of a list endpoint: its 200 schema's data.results.items, following one $ref.
function itemRef(p, ...inner) {
  const schema = doc.paths[p].get.responses['200'].content['application/json'].schema;
  const name = schema.$ref.split('/').pop();
  return base + pointer('components', 'schemas', name, 'properties', 'data', 'properties', 'results', 'items', ...inner);
}
const itemRefs = {
  job: [itemRef('/ats/jobs')],
  application: [itemRef('/ats/applications')],
  candidate: [itemRef('/ats/candidates')],
  // Kombo's candidate-attachment item pins id and candidate_id to Kombo's own 24-character id
  // format, which no upstream id has: records are held to the application-attachment item.
  attachment: [itemRef('/ats/applications/{application_id}/attachments')],
  stage: [itemRef('/ats/application-stages'), itemRef('/ats/jobs', 'properties', 'stages', 'items')],
  rejection_reason: [itemRef('/ats/rejection-reasons')],
};

let failures = 0, checked = 0;
function check(label, refs, value) {
  checked++;
  for (const ref of refs) {
    const validate = compile(ref);
    if (!validate(value)) {
      failures++;
      console.log(`FAIL ${label} against ${decodeURIComponent(ref.slice(base.length))}`);
      for (const e of validate.errors.slice(0, 10)) console.log(`     ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
      if (failures <= 3) console.log(`     record: ${JSON.stringify(value).slice(0, 600)}`);
      return;
    }
  }
  if (mode === 'captures') console.log(`ok   ${label}`);
}

if (mode === 'captures') {
  for (const file of fs.readdirSync(arg).sort()) {
    if (!file.endsWith('.json')) continue;
    const capture = JSON.parse(fs.readFileSync(path.join(arg, file), 'utf8'));
    const ref = capture.status === 200 ? responseRef(capture.path)
      : base + pointer('components', 'responses', 'ErrorResponseATS', 'content', 'application/json', 'schema');
    check(`${capture.name} (${capture.status} ${capture.path})`, [ref], capture.body);
  }
} else {
  const refs = itemRefs[arg];
  if (!refs) { console.error(`unknown kind ${arg}; one of ${Object.keys(itemRefs).join(', ')}`); process.exit(2); }
  const lines = fs.readFileSync(0, 'utf8').split('\n').filter(l => l.trim() !== '');
  lines.forEach((line, i) => check(`${arg} ${i}`, refs, JSON.parse(line)));
}
console.log(`${checked} checked, ${failures} failures`);
process.exit(failures === 0 && checked > 0 ? 0 : 1);
