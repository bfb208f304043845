#!/usr/bin/python3
# Checks the container definitions (Dockerfiles, compose file, Redis entrypoint) against the code.
"""What it checks (CTest: container_definitions; Debian python3 + PyYAML only):

1. Dockerfiles: one per service of scripts/suite.sh, multi-stage, every FROM debian:bookworm*
   with an explicit tag, numeric non-root USER, exec-form ENTRYPOINT, no ADD of URLs, no
   secrets copied (and .dockerignore keeps them and build trees out of the context), apt with
   --no-install-recommends and cleaned lists, the suite's ports and env, identical build stages,
   bridging-health in every service image.
2. Runtime libraries: each built binary's NEEDED sonames (objdump -p), mapped to Debian
   packages (dpkg -S), are exactly what its image's runtime stage installs.
3. Compose: `docker-compose config -q` / `docker compose config -q` after make-secrets.sh in a
   temporary copy; images and builds, loopback-only ports on the gateway alone, hardening,
   one Redis network per service, fsync policy, secrets only where needed, wiring, mutual TLS
   (each service its own certificate and key, the gateway's public TLS, TLS health checks),
   and the certificates make-secrets.sh makes (openssl verify).
4. The Redis entrypoint, run for real with the local redis-server: ACLs, redis-ready, no
   plaintext password on disk, input validation, SIGTERM.
5. A self-check: known-bad mutations of the parsed definitions must each be reported.
"""

import argparse
import base64
import copy
import fnmatch
import glob
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import yaml

# Binaries that ship in another service's image (file name -> services; None: every service).
EXTRA_BINARIES = {"bridging-audit-verify": ["gateway"], "bridging-health": None}
HEALTH = "/usr/local/bin/bridging-health"
SECRETS = "/run/secrets/"
# Certificates of make-secrets.sh (secrets/tls/, from scripts/make-certs.sh): one per service
# (mutual TLS) and the gateway's public one.
PUBLIC_CERT = "gateway-public"
# In debian:bookworm-slim already; never installed by a runtime stage.
BASE_PACKAGES = {"libc6", "libstdc++6", "libgcc-s1"}
BUILD_TOOLS = {"build-essential", "cmake", "ninja-build", "pkg-config"}
BOOKWORM_IMAGE = re.compile(
    r"^(docker\.io/(library/)?)?debian:bookworm[A-Za-z0-9._-]*(@sha256:[0-9a-f]{64})?$")
URL = re.compile(r"^(https?|ftp|git)://|^git@")
NON_ROOT_USER = re.compile(r"^([1-9][0-9]*)(:([1-9][0-9]*))?$")
SECRET_PATH = re.compile(
    r"(^|/)(\.state|secrets)(/|$)|\.(password|secret|key|keys|pem)$|(^|/)\.env$")


# --- reporting ------------------------------------------------------------------------------------

class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.notes = []

    def check(self, name, problems):
        if problems:
            self.failed += 1
            print(f"FAIL {name}")
            for problem in problems:
                print(f"     - {problem}")
        else:
            self.passed += 1
            print(f"ok   {name}")

    def note(self, text):
        self.notes.append(text)
        print(f"note {text}")


# --- the local suite ------------------------------------------------------------------------------

def read_suite(root):
    """scripts/suite.sh's SUITE_SERVICES rows and the gateway's HTTP port, as bash sees them
    (sourced with no port offset: the containers use the suite's standard ports)."""
    script = ('source "$1" && printf "%s\\n" "${SUITE_SERVICES[@]}" && '
              'echo "GATEWAY_HTTP_PORT $GATEWAY_HTTP_PORT"')
    env = dict(os.environ, BRIDGING_PORT_OFFSET="0")
    run = subprocess.run(["bash", "-c", script, "suite", os.path.join(root, "scripts/suite.sh")],
                         capture_output=True, text=True, env=env, timeout=30)
    if run.returncode != 0:
        raise SystemExit(f"sourcing scripts/suite.sh failed: {run.stderr.strip()}")
    suite, http = {}, None
    for row in run.stdout.splitlines():
        words = row.split()
        if words[:1] == ["GATEWAY_HTTP_PORT"] and len(words) == 2:
            http = int(words[1])
        elif len(words) == 5:
            name, redis_port, fsync, grpc, metrics = words
            suite[name] = {
                "redis": redis_port != "-",
                "fsync": None if fsync == "-" else fsync,
                "grpc": int(grpc),
                "metrics": int(metrics),
            }
        elif words:
            raise SystemExit(f"scripts/suite.sh: unexpected SUITE_SERVICES row {row!r}")
    if "gateway" not in suite or http is None:
        raise SystemExit("scripts/suite.sh: no gateway row or no GATEWAY_HTTP_PORT")
    suite["gateway"]["http"] = http
    return suite


# -dev packages of install-deps.sh that only the tests need (the sanitizer and fuzzing
# runtimes of scripts/sanitize.sh), not an image build.
TEST_ONLY_PACKAGES = {"libclang-rt-14-dev"}


def build_packages_from_install_deps(root):
    """The packages of scripts/install-deps.sh an image build needs: tools, compilers, -dev."""
    text = open(os.path.join(root, "scripts/install-deps.sh")).read()
    block = re.search(r"^packages=\((.*?)^\)", text, re.S | re.M)
    if not block:
        raise SystemExit("scripts/install-deps.sh: no packages=( ... ) array")
    words = re.sub(r"#.*", "", block.group(1)).split()
    return {w for w in words
            if (w in BUILD_TOOLS or w.endswith("-dev") or w.startswith("protobuf-compiler"))
            and w not in TEST_ONLY_PACKAGES}


def service_ports(suite, name):
    ports = [suite[name]["grpc"], suite[name]["metrics"]]
    if "http" in suite[name]:
        ports.insert(1, suite[name]["http"])
    return ports


# --- Dockerfiles ----------------------------------------------------------------------------------

def parse_dockerfile(text):
    """Stages of a Dockerfile: [{"image", "alias", "instructions": [(KEYWORD, args)]}]."""
    logical, buf = [], None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and buf is None):
            continue  # comments (also inside continuations) and blank lines
        if not line:
            continue  # an empty line inside a continuation
        if line.endswith("\\"):
            buf = (buf or "") + line[:-1].rstrip() + " "
            continue
        logical.append((buf or "") + line)
        buf = None
    if buf is not None:
        logical.append(buf.strip())
    stages, before = [], []
    for line in logical:
        parts = line.split(None, 1)
        keyword, args = parts[0].upper(), (parts[1].strip() if len(parts) > 1 else "")
        if keyword == "FROM":
            words = [w for w in args.split() if not w.startswith("--")]
            alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append({"image": words[0] if words else "", "alias": alias, "instructions": []})
        elif stages:
            stages[-1]["instructions"].append((keyword, args))
        else:
            before.append((keyword, args))
    return {"stages": stages, "before": before}


def instructions(stage, keyword):
    return [args for kw, args in stage["instructions"] if kw == keyword]


def key_values(args):
    """ENV/LABEL arguments: K=V pairs (or the legacy `K V` form)."""
    words = shlex.split(args)
    if words and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    return dict(w.split("=", 1) for w in words if "=" in w)


def stage_env(stage):
    env = {}
    for args in instructions(stage, "ENV"):
        env.update(key_values(args))
    return env


def copy_sources(args):
    """(flags, sources, destination) of a COPY/ADD instruction."""
    if args.startswith("["):
        words = json.loads(args)
        flags = []
    else:
        words = shlex.split(args)
        flags = [w for w in words if w.startswith("--")]
        words = [w for w in words if not w.startswith("--")]
    return flags, words[:-1], (words[-1] if words else "")


def apt_install_commands(run_args):
    """The `apt-get install` commands of one RUN, each as its word list."""
    commands = []
    for segment in re.split(r"&&|\|\||;|\|", run_args):
        words = segment.split()
        for tool in ("apt-get", "apt"):
            if tool in words and "install" in words[words.index(tool):]:
                commands.append(words[words.index(tool):])
    return commands


def installed_packages(stage):
    packages = set()
    for args in instructions(stage, "RUN"):
        for words in apt_install_commands(args):
            after = words[words.index("install") + 1:]
            packages.update(w.split("=")[0] for w in after if not w.startswith("-"))
    return packages


def dockerfile_problems(path, df, dockerignore):
    """Rules for every Dockerfile (service images and the Redis image)."""
    problems = []
    stages = df["stages"]
    if not stages:
        return [f"{path}: no FROM"]
    aliases = set()
    for stage in stages:
        image = stage["image"]
        if image in aliases:
            pass  # FROM an earlier stage
        elif not BOOKWORM_IMAGE.match(image):
            problems.append(f"{path}: FROM {image} is not debian:bookworm* with an explicit tag")
        if stage["alias"]:
            aliases.add(stage["alias"])
        for keyword, args in stage["instructions"]:
            if keyword in ("COPY", "ADD"):
                flags, sources, _ = copy_sources(args)
                if keyword == "ADD" and any(URL.match(s) for s in sources):
                    problems.append(f"{path}: ADD of a URL ({args})")
                from_stage = any(f.startswith("--from=") for f in flags)
                for source in sources:
                    if not from_stage and SECRET_PATH.search(source.rstrip("/")):
                        problems.append(f"{path}: copies what looks like a secret: {source}")
                    if not from_stage and source in (".", "./", "/") and dockerignore is None:
                        problems.append(f"{path}: copies the whole context without a .dockerignore")
            if keyword == "RUN":
                for words in apt_install_commands(args):
                    if "--no-install-recommends" not in words:
                        problems.append(f"{path}: apt install without --no-install-recommends")
                    if not ({"-y", "--yes", "-qy", "-yq"} & set(words)):
                        problems.append(f"{path}: apt install without -y")
                if apt_install_commands(args):
                    if "apt-get update" not in args:
                        problems.append(f"{path}: apt install without apt-get update first")
                    if not re.search(r"rm -rf /var/lib/apt/lists/\*", args):
                        problems.append(f"{path}: apt install without rm -rf /var/lib/apt/lists/*")
    final = stages[-1]
    users = instructions(final, "USER")
    if not users:
        problems.append(f"{path}: the final stage has no USER")
    elif not NON_ROOT_USER.match(users[-1].strip()):
        problems.append(f"{path}: final USER {users[-1]!r} is not a numeric non-root uid[:gid]")
    entrypoints = instructions(final, "ENTRYPOINT")
    if not entrypoints:
        problems.append(f"{path}: the final stage has no ENTRYPOINT")
    else:
        try:
            entry = json.loads(entrypoints[-1])
            if not (isinstance(entry, list) and entry and all(isinstance(w, str) for w in entry)):
                raise ValueError
        except ValueError:
            problems.append(f"{path}: ENTRYPOINT is not in exec (JSON array) form")
    labels = {}
    for args in instructions(final, "LABEL"):
        labels.update(key_values(args))
    for label in ("org.opencontainers.image.title", "org.opencontainers.image.version"):
        if label not in labels:
            problems.append(f"{path}: no {label} label")
    return problems


def service_dockerfile_problems(name, path, df, suite, binaries, build_packages):
    """Rules for one service's Dockerfile beyond the common ones."""
    problems = []
    stages = df["stages"]
    if len(stages) < 2:
        return [f"{path}: {len(stages)} stage(s); a build and a runtime stage are needed"]
    build, final = stages[0], stages[-1]
    build_text = " ".join(args for _, args in build["instructions"])
    for flag in ("-DCMAKE_BUILD_TYPE=Release", "-DBRIDGING_WERROR=ON", "-G Ninja"):
        if flag not in build_text:
            problems.append(f"{path}: the build stage does not configure with {flag}")
    targets = None
    for args in instructions(build, "ARG"):
        if args.startswith("BRIDGING_TARGETS="):
            targets = shlex.split(args.split("=", 1)[1])[0].split() if args.split("=", 1)[1] else []
    if targets is None:
        problems.append(f"{path}: the build stage has no ARG BRIDGING_TARGETS=...")
        targets = []
    if not re.search(r"cmake --build \S+ --target \$\{?BRIDGING_TARGETS", build_text):
        problems.append(f"{path}: the build stage does not build --target $BRIDGING_TARGETS")
    missing = build_packages - installed_packages(build)
    if missing:
        problems.append(
            f"{path}: the build stage lacks {sorted(missing)} (scripts/install-deps.sh)")
    copied = {}
    for args in instructions(final, "COPY"):
        flags, sources, dest = copy_sources(args)
        if any(f.startswith("--from=") for f in flags):
            for source in sources:
                copied[os.path.basename(source)] = dest
    for binary in binaries:
        if binary not in targets:
            problems.append(f"{path}: BRIDGING_TARGETS does not build {binary}")
        if copied.get(binary) not in (f"/usr/local/bin/{binary}", "/usr/local/bin/"):
            problems.append(f"{path}: the runtime stage does not copy {binary} to /usr/local/bin/")
    entrypoints = instructions(final, "ENTRYPOINT")
    try:
        entry = json.loads(entrypoints[-1]) if entrypoints else []
    except ValueError:
        entry = []
    if entry[:1] != [f"/usr/local/bin/{name}"]:
        problems.append(f"{path}: ENTRYPOINT is not [\"/usr/local/bin/{name}\"]")
    env = stage_env(final)
    want = {"BRIDGING_LISTEN_HOST": "0.0.0.0", "BRIDGING_PORT": str(suite[name]["grpc"]),
            "BRIDGING_METRICS_PORT": str(suite[name]["metrics"])}
    if "http" in suite[name]:
        want["BRIDGING_HTTP_PORT"] = str(suite[name]["http"])
    for key, value in want.items():
        if env.get(key) != value:
            problems.append(f"{path}: ENV {key}={env.get(key)!r}, want {value!r}")
    exposed = {int(p.split("/")[0]) for args in instructions(final, "EXPOSE") for p in args.split()}
    if exposed != set(service_ports(suite, name)):
        problems.append(f"{path}: EXPOSE {sorted(exposed)}, want {service_ports(suite, name)}")
    bad = {p for p in installed_packages(final) if p.endswith("-dev") or p in BUILD_TOOLS}
    if bad:
        problems.append(f"{path}: the runtime stage installs build packages {sorted(bad)}")
    return problems


def build_stage_signature(df):
    """A service Dockerfile's build stage, without its BRIDGING_TARGETS value."""
    stage = df["stages"][0]
    def masked(keyword, args):
        if keyword == "ARG" and args.startswith("BRIDGING_TARGETS="):
            return "BRIDGING_TARGETS=..."
        return args
    return ([(kw, masked(kw, args)) for kw, args in stage["instructions"]]
            + [("FROM", stage["image"], stage["alias"])])


def build_stages_problems(dfs):
    """The build stages must be the same everywhere (one shared, cacheable build recipe)."""
    problems = []
    names = sorted(dfs)
    if not names:
        return problems
    reference = build_stage_signature(dfs[names[0]])
    for name in names[1:]:
        if build_stage_signature(dfs[name]) != reference:
            problems.append(f"{name}.Dockerfile's build stage differs from {names[0]}.Dockerfile's "
                            "beyond ARG BRIDGING_TARGETS")
    return problems


def redis_dockerfile_problems(path, df):
    problems = []
    final = df["stages"][-1] if df["stages"] else {"instructions": []}
    packages = installed_packages(final)
    if packages != {"redis-server", "redis-tools"}:
        problems.append(f"{path}: installs {sorted(packages)}, want redis-server and redis-tools")
    text = " ".join(args for _, args in final["instructions"])
    for needle in ("deploy/docker/redis-entrypoint.sh", "deploy/local/redis.conf.in",
                   "deploy/local/users.acl.in", "/usr/local/bin/redis-ready"):
        if needle not in text:
            problems.append(f"{path}: does not install {needle}")
    if instructions(final, "ENTRYPOINT")[-1:] != ['["/usr/local/bin/redis-entrypoint"]']:
        problems.append(f"{path}: ENTRYPOINT is not [\"/usr/local/bin/redis-entrypoint\"]")
    if not any("/data" in args for args in instructions(final, "VOLUME")):
        problems.append(f"{path}: no VOLUME /data")
    return problems


# --- .dockerignore --------------------------------------------------------------------------------

def dockerignore_patterns(root):
    path = os.path.join(root, ".dockerignore")
    if not os.path.exists(path):
        return None
    return [line.strip() for line in open(path) if line.strip() and not line.startswith("#")]


def ignored(path, patterns):
    """About Docker's .dockerignore matching: the last matching pattern wins, '!' re-includes."""
    result = False
    parts = path.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        candidates = [pattern]
        if pattern.startswith("**/"):
            candidates.append(pattern[3:])
        if any(fnmatch.fnmatchcase(p, c) for p in prefixes for c in candidates):
            result = not negate
    return result


def dockerignore_problems(root, patterns):
    if patterns is None:
        return [".dockerignore is missing (the build stages copy the repository root)"]
    problems = []
    for path in (".git/config", "build/services/consent/consent", "build-bench/CMakeCache.txt",
                 ".state/secrets/admin.key", ".state/redis/consent/users.acl",
                 "deploy/compose/secrets/principal.secret", "k8s/secrets/x/redis-ops.password",
                 "node_modules/x/index.js",
                 "web/node_modules/x/index.js"):
        if not ignored(path, patterns):
            problems.append(f".dockerignore does not exclude {path}")
    try:
        tracked = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True, text=True,
                                 check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        tracked = []
    needed = [p for p in tracked if p == "CMakeLists.txt" or p.endswith("/CMakeLists.txt")
              or p.split("/")[0] in ("protos", "libs", "services", "integration-tests", "bench")
              or p.startswith(("scripts/", "deploy/local/", "deploy/docker/redis-entrypoint"))]
    for path in needed:
        if ignored(path, patterns):
            problems.append(f".dockerignore excludes {path}, which the image builds need")
    return problems


# --- runtime libraries ----------------------------------------------------------------------------

def needed_sonames(binary):
    out = subprocess.run(["objdump", "-p", binary], capture_output=True, text=True,
                         check=True).stdout
    return re.findall(r"^\s*NEEDED\s+(\S+)", out, re.M)


def soname_packages(sonames):
    """soname -> Debian package, through the library's path and dpkg -S."""
    dirs = (glob.glob("/usr/lib/*-linux-gnu") + glob.glob("/lib/*-linux-gnu")
            + ["/usr/lib", "/lib", "/usr/lib64", "/lib64"])
    candidates = {}
    for soname in sonames:
        for d in dirs:
            path = os.path.join(d, soname)
            if os.path.exists(path):
                paths = {path, os.path.realpath(path)}
                for p in list(paths):  # merged /usr: dpkg may know either spelling
                    if p.startswith("/usr/lib/"):
                        paths.add(p[len("/usr"):])
                    elif p.startswith("/lib/"):
                        paths.add("/usr" + p)
                candidates[soname] = paths
                break
    all_paths = sorted({p for paths in candidates.values() for p in paths})
    owners = {}
    if all_paths:
        out = subprocess.run(["dpkg", "-S"] + all_paths, capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("diversion ") or ": " not in line:
                continue
            packages, path = line.split(": ", 1)
            owners[path.strip()] = [p.strip().split(":")[0] for p in packages.split(",")]
    result = {}
    for soname in sonames:
        for path in sorted(candidates.get(soname, ())):
            if path in owners:
                result[soname] = owners[path][0]
                break
    return result


def binary_packages(binaries, images):
    """{service: {package: [(binary, soname)]}} for the built binaries, or raises. `images`:
    {service: [file names of the binaries its image holds]}."""
    per_binary = {b: needed_sonames(b) for b in binaries}
    all_sonames = sorted({s for sonames in per_binary.values() for s in sonames})
    owners = soname_packages(all_sonames)
    unknown = [s for s in all_sonames if s not in owners]
    if unknown:
        raise RuntimeError(f"no Debian package found for {unknown}")
    result = {}
    for binary, sonames in per_binary.items():
        base = os.path.basename(binary)
        for service in sorted(s for s, names in images.items() if base in names):
            for soname in sonames:
                package = owners[soname]
                if package not in BASE_PACKAGES:
                    result.setdefault(service, {}).setdefault(package, []).append((base, soname))
    return result


def runtime_packages_problems(name, path, df, needed):
    """The runtime stage installs exactly the packages of the libraries the binaries link."""
    problems = []
    installed = installed_packages(df["stages"][-1])
    for package, users in sorted(needed.items()):
        if package not in installed:
            binary, soname = users[0]
            problems.append(f"{path}: the runtime stage does not install {package} "
                            f"({binary} needs {soname})")
    for package in sorted(installed - set(needed)):
        problems.append(f"{path}: the runtime stage installs {package}, which no binary links")
    return problems


# --- compose --------------------------------------------------------------------------------------

def as_list(value):
    if value is None:
        return []
    if isinstance(value, dict):
        return list(value)
    return list(value)


def env_of(service):
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return {k: (None if v is None else str(v)) for k, v in env.items()}


def secrets_of(service):
    return {s["source"] if isinstance(s, dict) else s for s in service.get("secrets") or []}


def published(service):
    """(host_ip, host_port, container_port) of each published port."""
    result = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            result.append((port.get("host_ip", ""), str(port.get("published", "")),
                           str(port.get("target"))))
            continue
        parts = str(port).split(":")
        if len(parts) == 3:
            result.append((parts[0], parts[1], parts[2]))
        elif len(parts) == 2:
            result.append(("", parts[0], parts[1]))
        else:
            result.append(("", "", parts[0]))
    return result


def tls_file_of(spec):
    """The file name of a secret under ./secrets/tls/, or None."""
    path = str((spec or {}).get("file", ""))
    return path[len("./secrets/tls/"):] if path.startswith("./secrets/tls/") else None


def expected_secret_holders(suite, secret, spec=None):
    """Who may hold a secret, by its name (certificates: by their file)."""
    services = set(suite)
    tls_file = tls_file_of(spec)
    if tls_file is not None:
        stem, _, suffix = tls_file.rpartition(".")
        if tls_file == "ca.crt":
            return services  # every service verifies its peers (the gateway: the services)
        if suffix in ("crt", "key") and stem in services:
            return {stem}  # a service's own certificate and key: that service alone
        if suffix in ("crt", "key") and stem == PUBLIC_CERT:
            return {"gateway"}
        return None  # ca.key and anything else: nobody
    if secret == "principal-secret":
        return services
    if secret == "pseudonym-keys":
        return {"anonymizer"}
    if secret == "admin-key":
        return {"gateway"}
    if secret == "redis-ops-password":
        return {f"redis-{s}" for s in suite if suite[s]["redis"]}
    match = re.match(r"^redis-(.+)-password$", secret)
    if match and match.group(1) in suite:
        return {match.group(1), f"redis-{match.group(1)}"}
    return None


def compose_problems(doc, suite, root, compose_dir):
    problems = []
    services = doc.get("services") or {}
    networks = doc.get("networks") or {}
    with_redis = [s for s in suite if suite[s]["redis"]]
    expected = set(suite) | {f"redis-{s}" for s in with_redis}
    if set(services) != expected:
        problems.append(f"services {sorted(services)}, want {sorted(expected)}")

    for name, svc in services.items():
        where = f"service {name}"
        image = svc.get("image", "")
        build = svc.get("build") or {}
        dockerfile = build.get("dockerfile", "") if isinstance(build, dict) else ""
        context = build.get("context", ".") if isinstance(build, dict) else build
        context = os.path.normpath(os.path.join(compose_dir, context))
        want_file = ("deploy/docker/redis.Dockerfile" if name.startswith("redis-")
                     else f"deploy/docker/{name}.Dockerfile")
        if os.path.realpath(context) != os.path.realpath(root):
            problems.append(f"{where}: build context {context} is not the repository root")
        if dockerfile != want_file or not os.path.isfile(os.path.join(root, dockerfile)):
            problems.append(f"{where}: build.dockerfile {dockerfile!r}, want existing {want_file}")
        want_image = "bridging/redis:" if name.startswith("redis-") else f"bridging/{name}:"
        if not image.startswith(want_image) or image.endswith(":latest"):
            problems.append(f"{where}: image {image!r}, want {want_image}<version>")
        # hardening
        if svc.get("read_only") is not True:
            problems.append(f"{where}: not read_only")
        if "ALL" not in as_list(svc.get("cap_drop")):
            problems.append(f"{where}: cap_drop lacks ALL")
        if as_list(svc.get("cap_add")):
            problems.append(f"{where}: cap_add {svc.get('cap_add')}")
        no_new_privileges = {"no-new-privileges:true", "no-new-privileges"}
        if not no_new_privileges & set(as_list(svc.get("security_opt"))):
            problems.append(f"{where}: security_opt lacks no-new-privileges:true")
        if not NON_ROOT_USER.match(str(svc.get("user", ""))):
            problems.append(f"{where}: user {svc.get('user')!r} is not a numeric non-root uid:gid")
        if svc.get("privileged"):
            problems.append(f"{where}: privileged")
        if not any(str(t).split(":")[0] == "/tmp" for t in as_list(svc.get("tmpfs"))):
            problems.append(f"{where}: no tmpfs /tmp")
        if svc.get("restart") in (None, "no"):
            problems.append(f"{where}: no restart policy")
        if svc.get("network_mode") or svc.get("pid") or svc.get("ipc") == "host":
            problems.append(f"{where}: shares a host namespace")
        # ports: the gateway alone, on loopback, its suite ports
        ports = published(svc)
        if name == "gateway":
            for host_ip, host_port, container_port in ports:
                if host_ip != "127.0.0.1":
                    problems.append(f"gateway publishes {host_port}:{container_port} on "
                                    f"{host_ip or 'every interface'}, not 127.0.0.1")
            got = sorted(int(c) for _, _, c in ports)
            if got != sorted(service_ports(suite, "gateway")):
                problems.append(
                    f"gateway publishes {got}, want {sorted(service_ports(suite, 'gateway'))}")
        elif ports:
            problems.append(f"{where} publishes ports {svc.get('ports')}: only the gateway may")
        # secrets: every *_FILE under /run/secrets names a secret it holds, and it holds no other
        held = secrets_of(svc)
        referenced = set()
        for key, value in env_of(svc).items():
            if key.endswith("_FILE") and value and value.startswith("/run/secrets/"):
                secret = value[len("/run/secrets/"):]
                referenced.add(secret)
                if secret not in held:
                    problems.append(f"{where}: {key}={value} but the secret {secret} is not given")
        for secret in sorted(held - referenced):
            problems.append(f"{where}: holds secret {secret} that no *_FILE setting uses")

    # secrets: each only where it is needed
    for secret in sorted(doc.get("secrets") or {}):
        holders = {n for n, s in services.items() if secret in secrets_of(s)}
        want = expected_secret_holders(suite, secret, (doc.get("secrets") or {})[secret])
        if want is None:
            problems.append(f"secret {secret}: unknown (file "
                            f"{((doc.get('secrets') or {})[secret] or {}).get('file')!r}); say in "
                            "check_containers.py who needs it (the CA key: nobody)")
        elif holders != want:
            problems.append(f"secret {secret} is given to {sorted(holders)}, want {sorted(want)}")
        spec = (doc.get("secrets") or {})[secret] or {}
        if not str(spec.get("file", "")).startswith("./secrets/"):
            problems.append(f"secret {secret}: file {spec.get('file')!r} is not under ./secrets/")

    # networks: each service with its own Redis, and nobody else
    redis_net = {}
    for s in with_redis:
        redis = services.get(f"redis-{s}", {})
        nets = as_list(redis.get("networks"))
        if len(nets) != 1:
            problems.append(f"redis-{s}: networks {nets}, want exactly one (its service's)")
            continue
        redis_net[s] = nets[0]
        if not (networks.get(nets[0]) or {}).get("internal"):
            problems.append(f"network {nets[0]} (redis-{s}) is not internal")
    for name, svc in services.items():
        nets = set(as_list(svc.get("networks")))
        if not nets:
            problems.append(f"service {name}: no networks listed (would join the default one)")
        for s, net in redis_net.items():
            member = net in nets
            allowed = name in (s, f"redis-{s}")
            if member and not allowed:
                problems.append(f"service {name} is on {net}, redis-{s}'s network")
            if allowed and not member:
                problems.append(f"service {name} is not on {net}, redis-{s}'s network")

    # the Redis containers
    for s in with_redis:
        redis = services.get(f"redis-{s}", {})
        env = env_of(redis)
        if env.get("REDIS_SERVICE") != s:
            problems.append(f"redis-{s}: REDIS_SERVICE={env.get('REDIS_SERVICE')!r}, want {s}")
        if env.get("REDIS_APPENDFSYNC") != suite[s]["fsync"]:
            problems.append(f"redis-{s}: REDIS_APPENDFSYNC={env.get('REDIS_APPENDFSYNC')!r}, "
                            f"want {suite[s]['fsync']} (scripts/suite.sh)")
        test = (redis.get("healthcheck") or {}).get("test") or []
        if not any("redis-ready" in str(word) for word in as_list(test)):
            problems.append(f"redis-{s}: healthcheck does not run redis-ready")
        volumes = [str(v) for v in as_list(redis.get("volumes"))]
        named = [v.split(":")[0] for v in volumes if v.endswith(":/data")]
        if not named or named[0] not in (doc.get("volumes") or {}):
            problems.append(f"redis-{s}: /data is not a named volume")
        if env.get("REDIS_PORT", "6379") != "6379":
            problems.append(f"redis-{s}: REDIS_PORT is not 6379")

    # the services' wiring
    routes = ",".join(f"bridging.{s}.v1={s}:{suite[s]['grpc']}" for s in suite if s != "gateway")
    for name in suite:
        svc = services.get(name, {})
        env = env_of(svc)
        depends = svc.get("depends_on") or {}
        if isinstance(depends, list):
            problems.append(f"service {name}: depends_on without conditions")
            depends = {d: {} for d in depends}
        if suite[name]["redis"]:
            want = {"BRIDGING_REDIS_ADDR": f"redis-{name}:6379", "BRIDGING_REDIS_USER": name}
            for key, value in want.items():
                if env.get(key) != value:
                    problems.append(f"service {name}: {key}={env.get(key)!r}, want {value!r}")
            redis_env = env_of(services.get(f"redis-{name}", {}))
            redis_password = redis_env.get("REDIS_SERVICE_PASSWORD_FILE")
            if env.get("BRIDGING_REDIS_PASSWORD_FILE") != redis_password:
                problems.append(f"service {name}: BRIDGING_REDIS_PASSWORD_FILE is not the password "
                                f"redis-{name} was given")
            if (depends.get(f"redis-{name}") or {}).get("condition") != "service_healthy":
                problems.append(f"service {name}: does not wait for redis-{name} to be healthy")
        elif any(k.startswith("BRIDGING_REDIS") for k in env):
            problems.append(f"service {name}: keeps no data but has BRIDGING_REDIS_* settings")
        if not env.get("BRIDGING_PRINCIPAL_SECRET_FILE"):
            problems.append(f"service {name}: no BRIDGING_PRINCIPAL_SECRET_FILE")
        for key in ("BRIDGING_ANONYMIZER_ADDR", "BRIDGING_ANALYTICS_ADDR", "BRIDGING_CONSENT_ADDR"):
            target = key[len("BRIDGING_"):-len("_ADDR")].lower()
            if key in env and env[key] != f"{target}:{suite[target]['grpc']}":
                problems.append(f"service {name}: {key}={env[key]!r}, "
                                f"want {target}:{suite[target]['grpc']}")
        for key in ("BRIDGING_PORT", "BRIDGING_METRICS_PORT", "BRIDGING_LISTEN_HOST"):
            if key in env:
                problems.append(f"service {name}: sets {key}; the image's default is the suite's")
    wiring = {"consent": ["BRIDGING_ANONYMIZER_ADDR", "BRIDGING_ANALYTICS_ADDR"],
              "actions": ["BRIDGING_ANONYMIZER_ADDR", "BRIDGING_ANALYTICS_ADDR"],
              "analytics": ["BRIDGING_CONSENT_ADDR"],
              "anonymizer": ["BRIDGING_PSEUDONYM_KEY_FILE"],
              "gateway": ["BRIDGING_ROUTES", "BRIDGING_BOOTSTRAP_ADMIN_KEY_FILE"]}
    for name, keys in wiring.items():
        for key in keys:
            if name in services and key not in env_of(services[name]):
                problems.append(f"service {name}: no {key}")
    gateway_env = env_of(services.get("gateway", {}))
    if gateway_env.get("BRIDGING_ROUTES", "").strip() != routes:
        problems.append(
            f"gateway: BRIDGING_ROUTES={gateway_env.get('BRIDGING_ROUTES')!r}, want {routes!r}")
    gateway_deps = services.get("gateway", {}).get("depends_on") or {}
    for s in suite:
        if s != "gateway" and s not in gateway_deps:
            problems.append(f"gateway: does not depend on {s}")
    problems += compose_tls_problems(doc, suite)
    return problems


def compose_tls_problems(doc, suite):
    """Mutual TLS between the services, TLS on the gateway's public ports, TLS health checks."""
    problems = []
    services = doc.get("services") or {}
    specs = doc.get("secrets") or {}

    def file_behind(name, env, key):
        """The ./secrets/tls/ file an env setting's /run/secrets/<secret> comes from."""
        value = env.get(key)
        if not value:
            problems.append(f"service {name}: {key} is not set (TLS off)")
            return None
        if not value.startswith(SECRETS) or value[len(SECRETS):] not in secrets_of(
                services[name]):
            problems.append(f"service {name}: {key}={value} is not a secret it holds")
            return None
        return tls_file_of(specs.get(value[len(SECRETS):]))

    for name in suite:
        if name not in services:
            continue
        svc = services[name]
        env = env_of(svc)
        want = {"BRIDGING_TLS_CERT_FILE": f"{name}.crt", "BRIDGING_TLS_KEY_FILE": f"{name}.key",
                "BRIDGING_TLS_CA_FILE": "ca.crt"}
        if name == "gateway":
            want.update(BRIDGING_PUBLIC_TLS_CERT_FILE=f"{PUBLIC_CERT}.crt",
                        BRIDGING_PUBLIC_TLS_KEY_FILE=f"{PUBLIC_CERT}.key")
        for key in sorted(k for k in env if k.startswith("BRIDGING_PUBLIC_TLS")):
            if key not in want:
                problems.append(f"service {name}: sets {key}; only the gateway has public ports")
        for key, file_name in want.items():
            got = file_behind(name, env, key)
            if key in env and got != file_name:
                problems.append(f"service {name}: {key} is from secrets/tls/{got}, "
                                f"want secrets/tls/{file_name}")
        # The health check: bridging-health on the service's own gRPC port, over its TLS.
        health = svc.get("healthcheck") or {}
        test = [str(w) for w in as_list(health.get("test"))]
        port = suite[name]["grpc"]
        if health.get("disable") or test[:2] != ["CMD", HEALTH]:
            problems.append(f"service {name}: healthcheck is not [\"CMD\", \"{HEALTH}\", ...]")
            continue
        flags = {w.split("=", 1)[0]: w.split("=", 1)[1] for w in test[2:]
                 if w.startswith("--") and "=" in w}
        targets = [w for w in test[2:] if not w.startswith("--")]
        if targets != [f"127.0.0.1:{port}"]:
            problems.append(f"service {name}: healthcheck asks {targets}, "
                            f"want [\"127.0.0.1:{port}\"]")
        want_flags = {"--tls_ca_file": env.get("BRIDGING_TLS_CA_FILE")}
        if name != "gateway":  # the services demand the client certificate of a peer
            want_flags.update({"--tls_cert_file": env.get("BRIDGING_TLS_CERT_FILE"),
                               "--tls_key_file": env.get("BRIDGING_TLS_KEY_FILE")})
        if flags != want_flags:
            problems.append(f"service {name}: healthcheck flags {flags}, want {want_flags} "
                            "(its own certificate, over TLS)")
        # Peers are healthy before their callers start.
        for dep, spec in sorted((svc.get("depends_on") or {}).items()
                                if isinstance(svc.get("depends_on"), dict) else []):
            if dep in suite and (spec or {}).get("condition") != "service_healthy":
                problems.append(f"service {name}: depends on {dep} without "
                                "condition: service_healthy")
    return problems


def compose_tools():
    tools = []
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True,
                               timeout=30)
        if probe.returncode == 0:
            tools.append(["docker", "compose"])
    if shutil.which("docker-compose"):
        tools.append(["docker-compose"])
    return tools


def tree_state(directory):
    """Every file's and directory's mode, modification time and content under `directory`."""
    state = {}
    for path, dirs, files in os.walk(directory):
        for name in dirs + files:
            full = os.path.join(path, name)
            st = os.stat(full)
            data = open(full, "rb").read() if name in files else b""
            state[full] = (st.st_mode, st.st_mtime_ns, data)
    return state


def make_secrets_problems(secrets_dir, first_run, second_run, compose_doc):
    problems = []
    if first_run.returncode != 0:
        return [f"make-secrets.sh failed: {first_run.stderr.strip()}"]
    if second_run.returncode != 0 or "created" in second_run.stdout:
        problems.append(f"make-secrets.sh is not idempotent: {second_run.stdout.strip()}")
    mode = os.stat(secrets_dir).st_mode & 0o777
    if mode != 0o700:
        problems.append(f"secrets/ has mode {oct(mode)}, want 0o700")

    def content(name):
        with open(os.path.join(secrets_dir, name), "rb") as f:
            return f.read()

    def b64_bytes(data):
        try:
            return len(base64.b64decode(data.strip(), validate=True))
        except ValueError:
            return -1

    for name in ["principal.secret", "redis-ops.password"] + [
            f"redis-{s}.password" for s in ("consent", "actions", "analytics", "gateway")]:
        if b64_bytes(content(name)) != 48:
            problems.append(f"{name} is not base64 of 48 bytes")
    keys = re.match(rb"^k1:([A-Za-z0-9+/=]+)\n?$", content("pseudonym.keys"))
    if not keys or b64_bytes(keys.group(1)) != 32:
        problems.append("pseudonym.keys is not k1:<base64 of 32 bytes>")
    if not re.match(rb"^[a-z0-9]{48}\n?$", content("admin.key")):
        problems.append("admin.key is not 48 lowercase letters/digits")
    mounted = {os.path.normpath(os.path.join(os.path.dirname(secrets_dir), spec.get("file", "")))
               for spec in (compose_doc.get("secrets") or {}).values()}
    for directory, dirs, files in os.walk(secrets_dir):
        rel = os.path.relpath(directory, os.path.dirname(secrets_dir))
        for name in dirs:
            if os.stat(os.path.join(directory, name)).st_mode & 0o777 != 0o700:
                problems.append(f"{rel}/{name}/ is not private (0700)")
        for name in files:
            path = os.path.join(directory, name)
            mode = os.stat(path).st_mode & 0o777
            if path in mounted:  # bind-mounted for uid 10001: read-only, readable by all
                if mode & 0o333 or not mode & 0o004:
                    problems.append(f"{rel}/{name} has mode {oct(mode)}, want 0o444")
            elif mode & 0o077:  # the CA's key and serial: make-certs.sh's alone
                problems.append(f"{rel}/{name} has mode {oct(mode)}; it is never mounted, "
                                "want 0o600")
    for secret, spec in (compose_doc.get("secrets") or {}).items():
        if not os.path.isfile(os.path.join(os.path.dirname(secrets_dir), spec.get("file", ""))):
            problems.append(f"make-secrets.sh does not create {spec.get('file')} ({secret})")
    problems += certificate_problems(os.path.join(secrets_dir, "tls"), compose_doc)
    return problems


def openssl(*args):
    return subprocess.run(["openssl"] + list(args), capture_output=True, text=True, timeout=30)


def certificate_problems(tls_dir, compose_doc):
    """Each certificate the compose file mounts: signed by ca.crt, for server and client use
    (the gateway's public one: server), naming the host its peers dial and 127.0.0.1 (the
    health checks), with the key beside it."""
    if not shutil.which("openssl"):
        return ["openssl is not installed: the certificates cannot be checked"]
    problems = []
    ca = os.path.join(tls_dir, "ca.crt")
    files = {tls_file_of(spec) for spec in (compose_doc.get("secrets") or {}).values()}
    names = sorted(f[:-len(".crt")] for f in files if f and f.endswith(".crt") and f != "ca.crt")
    for name in names:
        cert, key = os.path.join(tls_dir, f"{name}.crt"), os.path.join(tls_dir, f"{name}.key")
        if not (os.path.isfile(cert) and os.path.isfile(key) and os.path.isfile(ca)):
            problems.append(f"secrets/tls/{name}.crt, {name}.key or ca.crt is missing")
            continue
        purposes = ["sslserver"] if name == PUBLIC_CERT else ["sslserver", "sslclient"]
        for purpose in purposes:
            run = openssl("verify", "-CAfile", ca, "-purpose", purpose, "-verify_hostname",
                          name, "-verify_ip", "127.0.0.1", cert)
            if run.returncode != 0:
                problems.append(f"secrets/tls/{name}.crt does not verify against ca.crt for "
                                f"{purpose} with the names {name} and 127.0.0.1: "
                                f"{(run.stderr or run.stdout).strip()}")
        cert_key = openssl("x509", "-in", cert, "-noout", "-pubkey")
        own_key = openssl("pkey", "-in", key, "-pubout")
        if cert_key.returncode != 0 or own_key.returncode != 0 or cert_key.stdout != own_key.stdout:
            problems.append(f"secrets/tls/{name}.key is not the key of {name}.crt")
    if not names:
        problems.append("the compose file mounts no certificates from secrets/tls/")
    return problems


# --- the Redis entrypoint -------------------------------------------------------------------------

class RespError(str):
    pass


class Resp:
    """Just enough of the Redis protocol for the ACL checks."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.buf = b""

    def close(self):
        self.sock.close()

    def call(self, *args):
        words = [a if isinstance(a, bytes) else str(a).encode() for a in args]
        self.sock.sendall(b"*%d\r\n" % len(words)
                          + b"".join(b"$%d\r\n%s\r\n" % (len(w), w) for w in words))
        return self._reply()

    def _fill(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill(len(self.buf) + 1)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:].decode()
        if kind == b"+":
            return rest
        if kind == b"-":
            return RespError(rest)
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            self._fill(n + 2)
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data.decode()
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise ValueError(f"unexpected reply {line!r}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def entrypoint_env(tmp, root, port, **overrides):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "REDIS_SERVICE": "consent",
        "REDIS_APPENDFSYNC": "always",
        "REDIS_PORT": str(port),
        "REDIS_BIND": "127.0.0.1",
        "REDIS_SERVICE_PASSWORD_FILE": os.path.join(tmp, "secrets/redis-service.password"),
        "REDIS_OPS_PASSWORD_FILE": os.path.join(tmp, "secrets/redis-ops.password"),
        "REDIS_DATA_DIR": os.path.join(tmp, "data"),
        "REDIS_CONFIG_DIR": os.path.join(tmp, "conf"),
        "REDIS_TEMPLATE_DIR": os.path.join(root, "deploy/local"),
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def redis_entrypoint_problems(root):
    """Runs deploy/docker/redis-entrypoint.sh with the local redis-server."""
    problems = []
    script = os.path.join(root, "deploy/docker/redis-entrypoint.sh")
    text = open(script).read()
    defaults = {"REDIS_BIND": "0.0.0.0", "REDIS_DATA_DIR": "/data",
                "REDIS_APPENDFSYNC": "everysec", "REDIS_PORT": "6379",
                "REDIS_SERVICE_PASSWORD_FILE": "/etc/bridging/secrets/redis-service.password",
                "REDIS_OPS_PASSWORD_FILE": "/etc/bridging/secrets/redis-ops.password",
                "REDIS_CONFIG_DIR": "/tmp/"}
    for key, value in defaults.items():
        if f"{key}=${{{key}:-{value}" not in text:
            problems.append(f"redis-entrypoint.sh: the default {key}={value} changed "
                            "(the compose file and the k8s manifests rely on it)")
    if not shutil.which("redis-server") or not shutil.which("redis-cli"):
        return problems + ["redis-server/redis-cli not installed (scripts/install-deps.sh)"]

    with tempfile.TemporaryDirectory(prefix="bridging-redis-entrypoint-") as tmp:
        os.makedirs(os.path.join(tmp, "secrets"))
        os.makedirs(os.path.join(tmp, "data"))
        service_password = base64.b64encode(os.urandom(48)).decode()
        ops_password = base64.b64encode(os.urandom(48)).decode()
        # Trailing newlines, as a secret made with echo or kubectl may have.
        with open(os.path.join(tmp, "secrets/redis-service.password"), "w") as f:
            f.write(service_password + "\n")
        with open(os.path.join(tmp, "secrets/redis-ops.password"), "w") as f:
            f.write(ops_password + "\r\n")
        with open(os.path.join(tmp, "secrets/short.password"), "w") as f:
            f.write("short\n")

        # Bad inputs: refused with a message, before any server starts.
        bad_inputs = [
            ({"REDIS_APPENDFSYNC": "sometimes"}, "REDIS_APPENDFSYNC"),
            ({"REDIS_SERVICE": None}, "REDIS_SERVICE"),
            ({"REDIS_SERVICE": "Con sent"}, "REDIS_SERVICE"),
            ({"REDIS_SERVICE": "ops"}, "REDIS_SERVICE"),
            ({"REDIS_PORT": "63x9"}, "REDIS_PORT"),
            ({"REDIS_SERVICE_PASSWORD_FILE": os.path.join(tmp, "missing.password")},
             "missing.password"),
            ({"REDIS_OPS_PASSWORD_FILE": os.path.join(tmp, "missing-ops.password")},
             "missing-ops.password"),
            ({"REDIS_SERVICE_PASSWORD_FILE": os.path.join(tmp, "secrets/short.password")},
             "32 bytes"),
            ({"REDIS_DATA_DIR": os.path.join(tmp, "no-such-dir")}, "no-such-dir"),
        ]
        for overrides, message in bad_inputs:
            env = entrypoint_env(tmp, root, free_port(),
                                 REDIS_CONFIG_DIR=os.path.join(tmp, "bad-conf"), **overrides)
            try:
                run = subprocess.run(["/bin/sh", script], env=env, capture_output=True, text=True,
                                     timeout=10)
                if run.returncode == 0 or message not in run.stderr:
                    problems.append(f"entrypoint with {overrides}: exit {run.returncode}, "
                                    f"stderr {run.stderr.strip()!r}; "
                                    f"want a failure naming {message}")
            except subprocess.TimeoutExpired:
                problems.append(f"entrypoint with {overrides} started a server instead of refusing")

        port = free_port()
        env = entrypoint_env(tmp, root, port)
        log_path = os.path.join(tmp, "redis.log")
        with open(log_path, "w") as log:
            proc = subprocess.Popen(["/bin/sh", script], env=env, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.time() + 10
            ops = None
            while time.time() < deadline and proc.poll() is None:
                try:
                    ops = Resp(port)
                    break
                except OSError:
                    time.sleep(0.05)
            if ops is None:
                log = open(log_path).read()
                return problems + [f"redis via the entrypoint did not start: {log.strip()[-500:]}"]

            comm = open(f"/proc/{proc.pid}/comm").read().strip()
            if comm != "redis-server":
                problems.append(f"the entrypoint's process is {comm}, not redis-server (exec it)")

            def expect(conn, args, check, what):
                try:
                    reply = conn.call(*args)
                except OSError as error:  # ConnectionError included: e.g. a SHUTDOWN that worked
                    reply = f"connection lost ({error})"
                if not check(reply):
                    problems.append(f"{what}: {' '.join(map(str, args))} -> {reply!r}")

            expect(ops, ["PING"], lambda r: isinstance(r, RespError) and r.startswith("NOAUTH"),
                   "unauthenticated (default user) is refused")
            expect(ops, ["AUTH", "default", "x"], lambda r: isinstance(r, RespError),
                   "the default user is off")
            expect(ops, ["AUTH", "ops", ops_password], lambda r: r == "OK", "ops logs in")
            expect(ops, ["PING"], lambda r: r == "PONG", "ops PING")
            expect(ops, ["CONFIG", "GET", "appendfsync"], lambda r: r == ["appendfsync", "always"],
                   "appendfsync from REDIS_APPENDFSYNC")
            expect(ops, ["CONFIG", "GET", "appendonly"], lambda r: r == ["appendonly", "yes"],
                   "AOF on")
            expect(ops, ["CONFIG", "GET", "save"], lambda r: r == ["save", ""], "no RDB snapshots")
            expect(ops, ["CONFIG", "GET", "protected-mode"],
                   lambda r: r == ["protected-mode", "yes"], "protected mode")
            ops.close()

            svc = Resp(port)
            expect(svc, ["AUTH", "consent", service_password], lambda r: r == "OK",
                   "the service user logs in")
            expect(svc, ["SET", "consent:x", "1"], lambda r: r == "OK",
                   "the service writes its prefix")
            expect(svc, ["GET", "consent:x"], lambda r: r == "1", "the service reads its prefix")
            for args in (["SET", "other:x", "1"], ["GET", "other:x"], ["FLUSHALL"], ["KEYS", "*"],
                         ["CONFIG", "GET", "dir"], ["ACL", "LIST"], ["SHUTDOWN"]):
                expect(svc, args, lambda r: isinstance(r, RespError) and r.startswith("NOPERM"),
                       "the service user is refused")
            expect(svc, ["AUTH", "consent", "wrong-password-wrong-password-xx"],
                   lambda r: isinstance(r, RespError), "a wrong password is refused")
            svc.close()

            link = os.path.join(tmp, "redis-ready")
            os.symlink(script, link)
            ready = subprocess.run([link], env=env, capture_output=True, text=True, timeout=10)
            if ready.returncode != 0:
                problems.append(f"redis-ready exited {ready.returncode}: {ready.stderr.strip()}")
            wrong = os.path.join(tmp, "secrets/wrong.password")
            with open(wrong, "w") as f:
                f.write(base64.b64encode(os.urandom(48)).decode())
            not_ready = subprocess.run([link], env=dict(env, REDIS_OPS_PASSWORD_FILE=wrong),
                                       capture_output=True, text=True, timeout=10)
            if not_ready.returncode == 0:
                problems.append("redis-ready exited 0 with a wrong ops password")

            conf_dir = env["REDIS_CONFIG_DIR"]
            if os.stat(conf_dir).st_mode & 0o077:
                problems.append(f"{conf_dir} is readable by others")
            acl_text = open(os.path.join(conf_dir, "users.acl")).read()
            for user, password in (("ops", ops_password), ("consent", service_password)):
                if f"#{hashlib.sha256(password.encode()).hexdigest()}" not in acl_text:
                    problems.append(f"users.acl lacks the SHA-256 of {user}'s password")
            template = open(os.path.join(root, "deploy/local/users.acl.in")).read()
            if acl_text.count("\n") != template.count("\n"):
                problems.append("users.acl is not deploy/local/users.acl.in rendered")
            for directory in (conf_dir, env["REDIS_DATA_DIR"]):
                for dirpath, _, files in os.walk(directory):
                    for name in files:
                        data = open(os.path.join(dirpath, name), "rb").read()
                        for password in (ops_password, service_password):
                            if password.encode() in data:
                                problems.append(
                                    f"{os.path.join(dirpath, name)} holds a plaintext password")
            conf = open(os.path.join(conf_dir, "redis.conf")).read()
            for line in ("bind 127.0.0.1", "appendonly yes", "appendfsync always", 'logfile ""',
                         f"aclfile {conf_dir}/users.acl", f"dir {env['REDIS_DATA_DIR']}"):
                if line not in conf.splitlines():
                    problems.append(f"rendered redis.conf lacks {line!r}")

            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=15)
                if code != 0:
                    problems.append(f"redis exited {code} on SIGTERM")
            except subprocess.TimeoutExpired:
                problems.append("redis did not exit within 15 s of SIGTERM")
            if not os.path.isdir(os.path.join(env["REDIS_DATA_DIR"], "appendonlydir")):
                problems.append("no AOF in the data directory")
        finally:
            # Its own session: also ends a redis-server the entrypoint failed to exec into.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
    return problems


# --- self-check -----------------------------------------------------------------------------------

def self_check_problems(ctx):
    """Known-bad variants of the real definitions: each must be reported."""
    problems = []

    def must_flag(what, found):
        if not found:
            problems.append(f"the check missed: {what}")

    def mutate_text(name, old, new):
        text = ctx["dockerfile_text"][name]
        if old not in text:
            problems.append(f"self-check: {name}.Dockerfile no longer contains {old!r}; "
                            "update the self-check")
            return None
        return parse_dockerfile(text.replace(old, new, 1))

    def service_df_flags(name, df):
        path = f"{name}.Dockerfile"
        return (dockerfile_problems(path, df, ctx["dockerignore"])
                + service_dockerfile_problems(name, path, df, ctx["suite"], ctx["binaries"][name],
                                              ctx["build_packages"]))

    dockerfile_mutations = [
        ("consent", "USER 10001:10001\n", "", "no USER in consent's image"),
        ("consent", "USER 10001:10001\n", "USER 0\n", "USER 0 in consent's image"),
        ("consent", "USER 10001:10001\n", "USER bridging\n", "a non-numeric USER"),
        ("consent", 'ENTRYPOINT ["/usr/local/bin/consent"]', "ENTRYPOINT /usr/local/bin/consent",
         "a shell-form ENTRYPOINT"),
        ("consent", "FROM debian:bookworm-slim\n", "FROM debian:latest\n", "FROM debian:latest"),
        ("actions", "FROM debian:bookworm-slim AS build", "FROM debian AS build",
         "FROM without a tag"),
        ("actions", "FROM debian:bookworm-slim AS build", "FROM ubuntu:22.04 AS build",
         "a non-Debian base"),
        ("actions", "--no-install-recommends", "", "apt install without --no-install-recommends"),
        ("anonymizer", " \\\n && rm -rf /var/lib/apt/lists/* \\\n && groupadd", " \\\n && groupadd",
         "apt lists kept in the runtime image"),
        ("analytics", "COPY . .\n", "COPY . .\nADD https://example.org/x.tar.gz /src/\n",
         "ADD of a URL"),
        ("analytics", "COPY . .\n", "COPY . .\nCOPY deploy/compose/secrets/admin.key /src/\n",
         "a secret copied into an image"),
        ("gateway", "BRIDGING_HTTP_PORT=8100", "BRIDGING_HTTP_PORT=8080",
         "the gateway's HTTP port drifting"),
        ("gateway", "COPY --from=build /build/bin/bridging-audit-verify "
         "/usr/local/bin/bridging-audit-verify\n", "",
         "bridging-audit-verify missing from the gateway image"),
        ("consent", "COPY --from=build /build/bin/bridging-health /usr/local/bin/bridging-health\n",
         "", "bridging-health missing from consent's image"),
        ("analytics", 'ARG BRIDGING_TARGETS="analytics bridging-health"',
         'ARG BRIDGING_TARGETS="analytics"', "bridging-health not built for analytics' image"),
        ("consent", "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_BUILD_TYPE=Debug",
         "a non-Release build"),
        ("consent", "EXPOSE 7101 9101", "EXPOSE 7101", "the metrics port not exposed"),
        ("consent", "      libhiredis0.14 \\\n",
         "      libhiredis0.14 \\\n      libhiredis-dev \\\n",
         "a -dev package in the runtime image"),
    ]
    for name, old, new, what in dockerfile_mutations:
        df = mutate_text(name, old, new)
        if df is not None:
            must_flag(what, service_df_flags(name, df))

    df = mutate_text("consent", "-DBRIDGING_WERROR=ON", "-DBRIDGING_WERROR=OFF")
    if df is not None:
        dfs = dict(ctx["dockerfiles"], consent=df)
        must_flag("build stages drifting apart", build_stages_problems(dfs))

    if ctx["needed"]:
        for name, package in (("anonymizer", "libphonenumber8"), ("gateway", "libcpp-httplib0.11"),
                              ("consent", "libhiredis0.14")):
            df = mutate_text(name, f"      {package} \\\n", "")
            if df is not None:
                must_flag(f"{package} dropped from {name}'s runtime stage",
                          runtime_packages_problems(name, name, df, ctx["needed"].get(name, {})))
        df = mutate_text("consent", "      libssl3 \\\n", "      libssl3 \\\n      curl \\\n")
        if df is not None:
            must_flag("an unneeded runtime package", runtime_packages_problems(
                "consent", "consent", df, ctx["needed"].get("consent", {})))

    redis_df = parse_dockerfile(ctx["redis_text"].replace("USER 10001:10001\n", ""))
    must_flag("no USER in the Redis image",
              dockerfile_problems("redis", redis_df, ctx["dockerignore"]))

    must_flag(".dockerignore without .state", dockerignore_problems(
        ctx["root"], [p for p in ctx["dockerignore"] if ".state" not in p]))

    def compose_flags(mutate):
        doc = copy.deepcopy(ctx["compose"])
        mutate(doc["services"], doc)
        return compose_problems(doc, ctx["suite"], ctx["root"], ctx["compose_dir"])

    compose_mutations = [
        ("consent publishing its port",
         lambda s, d: s["consent"].update(ports=["127.0.0.1:7101:7101"])),
        ("the gateway published on every interface", lambda s, d: s["gateway"].update(
            ports=["7100:7100", "127.0.0.1:8100:8100", "127.0.0.1:9100:9100"])),
        ("consent on actions' Redis network",
         lambda s, d: s["consent"]["networks"].append("actions-redis")),
        ("the anonymizer on a Redis network",
         lambda s, d: s["anonymizer"]["networks"].append("consent-redis")),
        ("consent's Redis fsyncing everysec", lambda s, d: s["redis-consent"]["environment"].update(
            REDIS_APPENDFSYNC="everysec")),
        ("pseudonym keys given to the gateway",
         lambda s, d: s["gateway"]["secrets"].append("pseudonym-keys")),
        ("consent's Redis password given to actions", lambda s, d: s["actions"]["secrets"].append(
            "redis-consent-password")),
        ("a writable root filesystem", lambda s, d: s["analytics"].update(read_only=False)),
        ("capabilities kept", lambda s, d: s["actions"].update(cap_drop=[])),
        ("a root user", lambda s, d: s["redis-gateway"].update(user="0:0")),
        ("no-new-privileges dropped", lambda s, d: s["anonymizer"].update(security_opt=[])),
        ("an unconditional depends_on",
         lambda s, d: s["consent"].update(depends_on=["redis-consent"])),
        ("a Redis network that is not internal",
         lambda s, d: d["networks"]["consent-redis"].update(internal=False)),
        ("a missing Dockerfile",
         lambda s, d: s["actions"]["build"].update(dockerfile="deploy/docker/nope.Dockerfile")),
        ("a route drifting", lambda s, d: s["gateway"]["environment"].update(
            BRIDGING_ROUTES="bridging.consent.v1=consent:7101")),
        # TLS
        ("consent without its CA (TLS off)",
         lambda s, d: s["consent"]["environment"].pop("BRIDGING_TLS_CA_FILE")),
        ("the anonymizer without TLS at all", lambda s, d: [
            s["anonymizer"]["environment"].pop(k) for k in
            ("BRIDGING_TLS_CERT_FILE", "BRIDGING_TLS_KEY_FILE", "BRIDGING_TLS_CA_FILE")]),
        ("the gateway's public ports in plaintext",
         lambda s, d: s["gateway"]["environment"].pop("BRIDGING_PUBLIC_TLS_CERT_FILE")),
        ("actions presenting consent's certificate and key", lambda s, d: (
            s["actions"]["environment"].update(
                BRIDGING_TLS_CERT_FILE="/run/secrets/consent-tls-cert",
                BRIDGING_TLS_KEY_FILE="/run/secrets/consent-tls-key"),
            s["actions"].update(secrets=[x for x in s["actions"]["secrets"]
                                         if not x.startswith("actions-tls")]
                                + ["consent-tls-cert", "consent-tls-key"]))),
        ("analytics given the gateway's key as well",
         lambda s, d: s["analytics"]["secrets"].append("gateway-tls-key")),
        ("the CA key mounted", lambda s, d: (
            d["secrets"].update({"tls-ca-key": {"file": "./secrets/tls/ca.key"}}),
            s["consent"]["secrets"].append("tls-ca-key"),
            s["consent"]["environment"].update(BRIDGING_X_FILE="/run/secrets/tls-ca-key"))),
        ("consent's certificate file swapped for actions'", lambda s, d: d["secrets"][
            "consent-tls-cert"].update(file="./secrets/tls/actions.crt")),
        ("a plaintext health check", lambda s, d: s["consent"]["healthcheck"].update(
            test=["CMD", "/usr/local/bin/bridging-health", "127.0.0.1:7101"])),
        ("a health check without a client certificate", lambda s, d: s["analytics"][
            "healthcheck"].update(test=["CMD", "/usr/local/bin/bridging-health",
                                        "--tls_ca_file=/run/secrets/tls-ca", "127.0.0.1:7104"])),
        ("no health check on actions", lambda s, d: s["actions"].pop("healthcheck")),
        ("the gateway's health check on another port", lambda s, d: s["gateway"][
            "healthcheck"].update(test=["CMD", "/usr/local/bin/bridging-health",
                                        "--tls_ca_file=/run/secrets/tls-ca", "127.0.0.1:8100"])),
        ("the gateway not waiting for analytics to be healthy", lambda s, d: s["gateway"][
            "depends_on"]["analytics"].update(condition="service_started")),
    ]
    for what, mutate in compose_mutations:
        try:
            must_flag(what, compose_flags(mutate))
        except (KeyError, AttributeError, TypeError) as error:
            problems.append(f"self-check: cannot apply '{what}' ({error!r}); update the self-check")
    return problems


# --- main -----------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="the repository root")
    parser.add_argument("--binaries", nargs="*", default=[], help="built service binaries")
    args = parser.parse_args()
    root = os.path.realpath(args.root)
    started = time.time()
    report = Report()

    suite = read_suite(root)
    build_packages = build_packages_from_install_deps(root)
    dockerignore = dockerignore_patterns(root)
    docker_dir = os.path.join(root, "deploy/docker")

    binaries = {name: [name] for name in suite}
    for extra, services in EXTRA_BINARIES.items():
        for service in services or suite:
            binaries[service].append(extra)

    # 1. Dockerfiles
    texts, dfs = {}, {}
    for name in suite:
        path = os.path.join(docker_dir, f"{name}.Dockerfile")
        if not os.path.exists(path):
            report.check(f"dockerfile {name}", [f"deploy/docker/{name}.Dockerfile is missing"])
            continue
        texts[name] = open(path).read()
        dfs[name] = parse_dockerfile(texts[name])
        rel = f"deploy/docker/{name}.Dockerfile"
        report.check(f"dockerfile {name}",
                     dockerfile_problems(rel, dfs[name], dockerignore)
                     + service_dockerfile_problems(name, rel, dfs[name], suite, binaries[name],
                                                   build_packages))
    report.check("dockerfiles share one build stage", build_stages_problems(dfs))
    redis_text = open(os.path.join(docker_dir, "redis.Dockerfile")).read()
    redis_df = parse_dockerfile(redis_text)
    redis_rel = "deploy/docker/redis.Dockerfile"
    report.check("dockerfile redis", dockerfile_problems(redis_rel, redis_df, dockerignore)
                 + redis_dockerfile_problems(redis_rel, redis_df))
    report.check(".dockerignore", dockerignore_problems(root, dockerignore))

    # 2. runtime libraries
    needed = {}
    if not args.binaries:
        report.check("runtime libraries", ["no --binaries given"])
    else:
        problems = []
        known = {b for names in binaries.values() for b in names}
        given = {os.path.basename(b) for b in args.binaries}
        for b in args.binaries:
            if not os.path.isfile(b):
                problems.append(f"{b} does not exist (build it first)")
            if os.path.basename(b) not in known:
                problems.append(f"{b}: not a binary of any image")
        for b in sorted(known - given):
            problems.append(f"--binaries lacks {b}")
        if not problems:
            try:
                needed = binary_packages(args.binaries, binaries)
            except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
                problems.append(str(error))
        for name in sorted(dfs):
            if name in needed:
                problems += runtime_packages_problems(
                    name, f"deploy/docker/{name}.Dockerfile", dfs[name], needed[name])
        report.check("runtime libraries match the binaries (objdump NEEDED -> dpkg -S)", problems)
        for name in sorted(needed):
            print(f"     {name}: {' '.join(sorted(needed[name]))}")

    # 3. compose
    compose_dir = os.path.join(root, "deploy/compose")
    compose = yaml.safe_load(open(os.path.join(compose_dir, "compose.yaml")))
    report.check("compose structure", compose_problems(compose, suite, root, compose_dir))
    gitignore = os.path.join(compose_dir, ".gitignore")
    report.check("compose secrets are git-ignored",
                 [] if os.path.exists(gitignore) and "secrets/" in open(gitignore).read().split()
                 else ["deploy/compose/.gitignore does not ignore secrets/"])
    with tempfile.TemporaryDirectory(prefix="bridging-compose-") as tmp:
        for part in ("compose", "docker", "local"):
            shutil.copytree(os.path.join(root, "deploy", part), os.path.join(tmp, "deploy", part),
                            ignore=shutil.ignore_patterns("secrets"))
        # make-secrets.sh runs ../../scripts/make-certs.sh
        os.makedirs(os.path.join(tmp, "scripts"))
        shutil.copy2(os.path.join(root, "scripts/make-certs.sh"), os.path.join(tmp, "scripts"))
        tmp_compose = os.path.join(tmp, "deploy/compose")
        script = os.path.join(tmp_compose, "make-secrets.sh")
        first = subprocess.run(["/bin/sh", script], capture_output=True, text=True, timeout=30)
        before = tree_state(os.path.join(tmp_compose, "secrets"))
        second = subprocess.run(["/bin/sh", script], capture_output=True, text=True, timeout=30)
        if tree_state(os.path.join(tmp_compose, "secrets")) != before:
            second.stdout += " (and the second run changed files in secrets/)"
            second.returncode = second.returncode or 1
        report.check("make-secrets.sh", make_secrets_problems(
            os.path.join(tmp_compose, "secrets"), first, second, compose))
        tools = compose_tools()
        if not tools:
            report.note("neither docker-compose nor `docker compose` is installed: "
                        "the compose file's syntax is not validated")
        for tool in tools:
            run = subprocess.run(tool + ["-f", "compose.yaml", "config", "-q"], cwd=tmp_compose,
                                 capture_output=True, text=True, timeout=60,
                                 env=dict(os.environ, COMPOSE_PROJECT_NAME="bridging"))
            report.check(f"`{' '.join(tool)} config -q`",
                         [] if run.returncode == 0 else [(run.stderr or run.stdout).strip()])

    # 4. the Redis entrypoint, for real
    report.check("redis entrypoint with the local redis-server", redis_entrypoint_problems(root))

    # 5. self-check
    ctx = {"root": root, "suite": suite, "dockerignore": dockerignore or [],
           "build_packages": build_packages, "dockerfile_text": texts, "dockerfiles": dfs,
           "binaries": binaries, "needed": needed, "redis_text": redis_text, "compose": compose,
           "compose_dir": compose_dir}
    if len(texts) == len(suite):
        report.check("self-check: known-bad definitions are reported", self_check_problems(ctx))

    print(f"container definitions: {report.passed} passed, {report.failed} failed "
          f"({time.time() - started:.1f} s)")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
