"""The sandbox server: the replies of replies.py over real HTTP on loopback, with switchable faults.

Every reply carries `X-Maaltavlen-Sandbox: 1` and starts with a UTF-8 BOM, as the real service's may. Faults
are set per test on the Python object, or from another process with POST /_sandbox/fault.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from indicators.sandbox import world
from indicators.sandbox.replies import (
    DEFAULT_MAX_CELLS,
    SandboxRequestError,
    catalogue_reply,
    data_reply,
    subjects_reply,
    table_reply,
)

logger = logging.getLogger(__name__)

SANDBOX_HEADER = "X-Maaltavlen-Sandbox"
DEFAULT_TOKEN = "sandbox-token"  # noqa: S105 - the sandbox's own demo token, not a secret
BOM = "\ufeff".encode()
FAULT_KINDS = ("401", "429", "500", "503", "slow", "malformed", "renamed_label", "unknown_area")
DATA_ONLY_FAULTS = ("renamed_label", "unknown_area")
UNKNOWN_AREA_NAME = "Christiansø"  # a real place that is no municipality: ingestion must refuse it


# --- Faults, switchable per test (Python) or per process (POST /_sandbox/fault) --------------------------
@dataclass
class Fault:
    kind: str  # one of FAULT_KINDS
    times: int | None = None  # the next N requests it applies to; None = until cleared
    retry_after: int | None = None  # 429/503: the Retry-After header, seconds
    delay: float = 2.0  # "slow": seconds before the reply, past a test client's timeout
    endpoint: str | None = None  # "subjects", "tables", "table" or "data"; None = every endpoint
    label: str = "Område"  # "renamed_label": the column label to rename …
    new_label: str = "Geografisk område"  # … and its new name


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    authorization: (
        str  # the raw header, so tests can check what was sent (the sandbox's token is a demo value)
    )
    status: int = 0  # 0 while the reply is still being made (e.g. held back by a "slow" fault)


@dataclass
class _State:
    token: str
    max_cells: int
    revision: int = 0
    fault: Fault | None = None
    requests: list[RecordedRequest] = field(default_factory=list)


class SandboxServer:
    """The sandbox on loopback, in a background thread (tests) or the foreground (manage.py jobindsats_sandbox)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str = DEFAULT_TOKEN,
        max_cells: int = DEFAULT_MAX_CELLS,
        today: date | None = None,
    ) -> None:
        self.host = host
        self.today = today
        self._defaults = (token, max_cells)
        self._state = _State(token=token, max_cells=max_cells)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._httpd = ThreadingHTTPServer((host, port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.sandbox = self
        self.port = self._httpd.server_address[1]
        self._thread: threading.Thread | None = None

    # --- life cycle ---
    @property
    def url(self) -> str:
        """The base URL a client uses: http://host:port/v3."""
        return f"http://{self.host}:{self.port}/v3"

    @property
    def control_url(self) -> str:
        """Where another process steers the sandbox: POST {control_url}/fault, /revision, /reset."""
        return f"http://{self.host}:{self.port}/_sandbox"

    def start(self) -> SandboxServer:
        """Serve in a daemon thread; returns self."""
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="jobindsats-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the foreground until interrupted."""
        self._httpd.serve_forever()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._wake.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- steering ---
    @property
    def token(self) -> str:
        return self._state.token

    @token.setter
    def token(self, value: str) -> None:
        self._state.token = value

    @property
    def max_cells(self) -> int:
        return self._state.max_cells

    @max_cells.setter
    def max_cells(self, value: int) -> None:
        self._state.max_cells = value

    @property
    def revision(self) -> int:
        return self._state.revision

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every /v3 request received since the last reset, oldest first."""
        with self._lock:
            return list(self._state.requests)

    def set_fault(self, kind: str, *, times: int | None = None, **options: object) -> None:
        """Misbehave as `kind` (see FAULT_KINDS) for the next `times` requests, or until cleared."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown sandbox fault {kind!r}; choose one of {', '.join(FAULT_KINDS)}")
        with self._lock:
            self._state.fault = Fault(kind=kind, times=times, **options)

    def clear_fault(self) -> None:
        """Normal service again."""
        with self._lock:
            self._state.fault = None

    def advance_revision(self) -> int:
        """Jobindsats published an update: the newest periods' values change and update_latest moves on."""
        with self._lock:
            self._state.revision += 1
            return self._state.revision

    def reset(self) -> None:
        """Back to the first revision, no fault, the original token and cell limit, no recorded requests."""
        self._wake.set()  # release any reply held back by a "slow" fault
        with self._lock:
            self._state = _State(token=self._defaults[0], max_cells=self._defaults[1])
            self._wake = threading.Event()

    # --- serving ---
    def _take_fault(self, endpoint: str) -> Fault | None:
        """The fault that applies to this request, counting it down."""
        with self._lock:
            fault = self._state.fault
            if fault is None or (fault.endpoint and fault.endpoint != endpoint):
                return None
            if fault.kind in DATA_ONLY_FAULTS and endpoint != "data":
                return None
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self._state.fault = None
            return replace(fault)

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._state.requests.append(request)

    def reply(
        self, method: str, path: str, query: dict[str, str], authorization: str
    ) -> tuple[int, dict, bytes]:
        """One /v3 request → (status, extra headers, body): faults first, then auth, then the protocol."""
        endpoint = path.removeprefix("/v3/").split("/", 1)[0]
        fault = self._take_fault(endpoint)
        record = RecordedRequest(method, path, query, authorization)
        self._record(record)
        status, headers, body = self._reply(endpoint, path, query, authorization, fault)
        record.status = status
        return status, headers, body

    def _reply(
        self, endpoint: str, path: str, query: dict[str, str], authorization: str, fault: Fault | None
    ) -> tuple[int, dict, bytes]:
        if fault is not None and fault.kind in ("401", "429", "500", "503"):
            return _fault_reply(fault)
        if fault is not None and fault.kind == "slow":
            self._wake.wait(fault.delay)
        if authorization != f"Bearer {self._state.token}":
            return 401, {}, _json_body({"message": "Forkert nøgle eller nøglen er udløbet"})
        try:
            payload = self._payload(endpoint, path, query)
        except SandboxRequestError as exc:
            return exc.status, {}, _json_body({"message": str(exc)})
        if fault is not None and fault.kind == "malformed":
            return 200, {}, _json_body(payload)[: 40 + len(BOM)] + b"\n<html>Service Unavailable"
        if fault is not None and fault.kind == "renamed_label":
            payload["columns"] = [fault.new_label if c == fault.label else c for c in payload["columns"]]
        if fault is not None and fault.kind == "unknown_area":
            _rename_first_area(payload)
        return 200, {}, _json_body(payload)

    def _payload(self, endpoint: str, path: str, query: dict[str, str]) -> object:
        """The protocol: route a /v3 path to its reply builder."""
        parts = path.strip("/").split("/")
        with self._lock:
            revision, max_cells = self._state.revision, self._state.max_cells
        if parts == ["v3", "subjects"]:
            return subjects_reply()
        if parts == ["v3", "tables"]:
            return catalogue_reply(revision=revision, today=self.today)
        if len(parts) == 3 and endpoint == "table":
            return table_reply(parts[2], today=self.today)
        if len(parts) == 3 and endpoint == "data":
            return data_reply(parts[2], query, revision=revision, today=self.today, max_cells=max_cells)
        raise SandboxRequestError(404, f"Ukendt adresse {path!r}.")

    def control(self, path: str, body: dict) -> tuple[int, dict]:
        """POST /_sandbox/fault|clear-fault|revision|reset, GET /_sandbox/state: steering from another process."""
        action = path.removeprefix("/_sandbox/").strip("/")
        try:
            if action == "fault":
                self.set_fault(**body)
            elif action == "clear-fault":
                self.clear_fault()
            elif action == "revision":
                self.advance_revision()
            elif action == "reset":
                self.reset()
            elif action != "state":
                return 404, {"message": f"Ukendt styrehandling {action!r}."}
        except (TypeError, ValueError) as exc:
            return 400, {"message": str(exc)}
        fault = self._state.fault
        return 200, {
            "revision": self.revision,
            "fault": asdict(fault) if fault else None,
            "requests": len(self._state.requests),
        }


def _json_body(payload: object) -> bytes:
    """JSON as the real service sends it: UTF-8 with a byte-order mark."""
    return BOM + json.dumps(payload, ensure_ascii=False).encode()


def _fault_reply(fault: Fault) -> tuple[int, dict, bytes]:
    """The error reply of a 401/429/500/503 fault."""
    messages = {
        "401": "Forkert nøgle eller nøglen er udløbet",
        "429": "For mange forespørgsler. Prøv igen senere.",
        "500": "Intern serverfejl",
        "503": "Tjenesten er midlertidigt utilgængelig",
    }
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
    return int(fault.kind), headers, _json_body({"message": messages[fault.kind]})


def _rename_first_area(payload: dict) -> None:
    """Put an area no municipality list knows into the reply (the first row not for the whole country)."""
    area_column = payload["columns"].index("Område") if "Område" in payload["columns"] else 1
    for row in payload["rows"]:
        if row[area_column] != world.COUNTRY:
            row[area_column] = UNKNOWN_AREA_NAME
            return
    if payload["rows"]:
        payload["rows"][0][area_column] = UNKNOWN_AREA_NAME


class _Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive, so the client's session reuses its connection as it would in production."""

    protocol_version = "HTTP/1.1"
    server_version = "JobindsatsSandbox/1"

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        url = urlsplit(self.path)
        if url.path.startswith("/_sandbox/"):
            status, payload = self.server.sandbox.control(url.path, {})
            self._send(status, {}, json.dumps(payload).encode())
        elif url.path.startswith("/v3/"):
            query = dict(parse_qsl(url.query, keep_blank_values=True))
            authorization = self.headers.get("Authorization", "")
            self._send(*self.server.sandbox.reply("GET", url.path, query, authorization))
        else:
            self._send(404, {}, _json_body({"message": "Sandkassen svarer på /v3/…"}))

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            body = None
        if not url.path.startswith("/_sandbox/") or not isinstance(body, dict):
            self._send(400, {}, _json_body({"message": "POST /_sandbox/<handling> med et JSON-objekt."}))
            return
        status, payload = self.server.sandbox.control(url.path, body)
        self._send(status, {}, json.dumps(payload).encode())

    def _send(self, status: int, headers: dict, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header(SANDBOX_HEADER, "1")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            logger.debug("sandbox: the client left before the reply (a slow fault outlived its timeout)")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
        logger.debug("sandbox: " + format, *args)
