#!/usr/bin/env python3
"""Serves the demo (www/) the way a strict production site would, for a computer and a phone.

    python3 scripts/serve.py                 # http://localhost:8080 and https://<LAN IP>:8443
    python3 scripts/serve.py --port 0 --no-https --quiet    # for tests: a free port on 127.0.0.1

HTTP listens on 127.0.0.1 only (localhost is a secure context, so the camera works there).
HTTPS listens on the LAN with a self-signed certificate, because a phone needs a secure context
for the camera; the phone shows a certificate warning once. Every response carries the strict
Content-Security-Policy the widget is built for. Standard library only, plus the openssl CLI for
the certificate (else the `cryptography` package, installed into a private folder on demand).
"""

import argparse
import datetime
import http.server
import ipaddress
import os
import socket
import ssl
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import qr  # noqa: E402  (scripts/qr.py)

CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' blob: data:; "
    "media-src 'self' blob:; connect-src 'self'"
)
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "doccheck-serve"


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with the right types for ES modules and wasm, and the CSP on every response."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".mjs": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".json": "application/json",
        ".wasm": "application/wasm",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".md": "text/plain; charset=utf-8",
        ".map": "application/json",
    }
    quiet = False

    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        # The files change on every build: always revalidate (304 when unchanged).
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format, *args):
        if not self.quiet:
            super().log_message(format, *args)

    def list_directory(self, path):
        # A production site lists no folders.
        self.send_error(404, "Not Found")
        return None


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


class TLSServer(Server):
    """HTTPS with each connection's TLS handshake in its own thread, under a timeout: a client
    that connects and says nothing (a phone leaving the Wi-Fi mid-handshake) holds up only its
    own connection, not every other one, as a handshake in the accepting thread would."""

    context = None

    def finish_request(self, request, client_address):
        request.settimeout(HANDSHAKE_SECONDS)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (OSError, ssl.SSLError):
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            tls.close()

    def handle_error(self, request, client_address):
        # Clients that drop a connection or refuse the certificate are normal here.
        pass


HANDSHAKE_SECONDS = 10


def lan_address():
    """This machine's address on the LAN: the one a UDP socket would send from (nothing is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def certificate(ip):
    """A self-signed server certificate for localhost and `ip`, made per address and kept in the
    cache; made again when it is within a month of its end (it is valid for 397 days)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    cert, key = CACHE / f"cert-{ip}.pem", CACHE / f"key-{ip}.pem"
    if cert.exists() and key.exists():
        age_days = (datetime.datetime.now().timestamp() - cert.stat().st_mtime) / 86400
        if age_days < 397 - 30:
            return cert, key
    san = f"subjectAltName=DNS:localhost,IP:127.0.0.1,IP:{ip}"
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-days", "397", "-subj", "/CN=doccheck demo", "-addext", san,
             # A server's certificate, not an authority (Apple devices require serverAuth).
             "-addext", "basicConstraints=critical,CA:FALSE", "-addext", "extendedKeyUsage=serverAuth",
             "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError):
        certificate_with_cryptography(ip, cert, key)
    return cert, key


def certificate_with_cryptography(ip, cert_path, key_path):
    """Without the openssl CLI: the `cryptography` package, installed into the cache if missing."""
    lib = CACHE / "pylib"
    sys.path.insert(0, str(lib))
    try:
        import cryptography  # noqa: F401
    except ImportError:
        print("openssl not found: installing the Python package `cryptography` into", lib)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(lib), "cryptography"], check=True)
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "doccheck demo")])
    now = datetime.datetime.now(datetime.timezone.utc)
    san = x509.SubjectAlternativeName(
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.IPAddress(ipaddress.ip_address(ip))]
    )
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=397)).add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def start(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", default=str(ROOT / "www"), help="folder to serve (default: www/)")
    parser.add_argument("--port", type=int, default=8080, help="HTTP port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--https-port", type=int, default=8443, help="HTTPS port (0: any free port)")
    parser.add_argument("--https-host", default="0.0.0.0", help="address HTTPS listens on (default: all, for the LAN)")
    parser.add_argument("--no-https", action="store_true", help="serve HTTP on 127.0.0.1 only")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args()

    folder = Path(args.dir).resolve()
    if not (folder / "pkg" / "doccheck.js").exists():
        print(f"warning: {folder}/pkg is missing: run `make wasm` first", file=sys.stderr)
    Handler.quiet = args.quiet
    handler = lambda *a, **k: Handler(*a, directory=str(folder), **k)  # noqa: E731

    # Both ports first, so that no address is printed for a server that then fails to start.
    hint = "choose others: make serve SERVE_ARGS='--port N --https-port M', or --no-https"
    try:
        http_server = Server(("127.0.0.1", args.port), handler)
    except OSError as e:
        sys.exit(f"cannot listen on 127.0.0.1:{args.port}: {e.strerror} ({hint})")
    https_server = None
    if not args.no_https:
        try:
            https_server = TLSServer((args.https_host, args.https_port), handler)
        except OSError as e:
            sys.exit(f"cannot listen on {args.https_host}:{args.https_port}: {e.strerror} ({hint})")
    port = http_server.server_address[1]
    start(http_server)
    print(f"serving {folder} at http://127.0.0.1:{port}/", flush=True)
    print(f"  on this computer:  http://localhost:{port}/", flush=True)

    if https_server:
        # The address a phone uses: the one HTTPS was told to listen on, else the LAN's.
        anywhere = args.https_host in ("0.0.0.0", "")
        ip = lan_address() if anywhere else args.https_host
        cert, key = certificate(ip)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        https_server.context = context
        https_port = https_server.server_address[1]
        start(https_server)
        if ipaddress.ip_address(ip).is_loopback:
            why = "no LAN address found" if anywhere else f"HTTPS listens on {ip} only"
            print(f"  over HTTPS:        https://{ip}:{https_port}/ ({why}: a phone cannot reach it)\n", flush=True)
        else:
            url = f"https://{ip}:{https_port}/"
            print(f"  on your phone:     {url}", flush=True)
            print("  (same Wi-Fi; the certificate is self-signed: accept the browser's warning,", flush=True)
            print("   Android Chrome: Advanced > Proceed; iOS Safari: Show Details > visit this website)\n", flush=True)
            print(qr.to_terminal(qr.encode(url)), flush=True)
    print(f"\nContent-Security-Policy: {CSP}\nCtrl-C to stop.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print()


if __name__ == "__main__":
    main()
