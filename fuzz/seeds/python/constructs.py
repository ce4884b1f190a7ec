# Constructs the fixtures do not use (fuzz/coverage.sh found them unreached):
# %-formatting with a dict, str.format by name and index, %% and {{ }},
# match, :=, comprehensions, lambda, yield from, assert, elif/try in __init__.
import logging
import os
import requests
from requests import Session as S

log = logging.getLogger(__name__)
API_KEY = os.getenv("API_KEY")


class Client:
    def __init__(self, mode):
        if mode == "a":
            self.session = requests.Session()
        elif mode == "b":
            self.session = S()
        else:
            self.session = None
        try:
            self.api_secret = os.environ["API_SECRET"]
        except KeyError:
            self.api_secret = None
        finally:
            self.token: str = os.environ.get("TOKEN", "")

    @staticmethod
    def ping():
        return requests.get("http://api.example.com/ping", timeout=None, verify=False)

    def run(self, cmd):
        log.info("%(k)s and %(s)s, 100%%", {"k": API_KEY, "s": self.api_secret})
        log.info("{key} {0} {{literal}}".format(self.token, key=API_KEY))
        log.debug("%s/%d" % (self.api_secret, 3))
        if (secret := self.api_secret) is not None:
            print(secret)
        match cmd:
            case {"password": pw} if pw:
                log.warning(f"{pw!r:>10} {self.token[:4]}")
            case [first, *rest]:
                print(first, *rest)
            case _:
                pass
        keys = [k for k in (API_KEY, self.token) if k]
        shown = {n: len(v) for n, v in zip("ab", keys)}
        mask = lambda v: v[:4]
        print(mask(API_KEY), shown, keys)
        assert self.session.get("https://api.example.com/x", timeout=(3, None))
        yield from (self.session.post(u, json={"api_key": API_KEY}) for u in ["https://a.example.com"])
