#!/usr/bin/env node
// Prints, as JSON, what the kubelet would give the Herald container of one pod of an overlay
// (lib/kubelet.mjs): its environment in order, how it runs (user, read-only root, writable mounts,
// grace period, ports) and the Services of its namespace. Gateway's PodSimulationIT starts nodes with it.
//
// Usage: node pod-env.mjs --overlay dev|prod --pod NAME --ip POD_IP [--service-links on|off]
//                         [--secret SECRET.KEY=VALUE]... [--root REPO]
//   --service-links  on: as if the pod had enableServiceLinks: true; off: false; default: as the manifest says
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CONTAINER, APP, OVERLAYS } from "./lib/herald-checks.mjs";
import { clusterIps, containerEnv, podRuntime } from "./lib/kubelet.mjs";
import { render } from "./lib/kustomize.mjs";

function main(argv) {
  const args = { secrets: {} };
  let root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) {
        throw new Error(`${a} needs a value`);
      }
      return argv[++i];
    };
    if (a === "--overlay") {
      args.overlay = next();
    } else if (a === "--pod") {
      args.pod = next();
    } else if (a === "--ip") {
      args.ip = next();
    } else if (a === "--service-links") {
      const v = next();
      if (v !== "on" && v !== "off") {
        throw new Error("--service-links takes on or off");
      }
      args.serviceLinks = v === "on";
    } else if (a === "--secret") {
      const m = /^([^.=]+)\.([^=]+)=(.*)$/s.exec(next());
      if (!m) {
        throw new Error("--secret takes SECRET.KEY=VALUE");
      }
      (args.secrets[m[1]] ??= {})[m[2]] = m[3];
    } else if (a === "--root") {
      root = path.resolve(next());
    } else {
      throw new Error(`unknown argument ${a}`);
    }
  }
  if (!OVERLAYS[args.overlay] || !args.pod || !args.ip) {
    throw new Error(`--overlay (${Object.keys(OVERLAYS).join("|")}), --pod and --ip are needed`);
  }
  const objects = render(path.join(root, "deploy/k8s", OVERLAYS[args.overlay].dir));
  const runtime = podRuntime(objects, APP, CONTAINER);
  const env = containerEnv(objects, APP, CONTAINER, { name: args.pod, ip: args.ip },
    { serviceLinks: args.serviceLinks, secrets: args.secrets });
  const ips = clusterIps(objects, runtime.namespace);
  const services = objects.filter((o) => o.kind === "Service" && o.metadata.namespace === runtime.namespace)
    .map((s) => ({ name: s.metadata.name, clusterIP: ips.get(s.metadata.name) ?? "None",
      ports: (s.spec.ports ?? []).map((p) => ({ name: p.name ?? null, port: p.port })) }));
  process.stdout.write(JSON.stringify({ overlay: args.overlay, pod: args.pod, ip: args.ip, ...runtime,
    serviceLinks: args.serviceLinks ?? runtime.enableServiceLinks, env: [...env.entries()], services }, null, 2) + "\n");
}

try {
  main(process.argv.slice(2));
} catch (e) {
  console.error(`pod-env: ${e.message}`);
  process.exitCode = 2;
}
