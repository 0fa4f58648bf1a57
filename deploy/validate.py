#!/usr/bin/env python3
"""Offline checks of the deployment files (there is no Docker engine, cluster
or kustomize here).

Kubernetes: renders deploy/k8s/base and each overlay with the small
kustomize below, validates every rendered object (and the example Secrets)
with kubernetes-validate --strict against a pinned Kubernetes version, then
checks what the schema cannot: probes, ports, secrets, hardening, and each
overlay's promise (sqlite: exactly one replica per service on its own
volume; postgres: replicas, headless Services, PDB and HPA per service,
DATABASE_URL from a Secret).

Compose: PostgreSQL with the four databases and a healthcheck, Jaeger v2,
every service wired to both.

  python3 deploy/validate.py                   # all checks; exit 1 on a problem
  python3 deploy/validate.py --render postgres # print an overlay, like `kustomize build`
"""
import copy
import pathlib
import re
import sys

import yaml

try:
    import kubernetes_validate
except ImportError:  # scripts/setup.sh installs it
    kubernetes_validate = None

# The oldest Kubernetes these manifests are meant for (native gRPC probes
# are GA since 1.27, autoscaling/v2 since 1.23). kubernetes-validate
# 1.37.0 (scripts/setup.sh) carries schemas for 1.25 to 1.37.
K8S_VERSION = "1.31"
UID = 10001  # deploy/Dockerfile's USER

root = pathlib.Path(__file__).parent
k8s = root / "k8s"
problems = []


def problem(msg):
    problems.append(msg)


# --------------------------------------------------------------------------
# A small kustomize: `resources` (files, multi-document, or directories with
# a kustomization.yaml), `patches` given by `path` holding one strategic
# merge patch, matched by kind and metadata.name, and `images` (what
# `kustomize edit set image` writes: name, newName, newTag, digest). Anything
# else in a kustomization.yaml is refused rather than rendered differently
# from the real kustomize.


class RenderError(Exception):
    pass


# Strategic merge: lists merged item by item on these keys (their
# patchMergeKey in the Kubernetes API); the lists in ATOMIC are replaced
# whole. A list that is in neither, present on both sides, is refused.
MERGE_KEYS = {
    "containers": "name", "initContainers": "name", "env": "name", "volumes": "name",
    "volumeMounts": "mountPath", "imagePullSecrets": "name",
    "topologySpreadConstraints": "topologyKey",
}
ATOMIC = {"args", "command", "envFrom", "accessModes", "drop", "add", "metrics"}


def merge(base, patch, where):
    """Applies a strategic merge patch (dicts) to base in place."""
    for key, value in patch.items():
        at = f"{where}.{key}"
        if key.startswith("$"):
            raise RenderError(f"{at}: patch directives are not supported")
        if value is None:
            base.pop(key, None)
        elif key not in base:
            base[key] = copy.deepcopy(value)
        elif isinstance(value, dict) and isinstance(base[key], dict):
            if key == "strategy":
                # retainKeys in the API (a new type drops the old type's
                # fields): keep it in one place instead of emulating it.
                raise RenderError(f"{at}: set strategy in base or in an overlay, not both")
            merge(base[key], value, at)
        elif isinstance(value, list) and isinstance(base[key], list):
            base[key] = merge_list(key, base[key], value, at)
        else:
            base[key] = copy.deepcopy(value)


def merge_list(key, base, patch, where):
    if key in ATOMIC:
        return copy.deepcopy(patch)
    if key == "ports":  # containerPort in a pod, port in a Service
        mkey = "containerPort" if all("containerPort" in p for p in base + patch) else "port"
    elif key in MERGE_KEYS:
        mkey = MERGE_KEYS[key]
    else:
        raise RenderError(f"{where}: no merge rule for list {key!r} (add it to MERGE_KEYS or ATOMIC)")
    out = copy.deepcopy(base)
    for item in patch:
        if not isinstance(item, dict) or mkey not in item:
            raise RenderError(f"{where}: every item needs {mkey!r}")
        match = [b for b in out if b.get(mkey) == item[mkey]]
        if not match:
            out.append(copy.deepcopy(item))
        elif key == "volumes":
            # Volume sources are retainKeys too: an emptyDir patched to a
            # PVC would keep both. Add volumes in overlays, never change one.
            raise RenderError(f"{where}: volume {item[mkey]!r} is already in base")
        else:
            merge(match[0], item, f"{where}[{item[mkey]}]")
    return out


def load_docs(path):
    try:
        return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
    except (OSError, yaml.YAMLError) as e:
        raise RenderError(f"{path}: {e}")


def render(directory):
    directory = pathlib.Path(directory)
    kfile = directory / "kustomization.yaml"
    if not kfile.is_file():
        raise RenderError(f"{directory}: no kustomization.yaml")
    (kust,) = load_docs(kfile) or [{}]
    unknown = set(kust) - {"apiVersion", "kind", "resources", "patches", "images"}
    if unknown:
        raise RenderError(f"{kfile}: not supported by this renderer: {sorted(unknown)}")
    if kust.get("kind") != "Kustomization":
        raise RenderError(f"{kfile}: kind is not Kustomization")
    objects = []
    for res in kust.get("resources", []):
        p = (directory / res).resolve()
        objects += render(p) if p.is_dir() else load_docs(p)
    seen = set()
    for o in objects:
        if not isinstance(o, dict) or not {"apiVersion", "kind", "metadata"} <= set(o):
            raise RenderError(f"{directory}: a resource without apiVersion, kind and metadata")
        ident = (o["kind"], o["metadata"].get("name"))
        if ident in seen:
            raise RenderError(f"{directory}: {ident[0]}/{ident[1]} defined twice")
        seen.add(ident)
    for entry in kust.get("patches", []):
        if set(entry) != {"path"}:
            raise RenderError(f"{kfile}: only `patches: - path: FILE` is supported, not {sorted(entry)}")
        docs = load_docs(directory / entry["path"])
        if len(docs) != 1 or not isinstance(docs[0], dict):
            raise RenderError(f"{entry['path']}: one strategic merge patch per file")
        p = docs[0]
        targets = [o for o in objects if o["kind"] == p.get("kind") and o["apiVersion"] == p.get("apiVersion")
                   and o["metadata"].get("name") == p.get("metadata", {}).get("name")]
        if len(targets) != 1:
            raise RenderError(f"{entry['path']}: patches no resource ({p.get('kind')}/{p.get('metadata', {}).get('name')})")
        merge(targets[0], {k: v for k, v in p.items() if k not in ("apiVersion", "kind")}, entry["path"])
    for img in kust.get("images", []):
        if not set(img) <= {"name", "newName", "newTag", "digest"} or "name" not in img:
            raise RenderError(f"{kfile}: images: only name, newName, newTag, digest are supported")
        for o in objects:
            pod = o.get("spec", {}).get("template", {}).get("spec", {})
            for c in pod.get("containers", []) + pod.get("initContainers", []):
                name, tag = re.fullmatch(r"((?:[^:/]+(?::\d+)?/)?[^:@]+)(.*)", c["image"]).groups()
                if name != img["name"]:
                    continue
                if "digest" in img:
                    tag = "@" + img["digest"]
                elif "newTag" in img:
                    tag = ":" + str(img["newTag"])
                c["image"] = img.get("newName", name) + tag
    return objects


# --------------------------------------------------------------------------
# Checks of rendered objects.

GRPC = {"order": (8000, "ec.order.v1.OrderService", 9100),
        "payment": (8001, "ec.payment.v1.PaymentService", 9101),
        "notification": (8002, "ec.notification.v1.NotificationService", 9102)}
GATEWAY = (8080, 9103)
SERVICES = list(GRPC) + ["gateway"]
BINARY = {"order": "order-service", "payment": "payment-service",
          "notification": "notification-service", "gateway": "gateway"}
# A URL with a password in it (scheme://user:password@host).
PASSWORD_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^@\s/]+@", re.I)


def schema_check(label, objects):
    if kubernetes_validate is None:
        problem("kubernetes-validate is not installed (scripts/setup.sh installs it)")
        return
    for o in objects:
        name = f"{label}: {o.get('kind')}/{o.get('metadata', {}).get('name')}"
        try:
            kubernetes_validate.validate(o, K8S_VERSION, strict=True)
        except kubernetes_validate.ValidationError as e:
            where = ".".join(str(p) for p in e.absolute_path)
            problem(f"{name}: kubernetes {K8S_VERSION} schema: {where}: {e.message}")
        except (kubernetes_validate.SchemaNotFoundError, kubernetes_validate.VersionNotSupportedError) as e:
            problem(f"{name}: {e.message}")


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def arg_after(args, flag):
    return args[args.index(flag) + 1] if flag in args and args.index(flag) + 1 < len(args) else None


def endpoints(url):
    """host, port of each endpoint of an ORDER_URL-style setting."""
    out = []
    for part in url.split(","):
        m = re.fullmatch(r"(?:https?://|dns:///)([a-z0-9.-]+):(\d+)", part.strip())
        out.append((m.group(1), int(m.group(2))) if m else (part, None))
    return out


def check_common(label, objects, secret_keys):
    by = {}
    for o in objects:
        by.setdefault(o["kind"], {})[o["metadata"]["name"]] = o
    deps, svcs = by.get("Deployment", {}), by.get("Service", {})
    cms = by.get("ConfigMap", {})
    for name in SERVICES:
        if name not in deps:
            problem(f"{label}: Deployment {name} missing")
        if name not in svcs:
            problem(f"{label}: Service {name} missing")
    for s in strings(objects):
        if PASSWORD_URL.search(s):
            problem(f"{label}: a URL with a password in a manifest ({PASSWORD_URL.search(s).group(0)}...): use a Secret")
    for name, d in deps.items():
        spec = d["spec"]["template"]["spec"]
        labels = d["spec"]["template"]["metadata"].get("labels", {})
        if not spec.get("containers"):
            problem(f"{label}: {name} has no container")
            continue
        c = spec["containers"][0]
        where = f"{label}: {name}"
        if d["spec"]["selector"].get("matchLabels", {}).items() - labels.items():
            problem(f"{where}: selector does not match the pod's labels")
        args = c.get("args", [])
        if name in BINARY and (not args or args[0] != BINARY[name]):
            problem(f"{where}: does not run {BINARY.get(name)}")
        ports = {p["containerPort"]: p.get("name") for p in c.get("ports", [])}
        if name in GRPC:
            port, grpc_service, metrics = GRPC[name]
            listen = arg_after(args, f"--{name}-addr")
            rp, lp = c.get("readinessProbe", {}), c.get("livenessProbe", {})
            if rp.get("grpc", {}).get("port") != port:
                problem(f"{where}: readiness probe is not gRPC on {port}")
            elif rp["grpc"].get("service") != grpc_service:
                problem(f"{where}: readiness probe does not ask for {grpc_service}")
            if lp.get("grpc", {}).get("port") != port:
                problem(f"{where}: liveness probe is not gRPC on {port}")
        elif name == "gateway":
            port, metrics = GATEWAY
            listen = arg_after(args, "--gateway-addr")
            if c.get("readinessProbe", {}).get("httpGet", {}).get("path") != "/readyz":
                problem(f"{where}: readiness is not /readyz")
            if c.get("livenessProbe", {}).get("httpGet", {}).get("path") != "/healthz":
                problem(f"{where}: liveness is not /healthz")
        else:
            continue
        if listen != f"0.0.0.0:{port}":
            problem(f"{where}: does not listen on 0.0.0.0:{port} (got {listen})")
        if port not in ports:
            problem(f"{where}: containerPort {port} not declared")
        if arg_after(args, "--metrics-addr") != f"0.0.0.0:{metrics}" or metrics not in ports:
            problem(f"{where}: metrics not on 0.0.0.0:{metrics}")
        if d["spec"]["template"]["metadata"].get("annotations", {}).get("prometheus.io/port") != str(metrics):
            problem(f"{where}: prometheus.io/port is not the metrics port {metrics}")

        # Settings and secrets come from objects that exist.
        env = {e["name"]: e for e in c.get("env", [])}
        for ef in c.get("envFrom", []):
            if "configMapRef" in ef and ef["configMapRef"]["name"] not in cms:
                problem(f"{where}: envFrom ConfigMap {ef['configMapRef']['name']} is not rendered")
            if "secretRef" in ef:
                problem(f"{where}: envFrom a whole Secret: name the keys it needs (secretKeyRef)")
        for e in env.values():
            ref = e.get("valueFrom", {}).get("secretKeyRef")
            if ref and not ref.get("optional") and ref["key"] not in secret_keys.get(ref["name"], set()):
                problem(f"{where}: {e['name']} needs key {ref['key']} of Secret {ref['name']}, "
                        "which no secret.example.yaml has")
            if e["name"].startswith("EC_") and e["name"] not in ("EC_DATA_DIR",) and "value" in e:
                problem(f"{where}: {e['name']} is a literal: secrets come from a Secret")
            if e["name"] == "DATABASE_URL" and "value" in e:
                problem(f"{where}: DATABASE_URL is a literal: it comes from a Secret")
        token = env.get("EC_SERVICE_TOKEN", {}).get("valueFrom", {}).get("secretKeyRef")
        if not token or token.get("optional"):
            problem(f"{where}: EC_SERVICE_TOKEN is not a required secretKeyRef (it would refuse to start)")

        # Hardening: the pod's and the container's securityContext together.
        psc, csc = spec.get("securityContext", {}), c.get("securityContext", {})
        eff = {**psc, **csc}
        if eff.get("runAsNonRoot") is not True or eff.get("runAsUser") != UID:
            problem(f"{where}: not runAsNonRoot with runAsUser {UID}")
        if csc.get("readOnlyRootFilesystem") is not True:
            problem(f"{where}: root filesystem is not read-only")
        if csc.get("allowPrivilegeEscalation") is not False:
            problem(f"{where}: allowPrivilegeEscalation is not false")
        if csc.get("capabilities", {}).get("drop") != ["ALL"]:
            problem(f"{where}: capabilities do not drop ALL")
        if eff.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            problem(f"{where}: seccompProfile is not RuntimeDefault")
        vols = {v["name"]: v for v in spec.get("volumes", [])}
        mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
        for m, v in mounts.items():
            if v not in vols:
                problem(f"{where}: volumeMount {v} has no volume")
        if "emptyDir" not in vols.get(mounts.get("/tmp"), {}):
            problem(f"{where}: no writable /tmp (emptyDir) under a read-only root")
        res = c.get("resources", {})
        for part, keys in (("requests", ("cpu", "memory")), ("limits", ("cpu", "memory"))):
            for k in keys:
                if k not in res.get(part, {}):
                    problem(f"{where}: no resources.{part}.{k}")

    # Services select a Deployment's pods and name its ports.
    for name, s in svcs.items():
        sel = s["spec"].get("selector", {})
        pods = [d for d in deps.values() if sel and not sel.items() - d["spec"]["template"]["metadata"].get("labels", {}).items()]
        if not pods:
            problem(f"{label}: Service {name} selects no Deployment's pods")
            continue
        names = {p.get("name") for p in pods[0]["spec"]["template"]["spec"]["containers"][0].get("ports", [])}
        nums = {p["containerPort"] for p in pods[0]["spec"]["template"]["spec"]["containers"][0].get("ports", [])}
        for p in s["spec"].get("ports", []):
            t = p.get("targetPort", p["port"])
            if t not in names | nums:
                problem(f"{label}: Service {name} targets port {t}, which its pods do not declare")
    # Every URL of a client points to a Service with that port.
    for cm in cms.values():
        for key in ("ORDER_URL", "PAYMENT_URL", "NOTIFICATION_URL"):
            if key not in cm.get("data", {}):
                problem(f"{label}: ConfigMap {cm['metadata']['name']} has no {key}")
                continue
            for host, port in endpoints(cm["data"][key]):
                svc = svcs.get(host)
                if not svc or port not in {p["port"] for p in svc["spec"]["ports"]}:
                    problem(f"{label}: {key}={cm['data'][key]}: no Service {host} with port {port}")
    return by


def check_sqlite(objects, secret_keys):
    label = "k8s/overlays/sqlite"
    by = check_common(label, objects, secret_keys)
    pvcs = by.get("PersistentVolumeClaim", {})
    claims = []
    for name, d in by.get("Deployment", {}).items():
        where = f"{label}: {name}"
        if d["spec"].get("replicas") != 1:
            problem(f"{where}: must run exactly one replica (it owns a SQLite file)")
        if d["spec"].get("strategy", {}).get("type") != "Recreate":
            problem(f"{where}: strategy is not Recreate (two pods would open one SQLite file)")
        spec = d["spec"]["template"]["spec"]
        c = spec["containers"][0]
        vols = {v["name"]: v for v in spec.get("volumes", [])}
        data = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}.get("/var/lib/ec/data")
        claim = vols.get(data, {}).get("persistentVolumeClaim", {}).get("claimName")
        if not claim:
            problem(f"{where}: EC_DATA_DIR (/var/lib/ec/data) is not on a PersistentVolumeClaim")
        elif claim not in pvcs:
            problem(f"{where}: PersistentVolumeClaim {claim} is not rendered")
        claims.append(claim)
        if any(e["name"] == "DATABASE_URL" for e in c.get("env", [])):
            problem(f"{where}: sets DATABASE_URL (the sqlite overlay uses the file in EC_DATA_DIR)")
    if len([c for c in claims if c]) != len(set(c for c in claims if c)):
        problem(f"{label}: two Deployments share a volume (one database per service)")
    for kind in ("HorizontalPodAutoscaler", "PodDisruptionBudget"):
        if by.get(kind):
            problem(f"{label}: a {kind} on single-replica Deployments")


def check_postgres(objects, secret_keys, db_urls):
    label = "k8s/overlays/postgres"
    by = check_common(label, objects, secret_keys)
    deps, svcs = by.get("Deployment", {}), by.get("Service", {})
    pdbs, hpas = by.get("PodDisruptionBudget", {}), by.get("HorizontalPodAutoscaler", {})
    if by.get("PersistentVolumeClaim"):
        problem(f"{label}: PersistentVolumeClaims: the data is in PostgreSQL")
    db_keys = []
    for name, d in deps.items():
        where = f"{label}: {name}"
        labels = d["spec"]["template"]["metadata"].get("labels", {})
        if (d["spec"].get("replicas") or 1) < 2:
            problem(f"{where}: fewer than 2 replicas")
        if d["spec"].get("strategy", {}).get("type") == "Recreate":
            problem(f"{where}: Recreate stops every replica at once")
        c = d["spec"]["template"]["spec"]["containers"][0]
        env = {e["name"]: e for e in c.get("env", [])}
        ref = env.get("DATABASE_URL", {}).get("valueFrom", {}).get("secretKeyRef")
        if not ref:
            problem(f"{where}: DATABASE_URL does not come from a Secret (secretKeyRef)")
        else:
            db_keys.append((ref["name"], ref["key"]))
        pdb = [p for p in pdbs.values() if p["spec"].get("selector", {}).get("matchLabels")
               and not p["spec"]["selector"]["matchLabels"].items() - labels.items()]
        if not pdb:
            problem(f"{where}: no PodDisruptionBudget selects its pods")
        elif pdb[0]["spec"].get("minAvailable", 0) >= d["spec"].get("replicas", 1):
            problem(f"{where}: its PodDisruptionBudget allows no disruption")
        hpa = [h for h in hpas.values() if h["spec"]["scaleTargetRef"].get("kind") == "Deployment"
               and h["spec"]["scaleTargetRef"].get("name") == name]
        if not hpa:
            problem(f"{where}: no HorizontalPodAutoscaler")
        else:
            h = hpa[0]
            if h["apiVersion"] != "autoscaling/v2":
                problem(f"{where}: HPA is not autoscaling/v2")
            if h["spec"].get("minReplicas", 1) < 2 or h["spec"]["maxReplicas"] < h["spec"].get("minReplicas", 1):
                problem(f"{where}: HPA minReplicas below 2 or maxReplicas below it")
            if h["spec"].get("minReplicas") != d["spec"].get("replicas"):
                problem(f"{where}: replicas differ from the HPA's minReplicas")
    if len(db_keys) != len(set(db_keys)):
        problem(f"{label}: two Deployments read the same DATABASE_URL (one database per service)")
    dbs = [db_urls.get(k) for k in db_keys]
    if None in dbs or len(set(dbs)) != len(dbs):
        problem(f"{label}: secret.example.yaml does not give each service a database of its own ({dbs})")
    for name, (port, _, _) in GRPC.items():
        h = svcs.get(f"{name}-headless")
        if not h or h["spec"].get("clusterIP") != "None":
            problem(f"{label}: no headless Service {name}-headless (clusterIP: None)")
    for cm in by.get("ConfigMap", {}).values():
        for key, name in (("ORDER_URL", "order"), ("PAYMENT_URL", "payment"), ("NOTIFICATION_URL", "notification")):
            want = f"dns:///{name}-headless:{GRPC[name][0]}"
            if cm.get("data", {}).get(key) != want:
                problem(f"{label}: {key} is not {want} (per-call balancing over the replicas)")


def check_k8s():
    if (k8s / "platform.yaml").exists():
        problem("k8s/platform.yaml is back: the manifests live in k8s/base and k8s/overlays")
    # The Secrets the operator creates: each example is schema-checked, its
    # values must be placeholders, and its keys are what manifests may name.
    secret_keys, db_urls = {}, {}
    examples = sorted(k8s.rglob("secret.example.yaml"))
    if not examples:
        problem("k8s: no secret.example.yaml")
    for f in examples:
        docs = load_docs(f)
        schema_check(str(f.relative_to(root)), docs)
        for s in docs:
            data = s.get("stringData", {})
            secret_keys[s["metadata"]["name"]] = set(data)
            for k, v in data.items():
                if "REPLACE_ME" not in str(v):
                    problem(f"{f.relative_to(root)}: {k} is not an obvious placeholder (REPLACE_ME)")
                m = re.fullmatch(r"postgres(?:ql)?://[^@]+@[^/]+/(\w+)", str(v))
                if m:
                    db_urls[(s["metadata"]["name"], k)] = m.group(1)
    counts = {}
    for label, path, check in [("base", k8s / "base", None),
                               ("sqlite", k8s / "overlays" / "sqlite", check_sqlite),
                               ("postgres", k8s / "overlays" / "postgres", check_postgres)]:
        try:
            objects = render(path)
        except RenderError as e:
            problem(f"k8s/{label}: cannot render: {e}")
            continue
        counts[label] = len(objects)
        before = len(problems)
        schema_check(f"k8s/{label}", objects)
        if len(problems) > before:
            continue  # the checks below read schema-valid objects only
        try:
            if check is check_sqlite:
                check(objects, secret_keys)
            elif check is check_postgres:
                check(objects, secret_keys, db_urls)
        except (KeyError, TypeError, AttributeError, IndexError) as e:
            problem(f"k8s/{label}: a required field is missing or malformed ({type(e).__name__}: {e})")
    return counts


# --------------------------------------------------------------------------
# Compose.

DATABASES = {"order": "orders", "payment": "payments", "notification": "notifications", "gateway": "gateway"}


def check_compose():
    compose = yaml.safe_load((root / "compose.yaml").read_text())
    services = compose["services"]
    for name in ["postgres", "jaeger"] + SERVICES:
        if name not in services:
            problem(f"compose: service {name} missing")
    if "COLLECTOR_OTLP_ENABLED" in (root / "compose.yaml").read_text():
        problem("compose: COLLECTOR_OTLP_ENABLED is Jaeger v1's (v2 takes OTLP by default)")
    jaeger = services.get("jaeger", {})
    # 2.1.0 is the first v2 image that listens beyond localhost as it is
    # (JAEGER_LISTEN_HOST=0.0.0.0); 2.0.0 would take no span from another container.
    m = re.fullmatch(r"jaegertracing/jaeger:2\.(\d+)\.(\d+)", jaeger.get("image", ""))
    if not m or int(m.group(1)) < 1:
        problem(f"compose: jaeger image is not a pinned jaegertracing/jaeger:2.x.y, 2.1.0 or newer (got {jaeger.get('image')})")
    ports = {str(p).split(":")[-1] for p in jaeger.get("ports", [])}
    if not {"16686", "4317", "4318"} <= ports:
        problem("compose: jaeger does not publish 16686 (UI), 4317 and 4318 (OTLP)")

    doc = (root / "OBSERVABILITY.md").read_text()
    if jaeger.get("image") and jaeger["image"] not in doc:
        problem(f"OBSERVABILITY.md does not name the compose file's Jaeger image {jaeger['image']}")

    pg = services.get("postgres", {})
    if not re.fullmatch(r"postgres:\d+\.\d+(-[a-z0-9]+)?", pg.get("image", "")):
        problem(f"compose: postgres image is not pinned to a minor version (got {pg.get('image')})")
    if "pg_isready" not in str(pg.get("healthcheck", {}).get("test", "")):
        problem("compose: postgres has no pg_isready healthcheck")
    pg_env = pg.get("environment", {})
    if "${" not in str(pg_env.get("POSTGRES_PASSWORD", "")):
        problem("compose: POSTGRES_PASSWORD is not taken from the environment")
    init = [v for v in pg.get("volumes", []) if "/docker-entrypoint-initdb.d" in str(v)]
    if not init:
        problem("compose: postgres has no init script in /docker-entrypoint-initdb.d")
    else:
        src = (root / str(init[0]).split(":")[0]).resolve()
        sql = src.read_text() if src.is_file() else ""
        for db in DATABASES.values():
            if not re.search(rf"CREATE DATABASE {db}\b", sql, re.I):
                problem(f"compose: the init script {src.name} does not create database {db}")

    for name in SERVICES:
        svc = services.get(name, {})
        env = svc.get("environment", {})
        if env.get("OTEL_EXPORTER_OTLP_ENDPOINT") != "http://jaeger:4317":
            problem(f"compose: {name} does not export to jaeger:4317")
        if not svc.get("command"):
            problem(f"compose: {name} has no command")
        if "EC_SERVICE_TOKEN" not in env:
            problem(f"compose: {name} listens beyond loopback without EC_SERVICE_TOKEN (it would refuse to start)")
        url = str(env.get("DATABASE_URL", ""))
        m = re.fullmatch(r"postgres://(\w+):(\$\{[^}]+\})@postgres:5432/(\w+)", url)
        if not m:
            problem(f"compose: {name}'s DATABASE_URL is not postgres://USER:${{PASSWORD}}@postgres:5432/DB (got {url!r})")
        elif m.group(3) != DATABASES[name]:
            problem(f"compose: {name} uses database {m.group(3)}, not its own {DATABASES[name]}")
        dep = svc.get("depends_on", {})
        if not isinstance(dep, dict) or dep.get("postgres", {}).get("condition") != "service_healthy":
            problem(f"compose: {name} does not wait for postgres to be healthy")
    return len(services)


def check_dockerfile():
    text = (root / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    if not users or users[-1].split(":")[0] != str(UID):
        problem(f"Dockerfile: final USER is not the numeric {UID} the manifests' runAsUser names")


def main(argv):
    if len(argv) == 3 and argv[1] == "--render":
        path = k8s / "overlays" / argv[2] if argv[2] != "base" else k8s / "base"
        print(yaml.safe_dump_all(render(path), sort_keys=False), end="")
        return 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    n_compose = check_compose()
    counts = check_k8s()
    check_dockerfile()
    for p in problems:
        print("deploy:", p)
    rendered = ", ".join(f"{k} {v}" for k, v in counts.items())
    print(f"deploy files: {n_compose} compose services; k8s objects rendered ({rendered}), "
          f"schema-checked against Kubernetes {K8S_VERSION} (strict); {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
