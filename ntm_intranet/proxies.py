"""Which address a request comes from, when the app sits behind reverse proxies the operator trusts.

The login limiter and the audit log key on `request.remote_addr`. Behind nginx that is the proxy's own
address, so one person's wrong passwords would lock out the whole district. `NTM_TRUSTED_PROXIES` says
whom to believe about the client's address (`X-Forwarded-For`) and scheme (`X-Forwarded-Proto`):

- empty (the default): nobody; a client's own `X-Forwarded-For` changes nothing, so it cannot forge
  its address;
- a number N: exactly N proxies stand in front of the app (Werkzeug's ProxyFix with x_for=N);
- addresses or networks (`127.0.0.1, 10.0.0.0/24`): a request from one of them is believed, and the
  client is the right-most address of `X-Forwarded-For` that is not itself a trusted proxy (the way
  nginx's real_ip_recursive reads the chain).
"""

from __future__ import annotations

import ipaddress

from werkzeug.middleware.proxy_fix import ProxyFix


class ProxySettingError(ValueError):
    """NTM_TRUSTED_PROXIES could not be read: the app refuses to start rather than guess."""


def parse(setting: str | int | None) -> int | tuple:
    """0 for none, a count of proxies, or a tuple of trusted networks."""
    text = str(setting if setting is not None else "").strip()
    if not text:
        return 0
    if text.isdigit():
        return int(text)
    networks = []
    for part in text.replace(";", ",").replace(" ", ",").split(","):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError as exc:
            raise ProxySettingError(
                f"NTM_TRUSTED_PROXIES: '{part}' không phải địa chỉ IP hay mạng (ví dụ 127.0.0.1 hoặc 10.0.0.0/24)."
            ) from exc
    return tuple(networks)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class TrustedProxies:
    """WSGI middleware: the client's address and scheme, believed only from the proxies the setting trusts."""

    def __init__(self, app, trusted: int | tuple):
        self.app = app
        self.networks = trusted if isinstance(trusted, tuple) else ()
        self.counted = ProxyFix(app, x_for=trusted, x_proto=trusted) if isinstance(trusted, int) and trusted \
            else None

    def _trusted(self, text: str | None) -> bool:
        address = _address(text or "")
        return address is not None and any(address in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self.counted is not None:
            return self.counted(environ, start_response)
        if self.networks and self._trusted(environ.get("REMOTE_ADDR")):
            environ["ntm.proxy_addr"] = environ.get("REMOTE_ADDR")
            chain = [part.strip() for part in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
            client = environ["REMOTE_ADDR"]
            while chain and self._trusted(client):
                candidate = chain.pop()
                if _address(candidate) is None:
                    break  # a garbled hop: keep the last address we can vouch for
                client = candidate
            environ["REMOTE_ADDR"] = client
            scheme = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if scheme in ("http", "https"):
                environ["wsgi.url_scheme"] = scheme
        return self.app(environ, start_response)
