#!/usr/bin/env python3
"""Drive the real cMCP reference gateway (PyPI cmcp-runtime 0.7.1) and print what it emits.

Usage: .venv/bin/python harness/adapters/cmcp/gateway_driver.py < scenario.json

What this script owns:
  * A fresh temporary directory holding everything the gateway needs and writes: the config
    file, a Cedar policy bundle, the tool catalog, the SQLite audit database and the gateway's
    own stdout/stderr logs. It is deleted at the end, whatever happens.
  * A mock MCP upstream (standard-library HTTP JSON-RPC server in a thread, 127.0.0.1) serving
    three tools: `echo` (public, allowed), `robot.move` (confidential, allowed; its reply can
    carry a signed `external_execution_evidence` receipt) and `salesforce.contacts` (pii, denied
    by the policy bundle, so the gateway should never forward it).
  * A per-run receipt issuer: an Ed25519 key, random or derived from `issuer_seed_hex`.
  * The gateway process itself: `cmcp start --config FILE` with CMCP_DEV_MODE=1 (software-only
    attestation), on a free loopback port, in its own process group, always killed at the end.
  * Driving the scenario: tool calls through POST /mcp, operator resets through
    POST /sessions/{id}/reset, and for every scenario session POST /sessions/{id}/close (the
    signed claim) followed by GET /audit/export?session_id=... (the signed audit bundle).

What it does not do: judge anything. It never verifies a claim, a bundle or a receipt and never
decides whether the gateway behaved correctly; it reports the HTTP status and body of every
request verbatim. The Rust side checks the output with our own verifier. The driver only fails
(non-zero exit, message on stderr) when it cannot carry out the scenario at all: bad input, the
gateway does not start, a request times out, or a close/export/reset request is refused.

Scenario (stdin, JSON):
  {"sessions": [{"label": "s1", "calls": ["deny", "allow", "receipt"], "reset_after": null}],
   "receipt_mode": "good", "issuer_seed_hex": "<optional, 64 hex digits>"}
  calls: "deny" = salesforce.contacts, "allow" = echo, "receipt" = robot.move.
  receipt_mode (scenario-wide, or per session): "good" (receipt bound to the real call id),
  "wrongcall" (bound to a different uuid, still validly signed), "none" (no receipt).
  reset_after: after that many calls, reset the live session through the gateway's operator
  route; the remaining calls run in the successor session, which is the one closed (its claim
  covers the whole hash-linked chain, including the entries from before the reset).
  Sessions run one after another in one gateway process, so the second claim carries
  prev_claim_hash and sequence_number 2.

Output (stdout, one JSON object):
  {"gateway_version": "0.7.1",
   "sessions": [{"label", "internal_session_id", "claim", "bundle",
                 "responses": [{"kind", "http_status", "call_id"?, "body"}, ...]}],
   "issuer": {"public_key_hex", "key_id", "jwk": {"kty": "OKP", "crv": "Ed25519", "x"}}}
  `responses` lists, in order, one item per tool call (kind "deny" | "allow" | "receipt") and
  one item of kind "reset" for a reset (its body names old_session_id and new_session_id).

Gateway facts this relies on (read from the installed cmcp_runtime 0.7.1):
  * config.py: the YAML config (JSON is valid YAML) takes listen_addr, policy_bundle_path,
    catalog_path, audit_db_path and attestation.{provider, enforcement_mode}; unknown keys are
    refused. Tokens come from CMCP_BEARER_TOKEN and CMCP_OPERATOR_TOKEN, never from the file.
  * policy/bundle.py: the bundle is a directory with manifest.json (version, authored_at,
    author_identity, commit_sha), one or more *.cedar files and schema.cedarschema (hashed,
    not used for validation). policy/cedar.py evaluates with entities=[] and
    resource = Resource::"<tool name>", at ingress and again at egress.
  * catalog/loader.py + schemas/catalog-entry.schema.json: a JSON array of entries with
    tool_name, server{display_name, url, tls_fingerprint, transport}, approved_definition
    {description, input_schema}, definition_hash (sha256 of sorted compact ASCII JSON of
    approved_definition), added_at, approved_by, sensitivity_level, compliance_domain.
  * mcp/proxy.py: on first contact per session the gateway lists the upstream's tools and
    compares each catalogued tool's (description, input schema, output schema) with what the
    upstream advertises; a missing or changed tool is drift and fails every call closed. So
    the mock advertises exactly the catalogued definitions. tools/call carries the gateway's
    call_id as the JSON-RPC id; replies must be application/json. The receipt is taken from
    the reply's text content when it is a JSON object with an `external_execution_evidence`
    object of exactly six string fields. The response scanner blocks replies containing
    credential-, PII- or injection-like text, which is why the mock re-issues a receipt whose
    random-looking signature happens to look like a credential (see _scanner_clean).
  * mcp/server.py: the `_cmcp.session_id` label is accepted but not used; the gateway has one
    live session at a time and rotates to a fresh one on close. A denied call (403) does not
    name the session, so the live session id is read from the driver's own audit database
    (last row is the live session's session_start) and cross-checked with allowed replies.
"""

import base64
import hashlib
import http.server
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from importlib.metadata import PackageNotFoundError, version

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

HOST = "127.0.0.1"
STARTUP_TIMEOUT_S = 30.0
HTTP_TIMEOUT_S = 20.0
WORKFLOW_ID = "trace-conformance-driver"
ISSUER = "spiffe://controller.trace-conformance.test/robot-safety"
EVIDENCE_TYPE = "controller-execution-receipt/v1"
RECEIPT_MODES = ("good", "wrongcall", "none")
CALL_TOOLS = {"deny": "salesforce.contacts", "allow": "echo", "receipt": "robot.move"}
CALL_ARGUMENTS = {
    "deny": {"query": "acme corporation"},
    "allow": {"text": "hello from trace-conformance"},
    "receipt": {"joint": "arm-1", "position": 10},
}

# The approved definitions, shared by the catalog and by the mock upstream's tools/list so
# the gateway's drift check finds them identical.
TOOLS = [
    {
        "tool_name": "echo",
        "description": "Echo the given text back.",
        "input_schema": {
            "type": "object",
            "properties": {"text": {"type": "string"}},
            "required": ["text"],
        },
        "sensitivity_level": "public",
        "compliance_domain": "public",
    },
    {
        "tool_name": "robot.move",
        "description": "Move a robot joint to a position; the controller returns a signed receipt.",
        "input_schema": {
            "type": "object",
            "properties": {"joint": {"type": "string"}, "position": {"type": "integer"}},
            "required": ["joint", "position"],
        },
        "sensitivity_level": "confidential",
        "compliance_domain": "internal",
    },
    {
        "tool_name": "salesforce.contacts",
        "description": "Look up customer contacts in the CRM.",
        "input_schema": {
            "type": "object",
            "properties": {"query": {"type": "string"}},
            "required": ["query"],
        },
        "sensitivity_level": "pii",
        "compliance_domain": "pii",
    },
]

POLICY_CEDAR = """// trace-conformance gateway_driver: allow every catalogued tool except the CRM lookup.
@id("allow-catalogued-tools")
permit (principal, action, resource);

@id("deny-salesforce-contacts")
@aarm_decision("deny")
forbid (principal, action, resource == Resource::"salesforce.contacts");
"""

POLICY_SCHEMA = """// Not used for validation by cmcp-runtime 0.7.1 (it only enters the bundle hash).
entity Agent;
entity Resource;
action "Echo", "Robot.move", "Salesforce.contacts" appliesTo {
  principal: [Agent],
  resource: [Resource],
};
"""


class DriverError(Exception):
    """The scenario could not be carried out (not a verdict about the gateway)."""


def pyjson(obj):
    """Sorted, compact, ASCII-escaped JSON: what cMCP hashes and signs."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# ---------------------------------------------------------------------------------------------
# Scenario input


def load_scenario(text):
    try:
        scenario = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DriverError(f"scenario is not JSON: {exc}") from exc
    if not isinstance(scenario, dict):
        raise DriverError("scenario must be a JSON object")
    mode = scenario.get("receipt_mode", "good")
    if mode not in RECEIPT_MODES:
        raise DriverError(f"receipt_mode must be one of {RECEIPT_MODES}, got {mode!r}")
    seed = scenario.get("issuer_seed_hex")
    if seed is not None:
        try:
            seed_bytes = bytes.fromhex(seed)
        except (TypeError, ValueError) as exc:
            raise DriverError("issuer_seed_hex must be hex") from exc
        if len(seed_bytes) != 32:
            raise DriverError("issuer_seed_hex must be 32 bytes (64 hex digits)")
    sessions = scenario.get("sessions")
    if not isinstance(sessions, list) or not sessions:
        raise DriverError("scenario.sessions must be a non-empty list")
    for i, session in enumerate(sessions):
        if not isinstance(session, dict):
            raise DriverError(f"sessions[{i}] must be an object")
        calls = session.get("calls", [])
        if not isinstance(calls, list) or any(c not in CALL_TOOLS for c in calls):
            raise DriverError(f"sessions[{i}].calls must be a list of {sorted(CALL_TOOLS)}")
        reset_after = session.get("reset_after")
        if reset_after is not None and (
            isinstance(reset_after, bool) or not isinstance(reset_after, int) or not 0 <= reset_after <= len(calls)
        ):
            raise DriverError(f"sessions[{i}].reset_after must be null or 0..{len(calls)}")
        if session.get("receipt_mode", mode) not in RECEIPT_MODES:
            raise DriverError(f"sessions[{i}].receipt_mode must be one of {RECEIPT_MODES}")
        if not isinstance(session.get("label", f"s{i + 1}"), str):
            raise DriverError(f"sessions[{i}].label must be a string")
    return scenario


# ---------------------------------------------------------------------------------------------
# Receipt issuer


class Issuer:
    """The external controller that signs execution receipts for robot.move."""

    def __init__(self, seed):
        self._key = Ed25519PrivateKey.from_private_bytes(seed) if seed else Ed25519PrivateKey.generate()
        self.public_key = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = hashlib.sha256(self.public_key).hexdigest()

    def describe(self):
        return {
            "public_key_hex": self.public_key.hex(),
            "key_id": self.key_id,
            "jwk": {"kty": "OKP", "crv": "Ed25519", "x": b64url(self.public_key)},
        }

    def receipt(self, linked_call_id, payload):
        """A receipt over a detached payload: evidence_hash is sha256 of the payload's
        canonical JSON (ASCII strings and integers only, where sorted compact JSON and
        RFC 8785 agree); the signature covers the receipt without its signature."""
        body = {
            "issuer": ISSUER,
            "issuer_key_id": self.key_id,
            "evidence_hash": "sha256:" + hashlib.sha256(pyjson(payload).encode()).hexdigest(),
            "evidence_type": EVIDENCE_TYPE,
            "linked_call_id": linked_call_id,
        }
        body["signature"] = b64url(self._key.sign(pyjson(body).encode()))
        return body


def _load_scanner():
    """The gateway blocks replies that look like credentials or PII. A receipt's signature is
    random-looking text and on rare keys matches such a pattern (for example `sk-` followed by
    twenty letters); using the installed scanner lets the mock re-issue instead of flaking."""
    try:
        from cmcp_runtime.runtime_gateway import MCPResponseScanner
    except Exception:
        return None
    return MCPResponseScanner()


_SCANNER = _load_scanner()


def _scanner_clean(text):
    return _SCANNER is None or _SCANNER.scan_response(text, "robot.move").is_safe


# ---------------------------------------------------------------------------------------------
# Mock MCP upstream


class MockUpstream:
    """JSON-RPC over HTTP POST, answering what cmcp-runtime's upstream client sends."""

    def __init__(self, issuer):
        self.issuer = issuer
        self.receipt_mode = "good"
        self.lock = threading.Lock()
        self.log = []  # (method, id, tool name) per request, for error messages only
        upstream = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):  # keep stdout/stderr clean
                pass

            def do_POST(self):
                try:
                    length = int(self.headers.get("Content-Length") or 0)
                    request = json.loads(self.rfile.read(length) or b"null")
                except (ValueError, json.JSONDecodeError):
                    self._send(400, {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "parse error"}})
                    return
                self._send(200, upstream.answer(request))

            def do_GET(self):
                self._send(405, {"error": "POST only"})

            def _send(self, status, obj):
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer((HOST, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://{HOST}:{self.port}/mcp"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, request):
        if not isinstance(request, dict):
            return {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "invalid request"}}
        rpc_id = request.get("id")
        method = request.get("method")
        params = request.get("params") if isinstance(request.get("params"), dict) else {}
        with self.lock:
            self.log.append((method, rpc_id, params.get("name")))
        if method == "initialize":
            result = {
                "protocolVersion": params.get("protocolVersion", "2026-07-28"),
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "trace-conformance-mock-upstream", "version": "1"},
            }
        elif method == "tools/list":
            result = {
                "tools": [
                    {"name": t["tool_name"], "description": t["description"], "inputSchema": t["input_schema"]}
                    for t in TOOLS
                ]
            }
        elif method == "tools/call":
            result = self.call(str(rpc_id), params.get("name"), params.get("arguments") or {})
            if result is None:
                return {"jsonrpc": "2.0", "id": rpc_id, "error": {"code": -32602, "message": "unknown tool"}}
        else:
            return {"jsonrpc": "2.0", "id": rpc_id, "error": {"code": -32601, "message": "method not found"}}
        return {"jsonrpc": "2.0", "id": rpc_id, "result": result}

    def call(self, call_id, name, arguments):
        if name == "echo":
            text = str(arguments.get("text", ""))
        elif name == "salesforce.contacts":
            # The policy denies this tool, so the gateway should never forward it. Answer
            # anyway; the audit chain, not the driver, is the record of what happened.
            text = json.dumps({"contacts": []})
        elif name == "robot.move":
            text = self.robot_move(call_id, arguments)
        else:
            return None
        return {"content": [{"type": "text", "text": text}], "isError": False}

    def robot_move(self, call_id, arguments):
        with self.lock:
            mode = self.receipt_mode
        outcome = {
            "status": "moved",
            "joint": str(arguments.get("joint", "")),
            "position": arguments.get("position"),
        }
        if mode == "none":
            return json.dumps(outcome, sort_keys=True)
        linked = call_id if mode == "good" else str(uuid.uuid4())
        for attempt in range(64):
            payload = {
                "profile": "trace-conformance.mock-controller-receipt/v1",
                "call_id": linked,
                "tool_name": "robot.move",
                "arguments_hash": "sha256:" + hashlib.sha256(pyjson(arguments).encode()).hexdigest(),
                "verdict": "accepted",
                "attempt": attempt,
            }
            text = json.dumps(
                {**outcome, "external_execution_evidence": self.issuer.receipt(linked, payload)},
                sort_keys=True,
            )
            if _scanner_clean(text):
                return text
        return text


# ---------------------------------------------------------------------------------------------
# Gateway process and HTTP client


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def write_gateway_files(workdir, gateway_port, upstream_url):
    policy_dir = os.path.join(workdir, "policy")
    os.makedirs(policy_dir)
    manifest = {
        "version": "0.1.0",
        "authored_at": "2026-01-01T00:00:00+00:00",
        "author_identity": "trace-conformance/gateway_driver",
        "commit_sha": "0" * 40,
    }
    with open(os.path.join(policy_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
    with open(os.path.join(policy_dir, "policy.cedar"), "w", encoding="utf-8") as f:
        f.write(POLICY_CEDAR)
    with open(os.path.join(policy_dir, "schema.cedarschema"), "w", encoding="utf-8") as f:
        f.write(POLICY_SCHEMA)

    catalog = []
    for tool in TOOLS:
        definition = {"description": tool["description"], "input_schema": tool["input_schema"]}
        catalog.append(
            {
                "tool_name": tool["tool_name"],
                "server": {
                    "display_name": "trace-conformance mock upstream",
                    "url": upstream_url,
                    # The all-"A" placeholder means "no pin recorded"; a plain-http upstream
                    # cannot be pinned anyway (the gateway logs TLS_PIN_UNENFORCED and proceeds).
                    "tls_fingerprint": "SHA256:" + "A" * 43 + "=",
                    "transport": "streamable-http",
                },
                "approved_definition": definition,
                "definition_hash": "sha256:" + hashlib.sha256(pyjson(definition).encode()).hexdigest(),
                "compliance_domain": tool["compliance_domain"],
                "requires_baa": False,
                "sensitivity_level": tool["sensitivity_level"],
                "added_at": "2026-01-01T00:00:00Z",
                "approved_by": "trace-conformance/gateway_driver",
            }
        )
    catalog_path = os.path.join(workdir, "catalog.json")
    with open(catalog_path, "w", encoding="utf-8") as f:
        json.dump(catalog, f, indent=2)

    config = {
        "listen_addr": f"{HOST}:{gateway_port}",
        "policy_bundle_path": policy_dir,
        "catalog_path": catalog_path,
        "audit_db_path": os.path.join(workdir, "audit.db"),
        "attestation": {"provider": "software-only", "enforcement_mode": "enforcing"},
    }
    config_path = os.path.join(workdir, "cmcp-config.yaml")
    with open(config_path, "w", encoding="utf-8") as f:
        # JSON is a subset of YAML, and the gateway reads the file with yaml.safe_load.
        json.dump(config, f, indent=2)
    return config_path


def cmcp_command(config_path):
    cli = os.path.join(os.path.dirname(sys.executable), "cmcp")
    if os.path.isfile(cli) and os.access(cli, os.X_OK):
        return [cli, "start", "--config", config_path]
    # Same console-script entry point, when the venv's bin/cmcp is not next to the interpreter.
    return [sys.executable, "-c", "from cmcp_runtime.cli import main; main()", "start", "--config", config_path]


def gateway_env(bearer_token, operator_token):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CMCP_") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
    }
    env.update(
        {
            "CMCP_DEV_MODE": "1",
            "CMCP_BEARER_TOKEN": bearer_token,
            "CMCP_OPERATOR_TOKEN": operator_token,
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


class Gateway:
    def __init__(self, workdir, config_path, port):
        self.port = port
        self.base = f"http://{HOST}:{port}"
        self.bearer = "bearer-" + os.urandom(16).hex()
        self.operator = "operator-" + os.urandom(16).hex()
        self.stdout_path = os.path.join(workdir, "gateway.stdout")
        self.stderr_path = os.path.join(workdir, "gateway.stderr")
        self.command = cmcp_command(config_path)
        self.workdir = workdir
        self.proc = None
        # Loopback only, never through a proxy from the environment.
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def start(self):
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                self.command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                cwd=self.workdir,
                env=gateway_env(self.bearer, self.operator),
                start_new_session=True,
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if self.proc.poll() is not None:
                raise DriverError(f"gateway exited during startup with code {self.proc.returncode}")
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise DriverError(f"gateway did not listen on {HOST}:{self.port} within {STARTUP_TIMEOUT_S:.0f}s")
            time.sleep(0.2)
        # /health is exempt from the bearer token (but rate limited: one probe is enough).
        status, body = self.request("GET", "/health", auth=None)
        if status != 200:
            raise DriverError(f"GET /health answered {status}: {body!r}")

    def stop(self):
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        for sig, wait_s in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(timeout=wait_s)
                return
            except subprocess.TimeoutExpired:
                continue

    def log_tail(self, limit=4000):
        parts = []
        for name, path in (("stderr", self.stderr_path), ("stdout", self.stdout_path)):
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            text = data[-limit:].decode("utf-8", errors="replace")
            parts.append(f"--- gateway {name} (last {min(len(data), limit)} bytes) ---\n{text}")
        return "\n".join(parts)

    def request(self, method, path, body=None, auth="bearer"):
        """One HTTP request with a timeout; returns (status, parsed JSON body or text)."""
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if auth == "bearer":
            headers["Authorization"] = f"Bearer {self.bearer}"
        elif auth == "operator":
            headers["Authorization"] = f"Bearer {self.operator}"
        req = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with self.opener.open(req, timeout=HTTP_TIMEOUT_S) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            raise DriverError(f"{method} {path} failed: {exc}") from exc
        try:
            return status, json.loads(raw)
        except (ValueError, json.JSONDecodeError):
            return status, raw.decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------------------------
# Driving


def live_session_from_db(db_path):
    """The live session's id: a fresh session's session_start is the newest audit row (the
    gateway writes every entry synchronously before answering)."""
    conn = sqlite3.connect(db_path, timeout=5.0)
    try:
        row = conn.execute("SELECT session_id, entry_type FROM audit_entries ORDER BY rowid DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    if row is None or row[1] != "session_start":
        raise DriverError(f"cannot find the live session in the audit database (last row {row!r})")
    return row[0]


def tool_call(gateway, kind, label, rpc_id):
    status, body = gateway.request(
        "POST",
        "/mcp",
        {
            "jsonrpc": "2.0",
            "id": rpc_id,
            "method": "tools/call",
            "params": {
                "name": CALL_TOOLS[kind],
                "arguments": CALL_ARGUMENTS[kind],
                "_cmcp": {"session_id": label, "workflow_id": WORKFLOW_ID},
            },
        },
    )
    item = {"kind": kind, "http_status": status}
    call_id = None
    served_session = None
    if isinstance(body, dict):
        meta = body.get("result", {}).get("_cmcp") if isinstance(body.get("result"), dict) else None
        err = body.get("error") if isinstance(body.get("error"), dict) else None
        if isinstance(meta, dict):
            call_id = meta.get("call_id")
            served_session = meta.get("session_id")
        elif err is not None and isinstance(err.get("data"), dict):
            call_id = err["data"].get("call_id")
    if isinstance(call_id, str):
        item["call_id"] = call_id
    item["body"] = body
    return item, served_session


def run_session(gateway, upstream, db_path, index, spec, default_mode):
    label = spec.get("label", f"s{index + 1}")
    calls = spec.get("calls", [])
    reset_after = spec.get("reset_after")
    with upstream.lock:
        upstream.receipt_mode = spec.get("receipt_mode", default_mode)
    live = live_session_from_db(db_path)
    responses = []
    for position in range(len(calls) + 1):
        if reset_after is not None and position == reset_after:
            status, body = gateway.request("POST", f"/sessions/{live}/reset", {}, auth="operator")
            responses.append({"kind": "reset", "http_status": status, "body": body})
            if status != 200 or not isinstance(body, dict) or not body.get("new_session_id"):
                raise DriverError(f"reset of session {live} answered {status}: {body!r}")
            live = body["new_session_id"]
        if position == len(calls):
            break
        item, served = tool_call(gateway, calls[position], label, f"{label}-{position + 1}")
        responses.append(item)
        if served is not None and served != live:
            raise DriverError(
                f"call {position + 1} of session {label!r} was served by session "
                f"{served}, expected the live session {live}"
            )

    status, claim = gateway.request("POST", f"/sessions/{live}/close")
    if status != 200 or not isinstance(claim, dict):
        raise DriverError(f"close of session {live} answered {status}: {claim!r}")
    status, bundle = gateway.request("GET", f"/audit/export?session_id={live}")
    if status != 200 or not isinstance(bundle, dict):
        raise DriverError(f"audit export of session {live} answered {status}: {bundle!r}")
    return {
        "label": label,
        "internal_session_id": live,
        "claim": claim,
        "bundle": bundle,
        "responses": responses,
    }


def gateway_version():
    try:
        return version("cmcp-runtime")
    except PackageNotFoundError:
        return "unknown"


def run(scenario):
    seed = scenario.get("issuer_seed_hex")
    issuer = Issuer(bytes.fromhex(seed) if seed else None)
    workdir = tempfile.mkdtemp(prefix="cmcp-gateway-driver-")
    upstream = None
    gateway = None
    try:
        upstream = MockUpstream(issuer)
        upstream.start()
        port = free_port()
        config_path = write_gateway_files(workdir, port, upstream.url)
        gateway = Gateway(workdir, config_path, port)
        try:
            gateway.start()
            sessions = [
                run_session(
                    gateway, upstream, os.path.join(workdir, "audit.db"), i, spec, scenario.get("receipt_mode", "good")
                )
                for i, spec in enumerate(scenario["sessions"])
            ]
        except Exception as exc:
            tail = gateway.log_tail()
            calls = ", ".join(f"{m}:{n or rid}" for m, rid, n in upstream.log[-20:])
            raise DriverError(f"{exc}\n--- mock upstream saw (last 20): {calls or 'nothing'}\n{tail}") from exc
        return {
            "gateway_version": gateway_version(),
            "sessions": sessions,
            "issuer": issuer.describe(),
        }
    finally:
        if gateway is not None:
            gateway.stop()
        if upstream is not None:
            upstream.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def _terminate(signum, _frame):
    # Turn SIGTERM/SIGHUP into an exception so the finally blocks kill the gateway's process
    # group and delete the temporary directory instead of leaving them behind.
    print(f"gateway_driver: terminated by signal {signum}; stopping the gateway", file=sys.stderr)
    raise SystemExit(128 + signum)


def main():
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _terminate)
    started = time.monotonic()
    try:
        output = run(load_scenario(sys.stdin.read()))
    except DriverError as exc:
        print(f"gateway_driver: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("gateway_driver: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        print(f"gateway_driver: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(json.dumps(output, ensure_ascii=True) + "\n")
    sys.stdout.flush()
    print(f"gateway_driver: done in {time.monotonic() - started:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
