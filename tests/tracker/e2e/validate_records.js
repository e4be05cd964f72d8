// Validates NDJSON records on stdin against <schema_dir>/<name>.schema.json (JSON Schema 2020-12)
// with ajv; every schema of the folder is loaded so that $refs resolve. Exit 0 when all are valid,
// 1 with the errors of the first invalid records otherwise. Usage: node validate_records.js DIR NAME
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv2020 = require('ajv/dist/2020');
let addFormats = null;
try { addFormats = require('ajv-formats'); } catch (e) { /* optional */ }

const [dir, name] = process.argv.slice(2);
const ajv = new Ajv2020({ allErrors: true, strict: false });
if (addFormats) addFormats(ajv);
for (const f of fs.readdirSync(dir)) {
  if (f.endsWith('.schema.json')) ajv.addSchema(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
}
const schema = JSON.parse(fs.readFileSync(path.join(dir, name + '.schema.json'), 'utf8'));
const validate = ajv.getSchema(schema.$id);
const lines = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.trim() !== '');
if (lines.length === 0) { console.log('no records to validate'); process.exit(1); }
let bad = 0;
lines.forEach((line, i) => {
  const rec = JSON.parse(line);
  if (!validate(rec)) {
    bad++;
    if (bad <= 5) console.log(`record ${i}: ${ajv.errorsText(validate.errors)}\n  ${line.slice(0, 400)}`);
  }
});
if (bad) { console.log(`${bad} of ${lines.length} records invalid against ${name}`); process.exit(1); }
