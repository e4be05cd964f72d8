// A real Kombo client against `ats-host serve`: Kombo's official TypeScript SDK (@kombo-api/sdk,
// which validates every response with zod) with its base URL set to a tenant's root and the
// tenant's token as its API key. Reads every page of jobs, applications and candidates, then asks
// once with a wrong token. Prints one JSON object:
//   {"jobs": {"pages": n, "ids": [...]}, "applications": {...}, "candidates": {...},
//    "wrong_token": {"class": "KomboAtsError", "status": 401, "code": "PLATFORM.AUTHENTICATION_INVALID"}}
// Any response the SDK refuses (ResponseValidationError) ends the run with exit 1 and its report.
// usage: node kombo_sdk_client.mjs <node_modules> <server_url> <token> <page_size> [integration_id]
// (integration_id: sent as X-Integration-Id; serve ignores it, Kombo and its emulator need it)
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [modules, serverUrl, token, pageSize, integrationId] = process.argv.slice(2);
if (!modules || !serverUrl || !token || !pageSize) {
  console.error('usage: node kombo_sdk_client.mjs <node_modules> <server_url> <token> <page_size>');
  process.exit(2);
}
const sdk = path.join(modules, '@kombo-api', 'sdk', 'esm');
const { Kombo } = await import(pathToFileURL(path.join(sdk, 'index.js')).href);
const errors = await import(pathToFileURL(path.join(sdk, 'models', 'errors', 'index.js')).href);

const client = (apiKey) => new Kombo({ api_key: apiKey, server_url: serverUrl, integration_id: integrationId || 'ats-host' });

async function readAll(kombo, method) {
  const out = { pages: 0, ids: [] };
  const first = await kombo.ats[method]({ page_size: Number(pageSize) });
  for await (const page of first) {
    out.pages++;
    for (const record of page.result.data.results) out.ids.push(record.id);
  }
  return out;
}

try {
  const kombo = client(token);
  const report = {};
  for (const [name, method] of [['jobs', 'getJobs'], ['applications', 'getApplications'], ['candidates', 'getCandidates']])
    report[name] = await readAll(kombo, method);
  try {
    await client(token + '-wrong').ats.getJobs({ page_size: 1 });
    report.wrong_token = { class: 'none' };
  } catch (e) {
    report.wrong_token = { class: e.constructor.name, status: e.statusCode,
                           code: e.data$ && e.data$.error ? e.data$.error.code : null,
                           is_kombo_ats_error: e instanceof errors.KomboAtsError };
  }
  console.log(JSON.stringify(report));
} catch (e) {
  console.error(`${e.constructor.name}: ${e.message}`);
  if (typeof e.pretty === 'function') console.error(e.pretty().slice(0, 4000));
  process.exit(1);
}
