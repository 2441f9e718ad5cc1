"""loopback.py: what the benchmark drivers (run.py, handlers.py) share to start servers on 127.0.0.1."""
import socket
import time
import urllib.request


def free_port():
    """A port nothing listens on now, on 127.0.0.1."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_http(url, seconds=30):
    """Waits until something answers at url (never through a configured proxy); RuntimeError after seconds."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            opener.open(url, timeout=1).read()
            return
        except Exception:       # noqa: BLE001 - not up yet
            time.sleep(0.1)
    raise RuntimeError("nothing answered at " + url)
