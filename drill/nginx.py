"""The load balancer's configuration: deploy/nginx/commons.conf adapted to loopback.

Kept the same where it matters to the drill: the upstream of app nodes with max_fails, the
proxy settings (read from deploy/nginx/commons-proxy.conf), protected files through an
`internal` X-Accel location, and the static 50x page with Retry-After when no node answers.
Left out: TLS, the log-in rate limit (the drill signs in a handful of times from one address)
and /metrics.

The proxy settings are deploy/nginx/commons-proxy.conf as it is. The first drills changed
them, and deploy/ has since taken the changes (deploy/README.md, "What the drill found"): no
retry on the app's 503, which means the shared database is down and, counted as node failures,
marked every node down; POSTs resent to the other node when a killed node leaves them unread;
no node answering is a 503 with Retry-After.
"""

from pathlib import Path

from drill.settings import PROJECT_DIR, DrillSettings

ACCESS_FORMAT = "$msec $status $request_method $uri $upstream_addr $upstream_status $request_time"


def proxy_settings() -> str:
    """deploy/nginx/commons-proxy.conf, as deployed."""
    return (PROJECT_DIR / "deploy" / "nginx" / "commons-proxy.conf").read_text()


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
