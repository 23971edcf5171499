"""Response headers that reveal nothing and let nothing in (logging that reveals nothing: logs.py)."""

CSP = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
}


def add_security_headers(response):
    for name, value in HEADERS.items():
        response.headers[name] = value
    if response.headers.get("Content-Type", "").startswith("text/css"):
        response.headers["Cache-Control"] = "public, max-age=3600"  # not personal; saves Tor round trips
        response.headers.pop("Pragma", None)
    response.headers.pop("Server", None)
    return response
