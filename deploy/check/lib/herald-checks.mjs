// Checks that a rendered overlay agrees with Herald itself: its configuration keys (read from the
// Java source), its ports, health routes, drain window, JVM flags and image, and with the rules
// docs/deploy.md gives for the cluster (Hazelcast discovery, security, disruption, scaling, Redis).
import fs from "node:fs";
import path from "node:path";
import { checkValue, parseDuration } from "./herald-config.mjs";
import { expand } from "./kubelet.mjs";
import { idText, splitImage } from "./kustomize.mjs";

export const APP = "herald";
export const HEADLESS = "herald-hazelcast";
export const CONTAINER = "herald";
export const REDIS_SECRET = "herald-redis";
/** Seconds a node needs after its drain window to leave the cluster and close. */
export const LEAVE_HEADROOM_SECONDS = 15;
/** What the JVM needs for Hazelcast on JDK 17 (shared/FACTS.md), in the form JAVA_TOOL_OPTIONS accepts. */
export const JVM_FLAGS = [
  "--add-modules=java.se",
  "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
  "--add-opens=java.base/java.lang=ALL-UNNAMED",
  "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
  "--add-opens=java.management/sun.management=ALL-UNNAMED",
  "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
];
/** What each overlay must be. */
export const OVERLAYS = {
  dev: { dir: "overlays/dev", redis: "in-cluster", replicas: [1, 2], hpa: null },
  prod: { dir: "overlays/prod", redis: "secret", replicas: [3, 3], hpa: [3, 10] },
};

/**
 * The checks of one rendered overlay: a list of {name, ok, detail}. `ctx` holds `keys` (from
 * readConfigKeys), `version` (the project version), `image` (what build-image.sh builds:
 * {user, ports}) and `policy` (an entry of OVERLAYS).
 */
export function heraldChecks(objects, ctx) {
  const results = [];
  const check = (name, fn) => {
    try {
      const problems = [];
      const detail = fn(problems);
      results.push({ name, ok: problems.length === 0, detail: problems.length ? problems.join("; ") : detail ?? "" });
    } catch (e) {
      results.push({ name, ok: false, detail: e.message });
    }
  };
  const find = (kind, name) => objects.find((o) => o.kind === kind && o.metadata?.name === name);
  const deployment = find("Deployment", APP);
  const pod = deployment?.spec?.template;
  const container = pod?.spec?.containers?.find((c) => c.name === CONTAINER);
  if (!container) {
    results.push({ name: "Deployment herald with a container herald", ok: false, detail: "missing" });
    return results;
  }
  const env = readEnv(container, deployment);
  const setting = (key) => {
    const k = ctx.keys.get(key);
    const e = env.get(k.env);
    return e?.value !== undefined ? e.value : k.default;
  };
  const httpPort = Number(setting("http.port"));
  const clusterPort = Number(setting("cluster.port"));
  const busPort = Number(setting("cluster.busPort"));
  const headless = find("Service", HEADLESS);
  const client = find("Service", APP);

  check("objects: Deployment, Services herald and herald-hazelcast, PodDisruptionBudget, HorizontalPodAutoscaler", (p) => {
    for (const [kind, name] of [["Service", APP], ["Service", HEADLESS], ["PodDisruptionBudget", APP],
      ["HorizontalPodAutoscaler", APP]]) {
      if (!find(kind, name)) {
        p.push(`no ${kind} ${name}`);
      }
    }
    const ns = deployment.metadata.namespace;
    if (!ns) {
      p.push("the overlay sets no namespace");
    } else if (!find("Namespace", ns)) {
      p.push(`no Namespace ${ns}`);
    }
    for (const o of objects) {
      if (o.kind !== "Namespace" && o.metadata?.namespace !== ns) {
        p.push(`${idText(o)} is not in namespace ${ns}`);
      }
    }
    return `namespace ${ns}, ${objects.length} objects`;
  });

  check("env: every HERALD_* variable is a Herald configuration key with a valid value", (p) => {
    const byEnv = new Map([...ctx.keys.values()].map((k) => [k.env, k]));
    const seen = new Set();
    let n = 0;
    for (const e of container.env ?? []) {
      if (seen.has(e.name)) {
        p.push(`${e.name} is set twice`);
      }
      seen.add(e.name);
      if (!e.name.startsWith("HERALD_")) {
        continue;
      }
      n++;
      if (e.name === "HERALD_CONFIG") {
        continue;
      }
      const key = byEnv.get(e.name);
      if (!key) {
        p.push(`${e.name} is not a Herald setting`);
      } else if (e.value !== undefined && !e.value.includes("$(")) {
        const bad = checkValue(key, e.value);
        if (bad) {
          p.push(bad);
        }
      }
    }
    return `${n} variables, ${ctx.keys.size} keys known`;
  });

  check("cluster: enabled, join=kubernetes, store=redis, cluster.host = the pod IP", (p) => {
    expectSetting(p, env, ctx, "cluster.enabled", (v) => ["true", "yes", "on"].includes(String(v).toLowerCase()), "true");
    expectSetting(p, env, ctx, "cluster.join", (v) => v === "kubernetes", "kubernetes");
    expectSetting(p, env, ctx, "store.type", (v) => v === "redis", "redis");
    const host = env.get(ctx.keys.get("cluster.host").env);
    if (host?.fieldRef !== "status.podIP") {
      p.push(`${ctx.keys.get("cluster.host").env} must come from fieldRef status.podIP`);
    }
  });

  check("hazelcast: cluster.service is the headless Service's DNS name", (p) => {
    if (!headless) {
      p.push(`no Service ${HEADLESS}`);
      return undefined;
    }
    const want = `${headless.metadata.name}.${headless.metadata.namespace ?? "default"}.svc.cluster.local`;
    const e = env.get(ctx.keys.get("cluster.service").env);
    if (!e || e.value === undefined) {
      p.push(`${ctx.keys.get("cluster.service").env} is not set`);
    } else if (e.value !== want) {
      p.push(`${ctx.keys.get("cluster.service").env} is '${e.value}', the headless Service is '${want}'`);
    }
    return want;
  });

  check("headless Service: clusterIP None, publishNotReadyAddresses, Hazelcast port", (p) => {
    if (!headless) {
      p.push(`no Service ${HEADLESS}`);
      return undefined;
    }
    if (headless.spec?.clusterIP !== "None") {
      p.push("clusterIP must be None");
    }
    if (headless.spec?.publishNotReadyAddresses !== true) {
      p.push("publishNotReadyAddresses must be true (pods must find each other before they are ready)");
    }
    selects(p, headless.spec?.selector, pod);
    const port = (headless.spec?.ports ?? []).find((x) => x.port === clusterPort);
    if (!port) {
      p.push(`no port ${clusterPort} (cluster.port)`);
    } else if (resolvePort(container, port.targetPort ?? port.port) !== clusterPort) {
      const n = resolvePort(container, port.targetPort ?? port.port);
      p.push(`port ${clusterPort} targets ${port.targetPort} (${n ?? "no such container port"}), not cluster.port ${clusterPort}`);
    }
    return `${HEADLESS}:${clusterPort}`;
  });

  check("client Service: port 80 reaches the container's HTTP port", (p) => {
    if (!client) {
      p.push(`no Service ${APP}`);
      return undefined;
    }
    if (client.spec?.clusterIP === "None") {
      p.push("the client Service must not be headless");
    }
    selects(p, client.spec?.selector, pod);
    const port = (client.spec?.ports ?? []).find((x) => x.port === 80);
    if (!port) {
      p.push("no port 80");
    } else if (resolvePort(container, port.targetPort ?? port.port) !== httpPort) {
      const n = resolvePort(container, port.targetPort ?? port.port);
      p.push(`port 80 targets ${port.targetPort} (${n ?? "no such container port"}), which is not http.port ${httpPort}`);
    }
    return `80 -> ${httpPort}`;
  });

  check("container ports: http = http.port, hazelcast = cluster.port, eventbus = cluster.busPort", (p) => {
    const byName = new Map((container.ports ?? []).map((x) => [x.name, x.containerPort]));
    if (byName.get("http") !== httpPort) {
      p.push(`port http is ${byName.get("http")}, http.port is ${httpPort}`);
    }
    if (byName.get("hazelcast") !== clusterPort) {
      p.push(`port hazelcast is ${byName.get("hazelcast")}, cluster.port is ${clusterPort}`);
    }
    if (busPort !== 0 && byName.get("eventbus") !== busPort) {
      p.push(`port eventbus is ${byName.get("eventbus")}, cluster.busPort is ${busPort}`);
    }
    return `${httpPort}, ${clusterPort}${busPort ? `, ${busPort}` : ""}`;
  });

  check("probes: startup and liveness GET /health/live, readiness GET /health/ready, on http.port", (p) => {
    for (const [probe, route] of [["startupProbe", "/health/live"], ["livenessProbe", "/health/live"],
      ["readinessProbe", "/health/ready"]]) {
      const get = container[probe]?.httpGet;
      if (!get) {
        p.push(`no ${probe} with httpGet`);
        continue;
      }
      if (get.path !== route) {
        p.push(`${probe} path is ${get.path}, not ${route}`);
      }
      if (resolvePort(container, get.port) !== httpPort) {
        p.push(`${probe} port ${get.port} is not http.port ${httpPort}`);
      }
      if (get.scheme && get.scheme !== "HTTP") {
        p.push(`${probe} scheme must be HTTP`);
      }
    }
  });

  check("grace period: terminationGracePeriodSeconds > drain window + time to leave the cluster", (p) => {
    const drain = parseDuration(setting("cluster.drainWindow"));
    const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
    if (drain === null) {
      p.push(`cluster.drainWindow '${setting("cluster.drainWindow")}' is not a duration`);
    } else if (!(grace > drain + LEAVE_HEADROOM_SECONDS)) {
      p.push(`${grace} s is not more than the ${drain} s drain window + ${LEAVE_HEADROOM_SECONDS} s`);
    }
    return `${grace} s > ${drain} s + ${LEAVE_HEADROOM_SECONDS} s`;
  });

  check("security: non-root, read-only root, no privilege escalation, no capabilities, /tmp an emptyDir", (p) => {
    const podSc = pod.spec.securityContext ?? {};
    const sc = container.securityContext ?? {};
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) {
      p.push("runAsNonRoot must be true");
    }
    const uid = sc.runAsUser ?? podSc.runAsUser;
    if (uid !== ctx.image.user) {
      p.push(`runAsUser is ${uid}, the image's user is ${ctx.image.user}`);
    }
    if (sc.readOnlyRootFilesystem !== true) {
      p.push("readOnlyRootFilesystem must be true");
    }
    if (sc.allowPrivilegeEscalation !== false) {
      p.push("allowPrivilegeEscalation must be false");
    }
    if (!(sc.capabilities?.drop ?? []).includes("ALL") || (sc.capabilities?.add ?? []).length > 0) {
      p.push("capabilities must drop ALL and add none");
    }
    if (sc.privileged === true) {
      p.push("must not be privileged");
    }
    const mount = (container.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
    const volume = mount && (pod.spec.volumes ?? []).find((v) => v.name === mount.name);
    if (!volume?.emptyDir) {
      p.push("/tmp must be an emptyDir volume (the root file system is read-only)");
    }
    if (pod.spec.enableServiceLinks !== false) {
      p.push("enableServiceLinks should be false (service-link variables are HERALD_… for a Service named herald)");
    }
    if (pod.spec.automountServiceAccountToken !== false) {
      p.push("automountServiceAccountToken should be false (DNS discovery needs no API access)");
    }
    return `uid ${uid}`;
  });

  check("resources: cpu and memory requests, a memory limit", (p) => {
    const r = container.resources ?? {};
    for (const [where, what] of [["requests", "cpu"], ["requests", "memory"], ["limits", "memory"]]) {
      if (r[where]?.[what] === undefined) {
        p.push(`no ${where}.${what}`);
      }
    }
    const req = quantity(r.requests?.memory);
    const lim = quantity(r.limits?.memory);
    if (req !== null && lim !== null && lim < req) {
      p.push("the memory limit is below the request");
    }
    return `requests ${r.requests?.cpu}/${r.requests?.memory}, limits ${r.limits?.cpu ?? "-"}/${r.limits?.memory}`;
  });

  check("JVM: JAVA_TOOL_OPTIONS has Hazelcast's module flags (--flag=value form) and MaxRAMPercentage", (p) => {
    const opts = env.get("JAVA_TOOL_OPTIONS")?.value;
    if (opts === undefined) {
      p.push("JAVA_TOOL_OPTIONS is not set");
      return undefined;
    }
    const words = opts.split(/\s+/).filter(Boolean);
    for (const flag of JVM_FLAGS) {
      if (!words.includes(flag)) {
        p.push(`missing ${flag}`);
      }
    }
    for (const w of words) {
      if (/^--add-(opens|exports|modules|reads)$/.test(w)) {
        p.push(`'${w} X' (with a space) makes the JVM refuse to start; write ${w}=X`);
      }
    }
    if (!words.some((w) => /^-XX:MaxRAMPercentage=\d+(\.\d+)?$/.test(w))) {
      p.push("no -XX:MaxRAMPercentage");
    }
  });

  check("image: herald:<project version>, user and ports as deploy/image/build-image.sh builds it", (p) => {
    const { name, tag } = splitImage(container.image ?? "");
    if (name.split("/").pop() !== "herald") {
      p.push(`image ${container.image} is not herald`);
    }
    if (tag !== ctx.version && name === "herald") {
      p.push(`image tag ${tag} is not the project version ${ctx.version}`);
    }
    for (const port of container.ports ?? []) {
      if (!ctx.image.ports.includes(port.containerPort)) {
        p.push(`container port ${port.containerPort} is not exposed by the image (${ctx.image.ports.join(", ")})`);
      }
    }
    return container.image;
  });

  check("PodDisruptionBudget: maxUnavailable 1, selects the Herald pods", (p) => {
    const pdb = find("PodDisruptionBudget", APP);
    if (!pdb) {
      p.push("missing");
      return undefined;
    }
    if (pdb.spec?.maxUnavailable !== 1) {
      p.push(`maxUnavailable is ${pdb.spec?.maxUnavailable}, not 1`);
    }
    selects(p, pdb.spec?.selector?.matchLabels, pod);
  });

  check("HorizontalPodAutoscaler: autoscaling/v2 on CPU, bounds, Deployment replicas inside them", (p) => {
    const hpa = find("HorizontalPodAutoscaler", APP);
    if (!hpa) {
      p.push("missing");
      return undefined;
    }
    const s = hpa.spec ?? {};
    if (hpa.apiVersion !== "autoscaling/v2") {
      p.push(`apiVersion ${hpa.apiVersion}, not autoscaling/v2`);
    }
    const t = s.scaleTargetRef ?? {};
    if (t.kind !== "Deployment" || t.name !== APP || t.apiVersion !== "apps/v1") {
      p.push("scaleTargetRef must be apps/v1 Deployment herald");
    }
    const cpu = (s.metrics ?? []).find((m) => m.type === "Resource" && m.resource?.name === "cpu");
    if (!cpu || cpu.resource.target?.type !== "Utilization" || !(cpu.resource.target.averageUtilization > 0)) {
      p.push("needs a cpu Utilization metric");
    }
    const min = s.minReplicas ?? 1;
    const max = s.maxReplicas;
    if (!(min >= 2)) {
      p.push(`minReplicas ${min}: a cluster needs at least 2 nodes to survive one`);
    }
    if (!(max >= min)) {
      p.push(`maxReplicas ${max} < minReplicas ${min}`);
    }
    if (ctx.policy.hpa && (min !== ctx.policy.hpa[0] || max !== ctx.policy.hpa[1])) {
      p.push(`bounds ${min}..${max}, this overlay wants ${ctx.policy.hpa[0]}..${ctx.policy.hpa[1]}`);
    }
    const replicas = deployment.spec.replicas ?? 1;
    if (replicas < min || replicas > max) {
      p.push(`Deployment replicas ${replicas} outside ${min}..${max}`);
    }
    const [lo, hi] = ctx.policy.replicas;
    if (replicas < lo || replicas > hi) {
      p.push(`Deployment replicas ${replicas}, this overlay wants ${lo}..${hi}`);
    }
    return `${min}..${max}, replicas ${replicas}`;
  });

  if (ctx.policy.redis === "secret") {
    check("Redis: host, port and password from the Secret herald-redis; no Secret in the manifests", (p) => {
      for (const [key, secretKey] of [["store.redis.host", "host"], ["store.redis.port", "port"],
        ["store.redis.password", "password"]]) {
        const name = ctx.keys.get(key).env;
        const ref = (container.env ?? []).find((x) => x.name === name)?.valueFrom?.secretKeyRef;
        if (!ref || ref.name !== REDIS_SECRET || ref.key !== secretKey) {
          p.push(`${name} must come from secretKeyRef ${REDIS_SECRET}/${secretKey}`);
        }
      }
      for (const o of objects.filter((x) => x.kind === "Secret")) {
        p.push(`${idText(o)} is in the manifests: secrets are created in the cluster, never committed`);
      }
    });
  } else {
    check("Redis: store.redis.host/port name the in-cluster Redis Service and its StatefulSet", (p) => {
      const host = setting("store.redis.host");
      const port = Number(setting("store.redis.port"));
      const ns = deployment.metadata.namespace;
      const svc = objects.find((o) => o.kind === "Service" && [o.metadata.name, `${o.metadata.name}.${ns}`,
        `${o.metadata.name}.${ns}.svc`, `${o.metadata.name}.${ns}.svc.cluster.local`].includes(host));
      if (!svc) {
        p.push(`no Service named ${host}`);
        return undefined;
      }
      const sp = (svc.spec.ports ?? []).find((x) => x.port === port);
      const sts = objects.find((o) => o.kind === "StatefulSet" && matches(svc.spec.selector, o.spec?.template));
      if (!sts) {
        p.push(`Service ${svc.metadata.name} selects no StatefulSet`);
      } else if (!sp) {
        p.push(`Service ${svc.metadata.name} has no port ${port}`);
      } else {
        const target = sp.targetPort ?? sp.port;
        const ok = (sts.spec.template.spec.containers ?? []).some((c) => {
          const n = resolvePort(c, target);
          return n !== undefined && (c.ports ?? []).some((x) => x.containerPort === n);
        });
        if (!ok) {
          p.push(`Service port ${port} targets ${sp.targetPort}, which no container of ${sts.metadata.name} declares`);
        }
      }
      return `${host}:${port}`;
    });
  }
  return results;
}

/** The image build script's user and exposed ports (so the manifests are checked against them). */
export function readImageBuild(repoRoot) {
  const file = path.join(repoRoot, "deploy/image/build-image.sh");
  const src = fs.readFileSync(file, "utf8");
  const user = /-Djib\.container\.user=(\d+)/.exec(src);
  const ports = /-Djib\.container\.ports=([\d,]+)/.exec(src);
  if (!user || !ports) {
    throw new Error("deploy/image/build-image.sh sets no -Djib.container.user / -Djib.container.ports");
  }
  return { user: Number(user[1]), ports: ports[1].split(",").map(Number) };
}

/** The project version from the root pom.xml (the image's tag). */
export function readVersion(repoRoot) {
  const pom = fs.readFileSync(path.join(repoRoot, "pom.xml"), "utf8");
  const m = /<artifactId>herald-parent<\/artifactId>\s*<version>([^<]+)<\/version>/.exec(pom);
  if (!m) {
    throw new Error("pom.xml: no herald-parent version");
  }
  return m[1].trim();
}

/**
 * The container's environment as a Map name -> {value, fieldRef, secret}: literal values with
 * $(VAR) references to earlier variables expanded as the kubelet does, fieldRef metadata.namespace
 * taken from the object's namespace.
 */
export function readEnv(container, owner) {
  const env = new Map();
  for (const e of container.env ?? []) {
    const entry = {};
    if (e.value !== undefined) {
      const known = new Map([...env].filter(([, v]) => v.value !== undefined).map(([k, v]) => [k, v.value]));
      entry.value = expand(e.value, known);
    } else if (e.valueFrom?.fieldRef) {
      entry.fieldRef = e.valueFrom.fieldRef.fieldPath;
      if (entry.fieldRef === "metadata.namespace") {
        entry.value = owner.metadata?.namespace ?? "default";
      }
    } else if (e.valueFrom?.secretKeyRef) {
      entry.secret = e.valueFrom.secretKeyRef;
    }
    env.set(e.name, entry);
  }
  return env;
}

function expectSetting(p, env, ctx, key, ok, want) {
  const k = ctx.keys.get(key);
  const e = env.get(k.env);
  const v = e?.value !== undefined ? e.value : k.default;
  if (!ok(v)) {
    p.push(`${k.env} is '${v}', must be ${want}`);
  }
}

/** The number a probe or Service port names in a container: a number, or a port name. */
export function resolvePort(container, port) {
  if (typeof port === "number") {
    return port;
  }
  if (typeof port === "string" && /^\d+$/.test(port)) {
    return Number(port);
  }
  return (container.ports ?? []).find((x) => x.name === port)?.containerPort;
}

function matches(selector, template) {
  const labels = template?.metadata?.labels ?? {};
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

function selects(p, selector, template) {
  if (!matches(selector, template)) {
    p.push(`selector ${JSON.stringify(selector ?? {})} does not match the Herald pod labels`);
  }
}

/** Bytes of a memory quantity (Ki, Mi, Gi, k, M, G), or null. */
function quantity(q) {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q ?? ""));
  if (!m) {
    return null;
  }
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2]] ?? 1;
  return Number(m[1]) * unit;
}
