// What the kubelet gives a container of a rendered Deployment, computed as the kubelet computes it, so
// that a test can start Herald exactly as a pod would (gateway's PodSimulationIT, through pod-env.mjs):
//   - service links: for every Service of the namespace with a cluster IP, {NAME}_SERVICE_HOST,
//     {NAME}_SERVICE_PORT, {NAME}_SERVICE_PORT_{PORT_NAME}, {NAME}_PORT=tcp://ip:port and
//     {NAME}_PORT_{port}_{PROTO}[_PROTO|_PORT|_ADDR] (NAME: the Service name upper-cased, '-' -> '_'),
//     unless the pod sets enableServiceLinks: false; the `kubernetes` Service's always;
//   - then the container's env in order: literal values with $(VAR) expanded from the variables defined
//     before (service links included; $$ escapes a $), fieldRef from the pod (metadata.name,
//     metadata.namespace, status.podIP, spec.nodeName, ...), secretKeyRef from given Secret values.
// Also what the pod runs as (user, group, read-only root, writable mounts) and its grace period.

/** The cluster IP the kubelet would see for each Service (Services get one from 10.96.0.0/12 in order). */
export function clusterIps(objects, namespace) {
  const ips = new Map();
  const services = objects.filter((o) => o.kind === "Service" && (o.metadata?.namespace ?? "default") === namespace)
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  let next = 10;
  for (const s of services) {
    if (s.spec?.clusterIP === "None") {
      continue;
    }
    ips.set(s.metadata.name, s.spec?.clusterIP ?? `10.96.0.${next++}`);
  }
  return ips;
}

function linkName(service) {
  return service.toUpperCase().replace(/-/g, "_");
}

/** The service-link variables of one Service: an ordered list of [name, value]. */
export function serviceLinkVars(name, ip, ports) {
  const out = [];
  const n = linkName(name);
  if (!ports?.length) {
    return out;
  }
  out.push([`${n}_SERVICE_HOST`, ip]);
  out.push([`${n}_SERVICE_PORT`, String(ports[0].port)]);
  for (const p of ports) {
    if (p.name) {
      out.push([`${n}_SERVICE_PORT_${linkName(p.name)}`, String(p.port)]);
    }
  }
  const proto = (p) => (p.protocol ?? "TCP").toLowerCase();
  out.push([`${n}_PORT`, `${proto(ports[0])}://${ip}:${ports[0].port}`]);
  for (const p of ports) {
    const prefix = `${n}_PORT_${p.port}_${(p.protocol ?? "TCP").toUpperCase()}`;
    out.push([prefix, `${proto(p)}://${ip}:${p.port}`]);
    out.push([`${prefix}_PROTO`, proto(p)]);
    out.push([`${prefix}_PORT`, String(p.port)]);
    out.push([`${prefix}_ADDR`, ip]);
  }
  return out;
}

/** `$(VAR)` expanded from `vars` (a Map), `$$` kept as one `$`; unknown references stay as written. */
export function expand(text, vars) {
  return String(text).replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, name) => {
    if (all === "$$") {
      return "$";
    }
    return vars.has(name) ? vars.get(name) : all;
  });
}

/**
 * The environment of container `containerName` of the Deployment `deploymentName` in `objects` (a
 * rendered overlay), for one pod: a Map name -> value in the kubelet's order.
 *
 * @param pod {name, ip, nodeName, hostIp, uid} of the pod
 * @param opts {serviceLinks: true | false | undefined (as the pod spec says), secrets: {secret: {key: value}}}
 */
export function containerEnv(objects, deploymentName, containerName, pod, opts = {}) {
  const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata?.name === deploymentName);
  if (!deployment) {
    throw new Error(`no Deployment ${deploymentName}`);
  }
  const namespace = deployment.metadata.namespace ?? "default";
  const spec = deployment.spec.template.spec;
  const container = spec.containers.find((c) => c.name === containerName);
  if (!container) {
    throw new Error(`no container ${containerName} in Deployment ${deploymentName}`);
  }
  const env = new Map();
  // The master Service's variables reach every pod, links or not (here: the usual in-cluster address).
  for (const [k, v] of serviceLinkVars("kubernetes", "10.96.0.1", [{ name: "https", port: 443 }])) {
    env.set(k, v);
  }
  const links = opts.serviceLinks ?? spec.enableServiceLinks !== false;
  if (links) {
    const ips = clusterIps(objects, namespace);
    for (const s of objects.filter((o) => o.kind === "Service" && (o.metadata?.namespace ?? "default") === namespace)) {
      if (ips.has(s.metadata.name)) {
        for (const [k, v] of serviceLinkVars(s.metadata.name, ips.get(s.metadata.name), s.spec.ports)) {
          env.set(k, v);
        }
      }
    }
  }
  const fields = {
    "metadata.name": pod.name,
    "metadata.namespace": namespace,
    "metadata.uid": pod.uid ?? "00000000-0000-0000-0000-000000000000",
    "spec.nodeName": pod.nodeName ?? "node-1",
    "spec.serviceAccountName": spec.serviceAccountName ?? "default",
    "status.podIP": pod.ip,
    "status.hostIP": pod.hostIp ?? pod.ip,
  };
  for (const e of container.env ?? []) {
    let value;
    if (e.value !== undefined) {
      value = expand(e.value, env);
    } else if (e.valueFrom?.fieldRef) {
      value = fields[e.valueFrom.fieldRef.fieldPath];
      if (value === undefined) {
        throw new Error(`env ${e.name}: fieldRef ${e.valueFrom.fieldRef.fieldPath} is not simulated`);
      }
    } else if (e.valueFrom?.secretKeyRef) {
      const ref = e.valueFrom.secretKeyRef;
      value = opts.secrets?.[ref.name]?.[ref.key];
      if (value === undefined) {
        throw new Error(`env ${e.name}: Secret ${ref.name} key ${ref.key} not given (the pod would not start)`);
      }
    } else {
      value = "";
    }
    env.set(e.name, String(value));
  }
  return env;
}

/** How the pod runs: user, group, read-only root, writable paths, grace period, container ports. */
export function podRuntime(objects, deploymentName, containerName) {
  const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata?.name === deploymentName);
  const spec = deployment.spec.template.spec;
  const container = spec.containers.find((c) => c.name === containerName);
  const sc = { ...(spec.securityContext ?? {}), ...(container.securityContext ?? {}) };
  const volumes = new Map((spec.volumes ?? []).map((v) => [v.name, v]));
  return {
    namespace: deployment.metadata.namespace ?? "default",
    image: container.image,
    runAsUser: sc.runAsUser ?? null,
    runAsGroup: sc.runAsGroup ?? null,
    readOnlyRootFilesystem: sc.readOnlyRootFilesystem === true,
    emptyDirs: (container.volumeMounts ?? []).filter((m) => volumes.get(m.name)?.emptyDir)
      .map((m) => ({ path: m.mountPath, sizeLimit: volumes.get(m.name).emptyDir.sizeLimit ?? null })),
    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
    enableServiceLinks: spec.enableServiceLinks !== false,
    ports: Object.fromEntries((container.ports ?? []).map((p) => [p.name ?? String(p.containerPort), p.containerPort])),
    readinessPath: container.readinessProbe?.httpGet?.path ?? null,
  };
}
