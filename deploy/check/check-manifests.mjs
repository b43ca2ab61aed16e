#!/usr/bin/env node
// Offline checks of Herald's Kubernetes manifests (deploy/k8s), run by deploy/check/run.sh:
//  1. every YAML file parses and is used by a kustomization;
//  2. base and each overlay render (lib/kustomize.mjs, the subset of kustomize they use) and, when
//     kubectl is installed, render exactly as `kubectl kustomize` does;
//  3. every object validates against the Kubernetes schema (kubernetes-models) and has no field
//     its type lacks (a misspelt `readinesProbe`);
//  4. each overlay agrees with Herald: configuration keys and values (read from ConfigKeys.java),
//     ports, health routes, Hazelcast's headless Service, drain window, security, JVM flags,
//     image, disruption budget, autoscaler, Redis (lib/herald-checks.mjs).
// With --self-test it then breaks copies of the manifests on purpose (a misspelt probe, wrong
// ports, an unknown variable, ...) and proves each is caught.
// Prints one line per check and ends with "N passed, M failed"; exits 1 on any failure.
//
// Usage: node check-manifests.mjs [--self-test] [--no-kubectl] [--root REPO]
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { envName, readConfigKeys } from "./lib/herald-config.mjs";
import { heraldChecks, OVERLAYS, readImageBuild, readVersion } from "./lib/herald-checks.mjs";
import { idText, parseYamlFile, render } from "./lib/kustomize.mjs";
import { unknownFields, validate } from "./lib/schema.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const KUSTOMIZATIONS = ["base", ...Object.values(OVERLAYS).map((o) => o.dir)];

/** Runs every check of the manifests in `k8sDir` against the Herald sources in `repoRoot`. */
export function runChecks(repoRoot, k8sDir, { kubectl }) {
  const results = [];
  const add = (scope, name, ok, detail = "") => results.push({ scope, name, ok, detail });
  const attempt = (scope, name, fn) => {
    try {
      const detail = fn();
      add(scope, name, true, detail ?? "");
    } catch (e) {
      add(scope, name, false, e.message);
    }
  };

  let ctx = null;
  attempt("herald", "configuration keys, version and image settings read from the sources", () => {
    ctx = { keys: readConfigKeys(repoRoot), version: readVersion(repoRoot), image: readImageBuild(repoRoot) };
    return `${ctx.keys.size} keys, version ${ctx.version}, image user ${ctx.image.user}, ports ${ctx.image.ports.join(",")}`;
  });

  attempt("files", "every YAML file parses and is used by a kustomization", () => {
    const all = listYaml(k8sDir);
    const used = usedFiles(k8sDir);
    for (const f of all) {
      parseYamlFile(f);
    }
    const unused = all.filter((f) => !used.has(f)).map((f) => path.relative(k8sDir, f));
    if (unused.length > 0) {
      throw new Error(`not used by any kustomization: ${unused.join(", ")}`);
    }
    return `${all.length} files`;
  });

  const rendered = {};
  for (const dir of KUSTOMIZATIONS) {
    const scope = path.basename(dir);
    attempt(scope, `renders (${dir})`, () => {
      rendered[scope] = render(path.join(k8sDir, dir));
      return `${rendered[scope].length} objects`;
    });
    if (!rendered[scope]) {
      continue;
    }
    if (kubectl) {
      attempt(scope, "renders exactly as `kubectl kustomize` does", () => compareWithKubectl(path.join(k8sDir, dir),
        rendered[scope]));
    } else {
      results.push({ scope, name: "renders exactly as `kubectl kustomize` does", skipped: true,
        detail: "kubectl not installed (or --no-kubectl)" });
    }
    for (const o of rendered[scope]) {
      const problem = validate(o);
      add(scope, `schema: ${idText(o)} validates (kubernetes-models)`, problem === null, problem ?? "");
      const unknown = unknownFields(o);
      add(scope, `fields: ${idText(o)} has no unknown fields`, unknown.length === 0,
        unknown.length ? `unknown: ${unknown.join(", ")}` : "");
    }
  }

  for (const [name, policy] of Object.entries(OVERLAYS)) {
    if (!rendered[name] || !ctx) {
      add(name, "Herald checks", false, "not run: the overlay did not render or the sources could not be read");
      continue;
    }
    for (const r of heraldChecks(rendered[name], { ...ctx, policy })) {
      add(name, r.name, r.ok, r.detail);
    }
  }
  return results;
}

function listYaml(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      out.push(...listYaml(p));
    } else if (/\.ya?ml$/.test(e.name)) {
      out.push(p);
    }
  }
  return out.sort();
}

function usedFiles(k8sDir) {
  const used = new Set();
  for (const file of listYaml(k8sDir).filter((f) => /^kustomization\.ya?ml$/.test(path.basename(f)))) {
    used.add(file);
    const [k] = parseYamlFile(file);
    const dir = path.dirname(file);
    for (const r of k?.resources ?? []) {
      used.add(path.resolve(dir, r));
    }
    for (const p of k?.patches ?? []) {
      if (p.path) {
        used.add(path.resolve(dir, p.path));
      }
    }
  }
  return used;
}

function hasKubectl() {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore", timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

function compareWithKubectl(dir, ours) {
  const text = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", timeout: 120_000,
    stdio: ["ignore", "pipe", "pipe"] });
  const dirTmp = fs.mkdtempSync(path.join(os.tmpdir(), "herald-kubectl-"));
  let theirs;
  try {
    const f = path.join(dirTmp, "out.yaml");
    fs.writeFileSync(f, text);
    theirs = parseYamlFile(f);
  } finally {
    fs.rmSync(dirTmp, { recursive: true, force: true });
  }
  const index = (list) => new Map(list.map((o) => [idText(o), o]));
  const a = index(ours);
  const b = index(theirs);
  for (const id of new Set([...a.keys(), ...b.keys()])) {
    if (!a.has(id) || !b.has(id)) {
      throw new Error(`${id} only in ${a.has(id) ? "deploy/check's" : "kubectl's"} rendering`);
    }
    const where = firstDifference(a.get(id), b.get(id), "");
    if (where !== null) {
      throw new Error(`${id} differs at ${where || "/"}`);
    }
  }
  return `${b.size} objects, kubectl ${kubectlVersion()}`;
}

function kubectlVersion() {
  try {
    const out = execFileSync("kubectl", ["version", "--client"], { encoding: "utf8", timeout: 30_000 });
    return /Kustomize Version: (\S+)/.exec(out)?.[1] ? `(kustomize ${/Kustomize Version: (\S+)/.exec(out)[1]})` : "";
  } catch {
    return "";
  }
}

function firstDifference(x, y, at) {
  if (isDeepStrictEqual(x, y)) {
    return null;
  }
  if (x && y && typeof x === "object" && typeof y === "object" && Array.isArray(x) === Array.isArray(y)) {
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
      const d = firstDifference(x[k], y[k], `${at}/${k}`);
      if (d !== null) {
        return d;
      }
    }
  }
  return `${at} (${JSON.stringify(x)?.slice(0, 80)} vs ${JSON.stringify(y)?.slice(0, 80)})`;
}

// ---- self-test: broken copies must be caught ----

/**
 * Each case breaks one file of a copy of deploy/k8s and names the checks that must then fail
 * (scope and a piece of the check's name, and optionally of its detail).
 */
const BREAKAGES = [
  { what: "a misspelt readinessProbe (readinesProbe)", file: "base/deployment.yaml",
    from: "readinessProbe:", to: "readinesProbe:",
    expect: [{ scope: "dev", name: "fields: Deployment", detail: "readinesProbe" },
      { scope: "prod", name: "probes:" }] },
  { what: "a wrong container port (http 8081, Herald listens on 8080)", file: "base/deployment.yaml",
    from: "containerPort: 8080", to: "containerPort: 8081",
    expect: [{ scope: "dev", name: "container ports:" }, { scope: "prod", name: "client Service:" }] },
  { what: "a client Service aimed at the wrong port (targetPort 8081)", file: "base/service.yaml",
    from: "targetPort: http", to: "targetPort: 8081",
    expect: [{ scope: "prod", name: "client Service:" }] },
  { what: "a headless Service without publishNotReadyAddresses (misspelt)", file: "base/service-hazelcast.yaml",
    from: "publishNotReadyAddresses: true", to: "publishNotReadyAdresses: true",
    expect: [{ scope: "dev", name: "fields: Service", detail: "publishNotReadyAdresses" },
      { scope: "dev", name: "headless Service:" }] },
  { what: "a Hazelcast service name that is not the headless Service", file: "base/deployment.yaml",
    from: "value: herald-hazelcast.$(POD_NAMESPACE)", to: "value: herald.$(POD_NAMESPACE)",
    expect: [{ scope: "dev", name: "hazelcast: cluster.service" }] },
  { what: "a HERALD_ variable that is no configuration key", file: "base/deployment.yaml",
    from: "name: HERALD_CLUSTER_DRAIN_WINDOW", to: "name: HERALD_CLUSTER_DRAINWINDOW",
    expect: [{ scope: "prod", name: "env:", detail: "HERALD_CLUSTER_DRAINWINDOW" }] },
  { what: "a grace period shorter than the drain window needs", file: "base/deployment.yaml",
    from: "terminationGracePeriodSeconds: 45", to: "terminationGracePeriodSeconds: 20",
    expect: [{ scope: "dev", name: "grace period:" }] },
  { what: "a JVM flag in the form JAVA_TOOL_OPTIONS rejects", file: "base/deployment.yaml",
    from: "--add-opens=java.base/java.lang=ALL-UNNAMED", to: "--add-opens java.base/java.lang=ALL-UNNAMED",
    expect: [{ scope: "dev", name: "JVM:" }] },
  { what: "a writable root file system", file: "base/deployment.yaml",
    from: "readOnlyRootFilesystem: true", to: "readOnlyRootFilesystem: false",
    expect: [{ scope: "prod", name: "security:" }] },
  { what: "a prod Redis password that is not read from the Secret", file: "overlays/prod/deployment-patch.yaml",
    from: "key: password", to: "key: pass",
    expect: [{ scope: "prod", name: "Redis:" }] },
  { what: "an unknown kind of object", file: "base/pdb.yaml",
    from: "kind: PodDisruptionBudget", to: "kind: PodDisruptionBudgett",
    expect: [{ scope: "base", name: "schema: PodDisruptionBudgett" }] },
];

/** Keys and variables as ConfigKeys.envName documents them (its Javadoc and the README's examples). */
const ENV_NAMES = {
  "heartbeat.expireDelay": "HERALD_HEARTBEAT_EXPIRE_DELAY",
  "cluster.drainWindow": "HERALD_CLUSTER_DRAIN_WINDOW",
  "cluster.busPort": "HERALD_CLUSTER_BUS_PORT",
  "store.redis.password": "HERALD_STORE_REDIS_PASSWORD",
  "http.cors.origins": "HERALD_HTTP_CORS_ORIGINS",
  name: "HERALD_NAME",
};

function selfTest(repoRoot, k8sDir) {
  const results = [];
  const wrong = Object.entries(ENV_NAMES).filter(([k, v]) => envName(k) !== v);
  results.push({ scope: "self-test", name: "variable names are computed as ConfigKeys.envName does", ok: wrong.length === 0,
    detail: wrong.map(([k, v]) => `${k} -> ${envName(k)}, not ${v}`).join("; ") });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "herald-deploy-check-"));
  try {
    const control = path.join(tmp, "control");
    fs.cpSync(k8sDir, control, { recursive: true });
    const clean = runChecks(repoRoot, control, { kubectl: false }).filter((r) => !r.ok && !r.skipped);
    results.push({ scope: "self-test", name: "an unbroken copy of the manifests passes every check", ok: clean.length === 0,
      detail: clean.map((r) => `[${r.scope}] ${r.name}`).join("; ") });
    for (const [i, b] of BREAKAGES.entries()) {
      const copy = path.join(tmp, `broken-${i}`);
      fs.cpSync(k8sDir, copy, { recursive: true });
      const file = path.join(copy, b.file);
      const text = fs.readFileSync(file, "utf8");
      const name = `catches ${b.what}`;
      if (!text.includes(b.from)) {
        results.push({ scope: "self-test", name, ok: false, detail: `${b.file} no longer contains '${b.from}'` });
        continue;
      }
      fs.writeFileSync(file, text.replace(b.from, b.to));
      const failed = runChecks(repoRoot, copy, { kubectl: false }).filter((r) => !r.ok && !r.skipped);
      const missed = b.expect.filter((e) => !failed.some((r) => r.scope === e.scope && r.name.includes(e.name)
        && (!e.detail || r.detail.includes(e.detail))));
      results.push({ scope: "self-test", name, ok: missed.length === 0,
        detail: missed.length ? `not caught by: ${missed.map((e) => `[${e.scope}] ${e.name}`).join(", ")}`
          : `${failed.length} check${failed.length === 1 ? " fails" : "s fail"}, e.g. [${failed[0].scope}] ${failed[0].name}: ${failed[0].detail}` });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return results;
}

function main(argv) {
  let repoRoot = path.resolve(HERE, "../..");
  let wantSelfTest = false;
  let kubectl = true;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--self-test") {
      wantSelfTest = true;
    } else if (argv[i] === "--no-kubectl") {
      kubectl = false;
    } else if (argv[i] === "--root") {
      repoRoot = path.resolve(argv[++i]);
    } else {
      console.error(`check-manifests: unknown argument ${argv[i]}`);
      return 2;
    }
  }
  const k8sDir = path.join(repoRoot, "deploy/k8s");
  const results = runChecks(repoRoot, k8sDir, { kubectl: kubectl && hasKubectl() });
  if (wantSelfTest) {
    results.push(...selfTest(repoRoot, k8sDir));
  }
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const r of results) {
    const label = r.skipped ? "SKIP" : r.ok ? "ok  " : "FAIL";
    console.log(`${label} [${r.scope}] ${r.name}${r.detail ? ` — ${r.detail}` : ""}`);
    if (r.skipped) {
      skipped++;
    } else if (r.ok) {
      passed++;
    } else {
      failed++;
    }
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  return failed > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
