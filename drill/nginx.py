"""The load balancer's configuration: deploy/nginx/commons.conf adapted to loopback.

Kept the same where it matters to the drill: the upstream of app nodes with max_fails, the
proxy settings (read from deploy/nginx/commons-proxy.conf), protected files through an
`internal` X-Accel location, and the static 50x page with Retry-After when no node answers.
Left out: TLS, the log-in rate limit (the drill signs in a handful of times from one address)
and /metrics.

Changed, from what the first drill showed: `http_503` is taken out of `proxy_next_upstream`, and
the 50x page is answered as a 503. The app's 503 means the shared database is unreachable, so
another node cannot do better; counted as a node failure, three of them marked both nodes down
for fail_timeout (10 s) and every request in that time became nginx's 502. PROXY_CHANGES lists
these, and the report repeats them for deploy/nginx.
"""

from pathlib import Path

from drill.settings import PROJECT_DIR, DrillSettings

PROXY_CHANGES = [
    "proxy_next_upstream without http_503 (the app's 503 is the shared database, not the node)",
    "error_page 502 504 =503 /50x.html (no node answering is a 503 with Retry-After)",
]

ACCESS_FORMAT = "$msec $status $request_method $uri $upstream_addr $upstream_status $request_time"


def proxy_settings() -> str:
    """deploy/nginx/commons-proxy.conf, with http_503 taken out of proxy_next_upstream."""
    lines = []
    for line in (PROJECT_DIR / "deploy" / "nginx" / "commons-proxy.conf").read_text().splitlines():
        if line.strip().startswith("proxy_next_upstream ") and "http_503" in line:
            line = line.replace(" http_503", "")
        lines.append(line)
    return "\n".join(lines) + "\n"


def render(settings: DrillSettings, *, run_dir: Path, static_root: Path, protected_root: Path) -> str:
    servers = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;" for port in settings.app_ports
    )
    deploy = PROJECT_DIR / "deploy" / "nginx"
    return f"""# Written by the drill (drill/nginx.py) from deploy/nginx/commons.conf; loopback only.
worker_processes 1;
pid {run_dir}/nginx.pid;
error_log {run_dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {run_dir}/nginx-body;
    proxy_temp_path {run_dir}/nginx-proxy;
    fastcgi_temp_path {run_dir}/nginx-fastcgi;
    uwsgi_temp_path {run_dir}/nginx-uwsgi;
    scgi_temp_path {run_dir}/nginx-scgi;
    log_format drill '{ACCESS_FORMAT}';
    access_log {run_dir}/nginx-access.log drill;
    sendfile on;

    upstream commons_app {{
{servers}
        keepalive 16;
    }}

    server {{
        listen 127.0.0.1:{settings.lb_port};
        server_name 127.0.0.1 localhost;
        client_max_body_size 200m;

        location /static/ {{
            alias {static_root}/;
            expires 1y;
            add_header Cache-Control "public, immutable";
            access_log off;
        }}

        location /_protected/ {{
            internal;
            alias {protected_root}/;
            add_header X-Content-Type-Options nosniff always;
        }}

        location / {{
            proxy_pass http://commons_app;
            include {run_dir}/commons-proxy.conf;
        }}

        error_page 502 504 =503 /50x.html;
        location = /50x.html {{
            root {deploy};
            internal;
            add_header Retry-After 30 always;
        }}
    }}
}}
"""
