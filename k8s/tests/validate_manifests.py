#!/usr/bin/python3
# Validates k8s/: yamllint, make-secrets.sh, `kubectl kustomize` of every overlay, checks.py.
"""Usage: validate_manifests.py K8S_DIR   (CTest: k8s_manifests)

1. yamllint (K8S_DIR/.yamllint) on every YAML file; each file opens with a purpose comment;
   no committed file holds a Secret.
2. Copies K8S_DIR (without any generated secret files) and scripts/make-certs.sh beside it
   to a temporary directory, runs make-secrets.sh there twice (the second run must change
   nothing) and checks the files: modes, formats, and that git ignores them.
3. Renders base/ and every overlays/*/ with `kubectl kustomize` (kubectl from PATH, or $KUBECTL;
   with $KUBECTL_COMPARE set, also with that one, requiring the same meaning) and runs
   checks.check_render on each: hardening, TLS and its probes, PDBs, Redis, secrets,
   certificates (openssl), references, and the reachability graph the NetworkPolicies imply
   against the expected one.
4. Self-check: breaks a render in known ways and requires each break to be reported.
"""

import base64
import collections
import copy
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import traceback

import yaml

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402

SECRET_DIRS = "secrets"


def fail(message):
    print("k8s_manifests: FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def tool(name, env_var=None):
    path = os.environ.get(env_var) if env_var else None
    path = path or shutil.which(name)
    if not path:
        fail("%s not found on PATH%s; install it (Debian: apt-get install %s)" % (
            name, " (or set $%s)" % env_var if env_var else "",
            "kubernetes-client" if name == "kubectl" else name))
    return path


def yaml_files(root):
    found = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found += [os.path.join(directory, f) for f in sorted(files)
                  if f.endswith((".yaml", ".yml")) or f == ".yamllint"]
    return found


def lint(root):
    errors = []
    files = yaml_files(root)
    result = subprocess.run([tool("yamllint"), "-c", os.path.join(root, ".yamllint"), "-s",
                             "-f", "parsable"] + files,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True)
    if result.returncode != 0:
        errors.append("yamllint:\n" + result.stdout.strip())
    for path in files:
        with open(path) as f:
            text = f.read()
        if not text.startswith("# "):
            errors.append("%s: does not start with a one-line purpose comment" % path)
        for doc in yaml.safe_load_all(text):
            if isinstance(doc, dict) and doc.get("kind") == "Secret":
                errors.append("%s: holds a Secret; secrets come from secretGenerator and "
                              "make-secrets.sh, never from git" % path)
    return errors, len(files)


def copy_tree(root, destination):
    """K8S_DIR without generated secrets (a developer's real ones stay where they are)."""
    def ignore(directory, names):
        rel = os.path.relpath(directory, root).split(os.sep)
        if rel[0] == SECRET_DIRS:
            return [n for n in names if n != "kustomization.yaml"
                    and not os.path.isdir(os.path.join(directory, n))]
        return [n for n in names if n == "__pycache__"]
    shutil.copytree(root, destination, ignore=ignore)


def snapshot(directory):
    state = {}
    for d, _, files in os.walk(directory):
        for f in files:
            path = os.path.join(d, f)
            st = os.stat(path)
            with open(path, "rb") as handle:
                state[path] = (st.st_mtime_ns, st.st_mode, handle.read())
    return state


PEM_CERTIFICATE = re.compile(rb"-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+"
                             rb"-----END CERTIFICATE-----")
PEM_PRIVATE_KEY = re.compile(rb"-----BEGIN (EC )?PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+"
                             rb"-----END (EC )?PRIVATE KEY-----")


def check_secret_file(path, errors):
    name = os.path.basename(path)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    # Certificates are public: make-certs.sh leaves its own 0644 inside its private tls/.
    public = name.endswith(".crt") and os.path.basename(os.path.dirname(path)) == "tls"
    if mode & (0o033 if public else 0o077):
        errors.append("make-secrets.sh: %s has mode %o, want 0600" % (path, mode))
    with open(path, "rb") as f:
        value = f.read().rstrip(b"\r\n")
    if name.endswith(".crt"):
        if not PEM_CERTIFICATE.search(value):
            errors.append("make-secrets.sh: %s is not a PEM certificate" % path)
    elif name.endswith(".key") and (name.startswith("tls-")
                                    or os.path.basename(os.path.dirname(path)) == "tls"):
        if not PEM_PRIVATE_KEY.fullmatch(value):
            errors.append("make-secrets.sh: %s is not a PEM private key" % path)
        if name.startswith("tls-") and name.endswith("ca.key"):
            errors.append("make-secrets.sh: %s: a CA's key must never enter a Secret" % path)
    elif name == "ca.srl":
        if not re.fullmatch(rb"[0-9A-F]+", value):
            errors.append("make-secrets.sh: %s is not an openssl serial" % path)
    elif name == "pseudonym.keys":
        if not re.fullmatch(rb"k1:[A-Za-z0-9+/]{43}=", value):
            errors.append("make-secrets.sh: %s is not k1:<base64 of 32 bytes>" % path)
    elif not re.fullmatch(rb"[A-Za-z0-9]{32,256}", value):
        # The bootstrap admin key must be 32-256 letters/digits; every secret needs >= 32.
        errors.append("make-secrets.sh: %s is not 32-256 letters and digits" % path)


def make_secrets(work):
    errors = []
    kustomization_texts = [open(os.path.join(d, "kustomization.yaml")).read()
                           for d, _, f in os.walk(os.path.join(work, SECRET_DIRS))
                           if "kustomization.yaml" in f]
    if any(re.search(r"(^|[=\s/-])ca\.key\s*$", line) for text in kustomization_texts
           for line in text.splitlines() if not line.lstrip().startswith("#")):
        errors.append("a secrets/ kustomization lists a CA key: it must never enter a Secret")
    script = os.path.join(work, "make-secrets.sh")
    first = subprocess.run(["bash", script, work], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True)
    if first.returncode != 0:
        return ["make-secrets.sh failed:\n" + first.stdout], None
    secrets_dir = os.path.join(work, SECRET_DIRS)
    generated = sorted(p for p in snapshot(secrets_dir)
                       if os.path.basename(p) != "kustomization.yaml")
    if not generated:
        errors.append("make-secrets.sh wrote no files")
    for path in generated:
        check_secret_file(path, errors)
    before = snapshot(secrets_dir)
    second = subprocess.run(["bash", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True)
    if second.returncode != 0 or snapshot(secrets_dir) != before:
        errors.append("make-secrets.sh is not idempotent: a second run changed secrets/ "
                      "(output: %s)" % second.stdout.strip())
    git = shutil.which("git")
    if git:  # the copy is its own throwaway repository: is every generated file ignored?
        subprocess.run([git, "init", "-q", work], check=True)
        for path in generated + [os.path.join(d, "kustomization.yaml")
                                 for d, _, f in os.walk(secrets_dir) if "kustomization.yaml" in f]:
            ignored = subprocess.run([git, "-C", work, "check-ignore", "-q", path]).returncode == 0
            if ignored != (os.path.basename(path) != "kustomization.yaml"):
                errors.append("k8s/.gitignore %s %s" % (
                    "ignores" if ignored else "does not ignore", os.path.relpath(path, work)))
    return errors, len(generated)


def render(kubectl, directory):
    result = subprocess.run([kubectl, "kustomize", directory], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True)
    if result.returncode != 0:
        return None, "kubectl kustomize %s failed:\n%s" % (directory, result.stderr.strip())
    return [d for d in yaml.safe_load_all(result.stdout) if d], None


def normalized(objects):
    """A render as comparable data: no hash suffixes, env in name order, secret data decoded
    (kustomize versions differ in exactly these and nothing that changes meaning)."""
    def strip(value):
        if isinstance(value, dict):
            out = {k: strip(v) for k, v in value.items()}
            if isinstance(out.get("env"), list):
                out["env"] = sorted(out["env"], key=lambda e: e.get("name", ""))
            return out
        if isinstance(value, list):
            return [strip(v) for v in value]
        return checks.logical(value) if isinstance(value, str) else value
    result = {}
    for obj in objects:
        obj = copy.deepcopy(obj)
        if obj["kind"] == "Secret":
            obj["data"] = {k: base64.b64decode(v) for k, v in (obj.get("data") or {}).items()}
        result[(obj["kind"], checks.logical(obj["metadata"]["name"]))] = strip(obj)
    return result


def compare_renders(first, second, target):
    """Differences between two renders of one target (by different kubectl versions)."""
    a, b = normalized(first), normalized(second)
    problems = ["%s: %s/%s only in one render" % (target, k[0], k[1])
                for k in sorted(set(a) ^ set(b))]
    problems += ["%s: %s/%s differs between the two kubectl versions" % (target, k[0], k[1])
                 for k in sorted(set(a) & set(b)) if a[k] != b[k]]
    return problems


def targets(work):
    found = ["base"]
    overlays = os.path.join(work, "overlays")
    for name in sorted(os.listdir(overlays)) if os.path.isdir(overlays) else []:
        if os.path.isfile(os.path.join(overlays, name, "kustomization.yaml")):
            found.append("overlays/" + name)
    return found


def find(objects, kind, name):
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name)


def container(objects, kind, name):
    return find(objects, kind, name)["spec"]["template"]["spec"]["containers"][0]


def set_env(c, key, value):
    next(e for e in c["env"] if e["name"] == key)["value"] = value


def policy(name, selector, **spec):
    spec = dict(spec, podSelector={"matchLabels": {"app.kubernetes.io/name": selector}})
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": checks.NAMESPACE,
                         "labels": {"app.kubernetes.io/name": name,
                                    "app.kubernetes.io/part-of": "bridging",
                                    "app.kubernetes.io/component": "network-policy"}},
            "spec": spec}


def to(name, port):
    return {"to": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": name}}}],
            "ports": [{"protocol": "TCP", "port": port}]}


def frm(name, port):
    return {"from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": name}}}],
            "ports": [{"protocol": "TCP", "port": port}]}


def _drop(objects, kind, name):
    objects.remove(find(objects, kind, name))


def find_logical(objects, kind, logical_name):
    return next(o for o in objects
                if o["kind"] == kind and checks.logical(o["metadata"]["name"]) == logical_name)


def _drop_env(c, *keys):
    c["env"] = [e for e in c["env"] if e["name"] not in keys]


def _volume(objects, deployment, volume):
    pod = find(objects, "Deployment", deployment)["spec"]["template"]["spec"]
    return next(v for v in pod["volumes"] if v["name"] == volume)


def _probe_command(objects, deployment, probe):
    return container(objects, "Deployment", deployment)[probe]["exec"]["command"]


def _swap_certificate(objects, secret, other):
    """Gives `secret` the certificate and key of `other` (same CA)."""
    data = find_logical(objects, "Secret", secret)["data"]
    source = find_logical(objects, "Secret", other)["data"]
    data.update({"tls.crt": source["tls.crt"], "tls.key": source["tls.key"]})


def _dns_any_port(objects):
    del find(objects, "NetworkPolicy", "allow-dns")["spec"]["egress"][0]["ports"]


# (what is broken, how, a text the report must then contain)
MUTATIONS = [
    ("default-deny dropped", lambda o: _drop(o, "NetworkPolicy", "default-deny"),
     "no default-deny policy"),
    ("anonymizer egress to redis-consent", lambda o: o.append(policy(
        "oops", "anonymizer", policyTypes=["Egress"], egress=[to("redis-consent", 6379)])),
     "one-sided egress grant anonymizer -> redis-consent:6379/TCP"),
    ("anonymizer <-> redis-consent both ways", lambda o: o.extend([
        policy("oops-out", "anonymizer", policyTypes=["Egress"],
               egress=[to("redis-consent", 6379)]),
        policy("oops-in", "redis-consent", policyTypes=["Ingress"],
               ingress=[frm("anonymizer", 6379)])]),
     "unexpected connection anonymizer -> redis-consent:6379/TCP"),
    ("consent metrics open to all", lambda o: o.append(policy(
        "oops", "consent", policyTypes=["Ingress"], ingress=[{"ports": [{"port": "metrics"}]}])),
     "unexpected connection external -> consent:9101/TCP"),
    ("gateway closed to the outside",
     lambda o: find(o, "NetworkPolicy", "gateway")["spec"]["ingress"].clear(),
     "missing connection external -> gateway:7100/TCP"),
    ("DNS egress on every port", _dns_any_port,
     "unexpected connection gateway -> kube-dns:443/TCP"),
    ("consent writable root filesystem", lambda o: container(o, "Deployment", "consent")[
        "securityContext"].pop("readOnlyRootFilesystem"),
     "Deployment/consent container consent: readOnlyRootFilesystem is not true"),
    ("consent memory limit dropped", lambda o: container(o, "Deployment", "consent")[
        "resources"]["limits"].pop("memory"), "resources.limits.memory is missing"),
    ("gateway image :latest", lambda o: container(o, "Deployment", "gateway").update(
        image="bridging/gateway:latest"), "has no fixed tag"),
    ("gateway readiness probe dropped", lambda o: container(o, "Deployment", "gateway").pop(
        "readinessProbe"), "readinessProbe is missing"),
    ("analytics PDB dropped", lambda o: _drop(o, "PodDisruptionBudget", "analytics"),
     "Deployment/analytics: has 0 matching PodDisruptionBudgets"),
    ("consent Redis on everysec", lambda o: set_env(container(
        o, "StatefulSet", "redis-consent"), "REDIS_APPENDFSYNC", "everysec"),
     "StatefulSet/redis-consent: env REDIS_APPENDFSYNC is 'everysec', want 'always'"),
    ("analytics dials a port consent lacks", lambda o: set_env(container(
        o, "Deployment", "analytics"), "BRIDGING_CONSENT_ADDR", "consent:9999"),
     "Service 'consent' has no port 9999"),
    ("gateway mounts the Redis ops password", lambda o: find(o, "Deployment", "gateway")["spec"][
        "template"]["spec"]["volumes"].append({"name": "ops", "secret": {
            "secretName": find_secret(o, "redis-ops-password"), "defaultMode": 0o440}}),
     "mounts secret redis-ops-password, which it must not see"),
    ("service account token mounted", lambda o: find(o, "Deployment", "anonymizer")["spec"][
        "template"]["spec"].update(automountServiceAccountToken=True),
     "automountServiceAccountToken is not false"),
    # TLS
    ("consent without its CA (TLS off)", lambda o: _drop_env(
        container(o, "Deployment", "consent"), "BRIDGING_TLS_CA_FILE"),
     "Deployment/consent container consent: env BRIDGING_TLS_CA_FILE is not set"),
    ("the anonymizer without TLS", lambda o: _drop_env(
        container(o, "Deployment", "anonymizer"), "BRIDGING_TLS_CERT_FILE",
        "BRIDGING_TLS_KEY_FILE", "BRIDGING_TLS_CA_FILE"),
     "Deployment/anonymizer container anonymizer: env BRIDGING_TLS_CERT_FILE is not set"),
    ("the gateway's public ports in plaintext", lambda o: _drop_env(
        container(o, "Deployment", "gateway"), "BRIDGING_PUBLIC_TLS_CERT_FILE",
        "BRIDGING_PUBLIC_TLS_KEY_FILE"),
     "env BRIDGING_PUBLIC_TLS_CERT_FILE is not set"),
    ("a plaintext grpc probe", lambda o: container(o, "Deployment", "analytics").update(
        readinessProbe={"grpc": {"port": 7104}, "periodSeconds": 5}),
     "readinessProbe is a plaintext grpc probe"),
    ("the gateway verifying the services with its public CA", lambda o: set_env(
        container(o, "Deployment", "gateway"), "BRIDGING_TLS_CA_FILE",
        "/etc/bridging/public-tls/ca.crt"),
     "env BRIDGING_TLS_CA_FILE=/etc/bridging/public-tls/ca.crt is not key ca.crt of its own "
     "secret gateway-tls"),
    ("a probe without the client certificate", lambda o: _probe_command(
        o, "consent", "livenessProbe").__delitem__(slice(2, 4)),
     "livenessProbe flags are"),
    ("a probe of another port", lambda o: _probe_command(
        o, "gateway", "readinessProbe").__setitem__(-1, "127.0.0.1:8100"),
     "readinessProbe asks ['127.0.0.1:8100'], want 127.0.0.1:7100"),
    ("actions mounting consent's TLS secret", lambda o: _volume(o, "actions", "tls")[
        "secret"].update(secretName=find_secret(o, "consent-tls")),
     "Deployment/actions: mounts secret consent-tls, which it must not see"),
    ("analytics given the gateway's TLS secret too", lambda o: find(o, "Deployment", "analytics")[
        "spec"]["template"]["spec"]["volumes"].append({"name": "extra", "secret": {
            "secretName": find_secret(o, "gateway-tls"), "defaultMode": 0o440}}),
     "Deployment/analytics: mounts secret gateway-tls, which it must not see"),
    ("the TLS key readable by all", lambda o: _volume(o, "consent", "tls")["secret"].update(
        defaultMode=0o444), "secret volume tls has mode 0o444"),
    ("the anonymizer serving consent's certificate",
     lambda o: _swap_certificate(o, "anonymizer-tls", "consent-tls"),
     "Secret/anonymizer-tls: tls.crt does not verify against ca.crt for sslserver as anonymizer"),
    ("a certificate with another's key", lambda o: find_logical(o, "Secret", "analytics-tls")[
        "data"].update({"tls.key": find_logical(o, "Secret", "actions-tls")["data"]["tls.key"]}),
     "Secret/analytics-tls: tls.key is not the key of tls.crt"),
    ("a CA that did not sign the certificate", lambda o: find_logical(o, "Secret", "consent-tls")[
        "data"].update({"ca.crt": find_logical(o, "Secret", "consent-tls")["data"]["tls.crt"]}),
     "Secret/consent-tls: tls.crt does not verify against ca.crt"),
]


def find_secret(objects, logical_name):
    return next(o["metadata"]["name"] for o in objects
                if o["kind"] == "Secret" and checks.logical(o["metadata"]["name"]) == logical_name)


def safe_check(objects, target):
    """checks.check_render, with a malformed object reported instead of a traceback."""
    try:
        return checks.check_render(objects)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as e:
        where = traceback.extract_tb(e.__traceback__)[-1]
        return (["the checks could not read the render (%s: %s at checks.py:%d); is an "
                 "object missing a required field?" % (type(e).__name__, e, where.lineno)],
                collections.Counter())


def self_check(objects):
    """Each known break must be reported, so the checks cannot silently pass."""
    problems = []
    for what, mutate, expected in MUTATIONS:
        broken = copy.deepcopy(objects)
        mutate(broken)
        errors, _ = safe_check(broken, "self-check " + what)
        if not any(expected in e for e in errors):
            problems.append("self-check %r: want an error containing %r, got:\n  %s"
                            % (what, expected, "\n  ".join(errors) or "(none)"))
    return problems


def main(argv):
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        fail("usage: validate_manifests.py K8S_DIR")
    root = os.path.abspath(argv[1])
    kubectl = tool("kubectl", "KUBECTL")
    compare_with = os.environ.get("KUBECTL_COMPARE")
    errors, linted = lint(root)
    totals = {"objects": 0, "containers": 0, "edges": 0, "inside_edges": 0, "redis": 0,
              "certificates": 0}
    summary = []
    make_certs = os.path.join(os.path.dirname(root), "scripts", "make-certs.sh")
    if not os.path.isfile(make_certs):
        fail("%s not found: make-secrets.sh makes the certificates with it" % make_certs)
    with tempfile.TemporaryDirectory(prefix="k8s-manifests-") as tmp:
        work = os.path.join(tmp, "k8s")
        copy_tree(root, work)
        os.makedirs(os.path.join(tmp, "scripts"))  # where make-secrets.sh looks for it
        shutil.copy2(make_certs, os.path.join(tmp, "scripts"))
        secret_errors, secret_files = make_secrets(work)
        errors += secret_errors
        renders = {}
        for target in targets(work) if secret_files else []:
            objects, problem = render(kubectl, os.path.join(work, target))
            if problem:
                errors.append(problem)
                continue
            renders[target] = objects
            if compare_with:  # a second kubectl (e.g. Debian's 1.20, kustomize v2.0.3)
                other, problem = render(compare_with, os.path.join(work, target))
                errors += [problem] if problem else compare_renders(objects, other, target)
            found, stats = safe_check(objects, target)
            errors += ["%s: %s" % (target, e) for e in found]
            for key in totals:
                totals[key] += stats[key]
            summary.append("%s (%d objects, %d connections)"
                           % (target, stats["objects"], stats["edges"]))
        if "base" in renders:
            errors += self_check(renders["base"])
        elif secret_files:
            errors.append("base did not render; self-check skipped")
    if errors:
        print("k8s_manifests: %d problem(s):" % len(errors), file=sys.stderr)
        for e in errors:
            print("  - " + e, file=sys.stderr)
        return 1
    if compare_with:
        kubectl += " (same meaning as %s)" % compare_with
    print("k8s_manifests OK with %s: %d YAML files linted, %d secret files generated "
          "(idempotent), %d renders: %s" % (kubectl, linted, secret_files or 0, len(summary),
                                            "; ".join(summary)))
    print("  %d objects and %d containers checked, %d Redis StatefulSets, %d TLS certificates, "
          "%d allowed connections verified exactly (%d pod-to-pod), %d self-checks caught"
          % (totals["objects"], totals["containers"], totals["redis"], totals["certificates"],
             totals["edges"], totals["inside_edges"], len(MUTATIONS)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
