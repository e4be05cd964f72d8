#!/usr/bin/env python3
"""Writes host/serve/openapi.json, the OpenAPI 3.1 document of `ats-host serve`.

The record schemas are plugin_api/schema/*.schema.json, embedded under components/schemas with
their $refs made local (tests/serve/openapi_check.js fails when the copies drift). The operations,
their names and result shapes (record, stream, blob), are read from the table ATS_OPERATIONS in
plugin_api/ats_operations.h (serve.openapi_table fails when the document and the table disagree).
Run it after changing a route, a record schema or the table:  python3 host/serve/tools/gen_openapi.py
"""
import glob
import json
import os
import re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
S = os.path.join(ROOT, 'plugin_api', 'schema')
OUT = os.path.join(ROOT, 'host', 'serve', 'openapi.json')


def read_operation_table(header):
    """{operation name: 'record' | 'stream' | 'blob'} in the order of ATS_OPERATIONS."""
    text = open(header).read()
    names = dict(re.findall(r'#define\s+(ATS_OP_\w+)\s+"([^"]+)"', text))
    table = text[text.index('#define ATS_OPERATIONS(X)'):]
    rows = re.findall(r'X\((ATS_OP_\w+),\s*ATS_RESULT_(RECORD|STREAM|BLOB)\)', table)
    if not rows:
        raise SystemExit('no rows in ATS_OPERATIONS of ' + header)
    return {names[macro]: shape.lower() for macro, shape in rows}


OPERATIONS = read_operation_table(os.path.join(ROOT, 'plugin_api', 'ats_operations.h'))


def ats_operation(name):
    if name not in OPERATIONS:
        raise SystemExit('x-ats-operation %r is not in ATS_OPERATIONS (plugin_api/ats_operations.h)' % name)
    return name

comps = {}


def rewrite(node, name):
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k in ('$id', '$schema'):
                continue
            if k == '$ref' and isinstance(v, str):
                if v.startswith('#/'):
                    v = '#/components/schemas/' + name + v[1:]
                else:
                    f, _, frag = v.partition('#')
                    other = f.replace('.schema.json', '')
                    v = '#/components/schemas/' + other + (frag if frag else '')
            out[k] = rewrite(v, name)
        return out
    if isinstance(node, list):
        return [rewrite(x, name) for x in node]
    return node


for f in sorted(glob.glob(S + '/*.schema.json')):
    name = os.path.basename(f).replace('.schema.json', '')
    comps[name] = rewrite(json.load(open(f)), name)


def ref(n):
    return {'$ref': '#/components/schemas/' + n}


err = {'type': 'object', 'additionalProperties': False, 'required': ['error'], 'properties': {'error': {'type': 'object', 'additionalProperties': False, 'required': ['code', 'message'], 'properties': {'code': {'type': 'string', 'description': 'stable machine-readable code'}, 'message': {'type': 'string'}, 'request_id': {'type': 'string'}}}}}
comps['Error'] = err


def results(item, extra=None):
    s = {'type': 'object', 'required': ['results'], 'properties': {'results': {'type': 'array', 'items': item}}}
    if extra:
        s['properties'].update(extra)
        s['required'] += list(extra.keys())
    return s


def page(item):
    return {'type': 'object', 'additionalProperties': False, 'required': ['results', 'next_cursor'], 'properties': {'results': {'type': 'array', 'items': item}, 'next_cursor': {'type': ['string', 'null'], 'description': 'pass as ?cursor= for the next page; null on the last page'},
            'warnings': {'type': 'array', 'items': ref('StreamWarning'), 'description': 'present when a source of the stream failed: the results are complete for every other source (e.g. tracker_workable with Kombo unavailable: Tracker\'s applications and the pending ones known from state)'}}}


comps['StreamWarning'] = {'type': 'object', 'required': ['source', 'code', 'message', 'retryable'],
                          'description': 'A control record {"_type":"error",...} of the provider (plugin_api/ats_plugin.h) without its _type: one source of the stream failed. On NDJSON the same object, with "_type":"error", is the LAST line (after every record).',
                          'properties': {'source': {'type': 'string', 'description': 'which part of the stream failed, e.g. "workable"'},
                                         'code': {'type': 'string', 'description': 'the ABI status name: transient, rate_limited, upstream, unauthorized, ...'},
                                         'message': {'type': 'string'}, 'retryable': {'type': 'boolean'}}}


comps['SyncRun'] = {'type': 'object', 'additionalProperties': False,
                    'required': ['id', 'tenant_id', 'provider', 'trigger', 'full', 'retry_quarantined', 'status', 'started_at', 'finished_at', 'summary', 'error', 'request_id'],
                    'properties': {'id': {'type': 'string'}, 'tenant_id': {'type': 'string'}, 'provider': {'type': 'string'}, 'trigger': {'enum': ['schedule', 'api', 'webhook', 'cli'], 'description': 'cli: `ats-host sync` (recorded in the same history)'},
                                   'full': {'type': 'boolean'}, 'retry_quarantined': {'type': 'boolean'},
                                   'dry_run': {'type': 'boolean', 'description': 'a dry run: nothing was written; the summary holds plan_counts (writes per action) instead of the plan'},
                                   'status': {'enum': ['running', 'succeeded', 'failed', 'cancelled', 'unreadable'], 'description': 'unreadable: a kept run sealed by a state key no longer configured'},
                                   'started_at': {'type': 'string'}, 'finished_at': {'type': ['string', 'null']},
                                   'duration_ms': {'type': 'integer', 'minimum': 0, 'description': 'present once finished'},
                                   'summary': {'type': ['object', 'null'], 'description': "the provider's sync result (tracker_workable: sync_summary)"},
                                   'error': {'oneOf': [{'type': 'null'}, {'type': 'object', 'required': ['code', 'message'], 'additionalProperties': False, 'properties': {'code': {'type': 'string'}, 'message': {'type': 'string'}}}]},
                                   'request_id': {'type': ['string', 'null']}}}
comps['SyncSchedule'] = {'type': 'object', 'additionalProperties': False, 'required': ['interval_seconds', 'next_run_at', 'full_every_seconds', 'next_full_run_at', 'last_full_run'],
                         'description': 'Scheduled syncs of the tenant (manifest "sync": interval_seconds for incremental runs; full_every_seconds for full reconciliations, default 86400, 0 = none).',
                         'properties': {'interval_seconds': {'type': ['integer', 'null']}, 'next_run_at': {'type': ['string', 'null'], 'description': 'next scheduled incremental run'},
                                        'full_every_seconds': {'type': ['integer', 'null']}, 'next_full_run_at': {'type': ['string', 'null'], 'description': 'next scheduled full run'},
                                        'last_full_run': {'oneOf': [{'type': 'null'}, ref('SyncRun')], 'description': 'the newest full run (scheduled or requested), kept past the run history'}}}
capability = {'type': 'object', 'additionalProperties': False, 'required': ['operation', 'support', 'reason'], 'properties': {'operation': {'enum': list(OPERATIONS)}, 'support': {'enum': ['supported', 'limited', 'not_supported']}, 'reason': {'type': 'string'}}}
comps['Provider'] = {'type': 'object', 'additionalProperties': False, 'required': ['provider', 'display_name', 'plugin_version', 'vendor', 'description', 'abi_version', 'operations'],
                     'properties': {'provider': {'type': 'string', 'pattern': '^[a-z][a-z0-9_]*$'}, 'display_name': {'type': 'string'}, 'plugin_version': {'type': 'string'}, 'vendor': {'type': 'string'}, 'description': {'type': 'string'}, 'abi_version': {'type': 'string', 'pattern': '^[0-9]+\\.[0-9]+$'}, 'operations': {'type': 'array', 'items': capability}, 'tenant_id': {'type': 'string'}}}
comps['Readiness'] = {'type': 'object', 'additionalProperties': False, 'required': ['ready', 'generation', 'tenants', 'problems'], 'properties': {'ready': {'type': 'boolean'}, 'generation': {'type': 'integer'}, 'problems': {'type': 'array', 'items': {'type': 'string'}},
                      'tenants': {'type': 'array', 'items': {'type': 'object', 'additionalProperties': False, 'required': ['tenant_id', 'loaded', 'provider', 'check'], 'properties': {'tenant_id': {'type': 'string'}, 'loaded': {'type': 'boolean'}, 'provider': {'type': ['string', 'null']},
                                                                                                                                                                   'check': {'oneOf': [{'type': 'null'}, {'type': 'object', 'additionalProperties': False, 'required': ['ok', 'at', 'error'], 'properties': {'ok': {'type': 'boolean'}, 'at': {'type': 'string'}, 'error': {'type': ['string', 'null']}}}]},
                                                                                                                                                                   'isolation': {'enum': ['process', 'in_process'], 'description': 'where the provider plugin runs (manifest host.isolation)'},
                                                                                                                                                                   'worker': {'type': 'object', 'additionalProperties': False, 'description': 'the ats-plugin-worker process of a process-isolated tenant', 'required': ['running', 'pid', 'starts', 'crashes', 'timeouts', 'crash_loop', 'last_failure'],
                                                                                                                                                                              'properties': {'running': {'type': 'boolean'}, 'pid': {'type': 'integer'}, 'starts': {'type': 'integer'}, 'crashes': {'type': 'integer'}, 'timeouts': {'type': 'integer'}, 'crash_loop': {'type': 'boolean', 'description': '3 or more workers in a row died before completing a call'}, 'last_failure': {'type': ['string', 'null']}}}}}}}}

J = 'application/json'
ND = 'application/x-ndjson'


def resp(schema, status='200', desc='OK', ctype=J, headers=None):
    r = {'description': desc, 'content': {ctype: {'schema': schema}}}
    return {status: r}


def errors(*codes):
    d = {}
    for c in codes:
        d[str(c)] = {'description': {'400': 'invalid arguments or body', '401': 'no or unknown bearer token', '403': "the token may not access this tenant (or route)", '404': 'tenant or record not found', '409': 'conflict', '413': 'body too large', '422': 'the request was understood but refused', '429': 'upstream rate limit', '431': 'headers too large', '501': "the tenant's provider does not support this operation (message gives the provider's reason)", '502': 'upstream or provider failure; plugin_crashed: the provider\'s worker process died (message names provider, tenant and signal)', '503': 'upstream unavailable or shutting down; plugin_timeout (the provider\'s worker was killed past the deadline), plugin_unavailable (restarting after crashes), deadline (no answer within the request timeout)'}[str(c)], 'content': {J: {'schema': ref('Error')}}}
    d['default'] = {'description': 'any other error, same envelope', 'content': {J: {'schema': ref('Error')}}}
    return d


T = {'name': 'tenant', 'in': 'path', 'required': True, 'schema': {'type': 'string'}}


def pp(n):
    return {'name': n, 'in': 'path', 'required': True, 'schema': {'type': 'string'}}


def qp(n, desc, schema=None):
    return {'name': n, 'in': 'query', 'required': False, 'schema': schema or {'type': 'string'}, 'description': desc}


bearer = [{'bearer': []}]
paths = {}


def add(path, method, op):
    paths.setdefault(path, {})[method] = op


tenant_err = (400, 401, 403, 404, 501, 502, 503)


def operation(path, method, opid, summary, ats_op, schema, status='200', params=(), body=None):
    o = {'operationId': opid, 'summary': summary, 'security': bearer, 'x-ats-operation': ats_operation(ats_op), 'parameters': [T] + list(params)}
    stream, blob = OPERATIONS[ats_op] == 'stream', OPERATIONS[ats_op] == 'blob'
    if stream:
        o['parameters'] += [qp('limit', 'page size for application/json (1-1000, default 100)', {'type': 'integer', 'minimum': 1, 'maximum': 1000}), qp('cursor', 'from next_cursor of the previous page', {'type': 'string', 'pattern': '^[0-9]+$'})]
        o['description'] = ('Accept: application/x-ndjson streams every record as one JSON line (chunked, never buffered); '
                            'a failure after the first record arrives as a last line holding the Error envelope. Otherwise a JSON page.')
        o['description'] += (' A source of the stream that failed while others succeeded (partial result) is a control record: on NDJSON the last line '
                             '{"_type":"error","source","code","message","retryable"} (StreamWarning plus _type), on a JSON page an entry of `warnings`.')
        o['responses'] = {'200': {'description': 'records', 'content': {J: {'schema': page(schema)}, ND: {'schema': {'type': 'string'}, 'x-ndjson-item': {'oneOf': [schema, ref('Error'), {'allOf': [ref('StreamWarning'), {'type': 'object', 'required': ['_type'], 'properties': {'_type': {'const': 'error'}}}]}]}}}}}
    elif blob:
        o['responses'] = {'200': {'description': 'the file, with its content type and Content-Disposition', 'content': {'*/*': {'schema': {'type': 'string', 'contentEncoding': 'binary'}}}}}
    else:
        o['responses'] = resp(schema, status)
    o['responses'].update(errors(*tenant_err))
    if body:
        o['requestBody'] = {'required': True, 'content': {J: {'schema': body}}}
    add(path, method, o)


B = '/v1/tenants/{tenant}'
operation(B + '/check', 'get', 'check', 'Test the connection upstream', 'check', {'type': 'object', 'required': ['ok'], 'properties': {'ok': {'type': 'boolean'}, 'details': {'type': 'object'}}})
operation(B + '/jobs', 'get', 'listJobs', 'Jobs (stream)', 'jobs.stream', ref('job'), params=[qp('updated_after', 'ISO 8601 UTC'), qp('statuses', 'comma-separated')])
operation(B + '/jobs/get-many', 'post', 'getJobs', 'Jobs by ids', 'jobs.get_many', {'type': 'object', 'required': ['results', 'missing'], 'properties': {'results': {'type': 'array', 'items': ref('job')}, 'missing': {'type': 'array', 'items': {'type': 'string'}}}},
          body={'type': 'object', 'required': ['job_ids'], 'properties': {'job_ids': {'type': 'array', 'items': {'type': 'string'}}}})
operation(B + '/jobs/{job_id}', 'get', 'getJob', 'One job', 'jobs.get', ref('job'), params=[pp('job_id')])
operation(B + '/jobs/{job_id}/enhanced', 'get', 'getJobEnhanced', 'One job with description, client, counts', 'jobs.get_enhanced', ref('job'), params=[pp('job_id')])
operation(B + '/applications', 'get', 'listApplications', 'Applications (stream)', 'applications.stream', ref('application'), params=[qp('updated_after', 'ISO 8601 UTC'), qp('job_ids', 'comma-separated job ids'),
                  qp('strict', 'true: fail (503/429/502) when a source fails instead of answering with `warnings` (tracker_workable: Kombo unavailable)', {'type': 'boolean'})])
operation(B + '/applications', 'post', 'createApplication', 'Create an application', 'applications.create', ref('application'), status='201',
          body={'type': 'object', 'required': ['candidate_id', 'job_id'], 'properties': {'candidate_id': {'type': 'string'}, 'job_id': {'type': 'string'}, 'stage': {'type': 'string'}, 'source': {'type': 'string'}}})
operation(B + '/applications/bulk-reject', 'post', 'bulkReject', 'Reject many applications', 'applications.bulk_reject', results(ref('bulk_result')),
          body={'type': 'object', 'required': ['application_ids'], 'properties': {'application_ids': {'type': 'array', 'items': {'type': 'string'}}, 'rejection_reason_id': {'type': 'string'}, 'note': {'type': 'string'}}})
operation(B + '/applications/{application_id}', 'get', 'getApplication', 'One application', 'applications.get', ref('application'), params=[pp('application_id')])
operation(B + '/applications/{application_id}/stage', 'post', 'moveApplication', 'Move to a stage', 'applications.move_to_stage', ref('application'), params=[pp('application_id')],
          body={'type': 'object', 'required': ['stage'], 'properties': {'stage': {'type': 'string', 'description': 'stage name or id'}}})
operation(B + '/applications/{application_id}/reject', 'post', 'rejectApplication', 'Reject', 'applications.reject', ref('application'), params=[pp('application_id')],
          body={'type': 'object', 'properties': {'rejection_reason_id': {'type': 'string'}, 'note': {'type': 'string'}}})
notebody = {'type': 'object', 'required': ['content'], 'properties': {'content': {'type': 'string'}, 'content_type': {'enum': ['text/plain', 'text/html']}}}
attbody = {'type': 'object', 'required': ['file_name', 'data_base64'], 'properties': {'file_name': {'type': 'string'}, 'content_type': {'type': 'string'}, 'data_base64': {'type': 'string', 'contentEncoding': 'base64'}, 'type': {'enum': ['CV', 'COVER_LETTER', 'OTHER', 'RESUME']}}}
for kind, idn, tag in (('applications', 'application_id', 'Application'), ('candidates', 'candidate_id', 'Candidate')):
    base = B + '/' + kind + '/{' + idn + '}'
    operation(base + '/notes', 'get', 'list' + tag + 'Notes', 'Notes', '%s.notes.list' % kind, results(ref('note')), params=[pp(idn)])
    operation(base + '/notes', 'post', 'add' + tag + 'Note', 'Add a note', '%s.notes.add' % kind, ref('note'), status='201', params=[pp(idn)], body=notebody)
    operation(base + '/attachments', 'get', 'list' + tag + 'Attachments', 'Attachments', '%s.attachments.list' % kind, results(ref('attachment')), params=[pp(idn)])
    operation(base + '/attachments', 'post', 'add' + tag + 'Attachment', 'Add an attachment', '%s.attachments.add' % kind, ref('attachment'), status='201', params=[pp(idn)], body=attbody)
    operation(base + '/attachments/{attachment_id}', 'get', 'get' + tag + 'Attachment', 'Download an attachment', '%s.attachments.get' % kind, None, params=[pp(idn), pp('attachment_id')])
operation(B + '/candidates', 'get', 'listCandidates', 'Candidates (stream)', 'candidates.stream', ref('candidate'), params=[qp('updated_after', 'ISO 8601 UTC')])
operation(B + '/candidates/search', 'get', 'findCandidates', 'Find candidates by details', 'candidates.find',
          results({'type': 'object', 'required': ['candidate', 'matched_on'], 'properties': {'candidate': ref('candidate'), 'matched_on': {'type': 'array', 'items': {'enum': ['email', 'phone', 'name']}}}}),
          params=[qp('email', 'e-mail address'), qp('phone', 'phone number'), qp('first_name', 'first name'), qp('last_name', 'last name')])
operation(B + '/candidates/{candidate_id}', 'get', 'getCandidate', 'One candidate', 'candidates.get', ref('candidate'), params=[pp('candidate_id')])
operation(B + '/candidates/{candidate_id}/resume', 'get', 'getResume', 'Download the resume', 'candidates.get_resume', None, params=[pp('candidate_id')])
operation(B + '/stages', 'get', 'listStages', 'Stages', 'stages.list', results(ref('stage')), params=[qp('job_id', 'stages of this job')])
operation(B + '/rejection-reasons', 'get', 'listRejectionReasons', 'Rejection reasons', 'rejection_reasons.list', results(ref('rejection_reason')))
cf = [pp('record_type'), pp('record_id')]
cf[0]['schema'] = {'enum': ['candidate', 'job', 'application']}
operation(B + '/custom-fields/{record_type}/{record_id}', 'get', 'getCustomFields', 'Custom fields of a record', 'custom_fields.get', results(ref('custom_field')), params=cf)
operation(B + '/custom-fields/{record_type}/{record_id}', 'put', 'setCustomFields', 'Write custom fields', 'custom_fields.set', results(ref('custom_field')), params=cf,
          body={'type': 'object', 'required': ['values'], 'properties': {'values': {'type': 'object', 'additionalProperties': {'type': ['string', 'number', 'boolean', 'null']}}}})
# Kombo-shaped reads (kombo_routes.cpp): Kombo's paths under the tenant root, Kombo's envelopes.
KOMBO_CODES = ['PLATFORM.RATE_LIMIT_EXCEEDED', 'PLATFORM.CONCURRENCY_LIMIT_EXCEEDED', 'PLATFORM.INTEGRATION_NOT_FOUND', 'PLATFORM.INPUT_INVALID', 'PLATFORM.UNKNOWN_ERROR',
               'PLATFORM.IP_NOT_WHITELISTED', 'PLATFORM.AUTHENTICATION_INVALID', 'PLATFORM.TASK_TIMED_OUT', 'INTEGRATION.PERMISSION_MISSING', 'INTEGRATION.AUTHENTICATION_INVALID',
               'INTEGRATION.QA_FAILED', 'INTEGRATION.SETUP_SYNC_PENDING', 'INTEGRATION.SETUP_INCOMPLETE', 'INTEGRATION.INACTIVE', 'INTEGRATION.MODEL_NOT_AVAILABLE',
               'INTEGRATION.MODEL_DISABLED', 'INTEGRATION.ACTION_NOT_AVAILABLE', 'INTEGRATION.ACTION_DISABLED', 'REMOTE.SERVICE_UNAVAILABLE', 'REMOTE.RATE_LIMIT_EXCEEDED',
               'REMOTE.INPUT_INVALID', 'REMOTE.UNKNOWN_HTTP_ERROR', 'ATS.JOB_CLOSED', 'ATS.APPLICATION_ALREADY_EXISTS']
comps['KomboError'] = {'type': 'object', 'required': ['status', 'error'], 'description': "Kombo's ATS error envelope (clients branch on error.code)",
                       'properties': {'status': {'const': 'error'},
                                      'error': {'type': 'object', 'required': ['code', 'title', 'message', 'log_url'],
                                                'properties': {'code': {'enum': KOMBO_CODES + [None]}, 'title': {'type': ['string', 'null']}, 'message': {'type': 'string'}, 'log_url': {'type': ['string', 'null']}}}}}
comps['KomboWarning'] = {'type': 'object', 'required': ['message'], 'properties': {'message': {'type': 'string'}},
                         'description': 'Kombo-shaped lists: a source of the list failed (a StreamWarning with its message); attachments: always [] here'}


def kombo_page(item):
    return {'type': 'object', 'required': ['status', 'data'],
            'properties': {'status': {'const': 'success'},
                           'data': {'type': 'object', 'required': ['results', 'next'], 'properties': {'results': {'type': 'array', 'items': item}, 'next': {'type': ['string', 'null'], 'description': 'pass as ?cursor= (with the same filters) for the next page; null on the last page'}}},
                           'warnings': {'type': 'array', 'items': ref('KomboWarning')}}}


def kombo_errors():
    d = {}
    for c, what in (('400', 'PLATFORM.INPUT_INVALID: unknown parameter, bad page_size, cursor or date'), ('401', 'PLATFORM.AUTHENTICATION_INVALID: no or unknown token'),
                    ('403', "PLATFORM.AUTHENTICATION_INVALID: another tenant's token"), ('404', 'PLATFORM.INTEGRATION_NOT_FOUND (no such tenant) or PLATFORM.INPUT_INVALID (no such record)'),
                    ('501', 'INTEGRATION.MODEL_NOT_AVAILABLE: the provider does not support the list'), ('502', 'REMOTE.UNKNOWN_HTTP_ERROR / INTEGRATION.AUTHENTICATION_INVALID'),
                    ('503', 'REMOTE.SERVICE_UNAVAILABLE')):
        d[c] = {'description': what, 'content': {J: {'schema': ref('KomboError')}}}
    d['default'] = {'description': 'any other error, same envelope', 'content': {J: {'schema': ref('KomboError')}}}
    return d


def kombo_list(path, opid, summary, ats_op, item, filters):
    params = [T, qp('cursor', 'from data.next of the previous page (opaque)'), qp('page_size', '1-250, default 100', {'type': 'integer', 'minimum': 1, 'maximum': 250}),
              qp('updated_after', 'YYYY-MM-DD[THH:mm:ss[.sss]][Z], UTC; fractions of a second are dropped'),
              qp('include_deleted', 'accepted; providers emit no deleted records', {'enum': ['true', 'false']}),
              qp('ignore_unsupported_filters', 'true: a filter on a field the provider never fills is ignored instead of matching nothing', {'enum': ['true', 'false']}),
              qp('ids', 'comma-separated ids'), qp('remote_ids', 'comma-separated remote ids')] + [qp(n, d) for n, d in filters]
    add(B + path, 'get', {'operationId': opid, 'summary': summary, 'security': bearer, 'x-ats-operation': ats_operation(ats_op), 'parameters': params,
                          'description': "Kombo's GET " + path + ' (same parameters, envelope and record shape), so a Kombo client works with server_url = <service>/v1/tenants/{tenant} and a tenant token as its API key. '
                                         'Filters are applied by the service on the records (updated_after and job_ids also reach the provider); unknown parameters are refused (400).',
                          'responses': {'200': {'description': 'one page', 'content': {J: {'schema': kombo_page(item)}}}, **kombo_errors()}})


kombo_list('/ats/jobs', 'komboListJobs', 'Jobs, Kombo-shaped', 'jobs.stream', ref('job'),
           [('job_codes', 'comma-separated'), ('post_url', 'exact'), ('status', 'OPEN|CLOSED|DRAFT|ARCHIVED'), ('statuses', 'comma-separated'), ('employment_types', 'comma-separated'),
            ('visibilities', 'comma-separated'), ('remote_created_after', 'date as updated_after'), ('name_contains', 'case-insensitive')])
kombo_list('/ats/applications', 'komboListApplications', 'Applications, Kombo-shaped', 'applications.stream', ref('application'),
           [('outcome', 'PENDING|HIRED|DECLINED'), ('outcomes', 'comma-separated'), ('job_ids', 'comma-separated'), ('job_remote_ids', 'comma-separated (job.remote_id)'),
            ('current_stage_ids', 'comma-separated'), ('remote_created_after', 'date as updated_after')])
kombo_list('/ats/candidates', 'komboListCandidates', 'Candidates, Kombo-shaped', 'candidates.stream', ref('candidate'),
           [('email', 'any of the e-mail addresses, case-insensitive'), ('job_ids', 'unsupported: candidate records carry no applications (matches nothing unless ignore_unsupported_filters=true)'),
            ('first_name', 'case-insensitive'), ('last_name', 'case-insensitive')])
for kind, idn in (('applications', 'application_id'), ('candidates', 'candidate_id')):
    add(B + '/ats/' + kind + '/{' + idn + '}/attachments', 'get',
        {'operationId': 'komboList' + kind.capitalize()[:-1] + 'Attachments', 'summary': 'Attachments, Kombo-shaped', 'security': bearer, 'x-ats-operation': ats_operation(kind + '.attachments.list'),
         'parameters': [T, pp(idn)], 'description': "Kombo's envelope; data_url is this service's download route (absolute). Ids are the provider's (not Kombo's 24-character ids).",
         'responses': {'200': {'description': 'every attachment', 'content': {J: {'schema': {'type': 'object', 'required': ['status', 'data', 'warnings'],
                                                                                                'properties': {'status': {'const': 'success'}, 'data': {'type': 'object', 'required': ['results'], 'properties': {'results': {'type': 'array', 'items': ref('attachment')}}},
                                                                                                               'warnings': {'type': 'array', 'items': ref('KomboWarning')}}}}}}, **kombo_errors()}})
# service routes
add(B + '/capabilities', 'get', {'operationId': 'getCapabilities', 'summary': "The tenant's provider and its capability matrix", 'security': bearer, 'parameters': [T], 'responses': {**resp(ref('Provider')), **errors(401, 403, 404)}})
add(B + '/sync', 'post', {'operationId': 'startSync', 'summary': 'Start a sync now, or answer its plan (dry_run)', 'security': bearer, 'x-ats-operation': ats_operation('sync'), 'parameters': [T],
                          'description': 'Without dry_run: starts a run (202) whose outcome GET .../sync reports. With {"dry_run": true}: runs the sync reading everything and writing nothing (neither upstream nor to its state) and answers at once (200) with the summary a real run would report plus "dry_run": true and "plan" (every write a real run would send); the history records it as a dry run. 501 when the provider does not sync or predates dry runs (plugin ABI 1.2); an upstream that contradicts a wire assumption the sync relies on fails it (502, message naming the assumption).',
                          'requestBody': {'required': False, 'content': {J: {'schema': {'type': 'object', 'properties': {'full': {'type': 'boolean', 'description': 'a full reconciliation (ignore the checkpoint)'}, 'retry_quarantined': {'type': 'boolean', 'description': 'retry applications the provider quarantined (sync --retry-quarantined)'}, 'dry_run': {'type': 'boolean', 'description': 'answer the plan (200) instead of starting a run; nothing is written'}}}}}},
                          'responses': {**resp({'type': 'object', 'additionalProperties': False, 'required': ['run'], 'properties': {'run': ref('SyncRun')}}, '202', 'started'),
                                        **resp(ref('sync_summary'), '200', 'dry_run: the plan (sync_summary with dry_run and plan)'),
                                        **errors(400, 401, 403, 404, 409, 501, 502, 503)}})
add(B + '/sync', 'get', {'operationId': 'listSyncs', 'summary': "The tenant's sync history, newest first", 'security': bearer,
                         'description': "Every run of the tenant kept in its state (any trigger: schedule, api, webhook, and `ats-host sync` as cli; dry runs included), with the runs still going; the same history as `ats-host syncs`. Kept: the newest sync.history_runs (manifest, default 100).",
                         'parameters': [T, {'name': 'last', 'in': 'query', 'required': False, 'schema': {'type': 'integer', 'minimum': 1, 'maximum': 10000, 'default': 20}, 'description': 'how many runs, newest first'}],
                         'responses': {**resp({'type': 'object', 'additionalProperties': False, 'required': ['runs', 'schedule'], 'properties': {'runs': {'type': 'array', 'items': ref('SyncRun')}, 'schedule': ref('SyncSchedule')}}), **errors(400, 401, 403, 404)}})
add(B + '/sync/{run}', 'get', {'operationId': 'getSync', 'summary': 'One sync run with its summary', 'security': bearer,
                               'parameters': [T, {'name': 'run', 'in': 'path', 'required': True, 'schema': {'type': 'string'}, 'description': 'the run id (from the list)'}],
                               'responses': {**resp({'type': 'object', 'additionalProperties': False, 'required': ['run'], 'properties': {'run': ref('SyncRun')}}), **errors(401, 403, 404)}})
add(B + '/webhooks/kombo', 'post', {'operationId': 'komboWebhook', 'summary': "Kombo webhook receiver (data-changed starts a sync)", 'security': [{'komboSignature': []}],
                                    'parameters': [T, {'name': 'X-Kombo-Timestamp', 'in': 'header', 'required': True, 'schema': {'type': 'string', 'pattern': '^[0-9]{1,12}$'},
                                                       'description': 'Unix seconds of the delivery; must be within the service\'s tolerance (--webhook-tolerance-seconds, default 300) of its clock. Assumed extension of Kombo\'s scheme (see host/serve/README.md).'}],
                                    'description': 'Authenticated by X-Kombo-Signature: HMAC-SHA256 of "<X-Kombo-Timestamp>.<raw body>" under the tenant\'s webhook secret (hex, base64 or base64url). No bearer token. Every unauthenticated failure (unknown tenant, no secret, bad signature, stale timestamp) is the same 401. The body\'s "id" names the event: a second delivery of an id already received is refused (409 webhook_replayed).',
                                    'requestBody': {'required': True, 'content': {J: {'schema': {'type': 'object', 'required': ['id', 'type', 'data'], 'properties': {'id': {'type': 'string', 'minLength': 1}, 'type': {'type': 'string'}, 'data': {'type': 'object'}}}}}},
                                    'responses': {**resp({'type': 'object', 'additionalProperties': False, 'required': ['received', 'type', 'sync', 'reason'], 'properties': {'received': {'const': True}, 'type': {'type': 'string'}, 'sync': {'oneOf': [{'type': 'null'}, ref('SyncRun')]}, 'reason': {'type': 'string'}}}), **errors(400, 401, 409)}})
add('/v1/providers', 'get', {'operationId': 'listProviders', 'summary': 'Loaded provider plugins with their capability matrices', 'security': bearer,
                             'responses': {**resp({'type': 'object', 'additionalProperties': False, 'required': ['providers'], 'properties': {'providers': {'type': 'array', 'items': ref('Provider')}}}), **errors(401)}})
add('/v1/tenants', 'get', {'operationId': 'listTenants', 'summary': 'Tenants this token may access', 'security': bearer,
                           'responses': {**resp({'type': 'object', 'additionalProperties': False, 'required': ['tenants'], 'properties': {'tenants': {'type': 'array', 'items': {'type': 'object', 'additionalProperties': False, 'required': ['tenant_id', 'provider'], 'properties': {'tenant_id': {'type': 'string'}, 'provider': {'type': 'string'}}}}}}), **errors(401)}})
add('/v1/admin/reload', 'post', {'operationId': 'reload', 'summary': 'Reload plugins, manifests and tokens (as SIGHUP); a failed reload changes nothing', 'security': bearer,
                                 'responses': {**resp({'type': 'object', 'additionalProperties': False, 'required': ['reloaded', 'generation', 'message'], 'properties': {'reloaded': {'const': True}, 'generation': {'type': 'integer'}, 'message': {'type': 'string'}}}), **errors(401, 403, 422)}})
add('/v1/admin/tenants/{tenant}/forget', 'post', {'operationId': 'forgetPerson', 'summary': "Erase one person from the host's state for the tenant (admin token): identity keys, id maps, pending/quarantined records, intents. Counts only; idempotent; Tracker and Workable are not touched",
                                                  'security': bearer, 'x-ats-operation': ats_operation('forget'),
                                                  'parameters': [{'name': 'tenant', 'in': 'path', 'required': True, 'schema': {'type': 'string'}}],
                                                  'requestBody': {'required': True, 'content': {J: {'schema': {'type': 'object', 'minProperties': 1, 'maxProperties': 1, 'additionalProperties': False,
                                                                                                                  'description': 'exactly one selector, as typed',
                                                                                                                  'properties': {k: {'type': 'string', 'minLength': 1} for k in ('email', 'phone', 'workable_candidate_id', 'tracker_resource_id')}}}}},
                                                  'responses': {**resp({'type': 'object', 'additionalProperties': False, 'required': ['removed', 'people', 'total'],
                                                                        'properties': {'removed': {'type': 'object', 'additionalProperties': {'type': 'integer', 'minimum': 0}},
                                                                                       'people': {'type': 'integer', 'minimum': 0}, 'total': {'type': 'integer', 'minimum': 0},
                                                                                       'note': {'type': 'string'}}}), **errors(400, 401, 403, 404, 409, 501)}})
add('/healthz', 'get', {'operationId': 'healthz', 'summary': 'Liveness', 'security': [], 'responses': {**resp({'type': 'object', 'additionalProperties': False, 'required': ['status'], 'properties': {'status': {'const': 'ok'}}}),
                                                                                                       '503': {'description': 'shutting down', 'content': {J: {'schema': {'type': 'object', 'required': ['status'], 'properties': {'status': {'const': 'shutting_down'}}}}}}}})
add('/readyz', 'get', {'operationId': 'readyz', 'summary': "Readiness: every tenant's provider loaded and its last check passed", 'security': [],
                       'responses': {**resp(ref('Readiness')), '503': {'description': 'not ready', 'content': {J: {'schema': ref('Readiness')}}}}})
add('/metrics', 'get', {'operationId': 'metrics', 'summary': 'Prometheus text format (admin token)', 'security': bearer, 'responses': {'200': {'description': 'metrics', 'content': {'text/plain': {'schema': {'type': 'string'}}}}, **errors(401, 403)}})
add('/openapi.json', 'get', {'operationId': 'openapi', 'summary': 'This document', 'security': [], 'responses': {'200': {'description': 'OpenAPI 3.1', 'content': {J: {'schema': {'type': 'object'}}}}}})
doc = {'openapi': '3.1.0', 'info': {'title': 'ats-host serve: unified ATS REST API', 'version': '1.0.0',
                                    'description': 'Every operation of every loaded provider plugin, per tenant. Errors are one envelope {"error":{"code","message","request_id"}}; codes are stable. Tenant routes need a bearer token of that tenant (or the admin token): no token 401, another tenant\'s token 403. Responses carry X-Request-Id (also in the plugin\'s log lines); operation responses carry X-Ats-Provider.'},
       'jsonSchemaDialect': 'https://json-schema.org/draft/2020-12/schema',
       'servers': [{'url': 'http://127.0.0.1:8080'}],
       'security': bearer,
       'paths': paths,
       'components': {'securitySchemes': {'bearer': {'type': 'http', 'scheme': 'bearer', 'description': 'API token; the service stores only its SHA-256'},
                                          'komboSignature': {'type': 'apiKey', 'in': 'header', 'name': 'X-Kombo-Signature'}},
                      'schemas': comps}}
json.dump(doc, open(OUT, 'w'), indent=1)
print('wrote %s: %d paths' % (OUT, len(paths)))
