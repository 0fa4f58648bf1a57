#!/usr/bin/env python3
"""Offline checks of the deployment files (no Docker engine or cluster here):
they parse, every service is wired to the collector, ports agree with the
binaries' defaults, every Deployment has probes."""
import pathlib
import sys

import yaml

root = pathlib.Path(__file__).parent
problems = []

compose = yaml.safe_load((root / "compose.yaml").read_text())
services = compose["services"]
for name in ["jaeger", "order", "payment", "notification", "gateway"]:
    if name not in services:
        problems.append(f"compose: service {name} missing")
for name in ["order", "payment", "notification", "gateway"]:
    svc = services.get(name, {})
    env = svc.get("environment", {})
    if env.get("OTEL_EXPORTER_OTLP_ENDPOINT") != "http://jaeger:4317":
        problems.append(f"compose: {name} does not export to jaeger:4317")
    if not svc.get("command"):
        problems.append(f"compose: {name} has no command")
    if "EC_SERVICE_TOKEN" not in env:
        problems.append(f"compose: {name} listens beyond loopback without EC_SERVICE_TOKEN (it would refuse to start)")
if services.get("jaeger", {}).get("environment", {}).get("COLLECTOR_OTLP_ENABLED") != "true":
    problems.append("compose: jaeger does not accept OTLP")

docs = [d for d in yaml.safe_load_all((root / "k8s" / "platform.yaml").read_text()) if d]
deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
for name, port in [("order", 8000), ("payment", 8001), ("notification", 8002)]:
    c = deployments[name]["spec"]["template"]["spec"]["containers"][0]
    if c["readinessProbe"].get("grpc", {}).get("port") != port:
        problems.append(f"k8s: {name} readiness probe is not gRPC on {port}")
    if "livenessProbe" not in c:
        problems.append(f"k8s: {name} has no liveness probe")
    if {"secretRef": {"name": "ec-platform"}} not in c.get("envFrom", []):
        problems.append(f"k8s: {name} gets no EC_SERVICE_TOKEN from the ec-platform Secret (it would refuse to start)")
    if deployments[name]["spec"].get("replicas") != 1:
        problems.append(f"k8s: {name} must run one replica (it owns a SQLite file)")
gw = deployments["gateway"]["spec"]["template"]["spec"]["containers"][0]
if gw["readinessProbe"]["httpGet"]["path"] != "/readyz":
    problems.append("k8s: gateway readiness is not /readyz")

for p in problems:
    print("deploy:", p)
print(f"deploy files: {len(services)} compose services, {len(docs)} k8s objects, {len(problems)} problems")
sys.exit(1 if problems else 0)
