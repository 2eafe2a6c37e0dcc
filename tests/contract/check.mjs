#!/usr/bin/env node
// Contract check: the service and openapi/openapi.yaml must describe the same API.
//
//   node tests/contract/check.mjs LOG        validate the exchanges recorded in LOG
//   node tests/contract/check.mjs --install-only
//
// LOG holds one JSON line per exchange, written by tests/integration/lib.mjs when
// CONTRACT_LOG is set (tests/contract/run.sh does that). Checks:
//  1. the document is a valid OpenAPI 3.1 description (@seriousme/openapi-schema-validator);
//  2. every recorded response: its path and method are in the spec (else it must be
//     the service's 404 for an unknown path, or its 405 with an `Allow` that lists
//     exactly the spec's methods), its status, media type and headers are documented
//     for the operation, the body validates against the schema (Ajv, JSON Schema
//     2020-12), documented required headers are present and valid; ETag, Location
//     (201), WWW-Authenticate (401), Retry-After (429, 503) and Allow (405) are both
//     documented and sent; a problem's `status` and `type` agree with the response;
//     a success was not given to a role the operation's `x-roles` lacks, nor to a
//     caller without a token where the spec requires one; the query parameters and
//     the JSON body of a request the service accepted are ones the spec allows;
//  3. the routes registered in service/http/*.c and the spec's operations are the
//     same set, and every operation had at least one successful (2xx) exchange;
//  4. GET /openapi.json served exactly openapi/openapi.yaml.
// Exits 1 on any failure, after printing a summary.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
// CONTRACT_SPEC: another spec file (to try the checker on a changed copy).
const SPEC = process.env.CONTRACT_SPEC ? path.resolve(process.env.CONTRACT_SPEC) : path.join(ROOT, 'openapi/openapi.yaml');
const TOOLS = path.join(HERE, '.tools');
const PINNED = path.join(HERE, 'tools');
const KNOWN_ROLES = ['ciudadanos', 'directores', 'administradora'];
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// ---------------------------------------------------------------- tools
/** Installs the pinned validators (tools/package-lock.json) into .tools unless already there. */
/** True when tests/contract/.tools holds the validators of the pinned lock file. */
function installed() {
  const lock = readFileSync(path.join(PINNED, 'package-lock.json'), 'utf8');
  const stamp = path.join(TOOLS, '.installed-lock.json');
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === lock && existsSync(path.join(TOOLS, 'node_modules'));
}

/** Installs the pinned validators (make deps); nothing when they are there already. */
function install() {
  if (installed()) return;
  const lock = readFileSync(path.join(PINNED, 'package-lock.json'), 'utf8');
  const stamp = path.join(TOOLS, '.installed-lock.json');
  console.error('contract: installing the pinned validators into tests/contract/.tools');
  mkdirSync(TOOLS, { recursive: true });
  copyFileSync(path.join(PINNED, 'package.json'), path.join(TOOLS, 'package.json'));
  copyFileSync(path.join(PINNED, 'package-lock.json'), path.join(TOOLS, 'package-lock.json'));
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: TOOLS, stdio: ['ignore', 2, 2] });
  writeFileSync(stamp, lock);
}

async function load(spec) {
  return import(pathToFileURL(path.join(TOOLS, 'node_modules', spec)).href);
}

// ---------------------------------------------------------------- helpers
const pointerEscape = (s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1');

/** Follows OpenAPI `$ref`s (local ones only); returns {node, pointer}. */
function deref(doc, node, pointer) {
  const seen = new Set();
  while (node && typeof node === 'object' && typeof node.$ref === 'string') {
    const ref = node.$ref;
    if (!ref.startsWith('#/') || seen.has(ref)) throw new Error(`unsupported or circular $ref ${ref} at ${pointer}`);
    seen.add(ref);
    pointer = ref.slice(1);
    node = pointer
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((n, k) => (n == null ? undefined : n[k]), doc);
    if (node === undefined) throw new Error(`dangling $ref ${ref}`);
  }
  return { node, pointer };
}

/** Spec path template → {template, segments}. */
function templateOf(p) {
  return { template: p, segments: p.split('/').slice(1) };
}

const isParam = (seg) => /^\{[^}]+\}$/.test(seg);
const normalizeRoute = (p) => p.replace(/\{[^}]+\}|:[A-Za-z_]+/g, '{}');

/**
 * The spec path a request path matches, concrete segments winning over templated ones
 * (as OpenAPI says); returns {template, params} or null.
 */
function matchPath(templates, rawPath) {
  let p = rawPath;
  let trailing = false;
  if (p.length > 1 && p.endsWith('/')) {
    p = p.slice(0, -1);
    trailing = true;
  }
  const segs = p.split('/').slice(1).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  let best = null;
  for (const t of templates) {
    if (t.segments.length !== segs.length) continue;
    const params = {};
    let literal = 0;
    let ok = true;
    for (let i = 0; i < segs.length && ok; i++) {
      const ts = t.segments[i];
      if (isParam(ts)) {
        if (segs[i] === '') ok = false;
        else params[ts.slice(1, -1)] = segs[i];
      } else if (ts === segs[i]) literal++;
      else ok = false;
    }
    if (ok && (!best || literal > best.literal)) best = { template: t.template, params, literal, trailing };
  }
  return best;
}

function mediaType(ct) {
  return (ct ?? '').split(';')[0].trim().toLowerCase();
}

function isJsonMedia(mt) {
  return mt === 'application/json' || /^application\/[^/]+\+json$/.test(mt);
}

/** A header or parameter value as its schema wants it (integers from digits). */
function coerce(value, schema) {
  const types = [].concat(schema?.type ?? []);
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function show(v, n = 300) {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > n ? `${s.slice(0, n)}…` : s;
}

// ---------------------------------------------------------------- routes in C
/** {.method = "METHOD", .pattern = "/path", …} rows of the route tables in service/http/*.c,
 * and those that STRUCTURE_ITEM_ROUTES writes. */
function serviceRoutes() {
  const dir = path.join(ROOT, 'service/http');
  const out = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.c')).sort()) {
    const src = readFileSync(path.join(dir, f), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    const re = /\{\s*\.method\s*=\s*"([A-Z]+)"\s*,\s*\.pattern\s*=\s*"(\/[^"]*)"/g;
    for (let m = re.exec(src); m; m = re.exec(src)) out.push({ method: m[1], path: m[2], file: `service/http/${f}` });
    // STRUCTURE_ITEM_ROUTES(path, …) in service/http/route.h: its GET, PATCH and DELETE rows.
    const item = /\bSTRUCTURE_ITEM_ROUTES\(\s*"(\/[^"]*)"/g;
    for (let m = item.exec(src); m; m = item.exec(src)) {
      for (const method of ['GET', 'PATCH', 'DELETE']) out.push({ method, path: m[1], file: `service/http/${f}` });
    }
  }
  return out;
}

// ---------------------------------------------------------------- main
async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--install-only') {
    install();
    return 0;
  }
  if (!installed()) {
    console.error('contract: the pinned validators are not installed: run `make deps`');
    return 2;
  }
  if (args.length !== 1) {
    console.error('usage: check.mjs LOG | --install-only');
    return 2;
  }

  const { Validator } = await load('@seriousme/openapi-schema-validator/index.js');
  const { default: Ajv2020 } = await load('ajv/dist/2020.js');
  const { default: addFormats } = await load('ajv-formats/dist/index.js');
  const YAML = await load('yaml/dist/index.js');
  const versions = Object.fromEntries(
    ['@seriousme/openapi-schema-validator', 'ajv', 'ajv-formats', 'yaml'].map((p) => [
      p,
      JSON.parse(readFileSync(path.join(TOOLS, 'node_modules', p, 'package.json'), 'utf8')).version,
    ]),
  );

  const failures = [];
  const fail = (group, detail) => failures.push({ group, detail });

  // 1. the document itself
  const specText = readFileSync(SPEC, 'utf8');
  const doc = YAML.parse(specText, { schema: 'core', uniqueKeys: true });
  const docCheck = await new Validator().validate(structuredClone(doc));
  if (!docCheck.valid) fail('openapi.yaml is not a valid OpenAPI document', show(docCheck.errors, 2000));

  const ajv = new Ajv2020({ strict: true, strictTypes: false, strictTuples: false, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  // OpenAPI's own keywords in schemas, and the document's top-level members (the
  // document is added whole so that its '#/...' references resolve; schemas are compiled
  // from where they are, so a misspelt keyword in a schema is still an error).
  ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
  ajv.addVocabulary(Object.keys(doc).filter((k) => !ajv.getKeyword(k)));
  const BASE_ID = 'urn:rendicion:openapi';
  ajv.addSchema({ ...doc, $id: BASE_ID }, undefined, undefined, false);
  const compiled = new Map();
  function validatorAt(pointer) {
    if (!compiled.has(pointer)) {
      try {
        compiled.set(pointer, ajv.compile({ $ref: `${BASE_ID}#${pointer}` }));
      } catch (e) {
        compiled.set(pointer, e);
      }
    }
    return compiled.get(pointer);
  }
  const uncompilable = new Set();
  function validate(pointer, value) {
    const v = validatorAt(pointer);
    if (v instanceof Error) {
      if (!uncompilable.has(pointer)) fail('a schema of the spec does not compile', `${pointer}: ${v.message}`);
      uncompilable.add(pointer);
      return [];
    }
    if (v(value)) return [];
    return v.errors.slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`);
  }

  // every named schema compiles (strict: a misspelt keyword is an error), used or not
  for (const name of Object.keys(doc.components?.schemas ?? {})) validate(`/components/schemas/${pointerEscape(name)}`, undefined);

  // the operations of the spec
  const templates = Object.keys(doc.paths ?? {}).map(templateOf);
  const operations = new Map(); // "METHOD template" → {method, template, op, pointer, pathItem}
  for (const t of templates) {
    const item = doc.paths[t.template];
    for (const m of METHODS) {
      if (item[m]) {
        operations.set(`${m.toUpperCase()} ${t.template}`, {
          method: m.toUpperCase(),
          template: t.template,
          op: item[m],
          pointer: `/paths/${pointerEscape(t.template)}/${m}`,
          item,
          statuses: new Map(),
        });
      }
    }
  }

  /** Parameters of an operation (path-level ones overridden by the operation's), dereferenced. */
  function paramsOf(o) {
    const out = new Map();
    const add = (list, base) =>
      (list ?? []).forEach((p, i) => {
        const { node, pointer } = deref(doc, p, `${base}/parameters/${i}`);
        out.set(`${node.in}:${node.name}`, { node, pointer });
      });
    add(o.item.parameters, `/paths/${pointerEscape(o.template)}`);
    add(o.op.parameters, o.pointer);
    return out;
  }

  // 2. the exchanges
  const logText = readFileSync(args[0], 'utf8');
  const exchanges = logText.split('\n').filter((l) => l.trim() !== '').map((l, i) => {
    try {
      return JSON.parse(l);
    } catch {
      fail('unreadable log line', `line ${i + 1}: ${show(l)}`);
      return null;
    }
  }).filter(Boolean);

  let checked = 0;
  let skipped = 0;
  let openapiServed = 0;
  let badExchanges = 0; // exchanges with at least one failure (counted when the next one starts)
  let failuresBefore = failures.length;
  const notes = new Map();
  const note = (k) => notes.set(k, (notes.get(k) ?? 0) + 1);

  for (const ex of exchanges) {
    const where = `${ex.method} ${ex.path} → ${ex.status}${ex.file ? ` (${path.relative(ROOT, ex.file)})` : ''}`;
    const headers = Object.fromEntries(Object.entries(ex.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
    // Only answers of the service itself are the contract's business: a raw request
    // that the HTTP library refused never reached the service's pipeline.
    if (ex.via === 'rawHttp' && !headers['x-request-id']) {
      skipped++;
      note('raw requests refused by the HTTP library before the service (not checked)');
      continue;
    }
    if (ex.method === 'OPTIONS' && ex.request_headers?.['access-control-request-method'] && ex.status === 204) {
      skipped++;
      note('CORS preflights (not API operations; not checked)');
      continue;
    }
    checked++;
    if (failures.length > failuresBefore) badExchanges++;
    failuresBefore = failures.length;
    const bad = (group, msg) => fail(group, `${where}\n      ${msg}`);
    const [rawPath, query = ''] = ex.path.split(/\?(.*)/s, 2);
    const match = matchPath(templates, rawPath);
    const method = ex.method === 'HEAD' ? 'GET' : ex.method;
    if (ex.method === 'HEAD') note('HEAD requests checked as the GET operation, without a body');

    // which response of the spec describes this answer
    let o = null;
    let responseRef;
    if (!match) {
      if (ex.status !== 404) {
        bad('the service answers a route the spec lacks', `no path of the spec matches ${rawPath}`);
        continue;
      }
      responseRef = { node: { $ref: '#/components/responses/NotFound' }, pointer: '/components/responses/NotFound' };
    } else {
      if (match.trailing) note('paths with a trailing slash matched without it');
      o = operations.get(`${method} ${match.template}`);
      if (!o) {
        const allowed = METHODS.filter((m) => doc.paths[match.template][m]).map((m) => m.toUpperCase());
        if (ex.status !== 405) {
          bad('the service answers a route the spec lacks', `the spec has no ${method} on ${match.template} (it has ${allowed.join(', ')}), yet the answer was not 405`);
          continue;
        }
        const got = (headers.allow ?? '').split(',').map((s) => s.trim()).filter(Boolean).sort();
        if (!isDeepStrictEqual(got, [...allowed].sort())) {
          bad('Allow differs from the spec', `Allow: ${headers.allow ?? '(none)'}; the spec's methods for ${match.template}: ${allowed.join(', ')}`);
        }
        const sibling = allowed.map((m) => operations.get(`${m} ${match.template}`)).find((s) => s.op.responses?.['405']);
        if (!sibling) {
          bad('status not documented', `no operation of ${match.template} documents 405`);
          continue;
        }
        responseRef = { node: sibling.op.responses['405'], pointer: `${sibling.pointer}/responses/405` };
      } else {
        const code = String(ex.status);
        const range = `${code[0]}XX`;
        const key = [code, range, 'default'].find((k) => o.op.responses?.[k] !== undefined);
        o.statuses.set(code, (o.statuses.get(code) ?? 0) + 1);
        if (!key) {
          bad('status not documented', `${o.method} ${o.template} (${o.op.operationId}) documents ${Object.keys(o.op.responses ?? {}).join(', ')}; got ${code}: ${show(ex.body, 200)}`);
          continue;
        }
        responseRef = { node: o.op.responses[key], pointer: `${o.pointer}/responses/${key}` };
      }
    }
    const { node: resp, pointer: respPointer } = deref(doc, responseRef.node, responseRef.pointer);
    const opName = o ? `${o.method} ${o.template}` : match ? `${method} ${match.template}` : 'unknown path';

    // body and media type
    const body = ex.body ?? '';
    const content = resp.content ?? null;
    const noBody = ex.method === 'HEAD' || ex.status === 304 || ex.status === 204;
    if (body.length > 0 && (!content || Object.keys(content).length === 0)) {
      bad('body where the spec documents none', `${opName} ${ex.status}: ${show(body, 200)}`);
    } else if (content && Object.keys(content).length > 0 && body.length === 0 && !noBody) {
      bad('no body where the spec documents one', `${opName} ${ex.status}: content-type ${headers['content-type'] ?? '(none)'}`);
    } else if (content && body.length > 0) {
      const mt = mediaType(headers['content-type']);
      const mkey = [mt, `${mt.split('/')[0]}/*`, '*/*'].find((k) => content[k] !== undefined);
      if (!mkey) {
        bad('media type not documented', `${opName} ${ex.status}: content-type ${headers['content-type'] ?? '(none)'}; the spec has ${Object.keys(content).join(', ')}`);
      } else {
        const media = content[mkey];
        let value = body;
        let parsed = true;
        if (isJsonMedia(mt)) {
          try {
            value = JSON.parse(body);
          } catch (e) {
            parsed = false;
            bad('body is not the JSON its content type says', `${opName}: ${e.message}: ${show(body, 200)}`);
          }
        }
        if (parsed && media.schema) {
          const schemaPointer = `${respPointer}/content/${pointerEscape(mkey)}/schema`;
          const errs = validate(schemaPointer, value);
          if (errs.length) {
            const sent = ex.request_body ? `\n      request body: ${show(ex.request_body, 200)}` : '';
            bad(`body does not match the schema (${opName} ${ex.status})`, `${errs.join('\n      ')}\n      body: ${show(body)}${sent}`);
          }
        }
        if (parsed && mt === 'application/problem+json' && value && typeof value === 'object') {
          if (value.status !== ex.status) bad('problem status differs from the HTTP status', `body status ${value.status}`);
          if (typeof value.code === 'string' && value.type !== `urn:rendicion:problem:${value.code}`) {
            bad('problem type is not urn:rendicion:problem:<code>', `type ${value.type}, code ${value.code}`);
          }
        }
        if (parsed && ex.method === 'GET' && ex.status === 200 && rawPath === '/openapi.json') {
          openapiServed++;
          if (!isDeepStrictEqual(value, doc)) bad('/openapi.json is not openapi/openapi.yaml', 'the served document differs from the YAML parsed as YAML 1.2');
        }
      }
    }

    // headers
    const specHeaders = new Map();
    for (const [name, h] of Object.entries(resp.headers ?? {})) {
      specHeaders.set(name.toLowerCase(), deref(doc, h, `${respPointer}/headers/${pointerEscape(name)}`));
    }
    const must = [];
    if (ex.status === 201) must.push('location');
    if (ex.status === 401) must.push('www-authenticate');
    if (ex.status === 429 || ex.status === 503) must.push('retry-after');
    if (ex.status === 405) must.push('allow');
    if (specHeaders.has('etag')) must.push('etag');
    for (const name of must) {
      if (!specHeaders.has(name)) bad(`header not documented (${name})`, `${opName} ${ex.status} must document ${name}`);
    }
    for (const [name, { node: h, pointer: hp }] of specHeaders) {
      const value = headers[name];
      if (value === undefined) {
        if (h.required || must.includes(name)) bad(`required header missing (${name})`, `${opName} ${ex.status}`);
        continue;
      }
      if (h.schema) {
        const errs = validate(`${hp}/schema`, coerce(value, deref(doc, h.schema, `${hp}/schema`).node));
        if (errs.length) bad(`header does not match the schema (${name})`, `${name}: ${value}: ${errs.join('; ')}`);
      }
    }
    if (ex.status === 201 && headers.location && o) {
      // The created resource's path is one of the spec's, or the form the operation's
      // description gives ("The `Location` is `/api/v1/…/{update_id}`").
      const loc = headers.location.split('?')[0];
      const named = /`Location`[^`]*`(\/[^`]+)`/.exec(o.op.description ?? '')?.[1];
      if (!matchPath(templates, loc) && !(named && matchPath([templateOf(named)], loc))) {
        bad('Location is neither a path of the spec nor the form its operation documents', `Location: ${headers.location}`);
      }
    }

    if (!o) continue;

    // who may: a success outside x-roles, or without a token where one is required
    const ok = ex.status >= 200 && ex.status < 300;
    const hasToken = Boolean(ex.request_headers?.authorization);
    // A token whose role is none of the three is refused everywhere: it must never succeed.
    if (ok && hasToken && !KNOWN_ROLES.includes(ex.token_role)) {
      bad('success for a token whose role is none of the three', opName);
    }
    const role = !hasToken ? 'anonymous' : ex.token_role;
    const security = o.op.security ?? doc.security ?? [];
    const anonymousAllowed = security.length === 0 || security.some((s) => Object.keys(s).length === 0);
    if (ok && !hasToken && !anonymousAllowed) bad('success without a token where the spec requires one', opName);
    if (ex.status === 401 && !hasToken && anonymousAllowed && o.op.operationId !== 'createToken') {
      bad('401 without a token where the spec allows none', opName);
    }
    const roles = o.op['x-roles'];
    if (ok && Array.isArray(roles) && role && !roles.includes(role)) {
      bad('success for a role the spec does not list in x-roles', `${opName}: role ${role}; x-roles ${roles.join(', ')}`);
    }

    // what a success was asked with must be what the spec allows
    if (ok) {
      const params = paramsOf(o);
      for (const [name, value] of new URLSearchParams(query)) {
        const p = params.get(`query:${name}`);
        if (!p) {
          bad('query parameter not in the spec', `${opName}: ${name}=${value} was accepted`);
          continue;
        }
        if (p.node.schema) {
          const sp = `${p.pointer}/schema`;
          const errs = validate(sp, coerce(value, deref(doc, p.node.schema, sp).node));
          if (errs.length) bad('query parameter value the spec refuses was accepted', `${opName}: ${name}=${value}: ${errs.join('; ')}`);
        }
      }
      for (const [key, value] of Object.entries(match.params)) {
        const p = params.get(`path:${key}`);
        if (!p) bad('path parameter not in the spec', `${opName}: {${key}}`);
        else if (p.node.schema) {
          const sp = `${p.pointer}/schema`;
          const errs = validate(sp, coerce(value, deref(doc, p.node.schema, sp).node));
          if (errs.length) bad('path parameter value the spec refuses was accepted', `${opName}: ${key}=${value}: ${errs.join('; ')}`);
        }
      }
      const reqBody = ex.request_body;
      if (reqBody !== null && reqBody !== undefined && reqBody.length > 0 && o.op.requestBody) {
        const { node: rb, pointer: rbp } = deref(doc, o.op.requestBody, `${o.pointer}/requestBody`);
        const mt = mediaType(ex.request_headers?.['content-type']);
        if (!rb.content?.[mt]) {
          bad('request media type not in the spec was accepted', `${opName}: ${mt}`);
        } else if (rb.content[mt].schema && isJsonMedia(mt)) {
          let value;
          try {
            value = JSON.parse(reqBody);
          } catch {
            bad('a request body that is not JSON was accepted', `${opName}: ${show(reqBody, 200)}`);
          }
          if (value !== undefined) {
            const errs = validate(`${rbp}/content/${pointerEscape(mt)}/schema`, value);
            if (errs.length) bad('a request body the spec refuses was accepted', `${opName}: ${errs.join('; ')}\n      request: ${show(reqBody)}`);
          }
        }
      } else if (ok && o.op.requestBody && (reqBody === null || reqBody === undefined || reqBody === '')) {
        const { node: rb } = deref(doc, o.op.requestBody, `${o.pointer}/requestBody`);
        if (rb.required) bad('a request without the required body was accepted', opName);
      }
    }
  }

  if (failures.length > failuresBefore) badExchanges++;
  const exchangeFailures = failures.length;

  // 3. route parity and coverage
  const routes = serviceRoutes();
  const inService = new Map(routes.map((r) => [`${r.method} ${normalizeRoute(r.path)}`, r]));
  const inSpec = new Map([...operations.values()].map((o) => [`${o.method} ${normalizeRoute(o.template)}`, o]));
  for (const [k, r] of inService) {
    if (!inSpec.has(k)) fail('the service answers a route the spec lacks', `${r.method} ${r.path} (${r.file})`);
  }
  for (const [k, o] of inSpec) {
    if (!inService.has(k)) fail('the spec has an operation the service lacks', `${o.method} ${o.template} (${o.op.operationId})`);
  }
  if (routes.length === 0) fail('no routes found in service/http/*.c', 'the route table parser found nothing');
  const covered = [...operations.values()].filter((o) => [...o.statuses.keys()].some((s) => s.startsWith('2')));
  for (const o of operations.values()) {
    if (!covered.includes(o)) {
      fail('operation never exercised with a success', `${o.method} ${o.template} (${o.op.operationId}); statuses seen: ${[...o.statuses.keys()].join(', ') || 'none'}`);
    }
  }
  if (openapiServed === 0) fail('/openapi.json never checked', 'no successful GET /openapi.json was recorded');

  // summary
  const seenStatuses = [...operations.values()].reduce((n, o) => n + o.statuses.size, 0);
  const documented = [...operations.values()].reduce((n, o) => n + Object.keys(o.op.responses ?? {}).length, 0);
  console.log('contract: validators ' + Object.entries(versions).map(([k, v]) => `${k}@${v}`).join(', '));
  console.log(`contract: ${exchanges.length} exchanges recorded, ${checked} checked, ${skipped} not the contract's business`);
  console.log(`contract: ${covered.length} of ${operations.size} operations exercised with a success; ${routes.length} routes in the service`);
  console.log(`contract: ${seenStatuses} of ${documented} documented (operation, status) pairs seen`);
  for (const [k, n] of notes) console.log(`contract: note: ${n} ${k}`);
  if (failures.length) {
    const groups = new Map();
    for (const f of failures) {
      if (!groups.has(f.group)) groups.set(f.group, []);
      groups.get(f.group).push(f.detail);
    }
    console.log(`contract: ${failures.length} failures in ${groups.size} kinds:`);
    for (const [g, list] of groups) {
      console.log(`\n  ✗ ${g} (${list.length})`);
      for (const d of list.slice(0, 8)) console.log(`    - ${d}`);
      if (list.length > 8) console.log(`    … and ${list.length - 8} more`);
    }
    console.log(`\ncontract: FAILED (${failures.length})`);
  } else {
    console.log('contract: the service and openapi/openapi.yaml agree');
  }
  // A closing line in the plain form CI reads: exchanges that passed; failed exchanges
  // plus failures of the whole (document, route parity, coverage, /openapi.json).
  console.log(`contract: ${checked - badExchanges} passed, ${badExchanges + failures.length - exchangeFailures} failed`);
  return failures.length ? 1 : 0;
}

main().then(
  (rc) => process.exit(rc),
  (e) => {
    console.error(`contract: ${e.stack ?? e}`);
    process.exit(2);
  },
);
