"""The client's IP address, as the deployment's proxy reports it.

Behind the TLS proxy every connection comes from the proxy, so anything keyed on the address
(django-axes lock-outs, rate limits) would treat all users as one. ``CLIENT_IP_HEADER`` names the
header the proxy writes (e.g. ``X-Forwarded-For``); it is off by default, because without a proxy
that overwrites or appends to it a client could send any address it likes.
"""

import ipaddress

from django.conf import settings


def _meta_key(header: str) -> str:
    return "HTTP_" + header.strip().upper().replace("-", "_")


def client_ip(request) -> str | None:
    """The address the trusted proxy saw, or the connecting address when no header is configured.

    Proxies append the address they saw to the right of ``X-Forwarded-For``; entries to its left
    came from the client and are ignored. With ``CLIENT_IP_PROXY_COUNT`` proxies in a chain, the
    entry that many places from the right is the client's. A missing or malformed value falls back
    to the connecting address.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if not header:
        return remote_addr
    entries = [entry.strip() for entry in request.META.get(_meta_key(header), "").split(",")]
    count = max(1, getattr(settings, "CLIENT_IP_PROXY_COUNT", 1))
    if len(entries) < count:
        return remote_addr
    candidate = entries[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr
