#!/usr/bin/env python3
"""An ActivityPub peer built on bovine (an independent Python implementation) that checks a
CivicHub node from the outside.

It validates the node's WebFinger, actor and NodeInfo documents with bovine's own client and
parsing code, then (unless --check-only) serves an actor of its own, sends the node a Follow
signed by bovine, and waits for the node's Accept, whose HTTP signature it verifies with
bovine's own verifier. One JSON line per check on stdout; exit 0 only if every check passed.
"""

import argparse
import asyncio
import json
import os
import sys
import tempfile

# bovine looks up acct: URIs over https and falls back to http only when this is set; the
# test node listens on plain-HTTP loopback.
os.environ.setdefault("BUTCHER_ALLOW_HTTP", "1")
# bovine keeps a JSON-LD context cache (a SQLite file) in the working directory: keep it out of
# the repository.
CONTEXTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "contexts")
os.chdir(tempfile.mkdtemp(prefix="bovine-peer-"))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from bovine.clients import lookup_uri_with_webfinger  # noqa: E402
from bovine.clients.nodeinfo import fetch_nodeinfo20  # noqa: E402
from bovine.clients.signed_http import legacy_digest_method_uppercase  # noqa: E402
from bovine.clients.signed_http_methods import signed_get, signed_post  # noqa: E402
from bovine.crypto import build_validate_http_signature_raw, generate_rsa_public_private_key  # noqa: E402
from bovine.crypto.types import CryptographicIdentifier, CryptographicSecret  # noqa: E402
from bovine.jsonld import jsonld_cache  # noqa: E402
from bovine.parse import Actor  # noqa: E402

# Without network bovine cannot load the security contexts real actors name; give it their
# published term definitions (Federation/interop/contexts) as the URLs would.
for url, name in [
    ("https://w3id.org/security/v1", "w3id-security-v1.json"),
    ("https://w3id.org/security/data-integrity/v1", "w3id-security-data-integrity-v1.json"),
    ("https://w3id.org/security/multikey/v1", "w3id-security-multikey-v1.json"),
    ("https://www.w3.org/ns/did/v1", "w3-did-v1.json"),
]:
    with open(os.path.join(CONTEXTS, name)) as file:
        jsonld_cache.cache[url] = json.load(file)["@context"]

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
AP_TYPE = "application/activity+json"


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(json.dumps({"check": name, "ok": bool(ok), "detail": str(detail)[:500]}), flush=True)
        return ok


async def fetch_actor(session, secret, url):
    """Fetches and parses an actor the way a bovine server does: signed GET, bovine's Actor."""
    response = await signed_get(session, secret, url, headers={"accept": AP_TYPE})
    async with response:
        content_type = response.headers.get("content-type", "")
        data = await response.json(content_type=None)
    return Actor(data, domain=aiohttp.helpers.URL(url).raw_authority), content_type


async def validate_documents(session, secret, report, node, handle):
    host = aiohttp.helpers.URL(node).raw_authority

    actor_url, _ = await lookup_uri_with_webfinger(session, handle, domain=node)
    report.check("webfinger.organization", actor_url is not None, actor_url)
    if actor_url is None:
        return None
    actor, content_type = await fetch_actor(session, secret, actor_url)
    report.check("actor.contentType", content_type.startswith(AP_TYPE), content_type)
    report.check("actor.id", actor.id == actor_url, actor.id)
    report.check("actor.webfingerRoundTrip", await actor.validate_acct_uri(session), actor.unvalidated_acct_uri)
    identifiers = actor.cryptographic_identifiers
    report.check("actor.keys", len(identifiers) == 2 and all(i.controller == actor.id for i in identifiers),
                 [i.id for i in identifiers])
    key_id = actor.data.get("publicKey", {}).get("id")
    report.check("actor.publicKeyPem", bool(actor.publicKeyPem(key_id)), key_id)
    report.check("actor.sharedInbox", actor.data.get("endpoints", {}).get("sharedInbox") == f"{node}/inbox")

    instance_url, _ = await lookup_uri_with_webfinger(session, f"acct:{host}@{host}", domain=node)
    instance, _ = await fetch_actor(session, secret, instance_url)
    report.check("instance.application", instance.data.get("type") == "Application", instance.data.get("type"))
    by_url, _ = await lookup_uri_with_webfinger(session, f"{node}/", domain=node)
    report.check("instance.fep-d556", by_url == instance_url, by_url)

    async with session.get(f"{node}/.well-known/nodeinfo") as response:
        links = (await response.json(content_type=None)).get("links", [])
    hrefs = {link.get("rel"): link.get("href") for link in links}
    report.check("nodeinfo.fep-2677", hrefs.get("https://www.w3.org/ns/activitystreams#Application") == instance_url)
    for version in ["2.0", "2.1"]:
        href = hrefs.get(f"http://nodeinfo.diaspora.software/ns/schema/{version}")
        info = await fetch_nodeinfo20(session, href) if href else None
        ok = bool(info) and info.get("version") == version and info.get("software", {}).get("name") == "civichub" \
            and "activitypub" in info.get("protocols", [])
        report.check(f"nodeinfo.{version}", ok, info)
    return actor


async def follow_and_wait(session, secret, report, actor, port, timeout):
    base = f"http://127.0.0.1:{port}"
    follow_id = f"{base}/activities/follow-1"
    accepted = asyncio.get_running_loop().create_future()

    async def key_retriever(key_id):
        fetched, _ = await fetch_actor(session, secret, key_id.split("#")[0])
        return CryptographicIdentifier.from_pem(fetched.publicKeyPem(key_id), fetched.id)

    validate = build_validate_http_signature_raw(key_retriever)

    async def inbox(request):
        body = await request.read()
        headers = {key.lower(): value for key, value in request.headers.items()}

        async def read_body():
            return body

        owner = await validate("post", f"{base}/inbox", headers, read_body)
        activity = json.loads(body)
        embedded = activity.get("object")
        object_id = embedded.get("id") if isinstance(embedded, dict) else embedded
        if activity.get("type") == "Accept" and object_id == follow_id and not accepted.done():
            accepted.set_result((owner, activity))
        return web.Response(status=202 if owner else 401)

    async def actor_document(request):
        return web.json_response(peer_actor, content_type=AP_TYPE)

    async def webfinger(request):
        return web.json_response({
            "subject": f"acct:bovinepeer@127.0.0.1:{port}",
            "links": [{"rel": "self", "type": AP_TYPE, "href": f"{base}/actor"}],
        })

    peer_actor = {
        "@context": [AS_CONTEXT, "https://w3id.org/security/v1"],
        "id": f"{base}/actor", "type": "Person", "preferredUsername": "bovinepeer",
        "inbox": f"{base}/inbox", "outbox": f"{base}/outbox",
        "publicKey": {"id": f"{base}/actor#main-key", "owner": f"{base}/actor", "publicKeyPem": secret_public_pem},
    }
    app = web.Application()
    app.router.add_get("/actor", actor_document)
    app.router.add_post("/inbox", inbox)
    app.router.add_get("/.well-known/webfinger", webfinger)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        follow = {"@context": AS_CONTEXT, "id": follow_id, "type": "Follow", "actor": f"{base}/actor", "object": actor.id}
        peer_secret = CryptographicSecret.from_pem(f"{base}/actor#main-key", secret_private_pem)
        response = await signed_post(session, peer_secret, actor.data["inbox"], json.dumps(follow), legacy_digest_method_uppercase)
        async with response:
            text = await response.text()
        report.check("follow.sent", response.status in (200, 201, 202), f"{response.status} {text}")
        try:
            owner, activity = await asyncio.wait_for(accepted, timeout)
            report.check("accept.received", True, activity.get("id"))
            report.check("accept.signatureVerifiedByBovine", owner == actor.id, owner)
        except asyncio.TimeoutError:
            report.check("accept.received", False, f"no Accept within {timeout} s")
    finally:
        await runner.cleanup()


secret_public_pem, secret_private_pem = generate_rsa_public_private_key()


async def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--node", required=True, help="base URL of the CivicHub node, e.g. http://127.0.0.1:8080")
    parser.add_argument("--handle", required=True, help="acct:NAME@HOST of an organisation on the node")
    parser.add_argument("--listen-port", type=int, default=0, help="port for this peer's own actor and inbox")
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--check-only", action="store_true", help="validate documents only; send no Follow")
    args = parser.parse_args()

    report = Report()
    # A key for signed GETs, as any bovine server would have for its fetches.
    fetch_secret = CryptographicSecret.from_pem("http://127.0.0.1/fetcher#main-key", secret_private_pem)
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            actor = await asyncio.wait_for(validate_documents(session, fetch_secret, report, args.node, args.handle), args.timeout)
            if actor is not None and not args.check_only:
                await follow_and_wait(session, fetch_secret, report, actor, args.listen_port, args.timeout)
    except Exception as error:  # any failure is a failed check, reported, never a hang
        report.check("peer.error", False, f"{type(error).__name__}: {error}")
    print(json.dumps({"check": "summary", "ok": report.failed == 0, "passed": report.passed, "failed": report.failed}), flush=True)
    return 0 if report.failed == 0 and report.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
