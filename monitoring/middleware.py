"""Per request: a request id (kept in logs, returned in X-Request-ID) and the latency histogram."""

import time
import uuid

from monitoring import context, metrics


class RequestMonitoringMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID")
        rid = incoming if context.well_formed(incoming) else uuid.uuid4().hex
        request.request_id = rid
        # Not reset on the way out: Django logs a 4xx/5xx ("Not Found: ...") after the middleware
        # returns; monitoring.apps clears the id when the request finishes (request_finished).
        context.request_id.set(rid)
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        # The view's name, not the path: a bounded set of labels (a path has one per object).
        view = (match.view_name or match._func_path) if match else "<unresolved>"
        metrics.observe_request(view, request.method, response.status_code, time.perf_counter() - started)
        response["X-Request-ID"] = rid
        return response
