// Herald's configuration keys, read from the Java source that defines them
// (gateway/src/main/java/dev/herald/gateway/config/ConfigKeys.java), so the manifests are checked
// against the keys the program really accepts, with their types, choices and defaults.
import fs from "node:fs";
import path from "node:path";

export const CONFIG_KEYS_SOURCE = "gateway/src/main/java/dev/herald/gateway/config/ConfigKeys.java";

/** The environment variable of a key, as ConfigKeys.envName computes it. */
export function envName(key) {
  let out = "HERALD_";
  for (let i = 0; i < key.length; i++) {
    const c = key[i];
    const upper = c >= "A" && c <= "Z";
    if (c === ".") {
      out += "_";
    } else if (upper && i > 0 && !(key[i - 1] >= "A" && key[i - 1] <= "Z") && key[i - 1] !== ".") {
      out += `_${c}`;
    } else {
      out += c.toUpperCase();
    }
  }
  return out;
}

/** Splits a Java argument list at top-level commas (ignores commas inside (), [], {} and strings). */
function splitArgs(text) {
  const args = [];
  let depth = 0;
  let current = "";
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      current += c;
      if (c === "\\") {
        current += text[++i];
      } else if (c === quote) {
        quote = null;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
    } else if ("([{".includes(c)) {
      depth++;
    } else if (")]}".includes(c)) {
      depth--;
    } else if (c === "," && depth === 0) {
      args.push(current.trim());
      current = "";
      continue;
    }
    current += c;
  }
  if (current.trim()) {
    args.push(current.trim());
  }
  return args;
}

/** The text between the '(' at `open` and its matching ')'. */
function callArgs(src, open) {
  let depth = 0;
  let quote = null;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (quote) {
      if (c === "\\") {
        i++;
      } else if (c === quote) {
        quote = null;
      }
    } else if (c === '"') {
      quote = c;
    } else if (c === "(") {
      depth++;
    } else if (c === ")" && --depth === 0) {
      return src.slice(open + 1, i);
    }
  }
  throw new Error("unbalanced parentheses");
}

function javaString(text) {
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(text.trim());
  return m ? m[1] : null;
}

function javaStrings(text) {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
}

/** A Java default literal as a value: numbers, booleans, strings, Duration.ofX(n), null. */
function javaDefault(text, type) {
  const t = text.trim().replace(/_/g, "");
  if (t === "null") {
    return null;
  }
  const s = javaString(t);
  if (s !== null) {
    return s;
  }
  if (t === "true" || t === "false") {
    return t === "true";
  }
  const dur = /^Duration\.of(Millis|Seconds|Minutes|Hours|Days)\((\d+)L?\)$/.exec(t);
  if (dur) {
    const unit = { Millis: 0.001, Seconds: 1, Minutes: 60, Hours: 3600, Days: 86400 }[dur[1]];
    return Number(dur[2]) * unit;
  }
  if (/^[\d\sL*+]+$/.test(t)) {
    return t.replace(/L/g, "").split("*").reduce((a, b) => a * Number(b.trim()), 1);
  }
  if (type === "LIST") {
    return javaStrings(t);
  }
  return undefined;
}

/**
 * Reads every key of ConfigKeys.java under `repoRoot`: a Map from dotted key to
 * {name, env, type, choices, default}. Throws when the file is missing or declares no keys.
 */
export function readConfigKeys(repoRoot) {
  const file = path.join(repoRoot, CONFIG_KEYS_SOURCE);
  if (!fs.existsSync(file)) {
    throw new Error(`${CONFIG_KEYS_SOURCE} not found: update deploy/check/lib/herald-config.mjs to where the keys live`);
  }
  const src = fs.readFileSync(file, "utf8");
  const keys = new Map();
  for (const m of src.matchAll(/\b(key|choice|new Key)\s*\(/g)) {
    const args = splitArgs(callArgs(src, m.index + m[0].length - 1));
    const name = javaString(args[0] ?? "");
    if (name === null) {
      continue; // the helper declarations themselves: key(String name, ...)
    }
    let key;
    if (m[1] === "choice") {
      key = { name, type: "CHOICE", default: javaString(args[1]), choices: javaStrings(args[2] ?? "") };
    } else {
      const type = /^Type\.(\w+)$/.exec(args[1] ?? "")?.[1];
      if (!type) {
        continue;
      }
      const choices = m[1] === "new Key" ? javaStrings(args[3] ?? "") : [];
      key = { name, type, default: javaDefault(args[2] ?? "", type), choices };
    }
    key.env = envName(name);
    keys.set(name, key);
  }
  if (keys.size === 0) {
    throw new Error(`${CONFIG_KEYS_SOURCE} declares no keys that deploy/check can read`);
  }
  return keys;
}

// As ConfigValues reads them: a number and an optional unit, case-insensitive.
const AMOUNT = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*$/;
const DURATION_UNITS = { "": 1, s: 1, ms: 0.001, m: 60, h: 3600, d: 86400 };
const SIZE_UNITS = { "": 1, b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, kb: 1e3, mb: 1e6, gb: 1e9 };

function amount(text, units) {
  const m = AMOUNT.exec(String(text));
  const unit = m ? units[m[2].toLowerCase()] : undefined;
  return unit === undefined ? null : Number(m[1]) * unit;
}

/** Seconds of a Herald duration: a number of seconds or a number with ms, s, m, h or d. */
export function parseDuration(text) {
  return amount(text, DURATION_UNITS);
}

/** Null when `value` is a valid text for `key`, else why not. */
export function checkValue(key, value) {
  const v = String(value).trim();
  switch (key.type) {
    case "INT":
      return /^-?\d+$/.test(v) ? null : `${key.env}="${value}" is not a whole number`;
    case "BOOL":
      return ["true", "yes", "on", "false", "no", "off"].includes(v.toLowerCase()) ? null
        : `${key.env}="${value}" is not true or false`;
    case "DURATION":
      return parseDuration(v) !== null ? null : `${key.env}="${value}" is not a duration (10, 250ms, 2s, 10m, 1h)`;
    case "SIZE":
      return amount(v, SIZE_UNITS) !== null ? null : `${key.env}="${value}" is not a size`;
    case "CHOICE":
      return key.choices.includes(v) ? null : `${key.env}="${value}" is not one of ${key.choices.join(", ")}`;
    case "LIST":
      if (key.choices.length > 0) {
        const bad = v.split(",").map((s) => s.trim()).filter((s) => s && !key.choices.includes(s));
        return bad.length === 0 ? null : `${key.env} has unknown values ${bad.join(", ")}`;
      }
      return null;
    case "JSON":
      try {
        JSON.parse(v);
        return null;
      } catch {
        return `${key.env} is not JSON`;
      }
    default:
      return null;
  }
}
