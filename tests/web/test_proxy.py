"""Behind the reverse proxy of docs/deployment.md every request comes from the proxy's address. With
``PROXY_HOPS = 1`` the sign-in throttle counts each client by the address the proxy forwards, so one client
spraying passwords does not hold up everyone else behind the same proxy."""
from __future__ import annotations

import pytest

from perspektive import create_app
from tests.conftest import login

PROXY = "127.0.0.1"


def behind_proxy(app, client_address: str):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)
    return client


@pytest.mark.parametrize("hops,counsellor_gets_in", [(1, True), (0, False)])
def test_the_throttle_counts_the_forwarded_address_only_when_told_to_trust_the_proxy(app, counsellor, tmp_path,
                                                                                     hops, counsellor_gets_in):
    served = create_app({"DATA_DIR": app.config["DATA_DIR"], "DATABASE_URL": app.config["DATABASE_URL"],
                         "PROXY_HOPS": hops, "LOGIN_ADDRESS_MAX_FAILURES": 6})
    served.config["TESTING"] = True
    sprayer = behind_proxy(served, "203.0.113.9")
    for i in range(6):
        assert login(sprayer, f"konto-{i}", "Sommer-im-Garten-2025").status_code == 200
    colleague = behind_proxy(served, "198.51.100.7")
    assert (login(colleague, counsellor.username).status_code == 302) is counsellor_gets_in
