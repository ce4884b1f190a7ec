#!/usr/bin/env python3
"""How much would parsing Python a function body at a time save? A simulation.

Copies TREE to OUT with every Python function body that looks irrelevant to the
code rules replaced by `...` (other files copied as they are), so that botlint
can be timed on both:

    python3 bench/python-body-selection-sim.py /work/bench-data/trees/python-binance /tmp/pbc
    O="--only tls-verification-disabled --only http-timeout-missing --only secret-in-log \
       --only secret-in-url --only plaintext-endpoint"
    hyperfine -N "target/release/botlint TREE --no-ignore --exit-zero $O" \
                 "target/release/botlint /tmp/pbc --no-ignore --exit-zero $O"

A body is kept when its code (its docstring left out) names a client module or
one of the names imported at module level, a TLS word, a log or print sink, a
session or client, a secret-like word, a `http://` or `ws://` URL; or holds an
f-string, a `global`/`nonlocal`, or an assignment to `self.<attr>` (bindings
other bodies may use). A rough, generous judge: it only estimates the upside
of a selector in the Python front end, it is not one (line numbers change,
and the real one must follow the bindings that cross bodies).
"""
import ast
import os
import re
import shutil
import sys

WORDS = set(
    """requests httpx aiohttp urllib urllib2 urllib3 http httplib websocket websockets ssl six
    socket check_hostname CERT_NONE PYTHONHTTPSVERIFY CURL_CA_BUNDLE REQUESTS_CA_BUNDLE verify
    verify_ssl sslopt cert_reqs print logger logging log debug info warning warn error exception
    critical fatal pprint pp stdout stderr echo secho session Session ClientSession AsyncClient
    Client client TCPConnector ClientTimeout timeout urlopen""".split()
)
SECRETISH = re.compile(
    r"secret|passw|pwd|passphrase|token|mnemonic|credential|privkey|key|seed|phrase|auth|bearer|sk|pk",
    re.I,
)


def named(name, imported):
    return name in WORDS or name in imported or SECRETISH.search(name)


def relevant(fn, imported):
    body = fn.body
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        body = body[1:]
    for stmt in body:
        for n in ast.walk(stmt):
            if isinstance(n, ast.Name) and named(n.id, imported):
                return True
            if isinstance(n, ast.Attribute) and named(n.attr, imported):
                return True
            if isinstance(n, ast.keyword) and n.arg and named(n.arg, imported):
                return True
            if isinstance(n, (ast.Global, ast.Nonlocal, ast.JoinedStr)):
                return True
            if isinstance(n, ast.Constant) and isinstance(n.value, str):
                if "http://" in n.value or "ws://" in n.value or SECRETISH.search(n.value):
                    return True
            if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                for t in targets:
                    for m in ast.walk(t):
                        if isinstance(m, ast.Attribute) and isinstance(m.value, ast.Name) and m.value.id == "self":
                            return True
    return False


def dropped_bodies(tree, imported):
    """(first line, last line, column) of each body to replace, 1-based."""
    out = []

    def visit(node):
        for ch in ast.iter_child_nodes(node):
            if isinstance(ch, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if ch.body[0].lineno > ch.lineno and not relevant(ch, imported):
                    out.append((ch.body[0].lineno, ch.end_lineno, ch.body[0].col_offset))
                    continue
                visit(ch)
            elif isinstance(ch, ast.ClassDef):
                visit(ch)

    visit(tree)
    return out


def main(src_root, out_root):
    before = after = bodies = 0
    for root, _, files in os.walk(src_root):
        for f in files:
            src = os.path.join(root, f)
            dst = os.path.join(out_root, os.path.relpath(src, src_root))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            if not f.endswith(".py"):
                shutil.copy(src, dst)
                continue
            text = open(src, encoding="utf-8", errors="surrogateescape").read()
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError):
                shutil.copy(src, dst)
                continue
            imported = set()
            for n in tree.body:
                if isinstance(n, (ast.Import, ast.ImportFrom)):
                    for a in n.names:
                        imported.add((a.asname or a.name).split(".")[0])
            lines = text.split("\n")
            drop = set()
            for first, last, col in dropped_bodies(tree, imported):
                drop.update(range(first, last))
                lines[first - 1] = " " * col + "..."
                bodies += 1
            kept = "\n".join(l for i, l in enumerate(lines) if i not in drop)
            before += len(text)
            after += len(kept)
            open(dst, "w", encoding="utf-8", errors="surrogateescape").write(kept)
    print(f"{bodies} bodies replaced; Python text {before:,} -> {after:,} characters")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
