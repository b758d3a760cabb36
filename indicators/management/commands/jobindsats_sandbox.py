"""manage.py jobindsats_sandbox: serve the sandbox Jobindsats server (synthetic demo data) until interrupted."""

from __future__ import annotations

import ipaddress

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.sandbox import DEFAULT_MAX_CELLS, DEFAULT_TOKEN, SandboxServer


class Command(BaseCommand):
    help = (
        "Start the sandbox Jobindsats v3 server with synthetic demo data (loopback only by default) and serve "
        "until interrupted. Point JOBINDSATS_BASE_URL at the printed URL and JOBINDSATS_API_TOKEN at --token."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765, help="Port; 0 picks a free one (default 8765).")
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--token", default=DEFAULT_TOKEN, help="The Bearer token the sandbox accepts.")
        parser.add_argument(
            "--max-cells", type=int, default=DEFAULT_MAX_CELLS, help="Cells allowed per data request."
        )
        parser.add_argument(
            "--allow-remote", action="store_true", help="Allow a --host that is not a loopback address."
        )

    def handle(self, *args: object, **options: object) -> None:
        host = str(options["host"])
        if not options["allow_remote"] and not _is_loopback(host):
            raise CommandError(
                f"--host {host} er ikke en loopback-adresse; brug --allow-remote, hvis det er meningen."
            )
        try:
            server = SandboxServer(
                host=host,
                port=int(options["port"]),
                token=str(options["token"]),
                max_cells=int(options["max_cells"]),
            )
        except OSError as exc:
            raise CommandError(
                f"Sandkassen kunne ikke lytte på {host}:{options['port']}: {exc.strerror}"
            ) from None
        token_hint = DEFAULT_TOKEN if options["token"] == DEFAULT_TOKEN else "værdien af --token"
        self.stdout.write(f"Jobindsats-sandkasse (syntetiske demodata) kører på {server.url}")
        self.stdout.write(f"  JOBINDSATS_BASE_URL={server.url}  JOBINDSATS_API_TOKEN={token_hint}")
        self.stdout.write(f"  Fejl styres med POST {server.control_url}/fault; stop med Ctrl-C.")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("Sandkassen er stoppet.")
        finally:
            server.stop()


def _is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
