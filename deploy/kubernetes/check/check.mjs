// make check-kubernetes: every object of deploy/kubernetes/*.yaml against the Kubernetes
// API schemas that kubernetes-models (pinned in package-lock.json) carries, unknown
// fields refused, then what the README promises of them: two API replicas probed on
// /ready and /health, requests and limits everywhere, non-root, read-only root
// filesystems, no service-account token, a PodDisruptionBudget, no secret in the files.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const dir = join(import.meta.dirname, '..');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
const docs = JSON.parse(execFileSync('python3', ['-c', `
import json, sys, yaml
out = []
for f in sys.argv[1:]:
    for d in yaml.safe_load_all(open(f, encoding="utf-8")):
        if d is not None:
            out.append({"file": f.rsplit("/", 1)[-1], "doc": d})
json.dump(out, sys.stdout)`, ...files.map((f) => join(dir, f))], { encoding: 'utf8' }));

const problems = [];
const fail = (where, what) => problems.push(`${where}: ${what}`);

// The compiled validators accept members the schema does not name (kubeconform -strict
// would not): a misspelt readinessProbe would pass unseen. The members each type has are
// read from the package's type declarations (*.d.ts, generated from the same schemas).
const modules = join(import.meta.dirname, 'node_modules');
const declared = new Map();
function members(file) {
  if (declared.has(file)) return declared.get(file);
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch { /* a type alias or a scalar: nothing to check inside */ }
  const imports = new Map([...text.matchAll(/import \{ (\w+) \} from "([^"]+)"/g)].map((m) => [m[1], m[2]]));
  const body = text.match(/export interface \w+(?: extends [\w, ]+)? \{\n([\s\S]*?)\n\}/);
  let out = null;
  if (body) {
    out = new Map();
    for (const m of body[1].matchAll(/^ {4}"([^"]+)"\??: (.*)$/gm)) {
      const type = m[2].replace(/;$/, '').replace(/^Array<(.*)>$/, '$1');
      const from = imports.get(type);
      let target = null;
      if (from) {
        target = from.startsWith('.') ? join(dirname(file), from.replace(/\.js$/, '.d.ts'))
          : join(modules, `${from.replace(/\.js$/, '')}.d.ts`);
      }
      out.set(m[1], target);
    }
    // TypeMeta's members.
    if (/extends TypeMeta/.test(text)) for (const k of ['apiVersion', 'kind']) if (!out.has(k)) out.set(k, null);
  }
  declared.set(file, out);
  return out;
}
function unknownFields(value, file, path, out) {
  const m = file && members(file);
  if (!m || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => unknownFields(v, file, `${path}/${i}`, out));
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (!m.has(k)) out.push(`${path}/${k}`);
    else unknownFields(v, m.get(k), `${path}/${k}`, out);
  }
}

const byKind = {};
for (const { file, doc } of docs) {
  const where = `${file} ${doc.kind}/${doc.metadata?.name}`;
  const [group, version] = doc.apiVersion.includes('/') ? doc.apiVersion.split('/') : ['', doc.apiVersion];
  const modulePath = `kubernetes-models/${group ? `${group}/` : ''}${version}/${doc.kind}`;
  let Model;
  try {
    Model = (await import(modulePath))[doc.kind];
  } catch {
    fail(where, `no schema for apiVersion ${doc.apiVersion} kind ${doc.kind}`);
    continue;
  }
  try {
    new Model(doc).validate();
  } catch (e) {
    fail(where, e.message);
  }
  const unknown = [];
  unknownFields(doc, join(modules, `${modulePath}.d.ts`), '', unknown);
  for (const p of unknown) fail(where, `unknown field ${p}`);
  (byKind[doc.kind] ??= []).push({ where, doc });
}

// What the README promises of the manifests.
const pods = [...(byKind.Deployment ?? []), ...(byKind.StatefulSet ?? []), ...(byKind.Job ?? [])];
for (const { where, doc } of pods) {
  const spec = doc.spec.template.spec;
  if (spec.automountServiceAccountToken !== false) fail(where, 'mounts a service-account token');
  if (spec.securityContext?.runAsNonRoot !== true) fail(where, 'may run as root');
  for (const c of spec.containers) {
    if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory || !c.resources?.limits?.cpu || !c.resources?.limits?.memory) fail(where, `${c.name} lacks requests or limits`);
    if (c.securityContext?.readOnlyRootFilesystem !== true) fail(where, `${c.name}: root filesystem writable`);
    if (c.securityContext?.allowPrivilegeEscalation !== false) fail(where, `${c.name}: privilege escalation allowed`);
    for (const e of c.env ?? []) {
      if (/SECRET|PASSWORD|TOKEN/.test(e.name) && e.value !== undefined) fail(where, `${e.name} written in the file`);
    }
  }
}
const api = (byKind.Deployment ?? []).find((d) => d.doc.metadata.name === 'rendicion-api');
if (!api) fail('api.yaml', 'no Deployment rendicion-api');
else {
  const c = api.doc.spec.template.spec.containers[0];
  if (api.doc.spec.replicas !== 2) fail(api.where, 'not 2 replicas');
  if (c.readinessProbe?.httpGet?.path !== '/ready') fail(api.where, 'readiness is not /ready');
  if (c.livenessProbe?.httpGet?.path !== '/health') fail(api.where, 'liveness is not /health');
  const labels = api.doc.spec.template.metadata.labels;
  const matches = (sel) => Object.entries(sel).every(([k, v]) => labels[k] === v);
  if (!(byKind.Service ?? []).some((s) => matches(s.doc.spec.selector))) fail(api.where, 'no Service selects it');
  if (!(byKind.PodDisruptionBudget ?? []).some((p) => matches(p.doc.spec.selector.matchLabels))) fail(api.where, 'no PodDisruptionBudget');
}
if (!(byKind.Job ?? []).some((j) => j.doc.spec.template.spec.containers[0].args?.includes('migrate'))) fail('migrate-job.yaml', 'no migrate Job');
if (byKind.Secret) fail('deploy/kubernetes', 'a Secret is kept in the files');
for (const { where, doc } of byKind.ConfigMap ?? []) {
  for (const [k, v] of Object.entries(doc.data ?? {})) if (/SECRET|PASSWORD|TOKEN/.test(k) || /:\/\/[^/@]*:[^/@]*@/.test(v)) fail(where, `${k} holds a secret`);
}

if (problems.length) {
  for (const p of problems) console.error(`check-kubernetes: ${p}`);
  process.exit(1);
}
console.log(`check-kubernetes: ${docs.length} objects in ${files.length} files valid (kubernetes-models ${
  JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./node_modules/kubernetes-models/package.json").version)'], { cwd: import.meta.dirname, encoding: 'utf8' }))})`);
