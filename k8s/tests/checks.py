# Structural checks of one rendered kustomization: hardening, probes, Redis, secrets, the graph.
"""check_render(objects) -> (errors, stats) for the objects `kubectl kustomize` printed.

The expected shape of the suite is written down once, here: which service listens where,
whom it calls, which Redis it owns (with which appendfsync) and which secrets it may see.
A Deployment called actions-<practice> is a practice's own actions backend: it is an actions
service with its own Redis (redis-actions-<practice>) that only the gateway calls.

TLS: every service Deployment <name> mounts its own Secret <name>-tls (tls.crt, tls.key,
ca.crt) and no other's, sets BRIDGING_TLS_{CERT,KEY,CA}_FILE from it and probes itself with
bridging-health over that TLS; the gateway also mounts gateway-public-tls for its public ports.
The certificates in the rendered Secrets are checked with openssl: signed by the CA, naming
the host every caller dials (and 127.0.0.1 for the probes), with the matching key.
"""

import base64
import collections
import os
import re
import shutil
import subprocess
import tempfile

import netpol

NAMESPACE = "bridging"
PART_OF = "bridging"
SERVICE_PORTS = {"gateway": 7100, "consent": 7101, "actions": 7102, "anonymizer": 7103,
                 "analytics": 7104}
METRICS_OFFSET = 2000  # 7100 -> 9100
CALLS = {"gateway": ["consent", "actions", "anonymizer", "analytics"],
         "consent": ["anonymizer", "analytics"], "actions": ["anonymizer", "analytics"],
         "anonymizer": [], "analytics": ["consent"]}
# Services that cannot yet run more than one replica, and why.
SINGLE_REPLICA = {"analytics": "its in-memory view of the cubes is not shared between replicas"}
APPENDFSYNC = {"gateway": "everysec", "consent": "always", "actions": "everysec",
               "analytics": "everysec"}  # the services that own a Redis
ROUTE_TARGETS = {"bridging.%s.v1" % s: s for s in ["consent", "actions", "anonymizer", "analytics"]}
ADDR_ENV = {"BRIDGING_REDIS_ADDR", "BRIDGING_ANONYMIZER_ADDR", "BRIDGING_ANALYTICS_ADDR",
            "BRIDGING_CONSENT_ADDR"}
REDIS_PORT = 6379
SECRET_MODES = {0o400, 0o440}
HEALTH = "/usr/local/bin/bridging-health"
PUBLIC_TLS = "gateway-public-tls"
# Each TLS variable: the key of the Secret it must come from.
TLS_ENV = {"BRIDGING_TLS_CERT_FILE": "tls.crt", "BRIDGING_TLS_KEY_FILE": "tls.key",
           "BRIDGING_TLS_CA_FILE": "ca.crt"}
PUBLIC_TLS_ENV = {"BRIDGING_PUBLIC_TLS_CERT_FILE": "tls.crt",
                  "BRIDGING_PUBLIC_TLS_KEY_FILE": "tls.key"}
HASH_SUFFIX = re.compile(r"-[a-z0-9]{10}$")
WORKLOADS = ("Deployment", "StatefulSet")


def role_of(name):
    """The service a Deployment runs: its own name, or actions for actions-<practice>."""
    if name in SERVICE_PORTS:
        return name
    if re.fullmatch(r"actions-[a-z0-9]([a-z0-9-]*[a-z0-9])?", name):
        return "actions"
    return None


def practice_of(name):
    return name[len("actions-"):] if role_of(name) == "actions" and name != "actions" else None


def expected_secrets(name):
    """Logical names (hash suffix removed) of the secrets a workload must mount, no more."""
    role = role_of(name)
    if role:
        wanted = {"principal", tls_secret(name)}  # its own certificate, no other's
        if role == "gateway":
            wanted.update(["gateway-bootstrap-admin-key", PUBLIC_TLS])
        if role == "anonymizer":
            wanted.add("anonymizer-pseudonym-keys")
        if role in APPENDFSYNC:
            wanted.add("redis-%s-password" % name)
        return wanted
    owner = name[len("redis-"):]
    ops = "redis-ops-password" if owner in APPENDFSYNC else "redis-%s-ops-password" % owner
    return {"redis-%s-password" % owner, ops}


def tls_secret(name):
    """The Secret holding a service Deployment's own certificate, key and CA."""
    return "%s-tls" % name


def logical(secret_name):
    return HASH_SUFFIX.sub("", secret_name)


class Render:
    """Indexes of one render."""

    def __init__(self, objects):
        self.objects = objects
        self.by_kind = collections.defaultdict(dict)
        for obj in objects:
            self.by_kind[obj["kind"]][obj["metadata"]["name"]] = obj
        self.workloads = {n: o for k in WORKLOADS for n, o in self.by_kind[k].items()}
        self.deployments = self.by_kind["Deployment"]

    def pod_labels(self, name):
        return self.workloads[name]["spec"]["template"]["metadata"].get("labels") or {}

    def workloads_selected(self, selector):
        return sorted(n for n in self.workloads if selector
                      and netpol.selector_matches(selector, self.pod_labels(n)))


def containers(workload):
    spec = workload["spec"]["template"]["spec"]
    return (spec.get("initContainers") or []) + (spec.get("containers") or [])


def env_of(container):
    return {e["name"]: e.get("value") for e in container.get("env") or []}


def container_ports(container):
    return [(p["containerPort"], p.get("protocol", "TCP"), p.get("name", ""))
            for p in container.get("ports") or []]


def check_render(objects):
    """All checks; returns (errors, stats)."""
    r = Render(objects)
    errors = []
    stats = collections.Counter(objects=len(objects))

    def err(where, message):
        errors.append("%s: %s" % (where, message))

    for check in (_check_metadata, _check_workloads, _check_secrets, _check_services,
                  _check_availability, _check_redis, _check_tls):
        check(r, err, stats)
    _check_network(r, err, stats)
    return errors, stats


def _check_metadata(r, err, stats):
    for obj in r.objects:
        where = "%s/%s" % (obj["kind"], obj["metadata"]["name"])
        labels = obj["metadata"].get("labels") or {}
        for key in ("app.kubernetes.io/name", "app.kubernetes.io/component"):
            if not labels.get(key):
                err(where, "label %s is missing" % key)
        if labels.get("app.kubernetes.io/part-of") != PART_OF:
            err(where, "label app.kubernetes.io/part-of is not %r" % PART_OF)
        if obj["kind"] != "Namespace" and obj["metadata"].get("namespace") != NAMESPACE:
            err(where, "namespace is %r, not %r" % (obj["metadata"].get("namespace"), NAMESPACE))
    namespace = r.by_kind["Namespace"].get(NAMESPACE)
    if namespace is None:
        err("Namespace/" + NAMESPACE, "missing")
    elif (namespace["metadata"].get("labels") or {}).get(
            "pod-security.kubernetes.io/enforce") != "restricted":
        err("Namespace/" + NAMESPACE, "does not enforce Pod Security \"restricted\"")


def _check_container_security(where, pod_sc, container, err):
    sc = container.get("securityContext") or {}

    def effective(key):
        return sc[key] if key in sc else pod_sc.get(key)

    if effective("runAsNonRoot") is not True:
        err(where, "runAsNonRoot is not true")
    if effective("runAsUser") == 0:
        err(where, "runs as uid 0")
    if sc.get("readOnlyRootFilesystem") is not True:
        err(where, "readOnlyRootFilesystem is not true")
    if sc.get("allowPrivilegeEscalation") is not False:
        err(where, "allowPrivilegeEscalation is not false")
    if sc.get("privileged"):
        err(where, "is privileged")
    if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
        err(where, "capabilities.drop does not include ALL")
    if (sc.get("capabilities") or {}).get("add"):
        err(where, "adds capabilities")
    if (effective("seccompProfile") or {}).get("type") != "RuntimeDefault":
        err(where, "seccompProfile is not RuntimeDefault")
    resources = container.get("resources") or {}
    for section in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            if not (resources.get(section) or {}).get(resource):
                err(where, "resources.%s.%s is missing" % (section, resource))


def _check_image(where, name, container, err):
    image = container.get("image", "")
    match = re.fullmatch(r"([a-z0-9./-]+):([A-Za-z0-9_.-]+)", image)
    if not match or match.group(2) == "latest":
        err(where, "image %r has no fixed tag (repo:version, not latest)" % image)
        return
    role = role_of(name)
    want = "bridging/%s" % role if role else "bridging/redis"
    if match.group(1) != want:
        err(where, "image %r is not %s:<version>" % (image, want))


def _loopback_names(pod):
    """127.0.0.1 and the names the pod's hostAliases give it (a public certificate's host)."""
    names = {"127.0.0.1"}
    for alias in pod.get("hostAliases") or []:
        if alias.get("ip") == "127.0.0.1":
            names.update(alias.get("hostnames") or [])
    return names


def _check_probes(where, name, container, err, pod):
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        if (container.get(probe) or {}).get("grpc") is not None:
            err(where, "%s is a plaintext grpc probe; with TLS it must exec %s" % (probe, HEALTH))
    for probe in ("readinessProbe", "livenessProbe"):
        if not container.get(probe):
            err(where, "%s is missing" % probe)
    role = role_of(name)
    if role:
        port = SERVICE_PORTS[role]
        env = env_of(container)
        if role == "gateway":  # the public port: TLS, verified with the public CA; no client cert
            public_dir = (env.get("BRIDGING_PUBLIC_TLS_CERT_FILE") or "").rpartition("/")[0]
            want_flags = {"--tls_ca_file": public_dir + "/ca.crt"}
        else:  # mutual TLS with the pod's own certificate
            want_flags = {"--tls_ca_file": env.get("BRIDGING_TLS_CA_FILE"),
                          "--tls_cert_file": env.get("BRIDGING_TLS_CERT_FILE"),
                          "--tls_key_file": env.get("BRIDGING_TLS_KEY_FILE")}
        for probe in ("readinessProbe", "livenessProbe"):
            spec = container.get(probe) or {}
            command = (spec.get("exec") or {}).get("command") or []
            if command[:1] != [HEALTH]:
                err(where, "%s is not exec %s" % (probe, HEALTH))
                continue
            flags = dict(w.split("=", 1) for w in command[1:] if w.startswith("--") and "=" in w)
            targets = [w for w in command[1:] if not w.startswith("--")]
            if len(targets) != 1 or targets[0] not in [
                    "%s:%d" % (host, port) for host in _loopback_names(pod)]:
                err(where, "%s asks %s, want 127.0.0.1:%d (or a hostAliases name of 127.0.0.1)"
                    % (probe, targets, port))
            if flags != want_flags or None in want_flags.values():
                err(where, "%s flags are %s, want %s (TLS with the pod's own files)"
                    % (probe, flags, want_flags))
            # bridging-health gives the call 1 s; kubelet's default timeout is 1 s too.
            if spec.get("timeoutSeconds", 1) < 2:
                err(where, "%s timeoutSeconds is below 2" % probe)
    elif name.startswith("redis-"):
        ready = ((container.get("readinessProbe") or {}).get("exec") or {}).get("command")
        if ready != ["/usr/local/bin/redis-ready"]:
            err(where, "readinessProbe is not exec /usr/local/bin/redis-ready")
        live = (container.get("livenessProbe") or {}).get("tcpSocket") or {}
        if live.get("port") not in (REDIS_PORT, "redis"):
            err(where, "livenessProbe is not tcpSocket %d" % REDIS_PORT)


def _check_service_env(where, name, container, err):
    role = role_of(name)
    if not role:
        return
    env = env_of(container)
    port = SERVICE_PORTS[role]
    want = {"BRIDGING_LISTEN_HOST": "0.0.0.0", "BRIDGING_PORT": str(port),
            "BRIDGING_METRICS_PORT": str(port + METRICS_OFFSET)}
    if role in APPENDFSYNC:
        want["BRIDGING_REDIS_ADDR"] = "redis-%s:%d" % (name, REDIS_PORT)
        want["BRIDGING_REDIS_USER"] = role  # the key prefix the binary uses
    if role == "gateway":
        want["BRIDGING_HTTP_PORT"] = "8100"
    for key, value in want.items():
        if env.get(key) != value:
            err(where, "env %s is %r, want %r" % (key, env.get(key), value))
    needed = ["BRIDGING_PRINCIPAL_SECRET_FILE"] + sorted(TLS_ENV)
    if role == "gateway":
        needed += sorted(PUBLIC_TLS_ENV)
    else:
        for key in sorted(PUBLIC_TLS_ENV):
            if key in env:
                err(where, "env %s is set, but only the gateway has public ports" % key)
    needed += {"gateway": ["BRIDGING_ROUTES", "BRIDGING_BOOTSTRAP_ADMIN_KEY_FILE"],
               "anonymizer": ["BRIDGING_PSEUDONYM_KEY_FILE"],
               "consent": ["BRIDGING_ANONYMIZER_ADDR", "BRIDGING_ANALYTICS_ADDR"],
               "actions": ["BRIDGING_ANONYMIZER_ADDR", "BRIDGING_ANALYTICS_ADDR"],
               "analytics": ["BRIDGING_CONSENT_ADDR"]}[role]
    if role in APPENDFSYNC:
        needed.append("BRIDGING_REDIS_PASSWORD_FILE")
    for key in needed:
        if not env.get(key):
            err(where, "env %s is not set" % key)
    if role not in APPENDFSYNC and "BRIDGING_REDIS_ADDR" in env:
        err(where, "has BRIDGING_REDIS_ADDR but %s owns no Redis" % role)
    ports = {p[2]: p[0] for p in container_ports(container)}
    want_ports = {"grpc": port, "metrics": port + METRICS_OFFSET}
    if role == "gateway":
        want_ports["http"] = 8100
    if ports != want_ports:
        err(where, "container ports are %s, want %s" % (ports, want_ports))


def _check_workloads(r, err, stats):
    for name, workload in sorted(r.workloads.items()):
        kind = workload["kind"]
        pod = workload["spec"]["template"]["spec"]
        base = "%s/%s" % (kind, name)
        if not role_of(name) and not (kind == "StatefulSet" and name.startswith("redis-")):
            err(base, "is neither a Bridging service nor a redis-<owner> StatefulSet")
        if pod.get("automountServiceAccountToken") is not False:
            err(base, "automountServiceAccountToken is not false")
        if pod.get("enableServiceLinks") is not False:
            err(base, "enableServiceLinks is not false (a Service \"bridging\" would set "
                "BRIDGING_PORT)")
        for key in ("hostNetwork", "hostPID", "hostIPC"):
            if pod.get(key):
                err(base, "%s is true" % key)
        for volume in pod.get("volumes") or []:
            if "hostPath" in volume:
                err(base, "volume %s is a hostPath" % volume["name"])
        if (workload["spec"]["template"]["metadata"].get("labels") or {}).get(
                "app.kubernetes.io/name") != name:
            err(base, "pod label app.kubernetes.io/name is not %r" % name)
        if not netpol.selector_matches(workload["spec"]["selector"], r.pod_labels(name)):
            err(base, "selector does not match its own pod labels")
        volumes = {v["name"]: v for v in pod.get("volumes") or []}
        for container in containers(workload):
            stats["containers"] += 1
            where = "%s container %s" % (base, container["name"])
            _check_container_security(where, pod.get("securityContext") or {}, container, err)
            _check_image(where, name, container, err)
            _check_probes(where, name, container, err, pod)
            _check_service_env(where, name, container, err)
            tmp = [m for m in container.get("volumeMounts") or [] if m["mountPath"] == "/tmp"]
            if not tmp or "emptyDir" not in volumes.get(tmp[0]["name"], {}):
                err(where, "has no emptyDir on /tmp")


def _check_secrets(r, err, stats):
    """Secrets exist, are mounted read-only with a tight mode, only where needed, and every
    *_FILE variable names a key of a secret mounted at that directory."""
    for name, workload in sorted(r.workloads.items()):
        base = "%s/%s" % (workload["kind"], name)
        pod = workload["spec"]["template"]["spec"]
        secret_volumes = {}
        for volume in pod.get("volumes") or []:
            for kind, field in (("secret", "secretName"), ("configMap", "name")):
                if kind in volume:
                    ref = volume[kind].get(field)
                    owner = "Secret" if kind == "secret" else "ConfigMap"
                    if ref not in r.by_kind[owner]:
                        err(base, "volume %s names %s %r, which the render lacks"
                            % (volume["name"], owner, ref))
            if "secret" in volume:
                secret_volumes[volume["name"]] = volume["secret"]
                modes = [volume["secret"].get("defaultMode", 0o644)]
                modes += [i["mode"] for i in volume["secret"].get("items") or [] if "mode" in i]
                if any(m not in SECRET_MODES for m in modes):
                    err(base, "secret volume %s has mode %s, want 0400 or 0440"
                        % (volume["name"], " ".join(oct(m) for m in modes)))
        mounted = {logical(v["secretName"]) for v in secret_volumes.values()}
        want = expected_secrets(name)
        for extra in sorted(mounted - want):
            err(base, "mounts secret %s, which it must not see" % extra)
        for missing in sorted(want - mounted):
            err(base, "does not mount secret %s" % missing)
        for container in containers(workload):
            where = "%s container %s" % (base, container["name"])
            for env in container.get("env") or []:
                if "valueFrom" in env:
                    ref = (env["valueFrom"].get("secretKeyRef")
                           or env["valueFrom"].get("configMapKeyRef") or {})
                    if ref and ref.get("name") not in r.by_kind["Secret"] and ref.get(
                            "name") not in r.by_kind["ConfigMap"]:
                        err(where, "env %s refers to missing %r" % (env["name"], ref.get("name")))
            mounts = {m["mountPath"]: m for m in container.get("volumeMounts") or []}
            used = set()
            for key, value in sorted(env_of(container).items()):
                if not key.endswith("_FILE") or not value:
                    continue
                directory, _, file_name = value.rpartition("/")
                mount = mounts.get(directory)
                secret = secret_volumes.get(mount["name"]) if mount else None
                if secret is None:
                    err(where, "env %s=%s is not in a mounted secret" % (key, value))
                    continue
                used.add(mount["name"])
                keys = ([i["path"] for i in secret["items"]] if secret.get("items")
                        else list((r.by_kind["Secret"].get(secret["secretName"]) or {}).get(
                            "data") or {}))
                if file_name not in keys:
                    err(where, "env %s=%s: secret %s has no key %s"
                        % (key, value, logical(secret["secretName"]), file_name))
            for path, mount in mounts.items():
                if mount["name"] in secret_volumes:
                    if mount.get("readOnly") is not True:
                        err(where, "secret mount %s is not readOnly" % path)
                    if mount["name"] not in used:
                        err(where, "mounts secret volume %s but no *_FILE variable uses it"
                            % mount["name"])


def _secret_behind(r, workload, container, path):
    """(Secret, key) of the file `path` in a secret volume the container mounts, or (None, None)."""
    pod = workload["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in pod.get("volumes") or []}
    mounts = {m["mountPath"]: m for m in container.get("volumeMounts") or []}
    directory, _, file_name = (path or "").rpartition("/")
    mount = mounts.get(directory)
    secret = (volumes.get(mount["name"]) or {}).get("secret") if mount else None
    if not secret:
        return None, None
    key = file_name
    for item in secret.get("items") or []:
        if item.get("path") == file_name:
            key = item.get("key")
    return r.by_kind["Secret"].get(secret.get("secretName")), key


def _secret_data(secret):
    return {k: base64.b64decode(v) for k, v in (secret.get("data") or {}).items()}


_CERT_CACHE = {}


def certificate_problems(data, checks_wanted):
    """Problems of a kubernetes.io/tls Secret's data: tls.key must be tls.crt's key, and tls.crt
    must verify against ca.crt for each (purpose, host or None) in `checks_wanted`."""
    cert, key, ca = data.get("tls.crt"), data.get("tls.key"), data.get("ca.crt")
    if not (cert and key and ca):
        return ["lacks tls.crt, tls.key or ca.crt"]
    cache_key = (cert, key, ca, tuple(sorted(checks_wanted, key=str)))
    if cache_key in _CERT_CACHE:
        return _CERT_CACHE[cache_key]
    openssl = shutil.which("openssl")
    if not openssl:
        return ["openssl is not installed: the certificates cannot be checked"]
    problems = []
    with tempfile.TemporaryDirectory(prefix="k8s-tls-") as tmp:
        paths = {}
        for name, content in (("tls.crt", cert), ("tls.key", key), ("ca.crt", ca)):
            paths[name] = os.path.join(tmp, name)
            with open(paths[name], "wb") as f:
                f.write(content)

        def run(*args):
            return subprocess.run([openssl] + list(args), stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, universal_newlines=True)

        for purpose, host in sorted(checks_wanted, key=str):
            args = ["verify", "-CAfile", paths["ca.crt"], "-untrusted", paths["tls.crt"],
                    "-purpose", purpose]
            if host:
                args += ["-verify_ip" if re.fullmatch(r"[0-9.]+", host) else "-verify_hostname",
                         host]
            result = run(*(args + [paths["tls.crt"]]))
            if result.returncode != 0:
                last = (result.stdout.strip().splitlines() or ["?"])[-1]
                problems.append("tls.crt does not verify against ca.crt for %s%s (%s)"
                                % (purpose, " as %s" % host if host else "", last))
        public = run("x509", "-in", paths["tls.crt"], "-noout", "-pubkey")
        own = run("pkey", "-in", paths["tls.key"], "-pubout")
        if public.returncode != 0 or own.returncode != 0 or public.stdout != own.stdout:
            problems.append("tls.key is not the key of tls.crt")
    _CERT_CACHE[cache_key] = problems
    return problems


def _dialled_hosts(r):
    """{workload: host names its callers dial it by} (Redis excluded: it speaks no TLS)."""
    hosts = collections.defaultdict(set)
    for workload in r.workloads.values():
        for container in containers(workload):
            env = env_of(container)
            addresses = [env[k] for k in sorted(ADDR_ENV - {"BRIDGING_REDIS_ADDR"}) if env.get(k)]
            addresses += [e.split("=", 1)[-1] for e in (env.get("BRIDGING_ROUTES") or "").split(",")
                          if e.strip()]
            for address in addresses:
                host, _, port = address.strip().rpartition(":")
                if port.isdigit():
                    target, _ = _service_target(r, host, int(port))
                    if target:
                        hosts[target[0]].add(host)
    return hosts


def _probe_hosts(container):
    hosts = set()
    for probe in ("readinessProbe", "livenessProbe"):
        command = ((container.get(probe) or {}).get("exec") or {}).get("command") or []
        if command[:1] == [HEALTH]:
            hosts.update(w.rpartition(":")[0] for w in command[1:] if not w.startswith("--"))
    return hosts


def _check_tls(r, err, stats):
    """Each service's TLS files come from its own secret, whose certificate names every host
    it is dialled by and the probes' address, goes with its key and is signed by the one CA."""
    dialled = _dialled_hosts(r)
    cas = {}
    for name, workload in sorted(r.workloads.items()):
        role = role_of(name)
        if not role:
            continue
        for container in containers(workload):
            where = "%s/%s container %s" % (workload["kind"], name, container["name"])
            env = env_of(container)
            groups = [(tls_secret(name), TLS_ENV)]
            if role == "gateway":
                groups.append((PUBLIC_TLS, PUBLIC_TLS_ENV))
            secrets = {}
            for want_secret, keys in groups:
                for var, want_key in sorted(keys.items()):
                    if not env.get(var):
                        continue  # _check_service_env reports it
                    secret, key = _secret_behind(r, workload, container, env[var])
                    got = logical(secret["metadata"]["name"]) if secret else None
                    if got != want_secret or key != want_key:
                        err(where, "env %s=%s is not key %s of its own secret %s (it is %s)"
                            % (var, env[var], want_key, want_secret,
                               "key %s of %s" % (key, got) if got else "in no mounted secret"))
                    elif secret is not None:
                        secrets[want_secret] = secret
            probed = _probe_hosts(container)
            own = secrets.get(tls_secret(name))
            if own is not None:
                data = _secret_data(own)
                wanted = {("sslclient", None)}  # it calls others with this certificate
                if role != "gateway":  # and serves them, dialled by these names, and the probes
                    wanted |= {("sslserver", h) for h in dialled.get(name, set()) | probed}
                for problem in certificate_problems(data, wanted):
                    err("Secret/" + tls_secret(name), problem)
                cas[name] = data.get("ca.crt")
                stats["certificates"] += 1
            public = secrets.get(PUBLIC_TLS)
            if public is not None:
                for problem in certificate_problems(
                        _secret_data(public), {("sslserver", h) for h in probed or {None}}):
                    err("Secret/" + PUBLIC_TLS, problem)
                stats["certificates"] += 1
    if len(set(cas.values())) > 1:
        groups = collections.defaultdict(list)
        for name, ca in sorted(cas.items()):
            groups[ca].append(name)
        err("Secret/*-tls", "ca.crt differs between %s: the services must share one CA to "
            "verify each other" % " / ".join(", ".join(g) for g in groups.values()))


def _service_target(r, host, port):
    """(workload, container port) behind Service `host` port `port`, or an error message."""
    service = r.by_kind["Service"].get(host)
    if service is None:
        return None, "Service %r does not exist" % host
    entries = [p for p in service["spec"].get("ports") or [] if p.get("port") == port]
    if not entries:
        return None, "Service %r has no port %d" % (host, port)
    selected = r.workloads_selected({"matchLabels": service["spec"].get("selector") or {}})
    if len(selected) != 1:
        return None, "Service %r selects %s, not one workload" % (host, selected or "nothing")
    target = entries[0].get("targetPort", port)
    for container in containers(r.workloads[selected[0]]):
        for number, proto, name in container_ports(container):
            if target in (number, name):
                return (selected[0], "%d/%s" % (number, proto)), None
    return None, "Service %r port %d targets %r, which %s does not expose" % (
        host, port, target, selected[0])


def _dials(r, err):
    """Every (caller, callee, port) that the configuration makes a pod open."""
    dials = set()
    for name, workload in sorted(r.workloads.items()):
        for container in containers(workload):
            where = "%s/%s container %s" % (workload["kind"], name, container["name"])
            env = env_of(container)
            addresses = [(k, env[k]) for k in sorted(ADDR_ENV) if env.get(k)]
            routes = env.get("BRIDGING_ROUTES")
            if routes is not None:
                _check_routes(r, where, name, routes, err)
                addresses += [("BRIDGING_ROUTES", e.split("=", 1)[-1])
                              for e in routes.split(",") if e.strip()]
            for key, address in addresses:
                host, _, port = address.strip().rpartition(":")
                if not port.isdigit():
                    err(where, "env %s address %r is not host:port" % (key, address))
                    continue
                target, problem = _service_target(r, host, int(port))
                if problem:
                    err(where, "env %s address %s: %s" % (key, address, problem))
                else:
                    dials.add((name, target[0], target[1]))
    return dials


def _check_routes(r, where, name, routes, err):
    entries = {}
    for entry in routes.split(","):
        left, _, address = entry.strip().partition("=")
        entries[left] = address
        target = left.split("@")[0]
        host = address.rpartition(":")[0]
        if ROUTE_TARGETS.get(target) is None:
            err(where, "route %r: unknown target %s" % (entry, target))
        elif role_of(host) != ROUTE_TARGETS[target]:
            err(where, "route %r does not lead to a %s service" % (entry, ROUTE_TARGETS[target]))
    for target, service in ROUTE_TARGETS.items():
        if target not in entries:
            err(where, "BRIDGING_ROUTES has no default route for %s" % target)
    for deployment in r.deployments:
        practice = practice_of(deployment)
        if practice:
            key = "bridging.actions.v1@practices/%s" % practice
            want = "%s:%d" % (deployment, SERVICE_PORTS["actions"])
            if entries.get(key) != want:
                err(where, "BRIDGING_ROUTES lacks %s=%s" % (key, want))
            # Its outbox needs its own source at analytics, or the two backends' sequence
            # numbers collide and analytics drops one's events as duplicates.
            container = r.deployments[deployment]["spec"]["template"]["spec"]["containers"][0]
            source = env_of(container).get("BRIDGING_OUTBOX_SOURCE")
            if source != "actions/" + practice:
                err("Deployment/" + deployment,
                    "BRIDGING_OUTBOX_SOURCE is %r, want actions/%s" % (source, practice))


def _check_services(r, err, stats):
    for name, service in sorted(r.by_kind["Service"].items()):
        where = "Service/" + name
        if name.startswith("bridging"):
            err(where, "a Service named bridging* would inject BRIDGING_* variables")
        for port in service["spec"].get("ports") or []:
            _, problem = _service_target(r, name, port["port"])
            if problem:
                err(where, problem)
    for name in r.deployments:
        if not any(r.workloads_selected({"matchLabels": s["spec"].get("selector") or {}})
                   == [name] for s in r.by_kind["Service"].values()):
            err("Deployment/" + name, "no Service selects it")
    for name, sts in sorted(r.by_kind["StatefulSet"].items()):
        service = r.by_kind["Service"].get(sts["spec"].get("serviceName"))
        if service is None or r.workloads_selected(
                {"matchLabels": service["spec"].get("selector") or {}}) != [name]:
            err("StatefulSet/" + name, "serviceName does not name a Service selecting it")


def _check_availability(r, err, stats):
    hpa_targets = {}
    for name, hpa in sorted(r.by_kind["HorizontalPodAutoscaler"].items()):
        ref = hpa["spec"]["scaleTargetRef"]
        where = "HorizontalPodAutoscaler/" + name
        if ref.get("kind") != "Deployment" or ref.get("name") not in r.deployments:
            err(where, "scaleTargetRef %s/%s is not a rendered Deployment"
                % (ref.get("kind"), ref.get("name")))
            continue
        hpa_targets[ref["name"]] = hpa
        low, high = hpa["spec"].get("minReplicas", 1), hpa["spec"]["maxReplicas"]
        if low < 2 or high < low:
            err(where, "replicas %s-%s: want at least 2 and max >= min" % (low, high))
        if "replicas" in r.deployments[ref["name"]]["spec"]:
            err("Deployment/" + ref["name"], "sets replicas although an HPA scales it")
    for name, deployment in sorted(r.deployments.items()):
        where = "Deployment/" + name
        replicas = deployment["spec"].get("replicas", 1)
        if role_of(name) in SINGLE_REPLICA:
            # Each analytics process keeps its own view of the cubes and reloads it only at
            # start-up, so a second replica would answer from a stale view.
            if replicas != 1 or name in hpa_targets:
                err(where, "must run exactly 1 replica (no HPA): %s" % SINGLE_REPLICA[role_of(name)])
        elif name in hpa_targets:
            replicas = hpa_targets[name]["spec"].get("minReplicas", 1)
        elif replicas < 2:
            err(where, "has %d replica(s); a PodDisruptionBudget needs 2 or more" % replicas)
        pdbs = [p for p in r.by_kind["PodDisruptionBudget"].values()
                if netpol.selector_matches(p["spec"].get("selector"), r.pod_labels(name))]
        if len(pdbs) != 1:
            err(where, "has %d matching PodDisruptionBudgets, want 1" % len(pdbs))
            continue
        spec = pdbs[0]["spec"]
        others = [w for w in r.workloads_selected(spec.get("selector")) if w != name]
        if others or not spec.get("selector"):
            err("PodDisruptionBudget/" + pdbs[0]["metadata"]["name"],
                "selects other pods too: %s" % (others or "everything"))
        if "minAvailable" not in spec and "maxUnavailable" not in spec:
            err("PodDisruptionBudget/" + pdbs[0]["metadata"]["name"], "sets no budget")
        if isinstance(spec.get("minAvailable"), int) and spec["minAvailable"] >= replicas:
            err("PodDisruptionBudget/" + pdbs[0]["metadata"]["name"],
                "minAvailable %d blocks every eviction of %d replicas"
                % (spec["minAvailable"], replicas))


def _check_redis(r, err, stats):
    owners = {n: role_of(n) for n in r.deployments if role_of(n) in APPENDFSYNC}
    for name, sts in sorted(r.by_kind["StatefulSet"].items()):
        if name[len("redis-"):] not in owners:
            err("StatefulSet/" + name, "is not the Redis of an owning service (%s)"
                % ", ".join(sorted(owners)))
    for owner, role in sorted(owners.items()):
        where = "StatefulSet/redis-" + owner
        sts = r.by_kind["StatefulSet"].get("redis-" + owner)
        if sts is None:
            err(where, "missing: %s owns a Redis" % owner)
            continue
        stats["redis"] += 1
        if sts["spec"].get("replicas", 1) != 1:
            err(where, "must run exactly 1 replica (one Redis per owner)")
        templates = [t["metadata"]["name"] for t in sts["spec"].get("volumeClaimTemplates") or []]
        redis = [c for c in containers(sts) if c["name"] == "redis"]
        if len(redis) != 1:
            err(where, "has no container named redis")
            continue
        redis = redis[0]
        data = [m for m in redis.get("volumeMounts") or [] if m["mountPath"] == "/data"]
        if not data or data[0]["name"] not in templates:
            err(where, "/data is not a volumeClaimTemplate (persistent volume)")
        env = env_of(redis)
        checks = {"REDIS_SERVICE": role, "REDIS_APPENDFSYNC": APPENDFSYNC[role]}
        for key, value in checks.items():
            if env.get(key) != value:
                err(where, "env %s is %r, want %r" % (key, env.get(key), value))
        if env.get("REDIS_PORT", str(REDIS_PORT)) != str(REDIS_PORT) or REDIS_PORT not in [
                p[0] for p in container_ports(redis)]:
            err(where, "does not listen on %d" % REDIS_PORT)
        # The service password the Redis reads is the one its owner logs in with.
        volumes = {v["name"]: v for v in sts["spec"]["template"]["spec"].get("volumes") or []}
        mounts = {m["mountPath"]: m["name"] for m in redis.get("volumeMounts") or []}
        path = env.get("REDIS_SERVICE_PASSWORD_FILE", "")
        volume = volumes.get(mounts.get(path.rpartition("/")[0]), {})
        if logical((volume.get("secret") or {}).get("secretName", "")) != (
                "redis-%s-password" % owner):
            err(where, "REDIS_SERVICE_PASSWORD_FILE is not from secret redis-%s-password" % owner)
        if not env.get("REDIS_OPS_PASSWORD_FILE"):
            err(where, "REDIS_OPS_PASSWORD_FILE is not set")


def _pod_endpoints(r):
    namespace = r.by_kind["Namespace"].get(NAMESPACE, {"metadata": {}})
    ns_labels = dict(namespace["metadata"].get("labels") or {})
    ns_labels["kubernetes.io/metadata.name"] = NAMESPACE
    endpoints = []
    for name, workload in sorted(r.workloads.items()):
        ports = [p for c in containers(workload) for p in container_ports(c)]
        declared = {(p[0], p[1]) for p in ports}
        ports += [(p, proto, "") for p, proto in netpol.PROBE_PORTS if (p, proto) not in declared]
        endpoints.append(netpol.Endpoint(name, workload["metadata"].get("namespace"), ns_labels,
                                         r.pod_labels(name), ports))
    return endpoints


def expected_edges(r):
    """The call graph the design allows: every edge the policies must grant, and no other."""
    edges = set()
    outside = [p.name for p in netpol.outside_peers()]
    for name in r.deployments:
        role = role_of(name)
        if role is None:
            continue
        port = SERVICE_PORTS[role]
        for callee in r.deployments:
            if role_of(callee) in CALLS[role]:
                edges.add((name, callee, "%d/TCP" % SERVICE_PORTS[role_of(callee)]))
        if role in APPENDFSYNC:
            edges.add((name, "redis-" + name, "%d/TCP" % REDIS_PORT))
        edges.add(("monitoring", name, "%d/TCP" % (port + METRICS_OFFSET)))
        edges.add((name, "kube-dns", "53/UDP"))
        edges.add((name, "kube-dns", "53/TCP"))
        if role == "gateway":
            for peer in outside:
                edges.add((peer, name, "7100/TCP"))
                edges.add((peer, name, "8100/TCP"))
    return edges


def _check_network(r, err, stats):
    policies = list(r.by_kind["NetworkPolicy"].values())
    deny = [p for p in policies if p["spec"].get("podSelector") in ({}, None)
            and netpol.policy_types(p) == {"Ingress", "Egress"}
            and not p["spec"].get("ingress") and not p["spec"].get("egress")]
    if not deny:
        err("NetworkPolicy", "no default-deny policy (podSelector {}, Ingress and Egress, no "
            "rules)")
    pods = _pod_endpoints(r)
    grants = netpol.evaluate(policies, pods + netpol.outside_peers(), NAMESPACE)
    want = expected_edges(r)
    for edge in sorted(grants.connections - want):
        err("NetworkPolicy", "unexpected connection " + netpol.format_edge(edge))
    for edge in sorted(want - grants.connections):
        err("NetworkPolicy", "missing connection " + netpol.format_edge(edge))
    inside = {e for e in want if e[0] in r.workloads and e[1] in r.workloads}
    for edge in sorted(grants.egress - inside):
        if edge not in grants.connections:
            err("NetworkPolicy", "one-sided egress grant " + netpol.format_edge(edge))
    # The gateway's public ports admit anyone, pods of the namespace too (their egress stops them).
    public = {(w, g, "%d/TCP" % port) for w in r.workloads for g in r.deployments
              if role_of(g) == "gateway" for port in (7100, 8100)}
    for edge in sorted(grants.ingress - inside - public):
        if edge not in grants.connections:
            err("NetworkPolicy", "one-sided ingress grant " + netpol.format_edge(edge))
    # What the configuration dials must be exactly the allowed in-namespace graph.
    dials = _dials(r, err)
    for edge in sorted(dials - inside):
        err("config", "dials %s, which the design does not allow" % netpol.format_edge(edge))
    for edge in sorted(inside - dials):
        err("config", "no address makes %s dial %s" % (edge[0], netpol.format_edge(edge)))
    stats["edges"] += len(grants.connections & want)
    stats["inside_edges"] += len(inside)
    stats["policies"] += len(policies)
