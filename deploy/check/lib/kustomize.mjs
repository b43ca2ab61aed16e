// The subset of kustomize that Herald's manifests use, so they can be rendered without kubectl:
// `resources` (files and directories holding a kustomization.yaml), `namespace`, `patches`
// (strategic-merge patches from a file or inline, aimed by their own kind/name or by a `target`)
// and `images`. Any other kustomization field is an error here, so the manifests cannot quietly
// start to depend on something this renderer gets wrong. When kubectl is installed, the checker
// also compares this rendering with `kubectl kustomize`.
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
const SUPPORTED = new Set(["apiVersion", "kind", "resources", "namespace", "patches", "images"]);
// Kinds that live outside namespaces (the ones a namespace transformer must leave alone).
const CLUSTER_SCOPED = new Set([
  "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume",
  "StorageClass", "PriorityClass", "IngressClass", "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration", "APIService", "RuntimeClass",
]);
// Strategic-merge keys of the lists these manifests patch (from the Kubernetes API's
// x-kubernetes-patch-merge-key); every other list is replaced whole, as kustomize does.
const MERGE_KEYS = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  imagePullSecrets: "name",
  topologySpreadConstraints: "topologyKey",
  hostAliases: "ip",
};

/** A problem in a kustomization: the message names the file. */
export class KustomizeError extends Error {}

/** Parses every YAML document of a file; throws with the file name on any syntax error. */
export function parseYamlFile(file) {
  const text = fs.readFileSync(file, "utf8");
  const docs = YAML.parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  const out = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      throw new KustomizeError(`${file}: ${doc.errors[0].message}`);
    }
    const value = doc.toJS({ maxAliasCount: 0 });
    if (value !== null && value !== undefined) {
      out.push(value);
    }
  }
  return out;
}

function kustomizationFile(dir) {
  for (const name of KUSTOMIZATION_FILES) {
    const f = path.join(dir, name);
    if (fs.existsSync(f)) {
      return f;
    }
  }
  return null;
}

/**
 * Renders the kustomization in `dir`: the list of objects `kubectl kustomize dir` would print,
 * plus `files`, every file read (for messages).
 */
export function render(dir) {
  const file = kustomizationFile(dir);
  if (file === null) {
    throw new KustomizeError(`${dir}: no kustomization.yaml`);
  }
  const [k] = parseYamlFile(file);
  if (!k || typeof k !== "object") {
    throw new KustomizeError(`${file}: empty kustomization`);
  }
  for (const field of Object.keys(k)) {
    if (!SUPPORTED.has(field)) {
      throw new KustomizeError(`${file}: field '${field}' is not supported by deploy/check (only ${[...SUPPORTED].join(", ")})`);
    }
  }
  if (k.kind !== undefined && k.kind !== "Kustomization") {
    throw new KustomizeError(`${file}: kind must be Kustomization, not ${k.kind}`);
  }
  let objects = [];
  for (const entry of k.resources ?? []) {
    const p = path.resolve(dir, entry);
    if (!fs.existsSync(p)) {
      throw new KustomizeError(`${file}: resource '${entry}' does not exist`);
    }
    const more = fs.statSync(p).isDirectory() ? render(p) : parseYamlFile(p);
    for (const o of more) {
      const clash = objects.find((x) => sameId(x, o));
      if (clash) {
        throw new KustomizeError(`${file}: ${idText(o)} is defined twice`);
      }
      objects.push(o);
    }
  }
  for (const [i, patch] of (k.patches ?? []).entries()) {
    objects = applyPatch(objects, patch, dir, `${file}: patches[${i}]`);
  }
  if (k.namespace) {
    for (const o of objects) {
      if (!CLUSTER_SCOPED.has(o.kind)) {
        o.metadata = { ...o.metadata, namespace: k.namespace };
      }
    }
  }
  for (const image of k.images ?? []) {
    applyImage(objects, image, file);
  }
  return objects;
}

function sameId(a, b) {
  return a.kind === b.kind && a.metadata?.name === b.metadata?.name
    && (a.metadata?.namespace ?? "") === (b.metadata?.namespace ?? "");
}

/** `Kind/name` (and namespace when set), for messages. */
export function idText(o) {
  const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : "";
  return `${o.kind}/${ns}${o.metadata?.name}`;
}

function applyPatch(objects, entry, dir, where) {
  let docs;
  if (entry.path) {
    docs = parseYamlFile(path.resolve(dir, entry.path));
  } else if (entry.patch) {
    docs = YAML.parseAllDocuments(entry.patch, { uniqueKeys: true }).map((d) => d.toJS());
  } else {
    throw new KustomizeError(`${where}: needs path or patch`);
  }
  if (docs.length !== 1 || Array.isArray(docs[0]) || typeof docs[0] !== "object") {
    throw new KustomizeError(`${where}: only single-document strategic-merge patches are supported`);
  }
  const patch = docs[0];
  const target = entry.target ?? { kind: patch.kind, name: patch.metadata?.name };
  for (const key of Object.keys(target)) {
    if (!["kind", "name", "group", "version"].includes(key)) {
      throw new KustomizeError(`${where}: target.${key} is not supported by deploy/check`);
    }
  }
  let hits = 0;
  const out = objects.map((o) => {
    if (o.kind !== target.kind || o.metadata?.name !== target.name) {
      return o;
    }
    hits++;
    const body = structuredClone(patch);
    delete body.apiVersion;
    delete body.kind;
    if (body.metadata) {
      delete body.metadata.name;
      delete body.metadata.namespace;
    }
    return strategicMerge(o, body, "");
  });
  if (hits === 0) {
    throw new KustomizeError(`${where}: no resource ${target.kind}/${target.name} to patch`);
  }
  return out;
}

/**
 * Strategic merge of `patch` into `base`: maps merge key by key (null deletes), lists with a
 * merge key merge element by element (elements only in the patch come first, as kustomize puts
 * them), other lists are replaced.
 */
export function strategicMerge(base, patch, field) {
  if (patch === null) {
    return undefined;
  }
  if (Array.isArray(patch)) {
    const key = mergeKeyOf(field, patch, base);
    if (!key || !Array.isArray(base)) {
      return structuredClone(patch);
    }
    const merged = base.map((b) => {
      const p = patch.find((x) => x && b && x[key] === b[key]);
      return p === undefined ? structuredClone(b) : strategicMerge(b, p, "");
    });
    const added = patch.filter((p) => !base.some((b) => b && p && b[key] === p[key]));
    return [...structuredClone(added), ...merged];
  }
  if (typeof patch === "object") {
    for (const k of Object.keys(patch)) {
      if (k.startsWith("$")) {
        throw new KustomizeError(`patch directive ${k} is not supported by deploy/check`);
      }
    }
    if (base === null || typeof base !== "object" || Array.isArray(base)) {
      return structuredClone(patch);
    }
    const out = structuredClone(base);
    for (const [k, v] of Object.entries(patch)) {
      const m = strategicMerge(base[k], v, k);
      if (m === undefined) {
        delete out[k];
      } else {
        out[k] = m;
      }
    }
    return out;
  }
  return patch;
}

function mergeKeyOf(field, patch, base) {
  if (field === "ports") {
    // Container ports merge on containerPort, Service ports on port.
    const sample = [...(base ?? []), ...patch].find((x) => x && typeof x === "object");
    return sample && "containerPort" in sample ? "containerPort" : "port";
  }
  return MERGE_KEYS[field];
}

function applyImage(objects, image, file) {
  if (!image.name) {
    throw new KustomizeError(`${file}: images entries need a name`);
  }
  const visit = (containers) => {
    for (const c of containers ?? []) {
      const { name, tag, digest } = splitImage(c.image ?? "");
      if (name !== image.name) {
        continue;
      }
      const newName = image.newName ?? name;
      if (image.digest) {
        c.image = `${newName}@${image.digest}`;
      } else if (image.newTag) {
        c.image = `${newName}:${image.newTag}`;
      } else {
        c.image = newName + (digest ? `@${digest}` : tag ? `:${tag}` : "");
      }
    }
  };
  for (const o of objects) {
    const spec = o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec;
    if (spec) {
      visit(spec.containers);
      visit(spec.initContainers);
    }
  }
}

/** `registry/name:tag@digest` into its parts (the tag is after the last ':' past the last '/'). */
export function splitImage(ref) {
  let rest = ref;
  let digest;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { name: rest, tag, digest };
}
