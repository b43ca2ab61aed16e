// Kubernetes schema checks, offline, with the npm package kubernetes-models:
//  - validate(): the typed model's own validation (required fields, types, enums, formats);
//  - unknownFields(): every key of the object must be a property of its type. kubernetes-models
//    does not check that (a misspelt `readinesProbe` passes validate()), so this walks the object
//    against the property lists of the package's TypeScript declarations (*.d.ts), which are
//    generated from the same Kubernetes OpenAPI schema as its validators.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const MODELS_DIR = path.dirname(require.resolve("kubernetes-models/package.json"));
const NODE_MODULES = path.resolve(MODELS_DIR, "..");

/** The kubernetes-models module path of an apiVersion/kind, e.g. `apps/v1/Deployment`. */
function modelModule(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[A-Za-z0-9]+$/.test(kind)) {
    return null;
  }
  return `${apiVersion}/${kind}`;
}

/**
 * The kubernetes-models class of an object, or null when the package has no such apiVersion/kind
 * (an unknown or misspelt kind, or an apiVersion Kubernetes no longer serves).
 */
export function modelClass(obj) {
  const mod = modelModule(obj.apiVersion, obj.kind);
  if (mod === null) {
    return null;
  }
  let exported;
  try {
    exported = require(`kubernetes-models/${mod}`);
  } catch {
    return null;
  }
  return exported[obj.kind] ?? null;
}

/** The model's validation: null when valid, else a message naming the failing paths. */
export function validate(obj) {
  const Model = modelClass(obj);
  if (Model === null) {
    return `kubernetes-models has no ${obj.apiVersion} ${obj.kind}`;
  }
  try {
    new Model(structuredClone(obj)).validate();
    return null;
  } catch (e) {
    const details = (e.errors ?? []).map((x) => `${x.instancePath || "/"} ${x.message}`);
    return details.length > 0 ? details.join("; ") : String(e.message ?? e);
  }
}

// ---- property lists from the .d.ts declarations ----

const files = new Map();

function loadDts(file) {
  if (files.has(file)) {
    return files.get(file);
  }
  const text = fs.readFileSync(file, "utf8");
  const imports = new Map();
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
    for (const name of m[1].split(",").map((s) => s.trim()).filter(Boolean)) {
      const [orig, alias] = name.split(/\s+as\s+/);
      imports.set((alias ?? orig).trim(), m[2]);
    }
  }
  const exportsAs = new Map();
  for (const m of text.matchAll(/export\s*\{([^}]*)\}\s*;/g)) {
    for (const part of m[1].split(",").map((s) => s.trim()).filter(Boolean)) {
      const [local, alias] = part.split(/\s+as\s+/);
      exportsAs.set((alias ?? local).trim(), local.trim());
    }
  }
  const interfaces = new Map();
  for (const m of text.matchAll(/export interface (\w+)(?:\s+extends\s+([\w\s,<>]+?))?\s*\{/g)) {
    const open = m.index + m[0].length - 1;
    const body = text.slice(open + 1, matchingBrace(text, open));
    const props = parseProps(body);
    if (m[2] && /\bTypeMeta\b/.test(m[2])) {
      props.set("apiVersion", "string");
      props.set("kind", "string");
    }
    interfaces.set(m[1], props);
  }
  const entry = { file, imports, exportsAs, interfaces };
  files.set(file, entry);
  return entry;
}

function matchingBrace(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") {
      depth++;
    } else if (text[i] === "}" && --depth === 0) {
      return i;
    }
  }
  throw new Error("unbalanced braces in a kubernetes-models declaration");
}

/** `"name"?: Type;` members of an interface or object-literal body, at depth 0. */
function parseProps(body) {
  const src = body.replace(/\/\*[\s\S]*?\*\//g, "");
  const props = new Map();
  let i = 0;
  while (i < src.length) {
    const m = /^\s*"([^"]+)"\??\s*:\s*/.exec(src.slice(i));
    if (!m) {
      const semi = src.indexOf(";", i);
      if (semi < 0) {
        break;
      }
      i = semi + 1;
      continue;
    }
    i += m[0].length;
    let depth = 0;
    let j = i;
    for (; j < src.length; j++) {
      const c = src[j];
      if (c === "{" || c === "<" || c === "(" || c === "[") {
        depth++;
      } else if (c === "}" || c === ">" || c === ")" || c === "]") {
        depth--;
      } else if (c === ";" && depth === 0) {
        break;
      }
    }
    props.set(m[1], src.slice(i, j).trim());
    i = j + 1;
  }
  return props;
}

function resolveImport(fromFile, spec) {
  const base = spec.startsWith(".") ? path.resolve(path.dirname(fromFile), spec) : path.join(NODE_MODULES, spec);
  return `${base}.d.ts`;
}

/** The type named `name` as seen from `file`: {kind: "object", props, file} or {kind: "leaf"}. */
function namedType(file, name) {
  const dts = loadDts(file);
  if (dts.interfaces.has(name)) {
    return { kind: "object", props: dts.interfaces.get(name), file };
  }
  const local = dts.exportsAs.get(name);
  if (local && dts.interfaces.has(local)) {
    return { kind: "object", props: dts.interfaces.get(local), file };
  }
  if (dts.imports.has(name)) {
    const target = resolveImport(file, dts.imports.get(name));
    if (fs.existsSync(target)) {
      return namedType(target, name);
    }
  }
  return { kind: "leaf" };
}

/** Classifies a type text: array, map, inline object, named type or a leaf (scalars, unions). */
function typeOf(file, text) {
  const t = text.trim();
  const arr = /^Array<([\s\S]*)>$/.exec(t);
  if (arr) {
    return { kind: "array", item: typeOf(file, arr[1]) };
  }
  if (t.startsWith("{")) {
    const inner = t.slice(1, t.lastIndexOf("}"));
    const map = /^\s*\[key: string\]:\s*([\s\S]*?);?\s*$/.exec(inner);
    if (map) {
      return { kind: "map", value: typeOf(file, map[1]) };
    }
    return { kind: "object", props: parseProps(inner), file };
  }
  if (/^[A-Za-z_]\w*$/.test(t) && !["string", "number", "boolean", "any", "object", "unknown"].includes(t)) {
    return namedType(file, t);
  }
  return { kind: "leaf" };
}

/**
 * Every key of `obj` that its Kubernetes type does not have, as paths like
 * `spec.template.spec.containers[0].readinesProbe`. Empty when all are known.
 */
export function unknownFields(obj) {
  const mod = modelModule(obj.apiVersion, obj.kind);
  const file = mod && path.join(MODELS_DIR, `${mod}.d.ts`);
  if (!file || !fs.existsSync(file)) {
    return [`(no declarations for ${obj.apiVersion} ${obj.kind})`];
  }
  const root = namedType(file, `I${obj.kind}`);
  const found = [];
  walk(obj, root, "", found);
  return found;
}

function walk(value, type, at, found) {
  if (value === null || value === undefined) {
    return;
  }
  if (type.kind === "array" && Array.isArray(value)) {
    value.forEach((v, i) => walk(v, type.item, `${at}[${i}]`, found));
  } else if (type.kind === "map" && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      walk(v, type.value, `${at}.${k}`, found);
    }
  } else if (type.kind === "object" && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      const p = at ? `${at}.${k}` : k;
      if (!type.props.has(k)) {
        found.push(p);
      } else {
        walk(v, typeOf(type.file, type.props.get(k)), p, found);
      }
    }
  }
}
