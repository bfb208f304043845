# Evaluates NetworkPolicies the way Kubernetes does: which endpoint may open which port on which.
"""Reachability implied by networking.k8s.io/v1 NetworkPolicies.

Endpoints are the rendered pods (one per workload) plus a few stand-ins for everything outside
the namespace: an address outside the cluster, a pod in an ordinary namespace, a pod in a
monitoring namespace and the cluster DNS in kube-system. A connection src -> dst:port/proto
exists when src's egress allows it AND dst's ingress allows it (a pod no policy of that
direction selects is not isolated in that direction; namespaces other than ours are assumed
open on their side).

    pods = [Endpoint("consent", "bridging", ns_labels, labels, [(7101, "TCP", "grpc")]), ...]
    grants = evaluate(policies, pods + outside_peers())
    grants.connections  # {("gateway", "consent", "7101/TCP"), ...}
"""

import collections

# Ports tried on endpoints outside the namespace, which declare none: anything a rule might
# open by accident (the suite's own ports, web, DNS, Redis, something random).
PROBE_PORTS = ([(53, "UDP"), (53, "TCP"), (80, "TCP"), (443, "TCP"), (6379, "TCP"),
                (8100, "TCP"), (9090, "TCP"), (40000, "TCP"), (40000, "UDP")]
               + [(p, "TCP") for p in range(7100, 7105)] + [(p, "TCP") for p in range(9100, 9105)])

MONITORING_LABEL = "bridging.example/monitoring"

Endpoint = collections.namedtuple("Endpoint", "name namespace ns_labels labels ports")
Grants = collections.namedtuple("Grants", "connections egress ingress")


def outside_peers():
    """The stand-ins for everything outside the namespace (namespace None: outside the cluster)."""
    ports = [(port, proto, "") for port, proto in PROBE_PORTS]
    return [
        Endpoint("external", None, None, None, ports),
        Endpoint("other-namespace", "elsewhere", {"kubernetes.io/metadata.name": "elsewhere"},
                 {"app": "client"}, ports),
        Endpoint("monitoring", "monitoring",
                 {"kubernetes.io/metadata.name": "monitoring", MONITORING_LABEL: "true"},
                 {"app.kubernetes.io/name": "prometheus"}, ports),
        Endpoint("kube-dns", "kube-system", {"kubernetes.io/metadata.name": "kube-system"},
                 {"k8s-app": "kube-dns"}, ports),
    ]


def selector_matches(selector, labels):
    """A LabelSelector against a label map; {} selects everything."""
    selector = selector or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if op == "In":
            ok = key in labels and labels[key] in values
        elif op == "NotIn":
            ok = key not in labels or labels[key] not in values
        elif op == "Exists":
            ok = key in labels
        elif op == "DoesNotExist":
            ok = key not in labels
        else:
            raise ValueError("unknown selector operator %r" % op)
        if not ok:
            return False
    return True


def _peer_matches(peer, policy_namespace, endpoint):
    if "ipBlock" in peer:
        return True  # an address range may cover anything: count it as reaching everything
    if endpoint.namespace is None:
        return False  # outside the cluster: only ipBlock or "everyone" reaches it
    if "namespaceSelector" in peer:
        in_namespace = selector_matches(peer["namespaceSelector"], endpoint.ns_labels)
    else:
        in_namespace = endpoint.namespace == policy_namespace
    return in_namespace and ("podSelector" not in peer
                             or selector_matches(peer["podSelector"], endpoint.labels))


def _port_matches(rules, port, proto, name):
    if not rules:
        return True  # no ports: every port
    for rule in rules:
        if rule.get("protocol", "TCP") != proto:
            continue
        if "port" not in rule:
            return True
        value = rule["port"]
        if isinstance(value, str) and not value.isdigit():
            if name and value == name:  # a named port is the destination pod's
                return True
            continue
        low = int(value)
        if low <= port <= int(rule.get("endPort", low)):
            return True
    return False


def policy_types(policy):
    spec = policy.get("spec") or {}
    if spec.get("policyTypes"):
        return set(spec["policyTypes"])
    return {"Ingress"} | ({"Egress"} if "egress" in spec else set())


def _allowed(policies, direction, subject, peer, port, proto, port_name):
    """Whether `subject`'s policies of `direction` let it talk with `peer` on the port."""
    rules_key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    selecting = [p for p in policies
                 if p["metadata"].get("namespace") == subject.namespace
                 and direction in policy_types(p)
                 and selector_matches(p["spec"].get("podSelector"), subject.labels)]
    if not selecting:
        return True  # not isolated in this direction
    for policy in selecting:
        for rule in policy["spec"].get(rules_key) or []:
            peers = rule.get(peers_key) or []
            if peers and not any(_peer_matches(x, policy["metadata"].get("namespace"), peer)
                                 for x in peers):
                continue
            if _port_matches(rule.get("ports"), port, proto, port_name):
                return True
    return False


def evaluate(policies, endpoints, namespace):
    """Grants between every pair in which at least one side is in `namespace`.

    connections: (src, dst, "port/proto") both sides allow; egress / ingress: what each side
    allows on its own (only for pairs inside the namespace, where both sides are ours).
    """
    connections, egress, ingress = set(), set(), set()
    for src in endpoints:
        for dst in endpoints:
            ours_src, ours_dst = src.namespace == namespace, dst.namespace == namespace
            if not (ours_src or ours_dst):
                continue
            for port, proto, name in dst.ports:
                out_ok = (not ours_src
                          or _allowed(policies, "Egress", src, dst, port, proto, name))
                in_ok = (not ours_dst
                         or _allowed(policies, "Ingress", dst, src, port, proto, name))
                edge = (src.name, dst.name, "%d/%s" % (port, proto))
                if out_ok and in_ok:
                    connections.add(edge)
                if ours_src and ours_dst:
                    if out_ok:
                        egress.add(edge)
                    if in_ok:
                        ingress.add(edge)
    return Grants(connections, egress, ingress)


def format_edge(edge):
    src, dst, port = edge
    return "%s -> %s:%s" % (src, dst, port)
